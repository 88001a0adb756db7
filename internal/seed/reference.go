package seed

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/twindesk/twindesk/internal/model"
	"github.com/twindesk/twindesk/internal/store"
)

// reference is what tickets point at: groups, agents, fields and requesters.
type reference struct {
	groups     []int64
	members    [][]int64 // agent ids per entry of groups
	agents     []int64
	product    model.TicketField
	region     model.TicketField
	vip        model.TicketField
	order      model.TicketField
	requesters []int64
}

// Titles of the custom fields the seeder adds (once; later runs reuse them).
const (
	FieldProduct = "Product"
	FieldRegion  = "Region"
	FieldVIP     = "VIP customer"
	FieldOrder   = "Order number"
)

// ensureReference creates what is missing of the groups, agents, memberships and
// fields, in one transaction, reusing what an earlier run made.
func ensureReference(ctx context.Context, db *store.DB, cfg *Config) (*reference, error) {
	ref := &reference{}
	err := db.WriteTx(ctx, func(tx *store.Tx) error {
		if err := ref.ensureGroups(ctx, tx, cfg); err != nil {
			return err
		}
		if err := ref.ensureAgents(ctx, tx, cfg); err != nil {
			return err
		}
		return ref.ensureFields(ctx, tx, cfg)
	})
	if err != nil {
		return nil, fmt.Errorf("seed: reference data: %w", err)
	}
	return ref, nil
}

func (r *reference) ensureGroups(ctx context.Context, tx *store.Tx, cfg *Config) error {
	for _, name := range groupNames[:cfg.Groups] {
		g, err := tx.GroupByName(ctx, name)
		if errors.Is(err, model.ErrNotFound) {
			g.ID, err = tx.CreateGroup(ctx, model.Group{Name: name, Description: "Seeded group", CreatedAt: cfg.Now, UpdatedAt: cfg.Now})
		}
		if err != nil {
			return err
		}
		r.groups = append(r.groups, g.ID)
	}
	r.members = make([][]int64, len(r.groups))
	return nil
}

// ensureAgents makes agent i a default member of group i mod G, and every third
// agent a member of the next group too.
func (r *reference) ensureAgents(ctx context.Context, tx *store.Tx, cfg *Config) error {
	for i := range cfg.Agents {
		email := fmt.Sprintf("agent%d@support.seed.example", i+1)
		u, err := tx.UserByEmail(ctx, email)
		if errors.Is(err, model.ErrNotFound) {
			name := firstNames[i%len(firstNames)] + " " + lastNames[(i/len(firstNames)+i)%len(lastNames)]
			u = model.User{Name: name, Email: email, Role: model.RoleAgent, Active: true, CreatedAt: cfg.Now, UpdatedAt: cfg.Now}
			u.ID, err = tx.CreateUser(ctx, u)
		}
		if err != nil {
			return err
		}
		r.agents = append(r.agents, u.ID)
		gs := []int{i % len(r.groups)}
		if i%3 == 0 && len(r.groups) > 1 {
			gs = append(gs, (i+1)%len(r.groups))
		}
		for k, gi := range gs {
			if err := ensureMember(ctx, tx, u.ID, r.groups[gi], k == 0, cfg); err != nil {
				return err
			}
			r.members[gi] = append(r.members[gi], u.ID)
		}
	}
	return nil
}

func ensureMember(ctx context.Context, tx *store.Tx, user, group int64, dflt bool, cfg *Config) error {
	ok, err := tx.IsMember(ctx, user, group)
	if err != nil || ok {
		return err
	}
	_, err = tx.CreateMembership(ctx, model.GroupMembership{UserID: user, GroupID: group, Default: dflt, CreatedAt: cfg.Now, UpdatedAt: cfg.Now})
	return err
}

