package ids

import (
	"encoding/binary"
	"errors"
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

// The errors that parsing and decoding return, wrapped in a [*ParseError] or
// another error that says where the problem was. Test for them with
// [errors.Is].
var (
	// ErrLength means the text is not 32 bytes long (or the binary form not 20).
	ErrLength = errors.New("ids: wrong length")
	// ErrCharacter means a byte outside the lowercase Crockford base32 alphabet
	// (0-9 and a-z less i, l, o and u).
	ErrCharacter = errors.New("ids: invalid character")
	// ErrUppercase means an uppercase letter: the canonical form is lowercase.
	ErrUppercase = errors.New("ids: uppercase character")
	// ErrOverflow means a first character above '7': the timestamp would need
	// more than 48 bits.
	ErrOverflow = errors.New("ids: first character above 7")
	// ErrRange means a timestamp or partition too large for a PFID, from
	// [FromParts] or from a binary form whose partition has its top two bits set.
	ErrRange = errors.New("ids: value out of range")
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
	b [BinaryLen]byte
}

// alphabet is the lowercase Crockford base32 alphabet.
const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// Pattern is the regular expression that matches exactly the canonical text
// form of a PFID. [ParsePFID] accepts the same strings without running it.
const Pattern = `^[0-7][0-9abcdefghjkmnpqrstvwxyz]{31}$`

// invalid marks a byte outside the alphabet in dec.
const invalid = 0xff

// dec maps a byte to its 5-bit value, or to invalid.
var dec = func() (t [256]byte) {
	for i := range t {
		t[i] = invalid
	}
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = byte(i)
	}
	return t
}()

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
func fromParts(timestamp uint64, partition uint32, randomness *[10]byte) (p PFID) {
	binary.BigEndian.PutUint64(p.b[0:8], timestamp<<16) // writes 48 bits and two zero bytes
	binary.BigEndian.PutUint32(p.b[6:10], partition)
	copy(p.b[10:], randomness[:])
	return p
}

// rangeError reports a field of [FromParts] out of range.
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
	var p PFID
	if !decode(s, &p) {
		return PFID{}, parseError("", s)
	}
	return p, nil
}

// dec2 maps two bytes, the first in the low byte of the index, to the ten
// bits they encode, or to 0xffff if either is outside the alphabet. Decoding
// two characters a lookup halves the lookups and made parsing about 15%
// faster than one character a lookup (19.7 ns against 22.7 ns here), which
// keeps it within 1.5x of ulid.ParseStrict. The table takes 128 KiB, but a parse only ever touches the 32x32
// pairs of the alphabet: about 6 KiB, which stays in the L1 cache of a
// process that parses IDs often.
var dec2 [1 << 16]uint16

func init() {
	for i := range dec2 {
		a, b := dec[i&0xff], dec[i>>8]
		if a == invalid || b == invalid {
			dec2[i] = 0xffff
		} else {
			dec2[i] = uint16(a)<<5 | uint16(b)
		}
	}
}

// decode decodes a canonical PFID text into p, reporting false (with p
// unchanged) for anything else. It is the hot path of parsing: unrolled, no
// allocation, two characters a lookup, and one branch for validity: the OR
// of all lookups has bit 15 set if any pair was invalid, and the first pair
// is above 0xff if its first character is above 7 (the timestamp would need
// more than 48 bits).
func decode(s string, p *PFID) bool {
	if len(s) != EncodedLen {
		return false
	}
	_ = s[EncodedLen-1] // one bounds check for all
	d0 := uint64(dec2[uint16(s[0])|uint16(s[1])<<8])
	d2 := uint64(dec2[uint16(s[2])|uint16(s[3])<<8])
	d4 := uint64(dec2[uint16(s[4])|uint16(s[5])<<8])
	d6 := uint64(dec2[uint16(s[6])|uint16(s[7])<<8])
	d8 := uint64(dec2[uint16(s[8])|uint16(s[9])<<8])
	badTs := d0 | d2 | d4 | d6 | d8
	ts := d0<<40 | d2<<30 | d4<<20 | d6<<10 | d8
	d10 := uint64(dec2[uint16(s[10])|uint16(s[11])<<8])
	d12 := uint64(dec2[uint16(s[12])|uint16(s[13])<<8])
	d14 := uint64(dec2[uint16(s[14])|uint16(s[15])<<8])
	badPart := d10 | d12 | d14
	part := d10<<20 | d12<<10 | d14
	d16 := uint64(dec2[uint16(s[16])|uint16(s[17])<<8])
	d18 := uint64(dec2[uint16(s[18])|uint16(s[19])<<8])
	d20 := uint64(dec2[uint16(s[20])|uint16(s[21])<<8])
	d22 := uint64(dec2[uint16(s[22])|uint16(s[23])<<8])
	badHi := d16 | d18 | d20 | d22
	hi := d16<<30 | d18<<20 | d20<<10 | d22
	d24 := uint64(dec2[uint16(s[24])|uint16(s[25])<<8])
	d26 := uint64(dec2[uint16(s[26])|uint16(s[27])<<8])
	d28 := uint64(dec2[uint16(s[28])|uint16(s[29])<<8])
	d30 := uint64(dec2[uint16(s[30])|uint16(s[31])<<8])
	badLo := d24 | d26 | d28 | d30
	lo := d24<<30 | d26<<20 | d28<<10 | d30
	if (badTs|badPart|badHi|badLo)&0x8000 != 0 || d0 > 0xff {
		return false
	}
	// 48 bits of timestamp and the partition's high 16 in one store, then the
	// partition's low 16 and the randomness.
	binary.BigEndian.PutUint64(p.b[0:8], ts<<16|part>>16)
	binary.BigEndian.PutUint64(p.b[8:16], part<<48|hi<<8|lo>>32)
	binary.BigEndian.PutUint32(p.b[16:20], uint32(lo))
	return true
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

// Error returns a message such as
// `invalid authflow ID: invalid character 'I' at index 3 in "013I…"`.
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
		case 'A' <= c && c <= 'Z' && dec[c+'a'-'A'] != invalid:
			e.Index, e.Err = i, ErrUppercase
		case v == invalid:
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
	p.encode(&buf)
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
	p.encode((*[EncodedLen]byte)(b[n:]))
	return b
}

