package ids

import (
	"bufio"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
	"sync"
	"time"
)

// A Generator makes new IDs from a clock and a source of entropy, for [New],
// [NewRelated] and [NewRoot]. It guarantees that:
//
//   - within one millisecond, the randomness of each ID it makes is above the
//     last one's (by a random 1 to 2^32), so IDs of one partition sort in
//     the order it made them;
//   - its timestamps never go back: if the clock steps back, it keeps the
//     newest timestamp it has used, and if the 80 bits of randomness run out
//     within a millisecond, it moves on to the next millisecond;
//   - making an ID allocates nothing (but for the buffer that a Generator
//     sets up on first use, and a failure's error);
//   - it is safe for concurrent use.
//
// Most programs need no Generator of their own: passing nil to New,
// NewRelated or NewRoot uses the process-wide one, with the real clock and
// crypto/rand. Tests that want reproducible IDs make one with
// [NewGenerator] and a fixed clock and seeded entropy.
//
// The zero Generator is ready to use, and behaves like NewGenerator(nil, nil).
type Generator struct {
	now func() time.Time // nil means time.Now

	mu      sync.Mutex
	source  io.Reader     // the entropy; nil means crypto/rand
	entropy *bufio.Reader // source, buffered; made on first use; guarded by mu
	issued  bool          // whether last, hi and lo describe an ID; guarded by mu
	last    uint64        // the newest ID's timestamp; guarded by mu
	hi      uint16        // the newest ID's randomness, high 16 bits; guarded by mu
	lo      uint64        // and low 64 bits; guarded by mu
	buf     [10]byte      // scratch for reading entropy; guarded by mu
}

// NewGenerator returns a Generator that reads the time from now and random
// bits from entropy. A nil now means [time.Now]; a nil entropy means
// crypto/rand. now must be safe for concurrent use if the Generator is used
// concurrently.
//
// The Generator reads entropy through a buffer, so that crypto/rand is called
// once per few hundred IDs rather than once per ID. If the entropy fails, the
// generating function returns an error that wraps the reader's error (or
// [io.ErrUnexpectedEOF] if it ran dry part-way through a read).
//
// For reproducible IDs in tests, fix the clock and seed the entropy:
//
//	clock := func() time.Time { return time.UnixMilli(1234567890000) }
//	g := ids.NewGenerator(clock, rand.NewChaCha8([32]byte{})) // math/rand/v2; never for production IDs
//	flow, err := ids.NewRoot[ids.Authflow](g)
func NewGenerator(now func() time.Time, entropy io.Reader) *Generator {
	return &Generator{now: now, source: entropy}
}

// defaultGenerator is the process-wide Generator that a nil *Generator
// stands for. It is a zero Generator, which reads crypto/rand and sets up
// its buffer on first use, so it costs nothing at package init.
var defaultGenerator Generator

// New returns a new ID of kind K in the given partition, made by g (nil g:
// the process-wide generator: real clock, crypto/rand). The ID has the
// current time and 80 bits of randomness, increasing within a millisecond
// (see [Generator]).
//
// It returns an error matching [ErrRange] if the partition is 2^30 or more or
// the clock reads before 1970 or after the year 10889, and an error wrapping
// the reader's error if g's entropy fails. In practice the process-wide
// generator fails only for a partition out of range.
//
//	flow, err := ids.New[ids.Authflow](nil, partition)
//	if err != nil {
//		return err
//	}
func New[K Kind](g *Generator, partition uint32) (ID[K], error) {
	if partition > MaxPartition {
		return ID[K]{}, &rangeError{field: "partition", value: uint64(partition), max: MaxPartition}
	}
	p, err := g.generate(partition, false)
	if err != nil {
		return ID[K]{}, err
	}
	return ID[K]{p: p}, nil
}

// NewRelated returns a new ID of kind K in the same partition as to, for an
// object that belongs with it (a session of an authflow, say), made by g (nil
// g: the process-wide generator). It fails as [New] does, which in practice
// the process-wide generator does not: to's partition is in range.
//
//	session, err := ids.NewRelated[ids.Session](nil, flow)
//	if err != nil {
//		return err
//	}
func NewRelated[K, R Kind](g *Generator, to ID[R]) (ID[K], error) {
	return New[K](g, to.Partition())
}

