package api_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/nukosuke/go-zendesk/zendesk"
	"github.com/stretchr/testify/require"

	"github.com/twindesk/twindesk/internal/apitest"
)

// censusFloor is how many of go-zendesk's API methods work against twindesk
// today. A change that makes one of them stop working fails the census; raise the
// floor when a resource is added.
const censusFloor = 158

// censusResources are the interfaces zendesk.API embeds, so the census can report
// per resource.
var censusResources = []reflect.Type{
	reflect.TypeFor[zendesk.AppAPI](), reflect.TypeFor[zendesk.AttachmentAPI](), reflect.TypeFor[zendesk.AutomationAPI](),
	reflect.TypeFor[zendesk.BaseAPI](), reflect.TypeFor[zendesk.BrandAPI](), reflect.TypeFor[zendesk.CustomRoleAPI](),
	reflect.TypeFor[zendesk.DynamicContentAPI](), reflect.TypeFor[zendesk.GroupAPI](), reflect.TypeFor[zendesk.GroupMembershipAPI](),
	reflect.TypeFor[zendesk.LocaleAPI](), reflect.TypeFor[zendesk.MacroAPI](), reflect.TypeFor[zendesk.OrganizationAPI](),
	reflect.TypeFor[zendesk.OrganizationFieldAPI](), reflect.TypeFor[zendesk.OrganizationMembershipAPI](), reflect.TypeFor[zendesk.SearchAPI](),
	reflect.TypeFor[zendesk.SLAPolicyAPI](), reflect.TypeFor[zendesk.TagAPI](), reflect.TypeFor[zendesk.TargetAPI](),
	reflect.TypeFor[zendesk.TicketAuditAPI](), reflect.TypeFor[zendesk.TicketAPI](), reflect.TypeFor[zendesk.TicketCommentAPI](),
	reflect.TypeFor[zendesk.TicketFieldAPI](), reflect.TypeFor[zendesk.TicketFormAPI](), reflect.TypeFor[zendesk.TriggerAPI](),
	reflect.TypeFor[zendesk.UserAPI](), reflect.TypeFor[zendesk.UserFieldAPI](), reflect.TypeFor[zendesk.ViewAPI](),
	reflect.TypeFor[zendesk.WebhookAPI](), reflect.TypeFor[zendesk.CustomObjectAPI](),
}

// censusClientBugs are the methods that can't work against Zendesk either: the
// report says why next to their answer.
var censusClientBugs = map[string]string{
	"GetAutomationsOBP":      "the client asks /automation.json, not /automations.json",
	"GetAutomationsCBP":      "the client asks /automation.json, not /automations.json",
	"GetAutomationsIterator": "the client asks /automation.json, not /automations.json",
	"GetSearchOBP":           "the client decodes each result as a whole result list",
	"GetSearchCBP":           "Zendesk's /search pages by offset only (cursor pages are /search/export)",
	"GetSearchIterator":      "Zendesk's /search pages by offset only (cursor pages are /search/export)",
	"CreateTicketComment":    "the client decodes the {ticket, audit} answer as a comment",
}

// censusResult is what one method did.
type censusResult struct {
	method, resource, outcome string
	ok                        bool
}

// TestClientCensus calls every method of go-zendesk v0.18.0's zendesk.API against
// a seeded instance over real HTTP, as an integration would, and counts the ones
// that work: no error and, where the method returns something, a decoded
// non-empty value. Methods of resources twindesk doesn't offer fail (404). The
// list is logged; TWINDESK_CENSUS_OUT=file writes it as a Markdown table.
func TestClientCensus(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.SQLite)
	ctx := context.Background()
	s := seedCensus(t, env)
	api := reflect.TypeFor[zendesk.API]()
	require.Equal(t, 184, api.NumMethod(), "go-zendesk's API changed: update the census tables")

	methods := make([]reflect.Method, api.NumMethod())
	for i := range methods {
		methods[i] = api.Method(i)
	}
	// Reads first, then writes, updates and deletes, so a delete can't take away
	// what a later read needs.
	slices.SortStableFunc(methods, func(a, b reflect.Method) int { return censusPhase(a.Name) - censusPhase(b.Name) })
	client := reflect.ValueOf(env.AdminClient())
	var results []censusResult
	working := 0
	for _, m := range methods {
		r := censusCall(ctx, client.MethodByName(m.Name), m, s)
		r.resource = censusResource(m.Name)
		if r.ok {
			working++
		}
		results = append(results, r)
	}
	report := censusReport(results, working)
	t.Log("\n" + report)
	if out := os.Getenv("TWINDESK_CENSUS_OUT"); out != "" {
		require.NoError(t, os.WriteFile(out, []byte(report), 0o644))
	}
	require.GreaterOrEqual(t, working, censusFloor, "fewer go-zendesk methods work than before: see the list above")
}

