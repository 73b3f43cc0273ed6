package safetext_test

import (
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/authflow-dev/authflow-go/internal/safetext"
)

// FuzzBounded checks Bounded's properties on any text and bound: what it
// returns is valid UTF-8 made of graphic characters only (no control
// character, no U+2028, no BOM: nothing strconv.IsGraphic refuses), at most
// max bytes plus the "…" that marks a cut; it is the escaped text whole, or a
// prefix of it cut between two characters or escapes, never inside one, at
// the last such place within max bytes; clean text within the bound comes
// back unchanged; and Bounded of its own result, given room for it, changes
// nothing.
func FuzzBounded(f *testing.F) {
	for _, seed := range []struct {
		s   string
		max int
	}{
		{"", 0}, {"plain", 5}, {"plain", 4}, {"a\nb", 2}, {"a\nb", 3},
		{"\x00\x01\x1f\x7f", 8}, {"\xff\xfe\xc3", 4}, {"\xe2\x82", 6},
		{"\xed\xa0\x80", 12}, {"\xf4\x90\x80\x80", 100}, {"\u0085\u2028\u2029\ufeff\u202e", 30},
		{"aé", 2}, {"ab😀", 5}, {"😀😀😀", 8}, {`"\"\\`, 4}, {"x", -1},
		{strings.Repeat("\x00", 300), 256}, {strings.Repeat("é", 200), 255},
		{"\x1b[2J\x1b[H", 10}, {"…", 3}, {"…", 2},
	} {
		f.Add(seed.s, seed.max)
	}
	f.Fuzz(func(t *testing.T, s string, bound int) {
		bound %= 1 << 12 // bounds beyond the text's length all behave alike
		got := safetext.Bounded(s, bound)

		if !utf8.ValidString(got) {
			t.Fatalf("Bounded(%q, %d) = %q, not valid UTF-8", s, bound, got)
		}
		for _, r := range got {
			if !strconv.IsGraphic(r) || unicode.IsControl(r) {
				t.Fatalf("Bounded(%q, %d) = %q holds %U", s, bound, got, r)
			}
		}
		limit := max(bound, 0)
		if len(got) > limit+len("…") {
			t.Fatalf("Bounded(%q, %d) = %q, %d bytes", s, bound, got, len(got))
		}

		// The result is the escaped text whole, or the longest run of whole
		// pieces that fits in max bytes, followed by "…".
		ps := pieces(s)
		n, k := 0, 0
		for k < len(ps) && n+len(ps[k]) <= limit {
			n += len(ps[k])
			k++
		}
		want := strings.Join(ps[:k], "")
		if k < len(ps) {
			want += "…"
		}
		if got != want {
			t.Fatalf("Bounded(%q, %d) = %q, want %q", s, bound, got, want)
		}

		if clean(s) && len(s) <= limit && got != s {
			t.Fatalf("Bounded(%q, %d) = %q, want the clean text unchanged", s, bound, got)
		}
		if again := safetext.Bounded(got, len(got)); again != got {
			t.Fatalf("Bounded(%q, %d) = %q, which Bounded changes to %q", s, bound, got, again)
		}
		if k == len(ps) {
			if again := safetext.Bounded(got, bound); again != got {
				t.Fatalf("Bounded(%q, %d) = %q, which Bounded with the same bound changes to %q", s, bound, got, again)
			}
		}
	})
}

// pieces splits s into characters and escapes them one at a time, as a Go
// string literal would except that quotes and backslashes stay as they are:
// each invalid byte becomes \xNN, each character that is not graphic its
// shortest escape, and every other character stays as it is.
func pieces(s string) []string {
	var ps []string
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			ps = append(ps, `\x`+strconv.FormatUint(uint64(s[i])>>4, 16)+strconv.FormatUint(uint64(s[i])&0xf, 16))
		case strconv.IsGraphic(r):
			ps = append(ps, s[i:i+size])
		default:
			q := strconv.QuoteRune(r)
			ps = append(ps, q[1:len(q)-1])
		}
		i += size
	}
	return ps
}

// clean reports whether s is printable ASCII only, which Bounded need not
// escape.
func clean(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}
