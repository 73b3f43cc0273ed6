package authflow

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzRequestIDFor checks the request ID the handler takes for any
// X-Request-Id a caller sends: the value itself when it is 1 to 128 of
// A-Z a-z 0-9 . _ -, and otherwise a new ID of 26 such characters; never
// anything else.
func FuzzRequestIDFor(f *testing.F) {
	for _, s := range []string{"", "abc-123_x.y", strings.Repeat("a", 128), strings.Repeat("a", 129),
		"a b", "a\tb", "a\x00b", "a\x7fb", "é", "a\r\nX-Evil: 1", "a/b", "a;b", "a,b", "%41", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sent string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header["X-Request-Id"] = []string{sent}
		got := requestIDFor(r)
		plain := sent != "" && len(sent) <= MaxRequestIDLen &&
			strings.Trim(sent, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == ""
		switch {
		case plain && got != sent:
			t.Errorf("X-Request-Id %q is plain: got %q, want it kept", sent, got)
		case !plain && (len(got) != 26 || strings.Trim(got, requestIDAlphabet) != ""):
			t.Errorf("X-Request-Id %q is not plain: got %q, want a new ID of 26 characters", sent, got)
		}
	})
}

// FuzzTokenProblem checks the one rule for bearer tokens: a token is
// refused if and only if it is empty or holds a byte outside '!' to '~',
// and the reason given is one of a fixed few, so that it never quotes the
// token. (A token may well be a piece of a reason, as "a space" is of
// "holds a space or a tab": that quotes nothing.)
func FuzzTokenProblem(f *testing.F) {
	reasons := map[string]bool{"": true, "is empty": true, "ends with a space, a tab or a line break": true,
		"holds a space or a tab": true, "holds a line break": true, "holds a control character": true,
		"holds a byte beyond ASCII": true}
	for _, s := range []string{"", "t", "s3cret-value", "s3cret\n", " s3cret", "s3 cret", "s3cret\x00", "s3cret\x7f", "s3crét", "\xff",
		"a space", "a line break"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		problem := tokenProblem(token)
		ok := token != "" && strings.IndexFunc(token, func(r rune) bool { return r < '!' || r > '~' }) < 0
		if ok != (problem == "") {
			t.Errorf("tokenProblem(%q) = %q; want a problem exactly when the token is empty or not printable ASCII", token, problem)
		}
		if !reasons[problem] {
			t.Errorf("tokenProblem(%q) = %q: not one of its fixed reasons, it may quote the token", token, problem)
		}
	})
}
