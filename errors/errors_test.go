package errors_test

import (
	"encoding/json"
	stderrors "errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	apierrors "github.com/authflow-dev/authflow-go/errors"
)

// TestHTTPStatus pins SPEC §6: every code and the status it is served with.
func TestHTTPStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code   apierrors.Code
		text   string
		status int
	}{
		{apierrors.BadRequest, "bad_request", 400},
		{apierrors.InvalidValue, "invalid_value", 400},
		{apierrors.RequiredValue, "required_value", 400},
		{apierrors.UnexpectedRefType, "unexpected_ref_type", 400},
		{apierrors.BadAuthToken, "bad_authtoken", 401},
		{apierrors.NotAuthenticated, "not_authenticated", 401},
		{apierrors.NotPermitted, "not_permitted", 403},
		{apierrors.NotFound, "not_found", 404},
		{apierrors.InvalidAction, "invalid_action", 409},
		{apierrors.Unexpected, "unexpected", 500},
		{apierrors.Unknown, "unknown", 500},
		{apierrors.NotImplemented, "not_implemented", 501},
		// Codes outside the list.
		{"rate_limited", "rate_limited", 500},
		{"", "", 500},
		{"NOT_FOUND", "NOT_FOUND", 500},
	}
	for _, tt := range tests {
		if string(tt.code) != tt.text {
			t.Errorf("code %q, want text %q", tt.code, tt.text)
		}
		if got := tt.code.HTTPStatus(); got != tt.status {
			t.Errorf("Code(%q).HTTPStatus() = %d, want %d", tt.code, got, tt.status)
		}
	}
}

// sentinels are the exported sentinels, by the code each must carry.
var sentinels = map[apierrors.Code]*apierrors.Error{
	apierrors.BadRequest:        apierrors.ErrBadRequest,
	apierrors.InvalidValue:      apierrors.ErrInvalidValue,
	apierrors.RequiredValue:     apierrors.ErrRequiredValue,
	apierrors.UnexpectedRefType: apierrors.ErrUnexpectedRefType,
	apierrors.BadAuthToken:      apierrors.ErrBadAuthToken,
	apierrors.NotAuthenticated:  apierrors.ErrNotAuthenticated,
	apierrors.NotPermitted:      apierrors.ErrNotPermitted,
	apierrors.NotFound:          apierrors.ErrNotFound,
	apierrors.InvalidAction:     apierrors.ErrInvalidAction,
	apierrors.Unexpected:        apierrors.ErrUnexpected,
	apierrors.Unknown:           apierrors.ErrUnknown,
	apierrors.NotImplemented:    apierrors.ErrNotImplemented,
}

func TestSentinels(t *testing.T) {
	t.Parallel()
	if len(sentinels) != 12 {
		t.Fatalf("%d sentinels, want one per code (12)", len(sentinels))
	}
	for code, s := range sentinels {
		if s.Code != code || s.Message == "" || s.StatusCode != 0 || s.Problems != nil || s.Unwrap() != nil {
			t.Errorf("sentinel for %q is %#v", code, s)
		}
		for other, o := range sentinels {
			if got := stderrors.Is(s, o); got != (code == other) {
				t.Errorf("errors.Is(%v, %v) = %v", s, o, got)
			}
		}
	}
}

func TestIsMatchesCodeOnly(t *testing.T) {
	t.Parallel()
	cause := stderrors.New("row not in table flows")
	err := fmt.Errorf("fetching: %w", apierrors.Wrap(apierrors.NotFound, "no such authflow", cause))

	if !stderrors.Is(err, apierrors.ErrNotFound) {
		t.Error("errors.Is(err, ErrNotFound) = false for a wrapped not_found error")
	}
	if !stderrors.Is(err, apierrors.New(apierrors.NotFound, "another message")) {
		t.Error("errors.Is ignores the message: want true for any not_found target")
	}
	if stderrors.Is(err, apierrors.ErrNotPermitted) {
		t.Error("errors.Is(err, ErrNotPermitted) = true for a not_found error")
	}
	if !stderrors.Is(err, cause) {
		t.Error("the cause is not reachable with errors.Is")
	}
	var typed *apierrors.Error
	if stderrors.Is(err, typed) {
		t.Error("errors.Is(err, (*Error)(nil)) = true")
	}
	var ae *apierrors.Error
	if !stderrors.As(err, &ae) || ae.Code != apierrors.NotFound || ae.Message != "no such authflow" {
		t.Errorf("errors.As gave %#v", ae)
	}
	if stderrors.Is(stderrors.New("not_found"), apierrors.ErrNotFound) {
		t.Error("errors.Is matched a plain error")
	}
}

