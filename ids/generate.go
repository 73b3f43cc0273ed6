package ids

import (
	"crypto/rand"
	"encoding/binary"
	"io"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"
)

// A Generator makes new PFIDs from a clock and a source of entropy. Within one
// Generator and one millisecond, the randomness of successive IDs increases
// (ULID-style monotonic entropy), so IDs of one partition sort in creation
// order. A Generator is safe for concurrent use.
//
// Most programs need no Generator of their own: [New], [NewRelated] and
// [NewRoot] use a process-wide one with the real clock and crypto/rand. Tests
// that want reproducible IDs make one with [NewGenerator].
type Generator struct {
	now func() time.Time

	mu      sync.Mutex
	entropy *ulid.MonotonicEntropy // buffered; also read directly for partitions; guarded by mu
	lastMs  uint64                 // the newest timestamp handed out; guarded by mu
	buf     [10]byte               // scratch for the entropy's reads, which escape; guarded by mu
}

// NewGenerator returns a Generator that reads the time from now and random
// bits from entropy. A nil now means [time.Now]; a nil entropy means
// crypto/rand. The entropy must yield random bytes: a reader that fails or
// runs dry makes the Generator panic.
func NewGenerator(now func() time.Time, entropy io.Reader) *Generator {
	if now == nil {
		now = time.Now
	}
	if entropy == nil {
		entropy = rand.Reader
	}
	// ulid.Monotonic buffers the reader, so crypto/rand is called once per
	// few hundred IDs rather than once per ID.
	return &Generator{now: now, entropy: ulid.Monotonic(entropy, 0)}
}

// defaultGenerator serves the package-level functions.
var defaultGenerator = NewGenerator(nil, nil)

// New returns a new PFID in the given partition, with the current time and 80
// bits of monotonic randomness. It returns an error matching [ErrRange] if the
// partition is 2^30 or more, or if the clock reads before 1970 or after the
// year 10889.
func (g *Generator) New(partition uint32) (PFID, error) {
	if partition > MaxPartition {
		return PFID{}, &rangeError{field: "partition", value: uint64(partition), max: MaxPartition}
	}
	return g.make(partition, false)
}

// NewRoot returns a new PFID in a random partition, for an object that
// belongs to no other (a root object).
func (g *Generator) NewRoot() (PFID, error) {
	return g.make(0, true)
}

// make does the work of New and NewRoot under the lock.
func (g *Generator) make(partition uint32, randomPartition bool) (PFID, error) {
	ms := g.now().UnixMilli()
	if ms < 0 || ms > MaxTimestamp {
		return PFID{}, &rangeError{field: "timestamp", value: uint64(ms), max: MaxTimestamp}
	}
	g.mu.Lock()
	if randomPartition {
		g.read(g.buf[:4])
		partition = binary.BigEndian.Uint32(g.buf[:4]) & MaxPartition
	}
	now := uint64(ms)
	// Never go back in time within this Generator: a clock step backwards, or
	// a millisecond borrowed after an overflow, keeps the last timestamp so
	// that order is kept.
	if now < g.lastMs {
		now = g.lastMs
	}
	if err := g.entropy.MonotonicRead(now, g.buf[:]); err != nil {
		if err != ulid.ErrMonotonicOverflow {
			g.mu.Unlock()
			panic("ids: entropy source failed: " + err.Error())
		}
		// The 80 bits ran out within one millisecond (after some 2^48 IDs,
		// or a start very near the top): move to the next millisecond,
		// which starts afresh.
		now++
		if err := g.entropy.MonotonicRead(now, g.buf[:]); err != nil {
			g.mu.Unlock()
			panic("ids: entropy source failed: " + err.Error())
		}
	}
	g.lastMs = now
	r := g.buf
	g.mu.Unlock()

	if now > MaxTimestamp {
		return PFID{}, &rangeError{field: "timestamp", value: now, max: MaxTimestamp}
	}
	return fromParts(now, partition, &r), nil
}

// read fills b from the buffered entropy; g.mu must be held.
func (g *Generator) read(b []byte) {
	if _, err := io.ReadFull(g.entropy, b); err != nil {
		g.mu.Unlock()
		panic("ids: entropy source failed: " + err.Error())
	}
}

// NewPFID returns a new PFID in the given partition from the process-wide
// generator. It fails only for a partition of 2^30 or more (see [ErrRange]).
func NewPFID(partition uint32) (PFID, error) {
	return defaultGenerator.New(partition)
}

// New returns a new ID of kind K in the given partition, with the current time
// and 80 bits of monotonic randomness from crypto/rand. It fails only for a
// partition of 2^30 or more (see [ErrRange]). It is safe for concurrent use.
//
//	flow, err := ids.New[ids.Authflow](partition)
func New[K Kind](partition uint32) (ID[K], error) {
	p, err := defaultGenerator.New(partition)
	return ID[K]{p: p}, err
}

// NewRelated returns a new ID of kind K in the same partition as to, for an
// object that belongs with it (a session of an authflow, say). It is safe for
// concurrent use.
//
//	session := ids.NewRelated[ids.Session](flowID)
func NewRelated[K Kind, R Kind](to ID[R]) ID[K] {
	p, err := defaultGenerator.New(to.Partition())
	if err != nil {
		// Unreachable: to's partition is in range by construction and the
		// real clock is after 1970.
		panic(err)
	}
	return ID[K]{p: p}
}

// NewRoot returns a new ID of kind K in a random partition, for an object that
// belongs to no other. It is safe for concurrent use.
//
//	account := ids.NewRoot[ids.Account]()
func NewRoot[K Kind]() ID[K] {
	p, err := defaultGenerator.NewRoot()
	if err != nil {
		panic(err) // unreachable with the real clock
	}
	return ID[K]{p: p}
}
