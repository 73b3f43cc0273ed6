package ids

import (
	"testing"

	"github.com/oklog/ulid/v2"
)

// The benchmarks pair each operation with oklog/ulid/v2's counterpart in the
// same run, so that their ratio survives a noisy machine. The sub-benchmarks
// are named impl=pfid and impl=ulid, so benchstat puts them side by side:
//
//	go test -run='^$' -bench=. -count=10 ./ids > out.txt
//	benchstat -col /impl out.txt
//
// A PFID's text is 32 characters against a ULID's 26.

const exampleULID = "01arz3ndektsv4rrffq69g5fav"

var (
	sinkPFID  PFID
	sinkID    AuthflowID
	sinkULID  ulid.ULID
	sinkBytes []byte
	sinkErr   error
)

func BenchmarkParse(b *testing.B) {
	b.Run("impl=pfid", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(EncodedLen)
		for b.Loop() {
			sinkPFID, sinkErr = ParsePFID(example)
		}
	})
	b.Run("impl=ulid", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(ulid.EncodedSize)
		for b.Loop() {
			sinkULID, sinkErr = ulid.ParseStrict(exampleULID)
		}
	})
}

func BenchmarkString(b *testing.B) {
	p := MustParsePFID(example)
	u := ulid.MustParseStrict(exampleULID)
	b.Run("impl=pfid", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(EncodedLen)
		for b.Loop() {
			sink = p.String()
		}
	})
	b.Run("impl=ulid", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(ulid.EncodedSize)
		for b.Loop() {
			sink = u.String()
		}
	})
}

func BenchmarkAppendText(b *testing.B) {
	p := MustParsePFID(example)
	u := ulid.MustParseStrict(exampleULID)
	buf := make([]byte, 0, 64)
	b.Run("impl=pfid", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(EncodedLen)
		for b.Loop() {
			sinkBytes, sinkErr = p.AppendText(buf[:0])
		}
	})
	b.Run("impl=ulid", func(b *testing.B) {
		// MarshalTextTo is ulid's allocation-free encoder into a caller's buffer.
		b.ReportAllocs()
		b.SetBytes(ulid.EncodedSize)
		dst := buf[:ulid.EncodedSize]
		for b.Loop() {
			sinkErr = u.MarshalTextTo(dst)
		}
		sinkBytes = dst
	})
}

// BenchmarkGenerate compares New with the process-wide generator (the real
// clock and buffered crypto/rand) with ulid.Make (the real clock and
// math/rand behind a lock).
func BenchmarkGenerate(b *testing.B) {
	b.Run("impl=pfid", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkID, sinkErr = New[Authflow](nil, 123456789)
		}
	})
	b.Run("impl=ulid", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkULID = ulid.Make()
		}
	})
}
