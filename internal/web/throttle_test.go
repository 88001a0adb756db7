package web

import (
	"fmt"
	"testing"
	"time"
)

// guess is one wrong password as the login handler counts it: refused unseen when
// blocked, counted otherwise.
func guess(l *loginThrottle, email, addr string, now time.Time) {
	if !l.blocked(email, addr, now) {
		l.fail(email, addr, now)
	}
}

// TestThrottleSurvivesFloods: made-up emails, from one address or from many,
// must not unlock an email that is throttled, and the map stays bounded.
func TestThrottleSurvivesFloods(t *testing.T) {
	t.Parallel()
	now := time.Now()
	const victim, victimAddr = "ada@example.com", "198.51.100.7"
	for _, flood := range []struct {
		name string
		addr func(i int) string
	}{
		{"one address", func(int) string { return "203.0.113.9" }},
		{"an address each", func(i int) string { return fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255) }},
	} {
		t.Run(flood.name, func(t *testing.T) {
			t.Parallel()
			l := newLoginThrottle()
			for range maxLoginFailures {
				guess(l, victim, victimAddr, now)
			}
			for i := range maxThrottleKeys + 1 {
				guess(l, fmt.Sprintf("made-up-%d@example.com", i), flood.addr(i), now.Add(time.Millisecond))
			}
			if !l.blocked(victim, victimAddr, now.Add(time.Second)) {
				t.Fatal("10,001 made-up emails unlocked the throttled victim")
			}
			if len(l.fails) > maxThrottleKeys {
				t.Fatalf("%d keys, want at most %d", len(l.fails), maxThrottleKeys)
			}
			if l.blocked(victim, victimAddr, now.Add(loginFailWindow)) {
				t.Fatal("the victim is still blocked after the window")
			}
		})
	}
}

// TestThrottleOneAddressManyEmails: one address guessing across emails is cut off
// after maxAddressFailures, whichever emails it names.
func TestThrottleOneAddressManyEmails(t *testing.T) {
	t.Parallel()
	l, now := newLoginThrottle(), time.Now()
	for i := range maxAddressFailures {
		guess(l, fmt.Sprintf("user%d@example.com", i), "203.0.113.9", now)
	}
	if !l.blocked("someone-else@example.com", "203.0.113.9", now) {
		t.Fatal("an address that failed 100 times for 100 emails may guess a 101st")
	}
	if l.blocked("someone-else@example.com", "198.51.100.7", now) {
		t.Fatal("another address is blocked")
	}
	l.reset("user0@example.com", "203.0.113.9") // a successful login of the guesser's own account
	if !l.blocked("someone-else@example.com", "203.0.113.9", now) {
		t.Fatal("a successful login cleared the address's count")
	}
}

// TestThrottleFullOfBlockedKeys: when a flood from many addresses fills the map
// with blocking windows, new guessers share one budget of maxAddressFailures
// instead of guessing without limit, and the blocked victims stay blocked.
func TestThrottleFullOfBlockedKeys(t *testing.T) {
	t.Parallel()
	l, now := newLoginThrottle(), time.Now()
	for i := 0; len(l.fails) < maxThrottleKeys; i++ {
		if i > maxThrottleKeys {
			t.Fatalf("%d addresses of 11 blocking windows each did not fill the map: it drops blocking windows", i)
		}
		addr := fmt.Sprintf("10.0.%d.%d", i>>8&255, i&255)
		for e := range maxAddressFailures / maxLoginFailures {
			for range maxLoginFailures {
				guess(l, fmt.Sprintf("u%d@example.com", e), addr, now)
			}
		}
	}
	guesses := 0
	for i := range 10 * maxAddressFailures {
		email, addr := fmt.Sprintf("new%d@example.com", i), fmt.Sprintf("192.0.%d.%d", i>>8&255, i&255)
		if l.blocked(email, addr, now) {
			break
		}
		l.fail(email, addr, now)
		guesses++
	}
	if guesses > maxAddressFailures {
		t.Fatalf("with the map full of blocking windows, %d new guesses went through, want at most %d", guesses, maxAddressFailures)
	}
	if !l.blocked("u0@example.com", "10.0.0.0", now) {
		t.Fatal("a blocked window was dropped")
	}
	if l.blocked("new-guess@example.com", "192.0.2.2", now.Add(loginFailWindow)) {
		t.Fatal("the overflow still blocks after its window")
	}
}
