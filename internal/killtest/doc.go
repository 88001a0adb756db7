// Package killtest holds the kill test of issue 7: a standard and a secure
// `twindesk serve` run as real processes, one of them is SIGKILLed at random
// moments while tickets are escalated, and at the end every ticket must have been
// escalated exactly once. The package has no code of its own: see kill_test.go, and
// scripts/kill-test for the full-size run.
//
// Its tests run whole processes for minutes, so they build only with the
// processtests tag: `bash scripts/test` (the README's and CI's test command)
// sets it; a plain `go test ./...` leaves them out.
package killtest
