package zdimport

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
)

func byName(rec map[string]any) string  { return str(rec["name"]) }
func byTitle(rec map[string]any) string { return str(rec["title"]) }

func (im *Importer) importOrgs(ctx context.Context) error {
	spec := &recordSpec{kind: kindOrg, envelope: "organization", list: "/api/v2/organizations.json", listKey: "organizations",
		keyOf: byName, path: "/api/v2/organizations"}
	if err := im.loadKeys(ctx, spec); err != nil {
		return err
	}
	return im.eachSource(ctx, "/api/v2/organizations.json", "organizations", func(rec map[string]any) error {
		o := pick(rec, "name", "external_id", "details", "notes", "domain_names", "tags", "shared_tickets", "shared_comments",
			"organization_fields")
		o["group_id"] = im.ids.target(kindGroup, idOf(rec["group_id"])) // 0 (none) when not carried
		return im.syncRecord(ctx, spec, idOf(rec["id"]), str(rec["updated_at"]), o)
	})
}

// importUsers carries every user with create_or_update, which matches on email:
// a user whose id-map entry was lost is updated, not duplicated. A suspended
// agent stays an agent, suspended.
func (im *Importer) importUsers(ctx context.Context) error {
	work := make(chan map[string]any)
	var wg sync.WaitGroup
	errs := make(chan error, im.cfg.Concurrency)
	for range im.cfg.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for rec := range work {
				if err := im.syncUser(ctx, rec); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	err := im.eachSource(ctx, "/api/v2/users.json", "users", func(rec map[string]any) error {
		select {
		case work <- rec:
			return nil
		case err := <-errs:
			return err
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	close(work)
	wg.Wait()
	close(errs)
	if err != nil {
		return err
	}
	return <-errs // nil when no worker failed
}

func (im *Importer) syncUser(ctx context.Context, rec map[string]any) error {
	id, updated := idOf(rec["id"]), str(rec["updated_at"])
	if e, ok := im.ids.get(kindUser, id); ok && e.updated == updated {
		im.rep.unchanged(kindUser)
		return nil
	}
	role := str(rec["role"])
	if role != "end-user" && role != "agent" && role != "admin" {
		im.rep.skipped(kindUser, id, "role %q has no twindesk equivalent", role)
		return nil
	}
	u := pick(rec, "name", "email", "role", "suspended", "external_id", "details", "notes", "phone", "alias", "tags", "user_fields")
	if role != "end-user" {
		u["signature"] = rec["signature"] // an end user's is refused, and Zendesk shows none
	}
	u["skip_verify_email"] = true
	u["verified"] = true
	if org := im.ids.target(kindOrg, idOf(rec["organization_id"])); org != 0 {
		u["organization_id"] = org
	}
	email := str(rec["email"])
	path := "/api/v2/users/create_or_update.json"
	switch {
	case strings.EqualFold(email, im.targetEmail):
		// The importing admin: mapped, never demoted or suspended by the source.
		return im.mapSelf(ctx, id, updated)
	case email == "" && str(rec["external_id"]) == "":
		if e, ok := im.ids.get(kindUser, id); ok {
			path = fmt.Sprintf("/api/v2/users/%d.json", e.target)
			return im.putUser(ctx, path, id, updated, u)
		}
		path = "/api/v2/users.json" // nothing to match on: a lost entry means a second copy
	}
	var out struct {
		User map[string]any `json:"user"`
	}
	if err := im.dst.doJSON(ctx, http.MethodPost, path, map[string]any{"user": u}, &out); err != nil {
		return im.recordError(kindUser, id, err)
	}
	im.noteUser(id, idOf(out.User["id"]), updated)
	return im.ids.flushIfFull(ctx, im.dst)
}

func (im *Importer) putUser(ctx context.Context, path string, id int64, updated string, u map[string]any) error {
	var out struct {
		User map[string]any `json:"user"`
	}
	if err := im.dst.doJSON(ctx, http.MethodPut, path, map[string]any{"user": u}, &out); err != nil {
		return im.recordError(kindUser, id, err)
	}
	im.noteUser(id, idOf(out.User["id"]), updated)
	return nil
}

func (im *Importer) noteUser(src, target int64, updated string) {
	if _, known := im.ids.get(kindUser, src); known {
		im.rep.updated(kindUser)
	} else {
		im.rep.created(kindUser)
	}
	im.ids.set(kindUser, src, target, updated)
}

func (im *Importer) mapSelf(ctx context.Context, src int64, updated string) error {
	var me struct {
		User map[string]any `json:"user"`
	}
	if err := im.dst.getJSON(ctx, "/api/v2/users/me.json", &me); err != nil {
		return err
	}
	im.noteUser(src, idOf(me.User["id"]), updated)
	return nil
}

// ensureUser returns the target id of source user id, carrying the user first
// when the user list did not hold them (Zendesk leaves deleted users out of it,
// while their tickets still name them). 0 when they cannot be carried.
func (im *Importer) ensureUser(ctx context.Context, id int64) (int64, error) {
	if id == 0 {
		return 0, nil
	}
	if t := im.ids.target(kindUser, id); t != 0 {
		return t, nil
	}
	im.userMu.Lock()
	defer im.userMu.Unlock()
	if t := im.ids.target(kindUser, id); t != 0 {
		return t, nil
	}
	var out struct {
		User map[string]any `json:"user"`
	}
	if err := im.src.getJSON(ctx, fmt.Sprintf("/api/v2/users/%d.json", id), &out); err != nil {
		if st := statusOf(err); st == http.StatusNotFound {
			return 0, nil
		}
		return 0, err
	}
	if err := im.syncUser(ctx, out.User); err != nil {
		return 0, err
	}
	return im.ids.target(kindUser, id), nil
}

func (im *Importer) importGroups(ctx context.Context) error {
	spec := &recordSpec{kind: kindGroup, envelope: "group", list: "/api/v2/groups.json", listKey: "groups",
		keyOf: byName, path: "/api/v2/groups"}
	if err := im.loadKeys(ctx, spec); err != nil {
		return err
	}
	return im.eachSource(ctx, "/api/v2/groups.json", "groups", func(rec map[string]any) error {
		return im.syncRecord(ctx, spec, idOf(rec["id"]), str(rec["updated_at"]), pick(rec, "name", "description"))
	})
}

// importMemberships adds the source's agent-group memberships the target lacks.
// They carry no id-map entry: a membership is its (user, group) pair.
func (im *Importer) importMemberships(ctx context.Context) error {
	have := map[[2]int64]bool{}
	err := eachRecord(ctx, im.dst, "/api/v2/group_memberships.json", "group_memberships", func(rec map[string]any) error {
		have[[2]int64{idOf(rec["user_id"]), idOf(rec["group_id"])}] = true
		return nil
	})
	if err != nil {
		return err
	}
	return im.eachSource(ctx, "/api/v2/group_memberships.json", "group_memberships", func(rec map[string]any) error {
		user, group := im.ids.target(kindUser, idOf(rec["user_id"])), im.ids.target(kindGroup, idOf(rec["group_id"]))
		if user == 0 || group == 0 || have[[2]int64{user, group}] {
			return nil
		}
		m := map[string]any{"user_id": user, "group_id": group, "default": rec["default"]}
		if err := im.dst.doJSON(ctx, http.MethodPost, "/api/v2/group_memberships.json", map[string]any{"group_membership": m}, nil); err != nil {
			return im.recordError("group_membership", idOf(rec["id"]), err)
		}
		have[[2]int64{user, group}] = true
		im.rep.created("group_membership")
		return nil
	})
}
