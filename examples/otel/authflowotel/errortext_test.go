package authflowotel

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestErrorTextIsBounded checks that a span's status text is cut, at a
// character boundary, however long the error: a store's error or a panic's
// stack is of any length.
func TestErrorTextIsBounded(t *testing.T) {
	if got := errorText(nil); got != "" {
		t.Errorf("errorText(nil) = %q", got)
	}
	if got := errorText(errors.New("short")); got != "short" {
		t.Errorf("errorText(short) = %q", got)
	}
	long := errors.New("x" + strings.Repeat("é", 1000)) // the cut falls inside an é
	got := errorText(long)
	if len(got) > maxErrorText+len("…") || !utf8.ValidString(got) || !strings.HasSuffix(got, "…") ||
		!strings.HasPrefix(long.Error(), strings.TrimSuffix(got, "…")) {
		t.Errorf("errorText of %d bytes = %d bytes %q, want a valid prefix of at most %d bytes and …", len(long.Error()), len(got), got, maxErrorText)
	}
}
