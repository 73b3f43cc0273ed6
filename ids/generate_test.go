package ids

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

// fixedClock returns a clock that always reads t.
func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

// seeded returns deterministic entropy, different for each seed.
func seeded(seed byte) io.Reader { return rand.NewChaCha8([32]byte{seed}) }

func TestGeneratorParts(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 27, 12, 0, 0, 123_456_789, time.UTC)
	g := NewGenerator(fixedClock(now), nil)
	id, err := New[Authflow](g, 123456789)
	if err != nil {
		t.Fatal(err)
	}
	if id.Timestamp() != uint64(now.UnixMilli()) || id.Partition() != 123456789 || !id.Time().Equal(now.Truncate(time.Millisecond)) {
		t.Errorf("New = %v: timestamp %d partition %d", id, id.Timestamp(), id.Partition())
	}
	if id.Randomness() == ([10]byte{}) {
		t.Errorf("New = %v: no randomness", id)
	}
	for _, part := range []uint32{MaxPartition + 1, 1 << 31, 1<<32 - 1} {
		if id, err := New[Pool](g, part); !errors.Is(err, ErrRange) || !id.IsZero() {
			t.Errorf("New(%d) = %v, %v; want the zero ID and ErrRange", part, id, err)
		}
	}
	if id, err := New[Pool](g, MaxPartition); err != nil || id.Partition() != MaxPartition {
		t.Errorf("New(MaxPartition) = %v, %v", id, err)
	}
}

