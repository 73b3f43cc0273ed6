package jsonwire

import (
	"errors"
	"math"
	"math/bits"
	"strconv"
	"unicode/utf8"
)

// AppendString appends s to b as a JSON string and returns the extended
// buffer. The bytes are exactly those encoding/json writes for a Go string:
// `"` and `\` escaped, control characters as \b \f \n \r \t or \u00XX, the
// HTML-sensitive < > & as \u003c \u003e \u0026, U+2028 and U+2029 escaped,
// and each byte of invalid UTF-8 replaced by \ufffd.
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if htmlSafe[s[i]] != 0 {
			i = plainToWrite(s, i+1)
			continue
		}
		if c := s[i]; c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				// Other control characters, and < > &.
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		// U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR are valid in
		// JSON but not in JavaScript source; encoding/json escapes them.
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// AppendStrings appends ss to b as a JSON array of strings, [] when ss is
// empty or nil, each written as [AppendString] writes it.
func AppendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendString(b, s)
	}
	return append(b, ']')
}

// plainToWrite returns the index of the first byte of s at or after i that
// AppendString cannot write as it is, or len(s). It reads eight bytes at a
// time as a word, in which the high bit of each byte is set for a byte
// that needs care: one of 0x80 and above, below 0x20, or equal to one of
// " \ < > &, for which subtracting 1 from the byte XOR the character wraps.
// A borrow can only flag bytes above one already flagged, so the lowest
// flag is exact.
func plainToWrite(s string, i int) int {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	for ; i+8 <= len(s); i += 8 {
		t := s[i : i+8]
		x := uint64(t[0]) | uint64(t[1])<<8 | uint64(t[2])<<16 | uint64(t[3])<<24 |
			uint64(t[4])<<32 | uint64(t[5])<<40 | uint64(t[6])<<48 | uint64(t[7])<<56
		care := x | (x - ' '*ones) |
			((x ^ '"'*ones) - ones) | ((x ^ '\\'*ones) - ones) |
			((x ^ '<'*ones) - ones) | ((x ^ '>'*ones) - ones) | ((x ^ '&'*ones) - ones)
		if care &= highs; care != 0 {
			return i + bits.TrailingZeros64(care)/8
		}
	}
	for i < len(s) && htmlSafe[s[i]] != 0 {
		i++
	}
	return i
}

const hexDigits = "0123456789abcdef"

// htmlSafe holds 1 for each byte AppendString writes as it is without
// looking further, every byte from 0x20 to 0x7f but " \ < > &, and 0 for
// the others: the control characters below 0x20, those five, and every
// byte from 0x80 on, which starts or continues a multi-byte UTF-8 sequence
// or is invalid UTF-8.
// A string of 256 bytes, so indexing it with a byte needs no bounds check.
const htmlSafe = "" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" + // 0x00
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" + // 0x10
	"\x01\x01\x00\x01\x01\x01\x00\x01\x01\x01\x01\x01\x01\x01\x01\x01" + // 0x20
	"\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x00\x01\x00\x01" + // 0x30
	"\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01" + // 0x40
	"\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x00\x01\x01\x01" + // 0x50
	"\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01" + // 0x60
	"\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01" + // 0x70
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" + // 0x80
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" + // 0x90
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" + // 0xa0
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" + // 0xb0
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" + // 0xc0
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" + // 0xd0
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" + // 0xe0
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" // 0xf0

// ErrUnsupportedFloat is returned by [AppendFloat] for NaN and ±Inf, which
// JSON cannot represent.
var ErrUnsupportedFloat = errors.New("NaN and infinite numbers have no JSON form")

// AppendFloat appends f to b as a JSON number and returns the extended
// buffer. The bytes are exactly those encoding/json writes for a float64:
// the shortest text that reads back as f, in exponent form only below 1e-6
// or from 1e21 on. NaN and ±Inf return [ErrUnsupportedFloat] and b
// unchanged.
func AppendFloat(b []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b, ErrUnsupportedFloat
	}
	if b, ok := appendShortDecimal(b, f); ok {
		return b, nil
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// Clean up e-09 to e-9, as encoding/json does.
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

// appendShortDecimal appends f as strconv.AppendFloat(b, f, 'f', -1, 64)
// does when |f| is in [1e-6, 1e14) and f is the double nearest a decimal of
// at most 14 significant digits, as latitudes and longitudes are; it
// returns ok false, and b unchanged, for any other f. It is several times
// faster than strconv for such numbers.
//
// It tries k = 0, 1, 2, … decimal places while m = |f|·10^k < 1e14.
//
// The candidate: a decimal n/10^k that reads back as f lies within half a
// unit in the last place of f, at most 2^-53·|f|, so n is within 0.012 of
// the exact |f|·10^k; m, the product rounded, is within half an ulp of m,
// at most 2^-7, of it. n is therefore the integer nearest m, Floor(m+0.5),
// where m+0.5 is exact.
//
// The check: n < 2^53 and 10^k ≤ 10^22 are exact doubles, so n/10^k is
// rounded once, as parsing the decimal rounds it, and equals f exactly
// when the decimal reads back as f. (No tie arises: a point halfway
// between two doubles in this range needs more than 14 digits.)
//
// The first k that passes gives the decimal of fewest significant digits
// that reads back as f, and the only one: another with as few digits has
// at most one more decimal place (one, when the two straddle a power of
// ten), so it lies at least 10^-(k+1) away, while the reals that round to
// f span at most 2^-52·|f|, less than that since |f|·10^(k+1) < 1e15 <
// 2^52. A decimal of fewer digits but more places lies below a power of
// ten that the first reaches; that power of ten then lies within the span
// too, with no more places than the first, so it is the first, of one
// digit, and none has fewer. The one decimal is what strconv's shortest
// formatting writes.
func appendShortDecimal(b []byte, f float64) ([]byte, bool) {
	a := math.Abs(f)
	if !(a >= 1e-6 && a < 1e14) {
		return b, false
	}
	for k, p := range exactPow10 {
		m := a * p
		if m >= 1e14 {
			break
		}
		n := math.Floor(m + 0.5)
		if n/p != a {
			continue
		}
		var buf [24]byte // a sign, 19 decimals (|f| ≥ 1e-6) and "0."
		i := len(buf)
		u := uint64(n)
		for range k {
			i--
			buf[i] = byte('0' + u%10)
			u /= 10
		}
		if k > 0 {
			i--
			buf[i] = '.'
		}
		for {
			i--
			buf[i] = byte('0' + u%10)
			if u /= 10; u == 0 {
				break
			}
		}
		if f < 0 {
			i--
			buf[i] = '-'
		}
		return append(b, buf[i:]...), true
	}
	return b, false
}

// exactPow10 holds the powers of ten that a float64 holds exactly.
var exactPow10 = [...]float64{
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
}