// MarshalText implements [encoding.TextMarshaler]: it returns the canonical
// text form, so encoding/json writes a PFID as a JSON string.
func (p PFID) MarshalText() ([]byte, error) {
	b := make([]byte, EncodedLen)
	p.encode((*[EncodedLen]byte)(b))
	return b, nil
}

// UnmarshalText implements [encoding.TextUnmarshaler]: it accepts exactly the
// canonical text form, as [ParsePFID] does. On error p is unchanged.
func (p *PFID) UnmarshalText(text []byte) error {
	// The string conversion does not allocate: decode keeps no reference.
	if !decode(string(text), p) {
		return parseError("", string(text))
	}
	return nil
}

// MarshalBinary implements [encoding.BinaryMarshaler]: it returns the 20
// bytes of the ID, big-endian.
func (p PFID) MarshalBinary() ([]byte, error) {
	b := make([]byte, BinaryLen)
	copy(b, p.b[:])
	return b, nil
}

// AppendBinary implements [encoding.BinaryAppender]: it appends the 20 bytes
// of the ID to b.
func (p PFID) AppendBinary(b []byte) ([]byte, error) {
	return append(b, p.b[:]...), nil
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
	var p PFID
	copy(p.b[:], data)
	return p, nil
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
	return binary.BigEndian.Uint64(p.b[0:8]) >> 16
}

// Time returns the ID's timestamp as a time in UTC.
func (p PFID) Time() time.Time {
	return time.UnixMilli(int64(p.Timestamp())).UTC()
}

// Partition returns the ID's partition, from 0 to [MaxPartition].
func (p PFID) Partition() uint32 {
	return binary.BigEndian.Uint32(p.b[6:10])
}

// Randomness returns the ID's 80 random bits.
func (p PFID) Randomness() (r [10]byte) {
	copy(r[:], p.b[10:])
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
	a0, b0 := binary.BigEndian.Uint64(p.b[0:8]), binary.BigEndian.Uint64(q.b[0:8])
	if a0 != b0 {
		return cmp64(a0, b0)
	}
	a1, b1 := binary.BigEndian.Uint64(p.b[8:16]), binary.BigEndian.Uint64(q.b[8:16])
	if a1 != b1 {
		return cmp64(a1, b1)
	}
	return cmp64(uint64(binary.BigEndian.Uint32(p.b[16:20])), uint64(binary.BigEndian.Uint32(q.b[16:20])))
}

func cmp64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return +1
	}
	return 0
}

// enc2 maps ten bits to the two characters that encode them, first
// character in the low byte, so that encode writes two characters a lookup.
var enc2 = func() (t [1024]uint16) {
	for i := range t {
		t[i] = uint16(alphabet[i>>5]) | uint16(alphabet[i&31])<<8
	}
	return t
}()

// encode writes the 32-character text form into dst: 10 characters of
// timestamp, 6 of partition and 16 of randomness, two characters (ten bits)
// a table lookup, unrolled.
func (p *PFID) encode(dst *[EncodedLen]byte) {
	ts := binary.BigEndian.Uint64(p.b[0:8]) >> 16
	part := uint64(binary.BigEndian.Uint32(p.b[6:10]))
	hi := binary.BigEndian.Uint64(p.b[10:18]) >> 24         // randomness bits 0..39
	lo := binary.BigEndian.Uint64(p.b[12:20]) & (1<<40 - 1) // randomness bits 40..79

	binary.LittleEndian.PutUint16(dst[0:], enc2[(ts>>40)&1023])
	binary.LittleEndian.PutUint16(dst[2:], enc2[(ts>>30)&1023])
	binary.LittleEndian.PutUint16(dst[4:], enc2[(ts>>20)&1023])
	binary.LittleEndian.PutUint16(dst[6:], enc2[(ts>>10)&1023])
	binary.LittleEndian.PutUint16(dst[8:], enc2[(ts)&1023])

	binary.LittleEndian.PutUint16(dst[10:], enc2[(part>>20)&1023])
	binary.LittleEndian.PutUint16(dst[12:], enc2[(part>>10)&1023])
	binary.LittleEndian.PutUint16(dst[14:], enc2[(part)&1023])

	binary.LittleEndian.PutUint16(dst[16:], enc2[(hi>>30)&1023])
	binary.LittleEndian.PutUint16(dst[18:], enc2[(hi>>20)&1023])
	binary.LittleEndian.PutUint16(dst[20:], enc2[(hi>>10)&1023])
	binary.LittleEndian.PutUint16(dst[22:], enc2[(hi)&1023])

	binary.LittleEndian.PutUint16(dst[24:], enc2[(lo>>30)&1023])
	binary.LittleEndian.PutUint16(dst[26:], enc2[(lo>>20)&1023])
	binary.LittleEndian.PutUint16(dst[28:], enc2[(lo>>10)&1023])
	binary.LittleEndian.PutUint16(dst[30:], enc2[(lo)&1023])
}