func TestErrorString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  *apierrors.Error
		want string
	}{
		{apierrors.New(apierrors.NotFound, "no such authflow"), "not_found: no such authflow"},
		{apierrors.New(apierrors.Unexpected, ""), "unexpected"},
		{apierrors.Wrap(apierrors.Unexpected, "internal error", stderrors.New("db down")), "unexpected: internal error"},
		{&apierrors.Error{Code: "teapot", Message: "short and stout", StatusCode: 418}, "teapot: short and stout"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestInvalid(t *testing.T) {
	t.Parallel()
	missing := apierrors.Problem{Path: "plan_name", Rule: apierrors.RuleRequired, Message: "is required"}
	bad := apierrors.Problem{Path: "first_seen.country_code", Rule: "country_code", Message: "must match ^[A-Z]{2}$"}
	tests := []struct {
		name     string
		problems []apierrors.Problem
		code     apierrors.Code
		message  string
	}{
		{"none", nil, apierrors.InvalidValue, "invalid value"},
		{"missing only", []apierrors.Problem{missing, missing}, apierrors.RequiredValue, "plan_name: is required; plan_name: is required"},
		{"invalid only", []apierrors.Problem{bad}, apierrors.InvalidValue, "first_seen.country_code: must match ^[A-Z]{2}$"},
		{"mixed", []apierrors.Problem{missing, bad}, apierrors.InvalidValue, "plan_name: is required; first_seen.country_code: must match ^[A-Z]{2}$"},
		{"no path", []apierrors.Problem{{Rule: "type", Message: "must be an object"}}, apierrors.InvalidValue, "must be an object"},
	}
	for _, tt := range tests {
		e := apierrors.Invalid(tt.problems...)
		if e.Code != tt.code || e.Message != tt.message {
			t.Errorf("%s: Invalid() = %q %q, want %q %q", tt.name, e.Code, e.Message, tt.code, tt.message)
		}
		if diff := cmp.Diff(tt.problems, e.Problems); diff != "" {
			t.Errorf("%s: problems (-given +kept):\n%s", tt.name, diff)
		}
	}
	// Invalid keeps its own copy of the problems.
	ps := []apierrors.Problem{bad}
	e := apierrors.Invalid(ps...)
	ps[0].Path = "changed"
	if e.Problems[0].Path != bad.Path {
		t.Error("Invalid shares the caller's slice")
	}
}

func TestProblem(t *testing.T) {
	t.Parallel()
	p := apierrors.Problem{Path: "factor_names[1]", Rule: apierrors.RuleRequired, Message: "is required"}
	if !p.Missing() || p.String() != "factor_names[1]: is required" {
		t.Errorf("%+v: Missing() = %v, String() = %q", p, p.Missing(), p.String())
	}
	q := apierrors.Problem{Rule: "type", Message: "must be an object"}
	if q.Missing() || q.String() != "must be an object" {
		t.Errorf("%+v: Missing() = %v, String() = %q", q, q.Missing(), q.String())
	}
}

func TestEnvelopeEncoding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  apierrors.Error
		want string
	}{
		{*apierrors.ErrNotFound, `{"status":"error","code":"not_found","message":"not found"}`},
		{apierrors.Error{Code: "rate_limited", Message: "slow down"}, `{"status":"error","code":"rate_limited","message":"slow down"}`},
		// Only code and message are on the wire, escaped as encoding/json does.
		{
			*apierrors.Invalid(apierrors.Problem{Path: "title", Rule: "x", Message: `<b>"&"</b>`}),
			`{"status":"error","code":"invalid_value","message":"title: \u003cb\u003e\"\u0026\"\u003c/b\u003e"}`,
		},
		{
			apierrors.Error{Code: apierrors.Unexpected, Message: "internal error", StatusCode: 500},
			`{"status":"error","code":"unexpected","message":"internal error"}`,
		},
		{apierrors.Error{}, `{"status":"error","code":"","message":""}`},
	}
	for _, tt := range tests {
		for _, v := range []any{tt.err, &tt.err} {
			got, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("json.Marshal(%T) = %s, want %s", v, got, tt.want)
			}
		}
		if got := tt.err.AppendJSON([]byte("x")); string(got) != "x"+tt.want {
			t.Errorf("AppendJSON = %s, want x%s", got, tt.want)
		}
	}
	// The cause never reaches the wire.
	wrapped := apierrors.Wrap(apierrors.Unexpected, "internal error", stderrors.New("secret: password=hunter2"))
	got, _ := json.Marshal(wrapped)
	if want := `{"status":"error","code":"unexpected","message":"internal error"}`; string(got) != want {
		t.Errorf("json.Marshal(wrapped) = %s, want %s", got, want)
	}
}

