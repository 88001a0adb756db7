// Package scaleout holds the scale-out test of issue 8: two `twindesk serve`
// processes share one PostgreSQL database and its River queue, tickets are created
// on both, and every webhook a trigger sends must reach the receiver once, also
// when one node is SIGKILLed while deliveries it claimed are in flight. The package
// has no code of its own: see scaleout_test.go. The kill phase waits about a
// minute for River's rescue of the killed node's jobs; -short skips it.
//
// Its tests run whole processes for minutes, so they build only with the
// processtests tag: `bash scripts/test` (the README's and CI's test command)
// sets it; a plain `go test ./...` leaves them out.
package scaleout
