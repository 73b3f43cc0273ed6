package ids

import (
	"bytes"
	"errors"
	"io"
	"sync"
	"testing"
	"time"
)

// fixedClock returns a clock that always reads t.
func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

func TestGeneratorParts(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 27, 12, 0, 0, 123_456_789, time.UTC)
	g := NewGenerator(fixedClock(now), nil)
	p, err := g.New(123456789)
	if err != nil {
		t.Fatal(err)
	}
	if p.Timestamp() != uint64(now.UnixMilli()) || p.Partition() != 123456789 {
		t.Errorf("New = %v: timestamp %d partition %d", p, p.Timestamp(), p.Partition())
	}
	if p.Randomness() == ([10]byte{}) {
		t.Errorf("New = %v: no randomness", p)
	}
	if _, err := g.New(MaxPartition + 1); !errors.Is(err, ErrRange) {
		t.Errorf("New(2^30) error = %v, want ErrRange", err)
	}
	if _, err := NewGenerator(fixedClock(time.Unix(-1, 0)), nil).New(0); !errors.Is(err, ErrRange) {
		t.Errorf("clock before 1970: %v, want ErrRange", err)
	}
}

func TestMonotonicWithinMillisecond(t *testing.T) {
	t.Parallel()
	g := NewGenerator(fixedClock(time.UnixMilli(1234567890000)), nil)
	prev, _ := g.New(7)
	for i := 0; i < 10000; i++ {
		next, err := g.New(7)
		if err != nil {
			t.Fatal(err)
		}
		if next.Compare(prev) <= 0 || next.String() <= prev.String() {
			t.Fatalf("ID %d: %v does not sort after %v", i, next, prev)
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
	a, _ := g.New(1)
	mu.Lock()
	ms -= 1000 // NTP steps the clock back a second
	mu.Unlock()
	b, _ := g.New(1)
	if b.Compare(a) <= 0 {
		t.Errorf("after a clock step back, %v sorts before %v", b, a)
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
	a, err := g.New(3)
	if err != nil {
		t.Fatal(err)
	}
	if a.Randomness() != [10]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff} {
		t.Fatalf("first ID randomness = %x", a.Randomness())
	}
	b, err := g.New(3)
	if err != nil {
		t.Fatal(err)
	}
	if b.Timestamp() != 5001 || b.Compare(a) <= 0 {
		t.Errorf("after overflow: %v (ts %d), want ts 5001 sorting after %v", b, b.Timestamp(), a)
	}
	c, _ := g.New(3)
	if c.Compare(b) <= 0 {
		t.Errorf("%v does not sort after %v", c, b)
	}
}

func TestFailingEntropyPanics(t *testing.T) {
	t.Parallel()
	g := NewGenerator(nil, bytes.NewReader(nil))
	defer func() {
		if r := recover(); r == nil {
			t.Error("no panic from a dry entropy source")
		}
	}()
	_, _ = g.New(0)
}

func TestNewKinds(t *testing.T) {
	t.Parallel()
	flow, err := New[Authflow](42)
	if err != nil || flow.Partition() != 42 || flow.IsZero() {
		t.Fatalf("New[Authflow](42) = %v, %v", flow, err)
	}
	if d := time.Since(flow.Time()); d < -time.Second || d > time.Minute {
		t.Errorf("New: time %v is not now", flow.Time())
	}
	session := NewRelated[Session](flow)
	if session.Partition() != 42 || session.PFID() == flow.PFID() {
		t.Errorf("NewRelated = %v, want partition 42 and a new ID", session)
	}
	if _, err := New[Pool](MaxPartition + 1); !errors.Is(err, ErrRange) {
		t.Errorf("New[Pool](2^30): %v", err)
	}
	if _, err := NewPFID(1 << 31); !errors.Is(err, ErrRange) {
		t.Errorf("NewPFID(2^31): %v", err)
	}

	// Root IDs spread over partitions.
	parts := map[uint32]bool{}
	for i := 0; i < 64; i++ {
		p := NewRoot[Account]().Partition()
		if p > MaxPartition {
			t.Fatalf("NewRoot partition %d out of range", p)
		}
		parts[p] = true
	}
	if len(parts) < 60 {
		t.Errorf("64 root IDs used only %d partitions", len(parts))
	}
}

func TestGenerateConcurrently(t *testing.T) {
	t.Parallel()
	const workers, each = 8, 500
	var wg sync.WaitGroup
	results := make([][]DeviceID, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				id, err := New[Device](9)
				if err != nil {
					t.Error(err)
					return
				}
				results[w] = append(results[w], id)
			}
		}()
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

var _ io.Reader = (*overflowEntropy)(nil)
