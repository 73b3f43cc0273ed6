package jsonwire

import (
	"errors"
	"math"
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
		if c := s[i]; c < utf8.RuneSelf {
			if htmlSafe[c] {
				i++
				continue
			}
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

const hexDigits = "0123456789abcdef"

// htmlSafe reports the ASCII bytes AppendString writes as they are: every
// printable byte but " \ < > &. It is constant data, built by no code.
var htmlSafe = [utf8.RuneSelf]bool{
	false, false, false, false, false, false, false, false, // 0x0
	false, false, false, false, false, false, false, false, // 0x8
	false, false, false, false, false, false, false, false, // 0x10
	false, false, false, false, false, false, false, false, // 0x18
	true, true, false, true, true, true, false, true, // 0x20
	true, true, true, true, true, true, true, true, // 0x28
	true, true, true, true, true, true, true, true, // 0x30
	true, true, true, true, false, true, false, true, // 0x38
	true, true, true, true, true, true, true, true, // 0x40
	true, true, true, true, true, true, true, true, // 0x48
	true, true, true, true, true, true, true, true, // 0x50
	true, true, true, true, false, true, true, true, // 0x58
	true, true, true, true, true, true, true, true, // 0x60
	true, true, true, true, true, true, true, true, // 0x68
	true, true, true, true, true, true, true, true, // 0x70
	true, true, true, true, true, true, true, true, // 0x78
}

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
