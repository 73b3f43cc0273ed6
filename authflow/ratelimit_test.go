package authflow

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestRateLimitAccounting drives a rateLimit with a clock of its own: at
// most limit events pass in each second, the first limit of each second
// pass, each event let through reports exactly how many were held back
// since the previous one that passed, and nothing is lost: passed +
// reported + still pending = events.
func TestRateLimitAccounting(t *testing.T) {
	t.Parallel()
	const limit = 3
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Unix(1_700_000_000, 0)
	var (
		events, passed, reported int
		held                     int // held back since the last that passed, as the test counts
		perSecond                = map[int64]int{}
		now                      = base
	)
	l := rateLimit{limit: limit, now: func() time.Time { return now }}
	for range 5000 {
		// Bursts and lulls: most events are a few milliseconds apart, some
		// seconds apart, so that some seconds see many and some none.
		if rng.IntN(50) == 0 {
			now = now.Add(time.Duration(rng.IntN(3000)) * time.Millisecond)
		} else {
			now = now.Add(time.Duration(rng.IntN(40)) * time.Millisecond)
		}
		events++
		sec := now.Unix()
		ok, suppressed := l.allow()
		wantOK := perSecond[sec] < limit
		if ok != wantOK {
			t.Fatalf("event %d at %v: allowed %v after %d this second, want %v", events, now, ok, perSecond[sec], wantOK)
		}
		if !ok {
			if suppressed != 0 {
				t.Fatalf("event %d: held back, but reports %d suppressed", events, suppressed)
			}
			held++
			continue
		}
		perSecond[sec]++
		passed++
		if suppressed != held {
			t.Fatalf("event %d: reports %d suppressed, want %d", events, suppressed, held)
		}
		reported += suppressed
		held = 0
	}
	if passed+reported+l.suppressed != events {
		t.Errorf("passed %d + reported %d + pending %d != %d events", passed, reported, l.suppressed, events)
	}
	if reported == 0 || passed == events {
		t.Errorf("the test never held an event back (passed %d of %d): it checks nothing", passed, events)
	}
}

// TestRateLimitClockBackwards checks that a clock that steps back (the
// wall clock, set by NTP) starts a new count rather than holding events
// back for good.
func TestRateLimitClockBackwards(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	l := rateLimit{limit: 1, now: func() time.Time { return now }}
	if ok, _ := l.allow(); !ok {
		t.Fatal("first event held back")
	}
	if ok, _ := l.allow(); ok {
		t.Fatal("second event in the same second let through")
	}
	now = now.Add(-time.Hour)
	if ok, suppressed := l.allow(); !ok || suppressed != 1 {
		t.Errorf("after the clock stepped back: allowed %v, suppressed %d; want true, 1", ok, suppressed)
	}
}
