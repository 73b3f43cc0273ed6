// Package safetext makes text that came from elsewhere (a server's message,
// a store's error, a JSON key) safe to put in an error string or a log
// line: control characters and invalid UTF-8 escaped, and the length
// bounded.
package safetext

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Bounded escapes control characters and invalid UTF-8 in s as a Go string
// literal would, and keeps at most max bytes of the escaped text, marking a
// cut with "…". Quotes and backslashes stay as they are. It cuts between
// runes and escapes, never inside one, so that what it returns is valid
// UTF-8 and every escape in it whole. Text that needs neither is returned
// as it is, without allocating. A max below zero counts as zero.
func Bounded(s string, max int) string {
	if max < 0 {
		max = 0
	}
	clean := len(s) <= max
	for i := 0; clean && i < len(s); i++ {
		if c := s[i]; c < ' ' || c == 0x7f || c >= 0x80 {
			clean = false
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(min(len(s), max) + len("…"))
	var buf [utf8.UTFMax * 4]byte
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		var piece []byte
		switch {
		case r == utf8.RuneError && size == 1:
			piece = append(buf[:0], '\\', 'x', hexDigits[s[i]>>4], hexDigits[s[i]&0xf])
		case r == '"' || r == '\\' || strconv.IsGraphic(r):
			piece = append(buf[:0], s[i:i+size]...)
		default:
			q := strconv.AppendQuoteRuneToGraphic(buf[:0], r)
			piece = q[1 : len(q)-1]
		}
		if b.Len()+len(piece) > max {
			b.WriteString("…")
			break
		}
		b.Write(piece)
		i += size
	}
	return b.String()
}

const hexDigits = "0123456789abcdef"
