package safetext_test

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"

	"github.com/authflow-dev/authflow-go/internal/safetext"
)

func TestBounded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"empty", "", 10, ""},
		{"empty, max 0", "", 0, ""},
		{"clean", "plain text", 10, "plain text"},
		{"clean, one byte over", "plain text", 9, "plain tex…"},
		{"quotes and backslashes kept", `say "a\b"`, 20, `say "a\b"`},
		{"space and tilde kept", " ~ ", 3, " ~ "},
		{"newline", "a\nb", 10, `a\nb`},
		{"tab and carriage return", "\t\r", 10, `\t\r`},
		{"NUL", "a\x00b", 10, `a\x00b`},
		{"bell", "\a", 10, `\a`},
		{"escape", "\x1b[31m", 10, `\x1b[31m`},
		{"DEL", "\x7f", 10, `\x7f`},
		{"invalid byte", "a\xffb", 10, `a\xffb`},
		{"truncated sequence", "\xe2\x82", 10, `\xe2\x82`},
		{"overlong encoding", "\xc0\xaf", 10, `\xc0\xaf`},
		{"surrogate half", "\xed\xa0\x80", 20, `\xed\xa0\x80`},
		{"C1 control", "\u0085", 10, `\u0085`},
		{"line separator", "\u2028", 10, `\u2028`},
		{"byte order mark", "\ufeff", 10, `\ufeff`},
		{"right-to-left override", "a\u202eb", 10, `a\u202eb`},
		{"non-ASCII letters kept", "Malmö ünïcödé", 20, "Malmö ünïcödé"},
		{"emoji kept", "😀", 4, "😀"},
		{"no-break space kept", "a\u00a0b", 10, "a\u00a0b"},
		{"cut before a two-byte rune", "aé", 2, "a…"},
		{"two-byte rune fits exactly", "aé", 3, "aé"},
		{"cut before a four-byte rune", "ab😀", 5, "ab…"},
		{"cut before an escape", "a\nb", 2, "a…"},
		{"escape fits exactly", "a\nb", 3, `a\n…`},
		{"cut before an invalid byte's escape", "abc\xff", 6, "abc…"},
		{"cut before a \\u escape", "ab\u2028", 7, "ab…"},
		{"max 0", "x", 0, "…"},
		{"negative max counts as zero", "x", -5, "…"},
		{"negative max, empty", "", -1, ""},
		{"clean but long", strings.Repeat("a", 100), 8, "aaaaaaaa…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := safetext.Bounded(tt.in, tt.max); got != tt.want {
				t.Errorf("Bounded(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
		})
	}
}

// TestBoundedCleanDoesNotAllocate checks that text needing no change is
// returned as it is, without a copy.
func TestBoundedCleanDoesNotAllocate(t *testing.T) {
	s := strings.Repeat(`plain "quoted" \text\ `, 4)
	var got string
	allocs := testing.AllocsPerRun(100, func() { got = safetext.Bounded(s, len(s)) })
	if allocs != 0 || got != s {
		t.Errorf("Bounded of clean text = %q with %v allocations, want it unchanged with none", got, allocs)
	}
	if unsafe.StringData(got) != unsafe.StringData(s) {
		t.Error("Bounded of clean text returned a copy")
	}
}

// TestBoundedEveryByte checks each single byte: printable ASCII is kept as
// it is, every other byte is escaped as a Go string literal escapes it.
func TestBoundedEveryByte(t *testing.T) {
	t.Parallel()
	for c := 0; c < 256; c++ {
		in := string([]byte{byte(c)})
		got := safetext.Bounded(in, 10)
		var want string
		switch {
		case ' ' <= c && c < 0x7f:
			want = in
		default:
			q := strconv.Quote(in)
			want = q[1 : len(q)-1]
		}
		if got != want {
			t.Errorf("Bounded(%q) = %q, want %q", in, got, want)
		}
		if !utf8.ValidString(got) {
			t.Errorf("Bounded(%q) = %q, not valid UTF-8", in, got)
		}
	}
}