// TestClockRange checks that all three functions refuse a clock outside
// what a PFID's 48-bit timestamp holds, and accept its two ends.
func TestClockRange(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		t    time.Time
		ok   bool
	}{
		{"Unix epoch", time.UnixMilli(0), true},
		{"last millisecond", time.UnixMilli(MaxTimestamp), true},
		{"last nanosecond", time.UnixMilli(MaxTimestamp).Add(time.Millisecond - 1), true},
		{"a nanosecond before 1970", time.Unix(0, -1), false},
		{"a second before 1970", time.Unix(-1, 0), false},
		{"zero time.Time", time.Time{}, false},
		{"one millisecond too late", time.UnixMilli(MaxTimestamp + 1), false},
		{"year 10890", time.Date(10890, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{"year 300 million", time.Date(300_000_000, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{"year -300 million", time.Date(-300_000_000, 1, 1, 0, 0, 0, 0, time.UTC), false},
	} {
		g := NewGenerator(fixedClock(tt.t), nil)
		a, errNew := New[Account](g, 1)
		b, errRelated := NewRelated[Session](g, MustParse[Authflow](example))
		c, errRoot := NewRoot[Account](g)
		for _, r := range []struct {
			fn  string
			id  PFID
			err error
		}{{"New", a.PFID(), errNew}, {"NewRelated", b.PFID(), errRelated}, {"NewRoot", c.PFID(), errRoot}} {
			switch {
			case tt.ok && (r.err != nil || r.id.Timestamp() != uint64(tt.t.UnixMilli())):
				t.Errorf("%s: %s = %v, %v; want timestamp %d", tt.name, r.fn, r.id, r.err, tt.t.UnixMilli())
			case !tt.ok && (!errors.Is(r.err, ErrRange) || !r.id.IsZero()):
				t.Errorf("%s: %s = %v, %v; want the zero ID and ErrRange", tt.name, r.fn, r.id, r.err)
			}
		}
	}
}

func TestMonotonicWithinMillisecond(t *testing.T) {
	t.Parallel()
	g := NewGenerator(fixedClock(time.UnixMilli(1234567890000)), nil)
	prev, _ := New[Device](g, 7)
	for i := 0; i < 10000; i++ {
		next, err := New[Device](g, 7)
		if err != nil {
			t.Fatal(err)
		}
		if next.Compare(prev) <= 0 || next.String() <= prev.String() || next.Timestamp() != prev.Timestamp() {
			t.Fatalf("ID %d: %v does not sort after %v in the same millisecond", i, next, prev)
		}
		prev = next
	}
}

func TestClockStepBackKeepsOrder(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	ms := int64(2_000_000)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return time.UnixMilli(ms) }
	g := NewGenerator(clock, nil)
	a, _ := New[Device](g, 1)
	mu.Lock()
	ms -= 1000 // NTP steps the clock back a second
	mu.Unlock()
	b, err := New[Device](g, 1)
	if err != nil || b.Compare(a) <= 0 || b.Timestamp() != a.Timestamp() {
		t.Errorf("after a clock step back, %v (%v) does not sort after %v in its millisecond", b, err, a)
	}
	mu.Lock()
	ms += 2000 // and forward again
	mu.Unlock()
	c, err := New[Device](g, 1)
	if err != nil || c.Timestamp() != 2_001_000 {
		t.Errorf("after the clock moved on: %v (%v), want timestamp 2001000", c, err)
	}
}

// overflowEntropy yields 10 bytes of 0xff, the largest possible randomness,
// then 0x01 forever.
type overflowEntropy struct{ n int }

func (r *overflowEntropy) Read(p []byte) (int, error) {
	for i := range p {
		if r.n < 10 {
			p[i] = 0xff
		} else {
			p[i] = 0x01
		}
		r.n++
	}
	return len(p), nil
}

func TestMonotonicOverflowMovesToNextMillisecond(t *testing.T) {
	t.Parallel()
	g := NewGenerator(fixedClock(time.UnixMilli(5000)), &overflowEntropy{})
	a, err := New[Pool](g, 3)
	if err != nil {
		t.Fatal(err)
	}
	if a.Randomness() != [10]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff} {
		t.Fatalf("first ID randomness = %x", a.Randomness())
	}
	b, err := New[Pool](g, 3)
	if err != nil {
		t.Fatal(err)
	}
	if b.Timestamp() != 5001 || b.Compare(a) <= 0 || b.Randomness() != [10]byte{1, 1, 1, 1, 1, 1, 1, 1, 1, 1} {
		t.Errorf("after overflow: %v (ts %d, randomness %x), want ts 5001, fresh randomness, sorting after %v",
			b, b.Timestamp(), b.Randomness(), a)
	}
	c, _ := New[Pool](g, 3)
	if c.Compare(b) <= 0 || c.Timestamp() != 5001 {
		t.Errorf("%v does not sort after %v in the borrowed millisecond", c, b)
	}
}

// At the last millisecond a PFID holds, running out of randomness leaves
// nowhere to go: an error, not a wrapped timestamp.
func TestMonotonicOverflowAtTheEndOfTime(t *testing.T) {
	t.Parallel()
	g := NewGenerator(fixedClock(time.UnixMilli(MaxTimestamp)), &overflowEntropy{})
	if _, err := New[Pool](g, 3); err != nil {
		t.Fatal(err)
	}
	if id, err := New[Pool](g, 3); !errors.Is(err, ErrRange) || !id.IsZero() {
		t.Errorf("overflow at the last millisecond = %v, %v; want ErrRange", id, err)
	}
}

// zeroEntropy yields zeros forever: the worst entropy there is. The
// Generator must still terminate and keep order.
type zeroEntropy struct{}

func (zeroEntropy) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestZeroEntropyKeepsOrder(t *testing.T) {
	t.Parallel()
	g := NewGenerator(fixedClock(time.UnixMilli(1)), zeroEntropy{})
	prev, err := New[Session](g, 0)
	if err != nil || prev.Randomness() != ([10]byte{}) {
		t.Fatalf("first ID = %v, %v", prev, err)
	}
	for i := range 100 {
		next, err := New[Session](g, 0)
		if err != nil || next.Compare(prev) <= 0 {
			t.Fatalf("ID %d = %v, %v; does not sort after %v", i, next, err, prev)
		}
		prev = next
	}
}

// failingEntropy fails with err once its good bytes are used up, and works
// again once refilled.
type failingEntropy struct {
	mu   sync.Mutex
	good int
	err  error
}

func (r *failingEntropy) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.good == 0 {
		return 0, r.err
	}
	n := min(len(p), r.good)
	for i := range n {
		p[i] = byte(i + 1)
	}
	r.good -= n
	return n, nil
}