func censusPhase(name string) int {
	switch {
	case strings.HasPrefix(name, "Delete"):
		return 3
	case strings.HasPrefix(name, "Update"):
		return 2
	case strings.HasPrefix(name, "Get"), strings.HasPrefix(name, "List"), strings.HasPrefix(name, "Search"),
		strings.HasPrefix(name, "Show"), strings.HasPrefix(name, "Autocomplete"):
		return 0
	}
	return 1
}

func censusResource(method string) string {
	for _, r := range censusResources {
		if _, ok := r.MethodByName(method); ok {
			return strings.TrimSuffix(r.Name(), "API")
		}
	}
	return "?"
}

// censusCall calls one method and judges its answer.
func censusCall(ctx context.Context, fn reflect.Value, m reflect.Method, s *censusSeed) (res censusResult) {
	res.method = m.Name
	defer func() {
		if p := recover(); p != nil {
			res.ok, res.outcome = false, fmt.Sprintf("panic: %v", p)
		}
	}()
	if m.Name == "UploadAttachment" {
		w := fn.Call([]reflect.Value{reflect.ValueOf(ctx), reflect.ValueOf("census.txt"), reflect.ValueOf("")})[0].Interface().(zendesk.UploadWriter)
		_, _ = w.Write([]byte("census"))
		up, err := w.Close()
		return judge(res, reflect.ValueOf(up), err)
	}
	args := []reflect.Value{reflect.ValueOf(ctx)}
	args = append(args, censusArgs(s, m)...)
	out := fn.Call(args)
	var err error
	if last := out[len(out)-1]; last.Type() == reflect.TypeFor[error]() {
		err, _ = last.Interface().(error)
		out = out[:len(out)-1]
	}
	if len(out) == 0 {
		return judge(res, reflect.Value{}, err)
	}
	first := out[0]
	if first.Kind() == reflect.Pointer && strings.HasPrefix(first.Type().Elem().Name(), "Iterator[") {
		next := first.MethodByName("GetNext").Call(nil)
		err, _ = next[1].Interface().(error)
		first = next[0]
	}
	return judge(res, first, err)
}

// judge says whether a call worked: no error and, when it answers a value, a
// non-empty one (a list with an item, an object with fields set).
func judge(res censusResult, v reflect.Value, err error) censusResult {
	var ze zendesk.Error
	switch {
	case errors.As(err, &ze):
		res.outcome = fmt.Sprintf("%d", ze.Status())
		return res
	case err != nil:
		res.outcome = "error: " + strings.SplitN(err.Error(), "\n", 2)[0]
		return res
	case !v.IsValid():
		res.ok, res.outcome = true, "ok"
		return res
	}
	for v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	empty := v.IsZero()
	if v.Kind() == reflect.Slice {
		empty = v.Len() == 0
	}
	if empty {
		res.outcome = "empty answer"
		return res
	}
	res.ok, res.outcome = true, "ok"
	return res
}

// censusReport is the Markdown list: a count per resource, then each failure.
func censusReport(results []censusResult, working int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "go-zendesk v0.18.0: %d of %d zendesk.API methods work\n\n", working, len(results))
	b.WriteString("| resource | working | methods | failing (answer) |\n|---|---|---|---|\n")
	byRes := map[string][]censusResult{}
	var names []string
	for _, r := range results {
		if _, ok := byRes[r.resource]; !ok {
			names = append(names, r.resource)
		}
		byRes[r.resource] = append(byRes[r.resource], r)
	}
	slices.Sort(names)
	for _, n := range names {
		ok := 0
		var failing []string
		for _, r := range byRes[n] {
			if r.ok {
				ok++
			} else if why, ok := censusClientBugs[r.method]; ok {
				failing = append(failing, fmt.Sprintf("%s (%s: %s)", r.method, r.outcome, why))
			} else {
				failing = append(failing, fmt.Sprintf("%s (%s)", r.method, r.outcome))
			}
		}
		slices.Sort(failing)
		fmt.Fprintf(&b, "| %s | %d | %d | %s |\n", n, ok, len(byRes[n]), strings.Join(failing, ", "))
	}
	return b.String()
}
