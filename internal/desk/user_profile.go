package desk

import (
	"context"
	"fmt"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// ProfileInput is what staff keep about a user beyond identity (issue 21):
// nil members are left alone. Tags replace the user's tags, as a ticket's
// tags on PUT; Fields are user_fields values by key ("" clears one).
type ProfileInput struct {
	Details   *string
	Notes     *string
	Phone     *string
	Alias     *string
	Signature *string
	Tags      *[]string
	Fields    map[string]string
}

// empty reports whether in changes nothing.
func (in ProfileInput) empty() bool {
	return in.Details == nil && in.Notes == nil && in.Phone == nil && in.Alias == nil && in.Signature == nil &&
		in.Tags == nil && len(in.Fields) == 0
}

// checkProfileActor keeps the profile staff's: an end user changing their own
// record may not write notes about themselves, nor their fields or tags.
func checkProfileActor(actor model.User, in ProfileInput) error {
	if in.empty() || actor.Role.IsStaff() {
		return nil
	}
	return fmt.Errorf("desk: only agents change a user's notes, details, phone, alias, signature, tags or fields: %w", model.ErrForbidden)
}

// apply copies the plain attributes onto u. A signature is an agent's: one
// given to an end user is refused, as it would never be shown.
func (in ProfileInput) apply(u *model.User, v *model.ValidationError) {
	for _, f := range []struct {
		dst *string
		src *string
	}{{&u.Profile.Details, in.Details}, {&u.Profile.Notes, in.Notes}, {&u.Profile.Phone, in.Phone},
		{&u.Profile.Alias, in.Alias}, {&u.Profile.Signature, in.Signature}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	if in.Signature != nil && *in.Signature != "" && !u.Role.IsStaff() {
		v.Add("signature", "InvalidValue", "Signature: only agents and admins have a signature")
	}
}

// saveProfileExtras writes in's tags and field values of the saved user u
// inside tx: a bad value is a 422 and, the transaction rolling back, leaves
// nothing written, the user row included.
func (s *Service) saveProfileExtras(ctx context.Context, tx *store.Tx, u *model.User, in ProfileInput) error {
	v := &model.ValidationError{}
	vals, err := checkEntityValues(ctx, tx, model.EntityUser, in.Fields, v)
	if err != nil {
		return err
	}
	var tags []string
	changed := false
	if in.Tags != nil {
		var terr error
		if tags, changed, terr = applyTagOp(u.Tags, TagsSet, *in.Tags); terr != nil {
			return terr
		}
	}
	if err := v.OrNil(); err != nil {
		return err
	}
	if changed {
		if err := tx.SetUserTags(ctx, u.ID, tags, u.UpdatedAt); err != nil {
			return err
		}
		u.Tags = tags
	}
	return tx.SetEntityValues(ctx, u.ID, vals)
}
