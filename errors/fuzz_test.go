package errors_test

import (
	"bytes"
	"encoding/json"
	stderrors "errors"
	"strings"
	"testing"
	"unicode/utf8"

	apierrors "github.com/authflow-dev/authflow-go/errors"
)

// FuzzUnmarshalJSON checks the envelope decoder: it never panics, fails only
// with an *Error naming what was wrong, accepts only objects that
// encoding/json reads with "status" "error" and a non-empty "code", to the
// same code and message, refuses those only for a rule encoding/json does
// not check (a repeated or case-folded key, bad UTF-8), and what it accepts
// re-encodes to an envelope that decodes to the same code and message. FromResponse reads the same bytes to the same code and message,
// or to an unexpected error, and Error() of whatever was read is bounded,
// valid UTF-8 without control characters.
func FuzzUnmarshalJSON(f *testing.F) {
	for _, s := range []string{
		`{"status":"error","code":"not_found","message":"no such authflow"}`,
		`{"status":"error","code":"rate_limited"}`,
		`{"status":"error","code":"","message":"x"}`,
		`{"status":"success","code":"not_found"}`,
		`{"status":"error","code":42}`,
		`{"status":"error","code":"x","message":null}`,
		`{"status":"error","code":"x","message":"\u003c\ud800\u2028"}`,
		`{"status":"error","code":"x\n\u001b[31m","message":"a\nb\u0000\u007f\u202e"}`,
		`{"status":"error","status":"success","code":"x"}`,
		`{"code":"x"}`, `[]`, `null`, `"error"`, `{`, ``, `{"status":"error","code":"x"} trailing`,
		"<html><body>502 Bad Gateway</body></html>",
		"{\"status\":\"error\",\"code\":\"\xff\xfe\"}",
		`{"status":"error","code":"x","message":"` + strings.Repeat(`\n\u00e9`, 600) + `"}`,
		`{"status":"error","code":"not_found","code":"unavailable"}`,
		`{"status":"error","Code":"not_found"}`,
		`{"status":"error","code":"x","cOdE":"y"}`,
		`{"status":"error","code":"x","extra":{"k":1,"k":2}}`,
		`{"status":"error","code":"x\ud800"}`,
		`{"status":"error","code":"x","message":"\udc00\ud800"}`,
		"{\"status\":\"error\",\"code\":\"x\",\"message\":\"\xc3\"}",
		`{"status":"error","code":"x","extra":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var e apierrors.Error
		err := e.UnmarshalJSON(data)

		// What encoding/json sees in the same bytes decides acceptance.
		var w struct {
			Status  *string `json:"status"`
			Code    *string `json:"code"`
			Message *string `json:"message"`
		}
		stdErr := json.Unmarshal(data, &w)
		stdOK := stdErr == nil && w.Status != nil && *w.Status == "error" && w.Code != nil && *w.Code != ""
		if err == nil && !stdOK {
			t.Fatalf("UnmarshalJSON(%q) accepts what encoding/json reads as %+v, %v", data, w, stdErr)
		}
		if err != nil && stdOK {
			// Only for what encoding/json does not check.
			var ae *apierrors.Error
			if !stderrors.As(err, &ae) || len(ae.Problems()) != 1 ||
				ae.Problems()[0].Rule != apierrors.RuleDuplicateKey && ae.Problems()[0].Rule != apierrors.RuleUTF8 {
				t.Fatalf("UnmarshalJSON(%q) = %v; encoding/json reads %+v", data, err, w)
			}
		}

		resp := apierrors.FromResponse(500, nil, data)
		checkErrorString(t, resp)
		if resp.StatusCode() != 500 {
			t.Fatalf("FromResponse kept status %d", resp.StatusCode())
		}

		if err != nil {
			var ae *apierrors.Error
			if !stderrors.As(err, &ae) || len(ae.Problems()) != 1 || ae.Message() == "" || !ae.IsReport() {
				t.Fatalf("UnmarshalJSON(%q) error %v (%T) names no problem", data, err, err)
			}
			switch ae.Code() {
			case apierrors.BadRequest, apierrors.InvalidValue, apierrors.RequiredValue:
			default:
				t.Fatalf("UnmarshalJSON(%q) failed with code %q", data, ae.Code())
			}
			if e.Code() != "" || e.Message() != "" {
				t.Fatalf("a failed UnmarshalJSON changed the error to %v", &e)
			}
			if resp.Code() != apierrors.Unexpected || apierrors.CodeOf(resp) != apierrors.Unexpected {
				t.Fatalf("FromResponse(%q) = %v, want an unexpected error", data, resp)
			}
			return
		}
		if string(e.Code()) != *w.Code || (w.Message != nil && e.Message() != *w.Message) {
			t.Fatalf("UnmarshalJSON(%q) = %v", data, &e)
		}
		if resp.Code() != e.Code() || resp.Message() != e.Message() {
			t.Fatalf("FromResponse(%q) = %v, UnmarshalJSON %v", data, resp, &e)
		}
		checkErrorString(t, &e)

		enc, err := json.Marshal(&e)
		if err != nil {
			t.Fatal(err)
		}
		if appended := e.AppendJSON([]byte("x")); !bytes.Equal(appended[1:], enc) {
			t.Fatalf("AppendJSON and MarshalJSON differ:\n%s\n%s", appended[1:], enc)
		}
		var again apierrors.Error
		if err := json.Unmarshal(enc, &again); err != nil || again.Code() != e.Code() || again.Message() != e.Message() {
			t.Fatalf("round trip through %s = %v, %v", enc, &again, err)
		}
	})
}

// checkErrorString checks that e.Error() is safe to log: valid UTF-8,
// without control characters, and each part at most 1 KiB and an ellipsis.
func checkErrorString(t *testing.T, e *apierrors.Error) {
	t.Helper()
	s := e.Error()
	if !utf8.ValidString(s) {
		t.Fatalf("Error() = %q is not valid UTF-8", s)
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		t.Fatalf("Error() = %q holds a control character", s)
	}
	if limit := 2*(1024+len("…")) + len(": "); len(s) > limit {
		t.Fatalf("Error() is %d bytes, want at most %d", len(s), limit)
	}
}
