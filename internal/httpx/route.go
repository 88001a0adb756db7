package httpx

import (
	"net/http"
	"time"
)

// Finished is what an Observer hears of a request once it is answered. It holds
// the route pattern, never the path: a path carries ticket ids and search terms.
type Finished struct {
	// Route is the ServeMux pattern that matched, e.g. "GET /api/v2/tickets/{id}";
	// "unmatched" when none did.
	Route    string
	Status   int
	Duration time.Duration
	// Peer is set when the request was authenticated as the peer instance.
	Peer bool
}

// Observer hears of every finished request.
type Observer interface {
	ObserveRequest(Finished)
}

// routeInfo is filled in while a request is served, by handlers below the
// Middleware that know more than it does.
type routeInfo struct {
	pattern string
	peer    bool
}

// route is the most precise pattern known: the one a handler recorded, else the
// one the last ServeMux set on the request (a mux below that copies the request,
// as the API's ".json" trimming does, sets it on the copy, which only SetRoute
// brings back up).
func (i *routeInfo) route(r *http.Request) string {
	switch {
	case i.pattern != "":
		return i.pattern
	case r.Pattern != "":
		return r.Pattern
	}
	return "unmatched"
}

// SetRoute records the pattern that matched r (r.Pattern, a constant of the route
// table) as its route for metrics. Call it from the handler the innermost
// ServeMux dispatched to.
func SetRoute(r *http.Request) {
	if i, ok := r.Context().Value(routeKey).(*routeInfo); ok && r.Pattern != "" {
		i.pattern = r.Pattern
	}
}

// SetPeer marks r as made by the peer instance's identity, so its refusals are
// counted apart.
func SetPeer(r *http.Request) {
	if i, ok := r.Context().Value(routeKey).(*routeInfo); ok {
		i.peer = true
	}
}
