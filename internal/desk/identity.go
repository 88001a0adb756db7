package desk

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// settingAccent is the instance_settings row of the accent colour.
const settingAccent = "accent_colour"

var accentRe = regexp.MustCompile(`^#[0-9a-f]{6}$`)

// AccentColour returns the instance's accent colour (#rrggbb), "" when the
// admin set none. The pages read it on every render, the login page too, so
// it needs no actor; it is not confidential.
func (s *Service) AccentColour(ctx context.Context) (string, error) {
	return s.db.Read().Setting(ctx, settingAccent)
}

// SetAccentColour stores the accent colour, #rrggbb, or clears it with "".
// Admins only.
func (s *Service) SetAccentColour(ctx context.Context, actor model.User, colour string) error {
	if actor.Role != model.RoleAdmin {
		return fmt.Errorf("desk: accent colour: %w", model.ErrForbidden)
	}
	colour = strings.ToLower(strings.TrimSpace(colour))
	if colour != "" && !accentRe.MatchString(colour) {
		return model.Invalid("accent_colour", "InvalidValue", "Accent colour: %q is not a colour like #2f6f4e", colour)
	}
	return s.db.WriteTx(ctx, func(tx *store.Tx) error {
		return tx.SetSetting(ctx, settingAccent, colour, s.clock())
	})
}