func (r *reference) ensureFields(ctx context.Context, tx *store.Tx, cfg *Config) error {
	existing, err := tx.ListFields(ctx)
	if err != nil {
		return err
	}
	productTags := make([]string, len(products))
	for i, p := range products {
		productTags[i] = "product_" + strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(p))
	}
	specs := []struct {
		dst  *model.TicketField
		want model.TicketField
		opts []string
	}{
		{&r.product, model.TicketField{Type: model.FieldTagger, Title: FieldProduct}, productTags},
		{&r.region, model.TicketField{Type: model.FieldTagger, Title: FieldRegion}, regions},
		{&r.vip, model.TicketField{Type: model.FieldCheckbox, Title: FieldVIP, Tag: "vip"}, nil},
		{&r.order, model.TicketField{Type: model.FieldText, Title: FieldOrder}, nil},
	}
	created := false
	for _, s := range specs {
		if f, ok := findField(existing, s.want); ok {
			*s.dst = f
			continue
		}
		if *s.dst, err = createField(ctx, tx, s.want, s.opts, cfg); err != nil {
			return err
		}
		created = true
	}
	if created {
		return tx.BumpRulesVersion(ctx) // nodes reload their cached fields
	}
	return nil
}

func findField(all []model.TicketField, want model.TicketField) (model.TicketField, bool) {
	for _, f := range all {
		if f.Title == want.Title && f.Type == want.Type {
			return f, true
		}
	}
	return model.TicketField{}, false
}

// createField inserts f, then gives its dropdown options ids from the shared
// option sequence, as the admin API does.
func createField(ctx context.Context, tx *store.Tx, f model.TicketField, opts []string, cfg *Config) (model.TicketField, error) {
	f.Active, f.CreatedAt, f.UpdatedAt = true, cfg.Now, cfg.Now
	var err error
	if f.ID, err = tx.SaveField(ctx, &f); err != nil || len(opts) == 0 {
		return f, err
	}
	for _, tag := range opts {
		id, err := tx.NewOptionID(ctx, f.ID)
		if err != nil {
			return f, err
		}
		name := strings.ReplaceAll(strings.TrimPrefix(tag, "product_"), "_", " ")
		f.Options = append(f.Options, model.FieldOption{ID: id, Name: strings.ToUpper(name[:1]) + name[1:], Value: tag})
	}
	_, err = tx.SaveField(ctx, &f)
	return f, err
}

// requesterChunk is the number of end users inserted per transaction.
const requesterChunk = 10_000

// addRequesters inserts cfg.Requesters end users. Their emails continue the
// numbering of earlier runs, so a second run adds new people.
func addRequesters(ctx context.Context, db *store.DB, cfg *Config, ref *reference) error {
	offset, err := db.Read().CountUsers(ctx, model.RoleEndUser)
	if err != nil {
		return fmt.Errorf("seed: count users: %w", err)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x5eed))
	for done := 0; done < cfg.Requesters; done += requesterChunk {
		n := min(requesterChunk, cfg.Requesters-done)
		users := make([]model.User, n)
		for i := range users {
			k := int(offset) + done + i + 1
			first, last := pick(rng, firstNames), pick(rng, lastNames)
			at := cfg.Now.Add(-cfg.Span - time.Duration(rng.Int64N(int64(cfg.Span/4)))).Truncate(time.Microsecond)
			users[i] = model.User{Name: first + " " + last, Role: model.RoleEndUser, Active: true, CreatedAt: at, UpdatedAt: at,
				Email: fmt.Sprintf("%s.%s.%d@customers.seed.example", asciiName(first), asciiName(last), k)}
		}
		if err := db.WriteTx(ctx, func(tx *store.Tx) error { return tx.BulkInsertUsers(ctx, users) }); err != nil {
			return fmt.Errorf("seed: requesters: %w", err)
		}
		for _, u := range users {
			ref.requesters = append(ref.requesters, u.ID)
		}
	}
	return nil
}

// asciiName turns a name into an email-safe lower-case word.
func asciiName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// pick returns a random element of list.
func pick[T any](rng *rand.Rand, list []T) T { return list[rng.IntN(len(list))] }
