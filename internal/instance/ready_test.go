package instance_test

import (
	"io"
	"net/http"
	"testing"
)

// TestReadyz: a node whose database answers is ready; once its database is
// gone, /readyz says 503 so a load balancer stops sending it requests.
func TestReadyz(t *testing.T) {
	t.Parallel()
	n := newDeployment(t, sqliteBackend).open(false)
	get := func() (int, string) {
		resp, err := http.Get(n.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(raw)
	}
	if code, body := get(); code != http.StatusOK {
		t.Fatalf("/readyz with a database: %d %s", code, body)
	}
	if err := n.In.DB.Close(); err != nil {
		t.Fatal(err)
	}
	if code, body := get(); code != http.StatusServiceUnavailable {
		t.Fatalf("/readyz with the database closed: %d %s; want 503", code, body)
	}
}
