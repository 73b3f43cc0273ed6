package ids

import (
	"cmp"
	"encoding/binary"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// Limits of the PFID fields.
const (
	// MaxTimestamp is the largest timestamp a PFID holds: 2^48-1 Unix milliseconds,
	// in the year 10889.
	MaxTimestamp = 1<<48 - 1
	// MaxPartition is the largest partition a PFID holds: 2^30-1.
	MaxPartition = 1<<30 - 1
)

// EncodedLen is the length of a PFID's text form, in bytes.
const EncodedLen = 32

// BinaryLen is the length of a PFID's binary form, in bytes.
const BinaryLen = 20

// An Error is one of the errors that parsing, decoding and generating
// return, wrapped in a [*ParseError] or another error that says where the
// problem was. They are constants, so that no importer can change what
// errors.Is compares with.
type Error string

// Error returns the error's text.
func (e Error) Error() string { return string(e) }

// The errors that parsing, decoding and generating return. Test for them
// with [errors.Is].
const (
	// ErrLength means the text is not 32 bytes long (or the binary form not 20).
	ErrLength Error = "ids: wrong length"
	// ErrCharacter means a byte outside the lowercase Crockford base32 alphabet
	// (0-9 and a-z less i, l, o and u).
	ErrCharacter Error = "ids: invalid character"
	// ErrUppercase means an uppercase letter: the canonical form is lowercase.
	ErrUppercase Error = "ids: uppercase character"
	// ErrOverflow means a first character above '7': the timestamp would need
	// more than 48 bits.
	ErrOverflow Error = "ids: first character above 7"
	// ErrRange means a timestamp or partition that a PFID cannot hold: from
	// [FromParts], from a binary form whose partition has its top two bits
	// set, or from [New] and its siblings, given a partition of 2^30 or more
	// or a clock that reads before 1970 or after the year 10889.
	ErrRange Error = "ids: value out of range"
)

// A PFID is a partitioned, time-ordered identifier: 160 bits, big-endian, made
// of a 48-bit timestamp (Unix milliseconds), a 32-bit partition of which only
// the low 30 bits are used, and 80 bits of randomness.
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                      32-bit timestamp (high)                  |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|   16-bit timestamp (low)      |0 0|   partition (high 14)     |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|   partition (low 16)          |   randomness (16 of 80 bits)  |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                     randomness (64 of 80 bits)                |
//	+                                                               +
//	|                                                               |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Its text form is 32 characters of lowercase Crockford base32: 10 for the
// timestamp, 6 for the partition's 30 bits and 16 for the randomness, so the
// text sorts like the value, time first.
//
// PFID is a comparable value type: use it with == and as a map key. Its zero
// value is the all-zero ID, "00000000000000000000000000000000", which the API
// uses to mean "unset"; [PFID.IsZero] reports it. Most code uses the typed IDs
// ([AuthflowID] and its siblings) instead, so that the compiler keeps kinds
// apart.
type PFID struct {
	// The 160 bits, big-endian, as bits 0-63, 64-127 and 128-159 rather
	// than a [20]byte. The compiler keeps a struct of at most four small
	// fields in registers, and returns it in registers; a [20]byte goes
	// through memory on every return and copy, each wide load stalling
	// behind the narrower stores that wrote it, which made parsing take 30
	// ns here instead of 17. The 64-bit words are kept in 32-bit halves so
	// that a PFID stays 20 bytes, with no padding.
	a, b word
	c    uint32
}

// word is a 64-bit word kept as two 32-bit halves, high first, so that a
// [PFID] needs no 8-byte alignment and no padding.
type word struct{ hi, lo uint32 }

// mkword returns v as a word.
func mkword(v uint64) word { return word{uint32(v >> 32), uint32(v)} }

// u64 returns w as a uint64.
func (w word) u64() uint64 { return uint64(w.hi)<<32 | uint64(w.lo) }

// Pattern is the regular expression that matches exactly the canonical text
// form of a PFID. [ParsePFID] accepts the same strings without running it.
const Pattern = `^[0-7][0-9abcdefghjkmnpqrstvwxyz]{31}$`

// FromParts returns the PFID with the given timestamp (Unix milliseconds),
// partition and randomness. It returns an error matching [ErrRange] when the
// timestamp is 2^48 or more or the partition is 2^30 or more.
func FromParts(timestamp uint64, partition uint32, randomness [10]byte) (PFID, error) {
	if timestamp > MaxTimestamp {
		return PFID{}, &rangeError{field: "timestamp", value: timestamp, max: MaxTimestamp}
	}
	if partition > MaxPartition {
		return PFID{}, &rangeError{field: "partition", value: uint64(partition), max: MaxPartition}
	}
	return fromParts(timestamp, partition, &randomness), nil
}

// fromParts assembles a PFID from parts already known to be in range.
func fromParts(timestamp uint64, partition uint32, randomness *[10]byte) PFID {
	return PFID{
		a: mkword(timestamp<<16 | uint64(partition>>16)),
		b: mkword(uint64(partition)<<48 | binary.BigEndian.Uint64(randomness[0:8])>>16),
		c: binary.BigEndian.Uint32(randomness[6:10]),
	}
}

// rangeError reports a timestamp or partition out of range.
type rangeError struct {
	field      string
	value, max uint64
}

func (e *rangeError) Error() string {
	return "ids: " + e.field + " " + strconv.FormatUint(e.value, 10) + " out of range (max " + strconv.FormatUint(e.max, 10) + ")"
}

func (e *rangeError) Unwrap() error { return ErrRange }

// MustParsePFID is like [ParsePFID] but panics if s is not a canonical PFID.
// It is intended for tests and package variables with hard-coded strings.
func MustParsePFID(s string) PFID {
	p, err := ParsePFID(s)
	if err != nil {
		panic(err)
	}
	return p
}

// ParsePFID parses the canonical text form of a PFID: exactly 32 characters,
// the first '0' to '7' and the rest from the lowercase Crockford base32
// alphabet (the strings [Pattern] matches). It accepts nothing else: no
// uppercase, no i, l, o or u, no hyphens, no surrounding space.
//
// On failure it returns a [*ParseError] that matches one of [ErrLength],
// [ErrCharacter], [ErrUppercase] or [ErrOverflow].
func ParsePFID(s string) (PFID, error) {
	p, ok := decode(s)
	if !ok {
		return PFID{}, parseError("", s)
	}
	return p, nil
}

// A ParseError reports why a string is not a canonical PFID. It matches one of
// [ErrLength], [ErrCharacter], [ErrUppercase] or [ErrOverflow] with
// [errors.Is].
type ParseError struct {
	// Kind is the kind of ID that was being parsed, such as "authflow", or ""
	// for a plain PFID.
	Kind string
	// Input is the start of the rejected text: at most 40 bytes of it, so that
	// hostile input is never echoed whole.
	Input string
	// Length is the length of the whole rejected text, in bytes.
	Length int
	// Index is the byte offset of the offending character, or -1 for
	// [ErrLength].
	Index int
	// Err is the sentinel: ErrLength, ErrCharacter, ErrUppercase or ErrOverflow.
	Err error
}

// maxEcho is how much of a rejected input an error quotes.
const maxEcho = 40

// Error returns a message that says what is wrong and where, such as
//
//	invalid authflow ID: invalid character 'I' at index 3 in "013Irzp12g3nqk8nqprv12gz6v99a2v4"
//
// It quotes at most 40 bytes of the input, marking a longer one with "…".
func (e *ParseError) Error() string {
	b := make([]byte, 0, 96)
	if e.Kind == "" {
		b = append(b, "invalid PFID: "...)
	} else {
		b = append(b, "invalid "...)
		b = append(b, e.Kind...)
		b = append(b, " ID: "...)
	}
	switch e.Err {
	case ErrLength:
		b = append(b, "length "...)
		b = strconv.AppendInt(b, int64(e.Length), 10)
		b = append(b, ", want 32"...)
	case ErrOverflow:
		b = append(b, "first character "...)
		b = appendCharAt(b, e.Input, e.Index)
		b = append(b, " above '7'"...)
	case ErrUppercase:
		b = append(b, "uppercase character "...)
		b = appendCharAt(b, e.Input, e.Index)
		b = append(b, " at index "...)
		b = strconv.AppendInt(b, int64(e.Index), 10)
	default:
		b = append(b, "invalid character "...)
		b = appendCharAt(b, e.Input, e.Index)
		b = append(b, " at index "...)
		b = strconv.AppendInt(b, int64(e.Index), 10)
	}
	b = append(b, " in "...)
	b = strconv.AppendQuote(b, e.Input)
	if e.Length > len(e.Input) {
		b = append(b, "…"...)
	}
	return string(b)
}

// Unwrap returns the sentinel error.
func (e *ParseError) Unwrap() error { return e.Err }

// appendCharAt appends the character at byte index i of s, quoted.
func appendCharAt(b []byte, s string, i int) []byte {
	if i < 0 || i >= len(s) {
		return append(b, "''"...)
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError {
		// A stray byte: show it as such rather than as U+FFFD.
		return strconv.AppendQuote(b, s[i:i+1])
	}
	return strconv.AppendQuoteRune(b, r)
}

// parseError says what is wrong with s, which decode refused. It runs only on
// the error path, so it can afford to look at s byte by byte.
func parseError(kind, s string) *ParseError {
	e := &ParseError{Kind: kind, Input: s, Length: len(s), Index: -1}
	if len(e.Input) > maxEcho {
		e.Input = e.Input[:maxEcho]
	}
	if len(s) != EncodedLen {
		e.Err = ErrLength
		return e
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		v := dec[c]
		switch {
		case 'A' <= c && c <= 'Z' && dec[c+'a'-'A'] != bad:
			e.Index, e.Err = i, ErrUppercase
		case v == bad:
			e.Index, e.Err = i, ErrCharacter
		case i == 0 && v > 7:
			e.Index, e.Err = i, ErrOverflow
		default:
			continue
		}
		return e
	}
	// Unreachable while decode and this loop agree; the fuzz test checks that.
	e.Index, e.Err = 0, ErrCharacter
	return e
}

// String returns the canonical text form: 32 lowercase Crockford base32
// characters.
func (p PFID) String() string {
	var buf [EncodedLen]byte
	encode(&buf, p)
	return string(buf[:])
}

// AppendText appends the canonical text form to b and returns the extended
// buffer. It implements [encoding.TextAppender] and never fails.
func (p PFID) AppendText(b []byte) ([]byte, error) {
	return p.appendTo(b), nil
}

// appendTo appends the text form to b.
func (p PFID) appendTo(b []byte) []byte {
	n := len(b)
	b = slices.Grow(b, EncodedLen)[:n+EncodedLen]
	encode((*[EncodedLen]byte)(b[n:]), p)
	return b
}

// MarshalText implements [encoding.TextMarshaler]: it returns the canonical
// text form, so encoding/json writes a PFID as a JSON string.
func (p PFID) MarshalText() ([]byte, error) {
	b := make([]byte, EncodedLen)
	encode((*[EncodedLen]byte)(b), p)
	return b, nil
}

// UnmarshalText implements [encoding.TextUnmarshaler]. It accepts exactly
// what [ParsePFID] accepts and fails as it does: the empty text too is an
// error matching [ErrLength], so that every text UnmarshalText accepts is
// the one [PFID.MarshalText] writes. The zero PFID's text is
// "00000000000000000000000000000000". On error p is unchanged.
func (p *PFID) UnmarshalText(text []byte) error {
	// The string conversion does not allocate: decode keeps no reference.
	v, ok := decode(string(text))
	if !ok {
		return parseError("", string(text))
	}
	*p = v
	return nil
}

// MarshalBinary implements [encoding.BinaryMarshaler]: it returns the 20
// bytes of the ID, big-endian.
func (p PFID) MarshalBinary() ([]byte, error) {
	return p.AppendBinary(make([]byte, 0, BinaryLen))
}

// AppendBinary implements [encoding.BinaryAppender]: it appends the 20 bytes
// of the ID to b.
func (p PFID) AppendBinary(b []byte) ([]byte, error) {
	b = binary.BigEndian.AppendUint64(b, p.a.u64())
	b = binary.BigEndian.AppendUint64(b, p.b.u64())
	b = binary.BigEndian.AppendUint32(b, p.c)
	return b, nil
}

// UnmarshalBinary implements [encoding.BinaryUnmarshaler]: it accepts exactly
// 20 bytes whose partition fits in 30 bits. On error p is unchanged.
func (p *PFID) UnmarshalBinary(data []byte) error {
	v, err := fromBinary(data)
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// fromBinary checks and copies a 20-byte binary form.
func fromBinary(data []byte) (PFID, error) {
	if len(data) != BinaryLen {
		return PFID{}, &binaryError{length: len(data), err: ErrLength}
	}
	if data[6]&0xc0 != 0 {
		return PFID{}, &binaryError{length: len(data), err: ErrRange}
	}
	return PFID{
		a: mkword(binary.BigEndian.Uint64(data[0:8])),
		b: mkword(binary.BigEndian.Uint64(data[8:16])),
		c: binary.BigEndian.Uint32(data[16:20]),
	}, nil
}

// binaryError reports a malformed binary form.
type binaryError struct {
	length int
	err    error
}

func (e *binaryError) Error() string {
	if e.err == ErrLength {
		return "invalid PFID: binary length " + strconv.Itoa(e.length) + ", want 20"
	}
	return "invalid PFID: binary partition has its top two bits set"
}

func (e *binaryError) Unwrap() error { return e.err }

// Timestamp returns the ID's timestamp in Unix milliseconds.
func (p PFID) Timestamp() uint64 {
	return p.a.u64() >> 16
}

// Time returns the ID's timestamp as a time in UTC.
func (p PFID) Time() time.Time {
	return time.UnixMilli(int64(p.Timestamp())).UTC()
}

// Partition returns the ID's partition, from 0 to [MaxPartition].
func (p PFID) Partition() uint32 {
	return p.a.lo<<16 | p.b.hi>>16
}

// Randomness returns the ID's 80 random bits.
func (p PFID) Randomness() (r [10]byte) {
	binary.BigEndian.PutUint16(r[0:2], uint16(p.b.hi))
	binary.BigEndian.PutUint32(r[2:6], p.b.lo)
	binary.BigEndian.PutUint32(r[6:10], p.c)
	return r
}

// IsZero reports whether p is the all-zero ID, which means "unset".
func (p PFID) IsZero() bool {
	return p == PFID{}
}

// Compare returns -1, 0 or +1 as p sorts before, equal to or after q. The
// order is that of the text form: timestamp first, then partition, then
// randomness.
func (p PFID) Compare(q PFID) int {
	if c := cmp.Compare(p.a.u64(), q.a.u64()); c != 0 {
		return c
	}
	if c := cmp.Compare(p.b.u64(), q.b.u64()); c != 0 {
		return c
	}
	return cmp.Compare(p.c, q.c)
}