func (r *failingEntropy) refill(n int) { r.mu.Lock(); r.good = n; r.mu.Unlock() }

func TestFailingEntropyReturnsError(t *testing.T) {
	t.Parallel()
	errBoom := errors.New("entropy pool on fire")
	flow := MustParse[Authflow](example)
	for _, tt := range []struct {
		name    string
		entropy func() io.Reader
		want    error
	}{
		{"failing reader", func() io.Reader { return &failingEntropy{err: errBoom} }, errBoom},
		{"empty reader", func() io.Reader { return bytes.NewReader(nil) }, io.EOF},
		{"reader that runs dry part-way", func() io.Reader { return bytes.NewReader([]byte{1, 2, 3}) }, io.ErrUnexpectedEOF},
	} {
		for fn, generate := range map[string]func(*Generator) (AccountID, error){
			"New":        func(g *Generator) (AccountID, error) { return New[Account](g, 1) },
			"NewRelated": func(g *Generator) (AccountID, error) { return NewRelated[Account](g, flow) },
			"NewRoot":    func(g *Generator) (AccountID, error) { return NewRoot[Account](g) },
		} {
			g := NewGenerator(fixedClock(time.UnixMilli(1)), tt.entropy())
			if id, err := generate(g); !errors.Is(err, tt.want) || !id.IsZero() {
				t.Errorf("%s: %s = %v, %v; want the zero ID and an error wrapping %v", tt.name, fn, id, err, tt.want)
			}
		}
	}
}

// A failure part-way leaves the Generator consistent: once the entropy
// works again, IDs keep their order.
func TestEntropyFailureThenRecovery(t *testing.T) {
	t.Parallel()
	errBoom := errors.New("boom")
	src := &failingEntropy{good: 10, err: errBoom}
	g := NewGenerator(fixedClock(time.UnixMilli(1)), src)
	a, err := New[Domain](g, 1)
	if err != nil {
		t.Fatal(err)
	}
	// The increment within the millisecond needs 4 more bytes: none.
	if _, err := New[Domain](g, 1); !errors.Is(err, errBoom) {
		t.Fatalf("second New error = %v, want one wrapping %v", err, errBoom)
	}
	src.refill(1 << 20)
	b, err := New[Domain](g, 1)
	if err != nil || b.Compare(a) <= 0 || b.Timestamp() != a.Timestamp() {
		t.Errorf("after recovery: %v, %v; want an ID after %v in its millisecond", b, err, a)
	}
}

func TestNewProcessWide(t *testing.T) {
	t.Parallel()
	flow, err := New[Authflow](nil, 42)
	if err != nil || flow.Partition() != 42 || flow.IsZero() {
		t.Fatalf("New[Authflow](nil, 42) = %v, %v", flow, err)
	}
	if d := time.Since(flow.Time()); d < -time.Second || d > time.Minute {
		t.Errorf("New: time %v is not now", flow.Time())
	}
	session, err := NewRelated[Session](nil, flow)
	if err != nil || session.Partition() != 42 || session.PFID() == flow.PFID() {
		t.Errorf("NewRelated = %v, %v; want partition 42 and a new ID", session, err)
	}
	if _, err := New[Pool](nil, MaxPartition+1); !errors.Is(err, ErrRange) {
		t.Errorf("New[Pool](nil, 2^30): %v", err)
	}

	// Root IDs spread over partitions.
	parts := map[uint32]bool{}
	for i := 0; i < 64; i++ {
		id, err := NewRoot[Account](nil)
		if err != nil {
			t.Fatal(err)
		}
		if id.Partition() > MaxPartition {
			t.Fatalf("NewRoot partition %d out of range", id.Partition())
		}
		parts[id.Partition()] = true
	}
	if len(parts) < 60 {
		t.Errorf("64 root IDs used only %d partitions", len(parts))
	}
}

