package desk

import (
	"context"
	"errors"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// orgExtras are the writes of an organization save that go beyond its row:
// tags and field values, checked before anything is written.
type orgExtras struct {
	tags        []string
	tagsChanged bool
	values      map[int64]string
}

// checkExtras applies the group and sharing flags of in to o and validates
// tags, group and field values, adding problems to v.
func (in *OrgInput) checkExtras(ctx context.Context, tx *store.Tx, o *model.Organization, v *model.ValidationError) (orgExtras, error) {
	var x orgExtras
	if in.GroupID != nil {
		if *in.GroupID != 0 {
			if _, err := tx.Group(ctx, *in.GroupID); isNotFound(err) {
				v.Add("group_id", "InvalidValue", "Group: %d does not exist", *in.GroupID)
			} else if err != nil {
				return x, err
			}
		}
		o.GroupID = *in.GroupID
	}
	set(&o.SharedTickets, in.SharedTickets)
	set(&o.SharedComments, in.SharedComments)
	if in.Tags != nil {
		tags, changed, err := applyTagOp(o.Tags, TagsSet, *in.Tags)
		var ve *model.ValidationError
		if errors.As(err, &ve) {
			v.Errors = append(v.Errors, ve.Errors...)
		} else if err != nil {
			return x, err
		}
		x.tags, x.tagsChanged = tags, changed
	}
	var err error
	x.values, err = checkEntityValues(ctx, tx, model.EntityOrganization, in.Fields, v)
	return x, err
}

// save writes the extras of the saved organization o.
func (x orgExtras) save(ctx context.Context, tx *store.Tx, o *model.Organization) error {
	if x.tagsChanged {
		if err := tx.SetOrganizationTags(ctx, o.ID, x.tags, o.UpdatedAt); err != nil {
			return err
		}
		o.Tags = x.tags
	}
	return tx.SetEntityValues(ctx, o.ID, x.values)
}