func TestEnvelopeDecoding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		doc  string
		want apierrors.Error
	}{
		{`{"status":"error","code":"not_found","message":"no such authflow"}`, apierrors.Error{Code: apierrors.NotFound, Message: "no such authflow"}},
		// An unknown code is kept as it is.
		{`{"status":"error","code":"rate_limited","message":"slow down"}`, apierrors.Error{Code: "rate_limited", Message: "slow down"}},
		// Message may be absent or null; unknown members are ignored.
		{`{"code":"unexpected","status":"error","retry_after":3}`, apierrors.Error{Code: apierrors.Unexpected}},
		{`{"status":"error","code":"unknown","message":null}`, apierrors.Error{Code: apierrors.Unknown}},
	}
	for _, tt := range tests {
		e := apierrors.Error{StatusCode: 502, Problems: []apierrors.Problem{{Path: "stale"}}}
		if err := json.Unmarshal([]byte(tt.doc), &e); err != nil {
			t.Errorf("json.Unmarshal(%s): %v", tt.doc, err)
			continue
		}
		if diff := cmp.Diff(tt.want, e, cmp.AllowUnexported(apierrors.Error{})); diff != "" {
			t.Errorf("decoding %s (-want +got):\n%s", tt.doc, diff)
		}
	}
}

func TestEnvelopeDecodingErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		doc  string
		code apierrors.Code
		path string
	}{
		{`{"code":"not_found","message":"x"}`, apierrors.RequiredValue, "status"},
		{`{"status":"","code":"not_found"}`, apierrors.RequiredValue, "status"},
		{`{"status":"success","code":"not_found"}`, apierrors.InvalidValue, "status"},
		{`{"status":"error","message":"x"}`, apierrors.RequiredValue, "code"},
		{`{"status":"error","code":"","message":"x"}`, apierrors.RequiredValue, "code"},
		{`{"status":"error","code":404}`, apierrors.InvalidValue, "code"},
		{`{"status":"error","code":"x","message":["x"]}`, apierrors.InvalidValue, "message"},
		{`["error"]`, apierrors.InvalidValue, ""},
		{`null`, apierrors.RequiredValue, "status"},
		{`{"status":"error",`, apierrors.BadRequest, ""},
	}
	for _, tt := range tests {
		before := apierrors.Error{Code: "kept", Message: "kept"}
		e := before
		err := e.UnmarshalJSON([]byte(tt.doc))
		var ae *apierrors.Error
		if !stderrors.As(err, &ae) {
			t.Errorf("%s: error %v is not an *Error", tt.doc, err)
			continue
		}
		if ae.Code != tt.code || len(ae.Problems) != 1 || ae.Problems[0].Path != tt.path {
			t.Errorf("%s: got %q %+v, want code %q at path %q", tt.doc, ae.Code, ae.Problems, tt.code, tt.path)
		}
		if e.Code != before.Code || e.Message != before.Message {
			t.Errorf("%s: a failed decode changed the receiver to %+v", tt.doc, e)
		}
	}
}

func TestEnvelopeRoundTrip(t *testing.T) {
	t.Parallel()
	for code := range sentinels {
		in := apierrors.New(code, "message for "+string(code))
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		var out apierrors.Error
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatalf("decoding %s: %v", b, err)
		}
		if out.Code != in.Code || out.Message != in.Message {
			t.Errorf("round trip of %v gave %v", in, &out)
		}
	}
}