// TestCustomGeneratorIsReproducible checks that a Generator with a fixed
// clock and seeded entropy makes the same typed IDs on every run, and that
// the three functions draw on it rather than on the process-wide one.
func TestCustomGeneratorIsReproducible(t *testing.T) {
	t.Parallel()
	run := func(seed byte) []string {
		g := NewGenerator(fixedClock(time.UnixMilli(1234567890000)), seeded(seed))
		root, err1 := NewRoot[Authflow](g)
		related, err2 := NewRelated[Session](g, root)
		plain, err3 := New[Device](g, 9)
		if err := errors.Join(err1, err2, err3); err != nil {
			t.Fatal(err)
		}
		if related.Partition() != root.Partition() || plain.Partition() != 9 {
			t.Errorf("partitions %d, %d, %d", root.Partition(), related.Partition(), plain.Partition())
		}
		return []string{root.String(), related.String(), plain.String()}
	}
	a, b, c := run(1), run(1), run(2)
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("ID %d differs between runs with one seed: %s, %s", i, a[i], b[i])
		}
		if a[i] == c[i] {
			t.Errorf("ID %d is the same for two seeds: %s", i, a[i])
		}
	}
}

func TestZeroGeneratorIsReady(t *testing.T) {
	t.Parallel()
	var g Generator
	a, err := New[Pool](&g, 5)
	if err != nil || a.Partition() != 5 || a.Randomness() == ([10]byte{}) {
		t.Fatalf("New with a zero Generator = %v, %v", a, err)
	}
	if d := time.Since(a.Time()); d < -time.Second || d > time.Minute {
		t.Errorf("zero Generator: time %v is not now", a.Time())
	}
}

func TestGenerateConcurrently(t *testing.T) {
	t.Parallel()
	for _, g := range []*Generator{nil, NewGenerator(fixedClock(time.UnixMilli(77)), seeded(3))} {
		const workers, each = 8, 500
		var wg sync.WaitGroup
		results := make([][]DeviceID, workers)
		for w := range workers {
			wg.Go(func() {
				for range each {
					id, err := New[Device](g, 9)
					if err != nil {
						t.Error(err)
						return
					}
					results[w] = append(results[w], id)
				}
			})
		}
		wg.Wait()
		seen := map[DeviceID]bool{}
		for _, ids := range results {
			for i, id := range ids {
				if seen[id] {
					t.Fatalf("duplicate ID %v", id)
				}
				seen[id] = true
				// Within one goroutine, IDs come out in creation order.
				if i > 0 && id.Compare(ids[i-1]) <= 0 {
					t.Fatalf("%v does not sort after %v from the same goroutine", id, ids[i-1])
				}
			}
		}
		if len(seen) != workers*each {
			t.Errorf("%d IDs, want %d", len(seen), workers*each)
		}
	}
}

func TestGenerateAllocatesNothing(t *testing.T) {
	g := NewGenerator(fixedClock(time.UnixMilli(1234567890000)), seeded(4))
	flow := MustParse[Authflow](example)
	for _, tt := range []struct {
		name string
		f    func()
	}{
		{"New(nil)", func() { _, _ = New[Authflow](nil, 1) }},
		{"NewRelated(nil)", func() { _, _ = NewRelated[Session](nil, flow) }},
		{"NewRoot(nil)", func() { _, _ = NewRoot[Account](nil) }},
		{"New(g)", func() { _, _ = New[Authflow](g, 1) }},
		{"NewRoot(g)", func() { _, _ = NewRoot[Account](g) }},
	} {
		if n := testing.AllocsPerRun(1000, tt.f); n != 0 {
			t.Errorf("%s allocates %v times per ID, want 0", tt.name, n)
		}
	}
}

var _ io.Reader = (*overflowEntropy)(nil)
