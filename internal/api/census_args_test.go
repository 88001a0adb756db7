package api_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// censusSeed holds the records the census's calls name: one of each resource to
// read and update, and a second ("victims") for the deletes.
type censusSeed struct {
	ids                                   map[string]int64
	victims                               map[string]int64
	webhook, victimHook, upload           string
	endUser, agent, comment, audit, spare int64
}

// seedCensus creates a record of every resource twindesk offers, with the
// go-zendesk client where it has the call.
func seedCensus(t *testing.T, env *apitest.Env) *censusSeed {
	t.Helper()
	ctx := context.Background()
	c := env.AdminClient()
	s := &censusSeed{ids: map[string]int64{}, victims: map[string]int64{}}
	s.agent, _ = env.CreateAgent(t, "Census Agent", "census-agent@example.com")
	s.endUser, _ = env.CreateEndUser(t, "Census User", "census-user@example.com")
	s.ids["user"] = s.endUser
	for _, key := range []string{"ids", "victims"} {
		into := s.ids
		if key == "victims" {
			into = s.victims
		}
		g, err := c.CreateGroup(ctx, zendesk.Group{Name: "Census " + key})
		require.NoError(t, err)
		into["group"] = g.ID
		o, err := c.CreateOrganization(ctx, zendesk.Organization{Name: "Census " + key, ExternalID: "census-" + key})
		require.NoError(t, err)
		into["organization"] = o.ID
		if key == "ids" { // before the tickets, so theirs is in the organization
			_, err = c.CreateOrganizationMembership(ctx, zendesk.OrganizationMembershipOptions{UserID: s.endUser, OrganizationID: o.ID})
			require.NoError(t, err)
		}
		f, err := c.CreateTicketField(ctx, zendesk.TicketField{Type: "text", Title: "Census " + key})
		require.NoError(t, err)
		into["field"] = f.ID
		fm, err := c.CreateTicketForm(ctx, zendesk.TicketForm{Name: "Census " + key})
		require.NoError(t, err)
		into["form"] = fm.ID
		mc, err := c.CreateMacro(ctx, censusMacro("Census "+key))
		require.NoError(t, err)
		into["macro"] = mc.ID
		tr, err := c.CreateTrigger(ctx, censusTrigger("Census "+key))
		require.NoError(t, err)
		into["trigger"] = tr.ID
		au, err := c.CreateAutomation(ctx, censusAutomation("Census "+key))
		require.NoError(t, err)
		into["automation"] = au.ID
		sla, err := c.CreateSLAPolicy(ctx, censusSLA("Census "+key))
		require.NoError(t, err)
		into["sla"] = sla.ID
		tg, err := c.CreateTarget(ctx, censusTarget("Census "+key))
		require.NoError(t, err)
		into["target"] = tg.ID
		wh, err := c.CreateWebhook(ctx, censusWebhook("Census "+key))
		require.NoError(t, err)
		if key == "ids" {
			s.webhook = wh.ID
		} else {
			s.victimHook = wh.ID
		}
		var view struct {
			View struct{ ID int64 } `json:"view"`
		}
		env.Do(t, "POST", "/api/v2/views.json", map[string]any{"view": map[string]any{"title": "Census " + key,
			"conditions": map[string]any{"all": []map[string]any{{"field": "status", "operator": "less_than", "value": "solved"}}}}}).Decode(t, &view)
		require.NotZero(t, view.View.ID)
		into["view"] = view.View.ID
		tk, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "Census printer " + key, Tags: []string{"census"},
			Requester: &zendesk.Requester{Name: "Census User", Email: "census-user@example.com"},
			Comment:   &zendesk.TicketComment{Body: "The census printer is jammed"}})
		require.NoError(t, err)
		into["ticket"] = tk.ID
	}
	_, err := c.Post(ctx, "/group_memberships.json", map[string]any{"group_membership": map[string]any{"user_id": s.agent, "group_id": s.ids["group"]}})
	require.NoError(t, err)
	for _, path := range []string{fmt.Sprintf("/users/%d/tags.json", s.endUser), fmt.Sprintf("/organizations/%d/tags.json", s.ids["organization"])} {
		_, err = c.Post(ctx, path, map[string]any{"tags": []string{"census"}})
		require.NoError(t, err)
	}
	_, err = c.CreateUserField(ctx, zendesk.UserField{Type: "text", Title: "Census seat", Key: "census_seat"})
	require.NoError(t, err)
	_, err = c.CreateOrganizationField(ctx, zendesk.OrganizationField{Type: "text", Title: "Census region", Key: "census_region"})
	require.NoError(t, err)
	spare, err := c.CreateTicket(ctx, zendesk.Ticket{Subject: "Census spare", Comment: &zendesk.TicketComment{Body: "For Delete"}})
	require.NoError(t, err)
	s.spare = spare.ID

	// An attachment on a public comment, and an upload left for DeleteUpload.
	w := c.UploadAttachment(ctx, "census.txt", "")
	_, _ = w.Write([]byte("census attachment"))
	up, err := w.Close()
	require.NoError(t, err)
	_, err = c.UpdateTicket(ctx, s.ids["ticket"], zendesk.Ticket{Comment: &zendesk.TicketComment{Body: "Photo of the jam", Uploads: []string{up.Token}}})
	require.NoError(t, err)
	comments, err := c.ListTicketComments(ctx, s.ids["ticket"], nil)
	require.NoError(t, err)
	require.Len(t, comments.TicketComments, 2)
	require.Len(t, comments.TicketComments[1].Attachments, 1)
	s.comment = comments.TicketComments[1].ID
	s.ids["attachment"] = comments.TicketComments[1].Attachments[0].ID
	w = c.UploadAttachment(ctx, "left.txt", "")
	_, _ = w.Write([]byte("left over"))
	left, err := w.Close()
	require.NoError(t, err)
	s.upload = left.Token
	audits, _, err := c.GetTicketAudits(ctx, s.ids["ticket"], zendesk.PageOptions{})
	require.NoError(t, err)
	s.audit = audits[0].ID
	return s
}