// NewRoot returns a new ID of kind K in a random partition, for an object
// that belongs to no other, made by g (nil g: the process-wide generator).
// The partition's 30 bits come from g's entropy. It fails as [New] does, which
// in practice the process-wide generator does not.
//
//	account, err := ids.NewRoot[ids.Account](nil)
//	if err != nil {
//		return err
//	}
func NewRoot[K Kind](g *Generator) (ID[K], error) {
	p, err := g.generate(0, true)
	if err != nil {
		return ID[K]{}, err
	}
	return ID[K]{p: p}, nil
}

// generate makes a PFID in the given partition, or in a random one. A nil g
// means the process-wide generator.
func (g *Generator) generate(partition uint32, randomPartition bool) (PFID, error) {
	if g == nil {
		g = &defaultGenerator
	}
	now := time.Now
	if g.now != nil {
		now = g.now
	}
	t := now()
	// Check the seconds before the milliseconds, whose computation is
	// undefined for times far outside an int64 of milliseconds.
	if s := t.Unix(); s < 0 || s > MaxTimestamp/1000 || t.UnixMilli() > MaxTimestamp {
		return PFID{}, &clockError{t: t}
	}
	ms := uint64(t.UnixMilli())

	g.mu.Lock()
	defer g.mu.Unlock()
	if g.entropy == nil {
		src := g.source
		if src == nil {
			src = rand.Reader
		}
		g.entropy = bufio.NewReader(src)
	}
	if randomPartition {
		if err := g.read(g.buf[:4]); err != nil {
			return PFID{}, err
		}
		partition = binary.BigEndian.Uint32(g.buf[:4]) & MaxPartition
	}
	if g.issued && ms <= g.last {
		// The same millisecond as the newest ID, or a clock that stepped
		// back: keep the newest timestamp and add a random 1 to 2^32 to the
		// newest randomness.
		if err := g.read(g.buf[:4]); err != nil {
			return PFID{}, err
		}
		lo, carry := bits.Add64(g.lo, uint64(binary.BigEndian.Uint32(g.buf[:4]))+1, 0)
		if hi := uint64(g.hi) + carry; hi <= 0xffff {
			g.hi, g.lo = uint16(hi), lo
			return g.pfid(partition), nil
		}
		// The 80 bits ran out within the millisecond: move on to the next
		// one, which starts afresh.
		ms = g.last + 1
		if ms > MaxTimestamp {
			return PFID{}, &rangeError{field: "timestamp", value: ms, max: MaxTimestamp}
		}
	}
	if err := g.read(g.buf[:10]); err != nil {
		return PFID{}, err
	}
	g.issued, g.last = true, ms
	g.hi, g.lo = binary.BigEndian.Uint16(g.buf[0:2]), binary.BigEndian.Uint64(g.buf[2:10])
	return g.pfid(partition), nil
}

// pfid returns the newest ID, in the given partition; g.mu must be held.
func (g *Generator) pfid(partition uint32) PFID {
	return PFID{
		a: mkword(g.last<<16 | uint64(partition>>16)),
		b: mkword(uint64(partition)<<48 | uint64(g.hi)<<32 | g.lo>>32),
		c: uint32(g.lo),
	}
}

// read fills b from the entropy; g.mu must be held.
func (g *Generator) read(b []byte) error {
	if _, err := io.ReadFull(g.entropy, b); err != nil {
		return fmt.Errorf("ids: reading entropy: %w", err)
	}
	return nil
}

// clockError reports a clock reading that no PFID timestamp can hold.
type clockError struct{ t time.Time }

func (e *clockError) Error() string {
	return "ids: clock reads " + e.t.UTC().Format(time.RFC3339Nano) + ", outside the PFID range of 1970 to the year 10889"
}

func (e *clockError) Unwrap() error { return ErrRange }
