package liquid

import "testing"

// The module's go.sum lacks testify's own dependencies (go.yaml.in/yaml/v3,
// go-spew, go-difflib), so these tests use two small stdlib helpers instead of
// testify's require.

// mustEqual stops the test when got differs from want.
func mustEqual[T comparable](t testing.TB, want, got T, context ...any) {
	t.Helper()
	if want != got {
		t.Fatalf("%v\nwant: %#v\n got: %#v", context, want, got)
	}
}

// mustNoError stops the test on err.
func mustNoError(t testing.TB, err error, context ...any) {
	t.Helper()
	if err != nil {
		t.Fatalf("%v: unexpected error: %v", context, err)
	}
}