func censusMacro(title string) zendesk.Macro {
	return zendesk.Macro{Title: title, Active: true, Actions: []zendesk.MacroAction{{Field: "status", Value: "pending"}}}
}

func censusTrigger(title string) zendesk.Trigger {
	tr := zendesk.Trigger{Title: title, Active: true, Actions: []zendesk.TriggerAction{{Field: "current_tags", Value: "vip"}}}
	tr.Conditions.All = []zendesk.TriggerCondition{{Field: "update_type", Operator: "is", Value: "Create"}}
	return tr
}

func censusAutomation(title string) zendesk.Automation {
	return newAutomation(title, []zendesk.AutomationCondition{
		autoCond("status", "is", "pending"), autoCond("hours_since_pending", "greater_than", "48"),
		autoCond("current_tags", "not_includes", "nudged"),
	}, zendesk.AutomationAction{Field: "current_tags", Value: "nudged"})
}

func censusSLA(title string) zendesk.SLAPolicy {
	p := zendesk.SLAPolicy{Title: title, PolicyMetrics: []zendesk.SLAPolicyMetric{{Priority: "high", Metric: zendesk.FirstReplyTimeMetric, Target: 60}}}
	p.Filter.All = []zendesk.SLAPolicyFilter{{Field: "type", Operator: "is_not", Value: "task"}}
	return p
}

func censusTarget(title string) zendesk.Target {
	return zendesk.Target{Type: "http_target", Title: title, TargetURL: "https://example.com/hook", Method: "post", ContentType: "application/json"}
}

func censusWebhook(name string) *zendesk.Webhook {
	return &zendesk.Webhook{Name: name, Endpoint: "https://hooks.example/census", HTTPMethod: "POST", RequestFormat: "json",
		Status: "active", Subscriptions: []string{"conditional_ticket_events"}}
}

// censusKeys maps a method name to the resource whose id its int64 argument is;
// the first match wins, so longer names come first. A resource twindesk doesn't
// have gets id 1 (its calls answer 404).
var censusKeys = []struct{ part, key string }{
	{"TicketAudit", "ticket"}, {"TicketComment", "ticket"}, {"TicketField", "field"}, {"TicketForm", "form"},
	{"TicketsFromView", "view"}, {"TicketTags", "ticket"}, {"OrganizationField", ""}, {"Organization", "organization"},
	{"GroupMembership", "group"}, {"Group", "group"}, {"UserField", ""}, {"User", "user"}, {"Macro", "macro"},
	{"Trigger", "trigger"}, {"Automation", "automation"}, {"SLAPolic", "sla"}, {"Target", "target"}, {"View", "view"},
	{"Attachment", "attachment"}, {"Ticket", "ticket"},
}

func (s *censusSeed) idFor(method string) int64 {
	ids := s.ids
	if strings.HasPrefix(method, "Delete") {
		ids = s.victims
	}
	for _, k := range censusKeys {
		if strings.Contains(method, k.part) {
			if id, ok := ids[k.key]; ok {
				return id
			}
			break
		}
	}
	return 1
}

