package errors_test

import (
	stderrors "errors"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	apierrors "github.com/authflow-dev/authflow-go/errors"
)

// TestWithAttempts checks that WithAttempts returns a copy that says how many
// attempts were made, leaves the error it was called on as it was, and keeps
// everything else of it; and that Error() names the attempts beyond one.
func TestWithAttempts(t *testing.T) {
	t.Parallel()
	cause := stderrors.New("the cause")
	e := apierrors.FromResponse(503, http.Header{"X-Request-Id": {"req-1"}, "Retry-After": {"2"}}, []byte(`{"status":"error","code":"unexpected","message":"busy"}`))
	wrapped := apierrors.Wrap(apierrors.Unknown, "no response", cause)
	for _, tc := range []struct {
		e    *apierrors.Error
		n    int
		want string
	}{
		{e, 0, "unexpected: busy"},
		{e, 1, "unexpected: busy"},
		{e, 4, "unexpected: busy (after 4 attempts)"},
		{e, -1, "unexpected: busy"},
		{wrapped, 2, "unknown: no response (after 2 attempts)"},
		{apierrors.New(apierrors.NotFound, ""), 3, "not_found (after 3 attempts)"},
	} {
		c := tc.e.WithAttempts(tc.n)
		if c == tc.e {
			t.Errorf("WithAttempts(%d) returned the error itself, not a copy", tc.n)
		}
		if tc.e.Attempts() != 0 {
			t.Errorf("WithAttempts(%d) changed the original: Attempts() = %d", tc.n, tc.e.Attempts())
		}
		if want := max(tc.n, 0); c.Attempts() != want {
			t.Errorf("WithAttempts(%d).Attempts() = %d, want %d", tc.n, c.Attempts(), want)
		}
		if c.Error() != tc.want {
			t.Errorf("WithAttempts(%d).Error() = %q, want %q", tc.n, c.Error(), tc.want)
		}
		if c.Code() != tc.e.Code() || c.Message() != tc.e.Message() || c.StatusCode() != tc.e.StatusCode() ||
			c.RetryAfter() != tc.e.RetryAfter() || c.RequestID() != tc.e.RequestID() || c.Unwrap() != tc.e.Unwrap() {
			t.Errorf("WithAttempts(%d) changed more than the attempts: %#v, from %#v", tc.n, c, tc.e)
		}
	}
	if !stderrors.Is(wrapped.WithAttempts(2), cause) {
		t.Error("the cause is not reachable from the copy")
	}
}

// TestRequestIDCutAtCharacter checks that a long X-Request-Id is cut at 256
// bytes or just before, never inside a UTF-8 sequence.
func TestRequestIDCutAtCharacter(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		id   string
		want int // the length kept
	}{
		{strings.Repeat("a", 256), 256},
		{strings.Repeat("a", 300), 256},
		{strings.Repeat("a", 255) + "é", 255},                            // 2 bytes from 255
		{strings.Repeat("a", 254) + "€x", 254},                           // 3 bytes from 254
		{strings.Repeat("a", 253) + "😀x", 253},                           // 4 bytes from 253
		{strings.Repeat("a", 252) + "😀x", 256},                           // 4 bytes from 252: whole
		{strings.Repeat("é", 200), 256},                                  // 128 whole characters
		{strings.Repeat("a", 250) + "\xff\xff\xff\xff\xff\xff\xff", 256}, // not UTF-8: cut at 256
	} {
		e := apierrors.FromResponse(500, http.Header{"X-Request-Id": {tc.id}}, nil)
		got := e.RequestID()
		if len(got) != tc.want || got != tc.id[:tc.want] {
			t.Errorf("RequestID of %d bytes: kept %d bytes, want %d", len(tc.id), len(got), tc.want)
		}
		if utf8.ValidString(tc.id) && !utf8.ValidString(got) {
			t.Errorf("RequestID of %d bytes cut inside a character: %q", len(tc.id), got[len(got)-4:])
		}
	}
}