// censusOverrides gives the arguments (after ctx) of methods whose arguments
// can't be derived from their types.
var censusOverrides = map[string]func(s *censusSeed) []any{
	"AddOrganizationTags": func(s *censusSeed) []any { return []any{s.ids["organization"], []zendesk.Tag{"census_added"}} },
	"AddTicketTags":       func(s *censusSeed) []any { return []any{s.ids["ticket"], []zendesk.Tag{"census_added"}} },
	"AddUserTags":         func(s *censusSeed) []any { return []any{s.ids["user"], []zendesk.Tag{"census_added"}} },
	"CreateAutomation":    func(s *censusSeed) []any { return []any{censusAutomation("Census new")} },
	"CreateBrand":         func(s *censusSeed) []any { return []any{zendesk.Brand{Name: "Census", Subdomain: "census"}} },
	"CreateCustomObjectRecord": func(s *censusSeed) []any {
		return []any{zendesk.CustomObjectRecord{Name: "Census"}, "census_object"}
	},
	"CreateDynamicContentItem": func(s *censusSeed) []any {
		return []any{zendesk.DynamicContentItem{Name: "Census", DefaultLocaleID: 1, Variants: []zendesk.DynamicContentVariant{{Content: "Hi", LocaleID: 1, Default: true}}}}
	},
	"CreateGroup": func(s *censusSeed) []any { return []any{zendesk.Group{Name: "Census new"}} },
	"CreateMacro": func(s *censusSeed) []any { return []any{censusMacro("Census new")} },
	"CreateOrUpdateUser": func(s *censusSeed) []any {
		return []any{zendesk.User{Name: "Census Upsert", Email: "census-upsert@example.com"}}
	},
	"CreateOrganization": func(s *censusSeed) []any { return []any{zendesk.Organization{Name: "Census new"}} },
	"CreateOrganizationField": func(s *censusSeed) []any {
		return []any{zendesk.OrganizationField{Type: "text", Title: "Census", Key: "census"}}
	},
	"CreateOrganizationMembership": func(s *censusSeed) []any {
		return []any{zendesk.OrganizationMembershipOptions{UserID: s.agent, OrganizationID: s.ids["organization"]}}
	},
	"CreateSLAPolicy": func(s *censusSeed) []any { return []any{censusSLA("Census new")} },
	"CreateTarget":    func(s *censusSeed) []any { return []any{censusTarget("Census new")} },
	"CreateTicket": func(s *censusSeed) []any {
		return []any{zendesk.Ticket{Subject: "Census new", Comment: &zendesk.TicketComment{Body: "New"}}}
	},
	"CreateTicketComment": func(s *censusSeed) []any {
		return []any{s.ids["ticket"], zendesk.TicketComment{Body: "Census reply", Public: new(true)}}
	},
	"CreateTicketField": func(s *censusSeed) []any { return []any{zendesk.TicketField{Type: "text", Title: "Census new"}} },
	"CreateTicketForm":  func(s *censusSeed) []any { return []any{zendesk.TicketForm{Name: "Census new"}} },
	"CreateTrigger":     func(s *censusSeed) []any { return []any{censusTrigger("Census new")} },
	"CreateUser": func(s *censusSeed) []any {
		return []any{zendesk.User{Name: "Census New", Email: "census-new@example.com"}}
	},
	"CreateUserField": func(s *censusSeed) []any {
		return []any{zendesk.UserField{Type: "text", Title: "Census", Key: "census"}}
	},
	"CreateWebhook": func(s *censusSeed) []any { return []any{censusWebhook("Census new")} },
	"Delete":        func(s *censusSeed) []any { return []any{fmt.Sprintf("/tickets/%d.json", s.spare)} },
	"DeleteUpload":  func(s *censusSeed) []any { return []any{s.upload} },
	"DeleteWebhook": func(s *censusSeed) []any { return []any{s.victimHook} },
	"Get":           func(s *censusSeed) []any { return []any{"/tickets.json"} },
	"GetCountTicketsInViews": func(s *censusSeed) []any {
		return []any{[]string{fmt.Sprint(s.ids["view"])}}
	},
	"GetManyUsers": func(s *censusSeed) []any {
		return []any{&zendesk.GetManyUsersOptions{IDs: fmt.Sprintf("%d,%d", s.endUser, s.agent)}}
	},
	"GetMultipleTickets":          func(s *censusSeed) []any { return []any{[]int64{s.ids["ticket"], s.victims["ticket"]}} },
	"GetOrganizationByExternalID": func(s *censusSeed) []any { return []any{"census-ids"} },
	"GetTicketAudit":              func(s *censusSeed) []any { return []any{s.ids["ticket"], s.audit} },
	"GetWebhook":                  func(s *censusSeed) []any { return []any{s.webhook} },
	"GetWebhookSigningSecret":     func(s *censusSeed) []any { return []any{s.webhook} },
	"MakeCommentPrivate":          func(s *censusSeed) []any { return []any{s.ids["ticket"], s.comment} },
	"Post": func(s *censusSeed) []any {
		return []any{"/tickets.json", map[string]any{"ticket": map[string]any{"subject": "Posted", "comment": map[string]any{"body": "x"}}}}
	},
	"Put": func(s *censusSeed) []any {
		return []any{fmt.Sprintf("/tickets/%d.json", s.ids["ticket"]), map[string]any{"ticket": map[string]any{"priority": "low"}}}
	},
	"Search":      func(s *censusSeed) []any { return []any{&zendesk.SearchOptions{Query: "census"}} },
	"SearchCount": func(s *censusSeed) []any { return []any{&zendesk.CountOptions{Query: "census"}} },
	"SearchUsers": func(s *censusSeed) []any { return []any{&zendesk.SearchUsersOptions{Query: "census"}} },
	"SetDefaultOrganization": func(s *censusSeed) []any {
		return []any{zendesk.OrganizationMembershipOptions{UserID: s.endUser, OrganizationID: s.ids["organization"]}}
	},
	"UpdateAutomation": func(s *censusSeed) []any { return []any{s.ids["automation"], censusAutomation("Census renamed")} },
	"UpdateGroup":      func(s *censusSeed) []any { return []any{s.ids["group"], zendesk.Group{Name: "Census renamed"}} },
	"UpdateMacro":      func(s *censusSeed) []any { return []any{s.ids["macro"], censusMacro("Census renamed")} },
	"UpdateOrganization": func(s *censusSeed) []any {
		return []any{s.ids["organization"], zendesk.Organization{Name: "Census renamed"}}
	},
	"UpdateSLAPolicy": func(s *censusSeed) []any { return []any{s.ids["sla"], censusSLA("Census renamed")} },
	"UpdateTarget":    func(s *censusSeed) []any { return []any{s.ids["target"], censusTarget("Census renamed")} },
	"UpdateTicket":    func(s *censusSeed) []any { return []any{s.ids["ticket"], zendesk.Ticket{Priority: "high"}} },
	"UpdateTicketField": func(s *censusSeed) []any {
		return []any{s.ids["field"], zendesk.TicketField{Type: "text", Title: "Census renamed"}}
	},
	"UpdateTicketForm": func(s *censusSeed) []any { return []any{s.ids["form"], zendesk.TicketForm{Name: "Census renamed"}} },
	"UpdateTrigger":    func(s *censusSeed) []any { return []any{s.ids["trigger"], censusTrigger("Census renamed")} },
	"UpdateUser":       func(s *censusSeed) []any { return []any{s.ids["user"], zendesk.User{Name: "Census Renamed"}} },
	"UpdateWebhook":    func(s *censusSeed) []any { return []any{s.webhook, censusWebhook("Census renamed")} },
}

// censusArgs builds the arguments after ctx: an override, else from the types
// (an id of the method's resource, first pages of 2, a search for "census",
// zero options).
func censusArgs(s *censusSeed, m reflect.Method) []reflect.Value {
	ft := m.Type
	if o, ok := censusOverrides[m.Name]; ok {
		var out []reflect.Value
		for i, a := range o(s) {
			v := reflect.ValueOf(a)
			if want := ft.In(i + 1); v.Type() != want {
				v = v.Convert(want)
			}
			out = append(out, v)
		}
		return out
	}
	id := s.idFor(m.Name)
	common := zendesk.CommonOptions{Id: id}
	if strings.Contains(m.Name, "Search") {
		common.Query = "census"
	}
	var out []reflect.Value
	for i := 1; i < ft.NumIn(); i++ {
		switch in := ft.In(i); in {
		case reflect.TypeFor[int64]():
			out = append(out, reflect.ValueOf(id))
		case reflect.TypeFor[*zendesk.CBPOptions]():
			out = append(out, reflect.ValueOf(&zendesk.CBPOptions{CursorPagination: zendesk.CursorPagination{PageSize: 2}, CommonOptions: common}))
		case reflect.TypeFor[*zendesk.OBPOptions]():
			out = append(out, reflect.ValueOf(&zendesk.OBPOptions{PageOptions: zendesk.PageOptions{PerPage: 2, Page: 1}, CommonOptions: common}))
		case reflect.TypeFor[*zendesk.PaginationOptions]():
			out = append(out, reflect.ValueOf(&zendesk.PaginationOptions{CommonOptions: common, PageSize: 2, IsCBP: true}))
		case reflect.TypeFor[string]():
			out = append(out, reflect.ValueOf("census_object"))
		default:
			if in.Kind() == reflect.Pointer {
				out = append(out, reflect.New(in.Elem()))
			} else {
				out = append(out, reflect.Zero(in))
			}
		}
	}
	return out
}
