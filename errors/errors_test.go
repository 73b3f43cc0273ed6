package errors_test

import (
	"encoding/json"
	stderrors "errors"
	"fmt"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	apierrors "github.com/authflow-dev/authflow-go/errors"
)

// codes are the codes the API defines, with their text and HTTP status.
var codes = []struct {
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
}

// TestHTTPStatus pins every code, its text and the status it is served with.
func TestHTTPStatus(t *testing.T) {
	t.Parallel()
	tests := append(codes[:len(codes):len(codes)], []struct {
		code   apierrors.Code
		text   string
		status int
	}{
		// Codes outside the list.
		{"rate_limited", "rate_limited", 500},
		{"", "", 500},
		{"NOT_FOUND", "NOT_FOUND", 500},
	}...)
	for _, tt := range tests {
		if string(tt.code) != tt.text || tt.code.Error() != tt.text {
			t.Errorf("code %q: Error() = %q, want text %q", tt.code, tt.code.Error(), tt.text)
		}
		if got := tt.code.HTTPStatus(); got != tt.status {
			t.Errorf("Code(%q).HTTPStatus() = %d, want %d", tt.code, got, tt.status)
		}
	}
}

func TestCodeDescription(t *testing.T) {
	t.Parallel()
	const unclassified = "an error the server could not classify"
	seen := map[string]apierrors.Code{}
	for _, c := range codes {
		d := c.code.Description()
		if d == "" {
			t.Errorf("Code(%q).Description() is empty", c.code)
		}
		// Unknown is the one code whose description is the generic one.
		if (d == unclassified) != (c.code == apierrors.Unknown) {
			t.Errorf("Code(%q).Description() = %q", c.code, d)
		}
		if other, dup := seen[d]; dup {
			t.Errorf("codes %q and %q share the description %q", other, c.code, d)
		}
		seen[d] = c.code
	}
	if got := apierrors.NotFound.Description(); got != "no such resource" {
		t.Errorf("NotFound.Description() = %q", got)
	}
	for _, c := range []apierrors.Code{"rate_limited", "", "NOT_FOUND"} {
		if got := c.Description(); got != unclassified {
			t.Errorf("Code(%q).Description() = %q, want %q", c, got, unclassified)
		}
	}
}

// TestCodeAsTarget checks that a Code is the target of errors.Is: it
// matches a Code or an *Error of that code, and nothing else.
func TestCodeAsTarget(t *testing.T) {
	t.Parallel()
	for _, a := range codes {
		for _, b := range codes {
			same := a.code == b.code
			if got := stderrors.Is(a.code, b.code); got != same {
				t.Errorf("errors.Is(Code %q, Code %q) = %v", a.code, b.code, got)
			}
			e := apierrors.New(a.code, "message")
			if got := stderrors.Is(e, b.code); got != same {
				t.Errorf("errors.Is(*Error %q, Code %q) = %v", a.code, b.code, got)
			}
			// An *Error target matches on the code alone, whatever its message.
			if got := stderrors.Is(a.code, apierrors.New(b.code, "other")); got != same {
				t.Errorf("errors.Is(Code %q, *Error %q) = %v", a.code, b.code, got)
			}
			if got := stderrors.Is(e, apierrors.New(b.code, "other")); got != same {
				t.Errorf("errors.Is(*Error %q, *Error %q) = %v", a.code, b.code, got)
			}
		}
	}
	var typedNil *apierrors.Error
	if stderrors.Is(apierrors.New(apierrors.NotFound, "x"), typedNil) || stderrors.Is(apierrors.NotFound, typedNil) {
		t.Error("errors.Is(err, (*Error)(nil)) = true")
	}
	if stderrors.Is(stderrors.New("not_found"), apierrors.NotFound) {
		t.Error("errors.Is matched a plain error with the code's text")
	}
}

// TestIsAndCodeOf tests errors.Is, errors.As and CodeOf over every shape of
// chain an API error can be in.
func TestIsAndCodeOf(t *testing.T) {
	t.Parallel()
	sentinel := stderrors.New("sql: no rows in result set")
	notFound := apierrors.New(apierrors.NotFound, "no such authflow")
	notPermitted := apierrors.New(apierrors.NotPermitted, "not yours")
	tests := []struct {
		name string
		err  error
		// code is CodeOf(err); is lists the codes errors.Is matches, and
		// every other code of the list must not match.
		code apierrors.Code
		is   []apierrors.Code
		// as is the message of the *Error errors.As finds; "" for none.
		as string
		// reaches lists non-API errors errors.Is must reach.
		reaches []error
	}{
		{
			name: "bare *Error",
			err:  notFound,
			code: apierrors.NotFound, is: []apierrors.Code{apierrors.NotFound}, as: "no such authflow",
		},
		{
			name: "fmt.Errorf-wrapped",
			err:  fmt.Errorf("fetching 42: %w", notFound),
			code: apierrors.NotFound, is: []apierrors.Code{apierrors.NotFound}, as: "no such authflow",
		},
		{
			// errors.Join keeps both branches: errors.Is holds for the code
			// of each branch's outermost API error, and CodeOf (like
			// errors.As) gives the first branch's.
			name: "errors.Join of two API errors",
			err:  stderrors.Join(notFound, fmt.Errorf("checking: %w", notPermitted)),
			code: apierrors.NotFound, is: []apierrors.Code{apierrors.NotFound, apierrors.NotPermitted}, as: "no such authflow",
		},
		{
			name: "errors.Join, the API error second",
			err:  stderrors.Join(sentinel, notPermitted),
			code: apierrors.NotPermitted, is: []apierrors.Code{apierrors.NotPermitted}, as: "not yours",
			reaches: []error{sentinel},
		},
		{
			// Only the outermost API error counts.
			name: "Wrap of an API error",
			err:  apierrors.Wrap(apierrors.Unexpected, "the server sent an invalid authflow", notFound),
			code: apierrors.Unexpected, is: []apierrors.Code{apierrors.Unexpected}, as: "the server sent an invalid authflow",
		},
		{
			name: "Wrap of a wrapped API error",
			err:  fmt.Errorf("client: %w", apierrors.Wrap(apierrors.Unexpected, "outer", fmt.Errorf("inner: %w", notFound))),
			code: apierrors.Unexpected, is: []apierrors.Code{apierrors.Unexpected}, as: "outer",
		},
		{
			name: "Wrap of a bare Code",
			err:  apierrors.Wrap(apierrors.Unexpected, "outer", apierrors.NotFound),
			code: apierrors.Unexpected, is: []apierrors.Code{apierrors.Unexpected}, as: "outer",
		},
		{
			// The API error in the middle is hidden; the non-API sentinel it
			// wraps is not.
			name: "Wrap of an API error that wraps a non-API sentinel",
			err: apierrors.Wrap(apierrors.Unexpected, "outer",
				apierrors.Wrap(apierrors.NotFound, "no such authflow", fmt.Errorf("query: %w", sentinel))),
			code: apierrors.Unexpected, is: []apierrors.Code{apierrors.Unexpected}, as: "outer",
			reaches: []error{sentinel},
		},
		{
			name: "Wrap of a join holding an API error and a sentinel",
			err:  apierrors.Wrap(apierrors.Unexpected, "outer", stderrors.Join(notFound, sentinel)),
			code: apierrors.Unexpected, is: []apierrors.Code{apierrors.Unexpected}, as: "outer",
			reaches: []error{sentinel},
		},
		{
			name: "bare Code",
			err:  apierrors.NotFound,
			code: apierrors.NotFound, is: []apierrors.Code{apierrors.NotFound},
		},
		{
			name: "wrapped Code",
			err:  fmt.Errorf("store: %w", apierrors.InvalidAction),
			code: apierrors.InvalidAction, is: []apierrors.Code{apierrors.InvalidAction},
		},
		{
			name: "foreign error",
			err:  fmt.Errorf("dial: %w", sentinel),
			code: apierrors.Unknown, reaches: []error{sentinel},
		},
		{
			name: "nil",
			err:  nil,
			code: apierrors.Unknown,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := apierrors.CodeOf(tt.err); got != tt.code {
				t.Errorf("CodeOf = %q, want %q", got, tt.code)
			}
			for _, c := range codes {
				want := false
				for _, w := range tt.is {
					want = want || w == c.code
				}
				if got := stderrors.Is(tt.err, c.code); got != want {
					t.Errorf("errors.Is(err, %q) = %v, want %v", c.code, got, want)
				}
			}
			var e *apierrors.Error
			found := stderrors.As(tt.err, &e)
			if found != (tt.as != "") || found && e.Message() != tt.as {
				t.Errorf("errors.As(err, *Error) = %v %v, want message %q", found, e, tt.as)
			}
			var code apierrors.Code
			if got := stderrors.As(tt.err, &code); got && (code != tt.code || tt.code == apierrors.Unknown) {
				t.Errorf("errors.As(err, Code) = %q, want %q", code, tt.code)
			}
			for _, r := range tt.reaches {
				if !stderrors.Is(tt.err, r) {
					t.Errorf("errors.Is(err, %v) = false", r)
				}
			}
		})
	}
}

// TestWrapCause checks what Wrap keeps of its cause: the text, through
// errors.Unwrap, and every non-API error, however it is wrapped, for
// errors.Is and errors.As; never an API error.
func TestWrapCause(t *testing.T) {
	t.Parallel()
	pathErr := &fs.PathError{Op: "open", Path: "/etc/flows", Err: fs.ErrNotExist}
	inner := apierrors.Wrap(apierrors.NotFound, "no such authflow", pathErr)
	// A non-API error whose own chain holds an API error.
	carrier := &fs.PathError{Op: "fetch", Path: "/authflows/1", Err: inner}
	cause := fmt.Errorf("loading: %w", carrier)
	err := apierrors.Wrap(apierrors.Unexpected, "internal error", cause)

	if got := err.Unwrap(); got == nil || got.Error() != cause.Error() {
		t.Errorf("Unwrap() = %v, want the cause's text %q", got, cause)
	}
	if got := err.Error(); got != "unexpected: internal error" {
		t.Errorf("Error() = %q: the cause must not show", got)
	}
	for _, target := range []error{cause, carrier, pathErr, fs.ErrNotExist} {
		if !stderrors.Is(err, target) {
			t.Errorf("errors.Is(err, %v) = false", target)
		}
	}
	var pe *fs.PathError
	if !stderrors.As(err, &pe) || pe != carrier {
		t.Errorf("errors.As(err, *fs.PathError) = %v, want the outermost one, %v", pe, carrier)
	}
	if stderrors.Is(err, apierrors.NotFound) || stderrors.Is(err, inner) || apierrors.CodeOf(err) != apierrors.Unexpected {
		t.Error("the inner API error is visible through the cause")
	}
	var e *apierrors.Error
	if !stderrors.As(err, &e) || e != err {
		t.Errorf("errors.As(err, *Error) = %v, want the outer error", e)
	}
	// The cause given is not changed: its own chain still holds the API
	// error.
	if !stderrors.Is(cause, apierrors.NotFound) {
		t.Error("Wrap changed its cause")
	}
	if apierrors.Wrap(apierrors.Unexpected, "x", nil).Unwrap() != nil {
		t.Error("Wrap with a nil cause: Unwrap() != nil")
	}
	// A cause without API errors is kept as it is.
	if got := apierrors.Wrap(apierrors.Unexpected, "x", pathErr).Unwrap(); got != error(pathErr) {
		t.Errorf("Unwrap() = %v, want the cause itself", got)
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
		{apierrors.New("teapot", "short and stout"), "teapot: short and stout"},
		{apierrors.Wrap(apierrors.Unexpected, "internal error", stderrors.New("db down")), "unexpected: internal error"},
		// Quotes, backslashes and printable non-ASCII are kept as they are.
		{apierrors.New(apierrors.InvalidValue, `title: "x" \o/ café 中 😀`), `invalid_value: title: "x" \o/ café 中 😀`},
		// Control characters and invalid UTF-8 are escaped, in the code too.
		{apierrors.New(apierrors.InvalidValue, "line one\nnot_found: forged line"), `invalid_value: line one\nnot_found: forged line`},
		{apierrors.New(apierrors.InvalidValue, "\x1b[31mred\x1b[0m"), `invalid_value: \x1b[31mred\x1b[0m`},
		{apierrors.New(apierrors.InvalidValue, "bad \xff\xfe utf8 \xc3"), `invalid_value: bad \xff\xfe utf8 \xc3`},
		{apierrors.New(apierrors.InvalidValue, "tab\tcr\rnul\x00del\x7f"), `invalid_value: tab\tcr\rnul\x00del\x7f`},
		{apierrors.New(apierrors.InvalidValue, "bidi \u202e override, line sep \u2028"), `invalid_value: bidi \u202e override, line sep \u2028`},
		{apierrors.New("evil\ncode", "m"), `evil\ncode: m`},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
	// Message keeps the raw value.
	raw := "line one\n\x1b[31m\xff"
	if got := apierrors.New(apierrors.InvalidValue, raw).Message(); got != raw {
		t.Errorf("Message() = %q, want the raw %q", got, raw)
	}
}

// TestErrorStringCut checks that Error() bounds each part: a hostile
// message, however large or however escaped, gives at most about 1 KiB of
// valid UTF-8, without control characters and without a cut escape.
func TestErrorStringCut(t *testing.T) {
	t.Parallel()
	const limit = 1024 + len("…")
	huge := strings.Repeat("x", 10<<20)
	tests := []struct {
		name, message string
	}{
		{"10 MB of ASCII", huge},
		{"10 MB of newlines", strings.Repeat("\n", 10<<20)},
		{"10 MB of invalid UTF-8", strings.Repeat("\xff", 10<<20)},
		{"two-byte runes after an odd escape", "\na" + strings.Repeat("é", 1000)},
		{"four-byte runes after an escape", "\n" + strings.Repeat("😀", 1000)},
		{"escapes after an odd prefix", "a" + strings.Repeat("\x01", 1000)},
		{"a rune cut by the first bound", strings.Repeat("a", 1023) + "é"},
	}
	for _, tt := range tests {
		e := apierrors.New(apierrors.InvalidValue, tt.message)
		got := e.Error()
		msg, ok := strings.CutPrefix(got, "invalid_value: ")
		switch {
		case !ok:
			t.Errorf("%s: Error() = %.40q…, want the code first", tt.name, got)
		case len(msg) > limit:
			t.Errorf("%s: Error()'s message is %d bytes, want at most %d", tt.name, len(msg), limit)
		case !strings.HasSuffix(msg, "…"):
			t.Errorf("%s: a cut message does not end with …: %q", tt.name, msg[max(0, len(msg)-20):])
		case !utf8.ValidString(msg):
			t.Errorf("%s: Error() is not valid UTF-8: …%q", tt.name, msg[max(0, len(msg)-20):])
		case strings.ContainsFunc(msg, func(r rune) bool { return r < ' ' || r == 0x7f }):
			t.Errorf("%s: Error() holds a control character", tt.name)
		}
		// The escapes are whole: unquoting what is left before … gives a
		// prefix of the message.
		body := strings.TrimSuffix(msg, "…")
		if unq, err := strconv.Unquote(`"` + strings.ReplaceAll(body, `"`, `\"`) + `"`); err != nil {
			t.Errorf("%s: Error() ends in a cut escape: …%q (%v)", tt.name, body[max(0, len(body)-20):], err)
		} else if !strings.HasPrefix(tt.message, unq) {
			t.Errorf("%s: Error() does not show a prefix of the message", tt.name)
		}
		if e.Message() != tt.message {
			t.Errorf("%s: Message() is not the raw message", tt.name)
		}
	}
	// Exactly 1024 bytes is not cut.
	exact := strings.Repeat("y", 1024)
	if got := apierrors.New(apierrors.InvalidValue, exact).Error(); got != "invalid_value: "+exact {
		t.Errorf("a 1024-byte message was changed: …%q", got[len(got)-10:])
	}
}

func TestInvalid(t *testing.T) {
	t.Parallel()
	missing := apierrors.Problem{Path: "plan_name", Rule: apierrors.RuleRequired, Message: "is required"}
	bad := apierrors.Problem{Path: "first_seen.country_code", Rule: apierrors.RuleCountryCode, Message: "must match ^[A-Z]{2}$"}
	syntax := apierrors.Problem{Rule: apierrors.RuleSyntax, Message: "malformed JSON at offset 3: unexpected end of input"}
	refType := apierrors.Problem{Path: "type", Rule: apierrors.RuleRefType, Message: `must be "authflow"`}
	dup := apierrors.Problem{Path: "asn", Rule: apierrors.RuleDuplicateKey, Message: "repeats a key of the object"}
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
		{"invalid then missing", []apierrors.Problem{bad, missing}, apierrors.InvalidValue, "first_seen.country_code: must match ^[A-Z]{2}$; plan_name: is required"},
		{"no path", []apierrors.Problem{{Rule: apierrors.RuleType, Message: "must be an object"}}, apierrors.InvalidValue, "must be an object"},
		{"duplicate key", []apierrors.Problem{dup}, apierrors.InvalidValue, "asn: repeats a key of the object"},
		{"syntax", []apierrors.Problem{syntax}, apierrors.BadRequest, syntax.Message},
		{"syntax wins over everything", []apierrors.Problem{missing, refType, bad, syntax}, apierrors.BadRequest,
			`plan_name: is required; type: must be "authflow"; first_seen.country_code: must match ^[A-Z]{2}$; ` + syntax.Message},
		{"syntax before ref_type", []apierrors.Problem{syntax, refType}, apierrors.BadRequest, syntax.Message + `; type: must be "authflow"`},
		{"ref_type", []apierrors.Problem{refType}, apierrors.UnexpectedRefType, `type: must be "authflow"`},
		{"ref_type wins over invalid and missing", []apierrors.Problem{missing, bad, refType}, apierrors.UnexpectedRefType,
			`plan_name: is required; first_seen.country_code: must match ^[A-Z]{2}$; type: must be "authflow"`},
		{"missing then ref_type", []apierrors.Problem{missing, refType}, apierrors.UnexpectedRefType, `plan_name: is required; type: must be "authflow"`},
	}
	for _, tt := range tests {
		e := apierrors.Invalid(tt.problems...)
		if e.Code() != tt.code || e.Message() != tt.message {
			t.Errorf("%s: Invalid() = %q %q, want %q %q", tt.name, e.Code(), e.Message(), tt.code, tt.message)
		}
		if diff := cmp.Diff(tt.problems, e.Problems()); diff != "" {
			t.Errorf("%s: problems (-given +kept):\n%s", tt.name, diff)
		}
		if !e.IsReport() || e.Omitted() != 0 || e.StatusCode() != 0 || e.Unwrap() != nil {
			t.Errorf("%s: IsReport %v, Omitted %d, StatusCode %d, Unwrap %v", tt.name, e.IsReport(), e.Omitted(), e.StatusCode(), e.Unwrap())
		}
		if !stderrors.Is(e, tt.code) || apierrors.CodeOf(e) != tt.code {
			t.Errorf("%s: errors.Is/CodeOf disagree with Code()", tt.name)
		}
	}
	for _, e := range []*apierrors.Error{apierrors.New(apierrors.InvalidValue, "x"), apierrors.Wrap(apierrors.InvalidValue, "x", nil)} {
		if e.IsReport() || e.Problems() != nil || e.Omitted() != 0 {
			t.Errorf("%v: IsReport %v, Problems %v, Omitted %d; want a plain error", e, e.IsReport(), e.Problems(), e.Omitted())
		}
	}
}

// TestInvalidCap checks that Invalid keeps MaxProblems problems, counts the
// rest, says so in the message, and derives the code from all of them.
func TestInvalidCap(t *testing.T) {
	t.Parallel()
	if apierrors.MaxProblems != 10 {
		t.Fatalf("MaxProblems = %d, want 10", apierrors.MaxProblems)
	}
	problems := func(n int) []apierrors.Problem {
		ps := make([]apierrors.Problem, n)
		for i := range ps {
			ps[i] = apierrors.Problem{Path: fmt.Sprintf("factor_names[%d]", i), Rule: apierrors.RuleRequired, Message: "is required"}
		}
		return ps
	}
	listed := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = fmt.Sprintf("factor_names[%d]: is required", i)
		}
		return strings.Join(parts, "; ")
	}
	tests := []struct {
		n, kept, omitted int
		suffix           string
	}{
		{9, 9, 0, ""},
		{10, 10, 0, ""},
		{11, 10, 1, "; and 1 more problem"},
		{25, 10, 15, "; and 15 more problems"},
		{100000, 10, 99990, "; and 99990 more problems"},
	}
	for _, tt := range tests {
		ps := problems(tt.n)
		e := apierrors.Invalid(ps...)
		if got := e.Problems(); len(got) != tt.kept || e.Omitted() != tt.omitted {
			t.Errorf("%d problems: kept %d, omitted %d; want %d, %d", tt.n, len(got), e.Omitted(), tt.kept, tt.omitted)
		} else if diff := cmp.Diff(ps[:tt.kept], got); diff != "" {
			t.Errorf("%d problems: kept (-first +got):\n%s", tt.n, diff)
		}
		if want := listed(tt.kept) + tt.suffix; e.Message() != want {
			t.Errorf("%d problems: message %q, want %q", tt.n, e.Message(), want)
		}
		if e.Code() != apierrors.RequiredValue {
			t.Errorf("%d problems: code %q", tt.n, e.Code())
		}
	}
	// The code follows from every problem, the omitted ones too.
	ps := append(problems(apierrors.MaxProblems), apierrors.Problem{Path: "x", Rule: apierrors.RuleCountryCode, Message: "must match ^[A-Z]{2}$"})
	if e := apierrors.Invalid(ps...); e.Code() != apierrors.InvalidValue || e.Omitted() != 1 {
		t.Errorf("an omitted invalid value: code %q, omitted %d; want invalid_value, 1", e.Code(), e.Omitted())
	}
	ps[len(ps)-1].Rule = apierrors.RuleSyntax
	if e := apierrors.Invalid(ps...); e.Code() != apierrors.BadRequest {
		t.Errorf("an omitted syntax problem: code %q, want bad_request", e.Code())
	}
}

// TestErrorImmutable checks that nothing a caller holds can change an Error:
// not the slice given to Invalid, not the slice Problems returns.
func TestErrorImmutable(t *testing.T) {
	t.Parallel()
	given := []apierrors.Problem{
		{Path: "a", Rule: apierrors.RuleRequired, Message: "is required"},
		{Path: "b", Rule: apierrors.RuleRequired, Message: "is required"},
	}
	want := append([]apierrors.Problem(nil), given...)
	e := apierrors.Invalid(given...)
	msg, text, body := e.Message(), e.Error(), string(must(json.Marshal(e)))

	given[0].Path = "changed by the caller"
	got := e.Problems()
	got[0].Path = "changed through Problems"
	got[1] = apierrors.Problem{Path: "replaced", Rule: apierrors.RuleSyntax}
	_ = append(got[:1], apierrors.Problem{Path: "appended"})

	if diff := cmp.Diff(want, e.Problems()); diff != "" {
		t.Errorf("the error's problems changed (-want +got):\n%s", diff)
	}
	if e.Code() != apierrors.RequiredValue || e.Message() != msg || e.Error() != text || string(must(json.Marshal(e))) != body {
		t.Errorf("the error changed: %v", e)
	}
	// Problems returns a new slice each time.
	p1, p2 := e.Problems(), e.Problems()
	if &p1[0] == &p2[0] {
		t.Error("Problems returns the same backing array twice")
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestProblem(t *testing.T) {
	t.Parallel()
	p := apierrors.Problem{Path: "factor_names[1]", Rule: apierrors.RuleRequired, Message: "is required"}
	if !p.Missing() || p.String() != "factor_names[1]: is required" {
		t.Errorf("%+v: Missing() = %v, String() = %q", p, p.Missing(), p.String())
	}
	q := apierrors.Problem{Rule: apierrors.RuleType, Message: "must be an object"}
	if q.Missing() || q.String() != "must be an object" {
		t.Errorf("%+v: Missing() = %v, String() = %q", q, q.Missing(), q.String())
	}
}

// TestRuleNames pins the text of every rule: it is what struct tags say and
// what clients may match on.
func TestRuleNames(t *testing.T) {
	t.Parallel()
	rules := map[apierrors.Rule]string{
		apierrors.RuleSyntax:             "syntax",
		apierrors.RuleType:               "type",
		apierrors.RuleDuplicateKey:       "duplicate_key",
		apierrors.RuleUTF8:               "utf8",
		apierrors.RuleRange:              "range",
		apierrors.RuleUint32:             "uint32",
		apierrors.RuleUnixTime:           "unix_time",
		apierrors.RuleLatLong:            "lat_long",
		apierrors.RuleIP:                 "ip",
		apierrors.RulePFID:               "pfid",
		apierrors.RuleRefType:            "ref_type",
		apierrors.RuleEnvelope:           "envelope",
		apierrors.RuleRequired:           "required",
		apierrors.RuleStatus:             "status",
		apierrors.RuleUnique:             "unique",
		apierrors.RuleEmail:              "email",
		apierrors.RuleHTTPURL:            "http_url",
		apierrors.RuleNotBeforeFirstSeen: "not_before_first_seen",
		apierrors.RuleTimestamp:          "timestamp",
		apierrors.RuleCountryCode:        "country_code",
		apierrors.RuleJA4:                "ja4",
		apierrors.RuleLatitude:           "latitude",
		apierrors.RuleLongitude:          "longitude",
		apierrors.RuleUnzonedIP:          "unzoned_ip",
		apierrors.RuleTimezone:           "timezone",
	}
	if len(rules) != 25 {
		t.Fatalf("%d distinct rules, want 25", len(rules))
	}
	for r, text := range rules {
		if string(r) != text {
			t.Errorf("rule %q, want %q", r, text)
		}
	}
}

func TestEnvelopeEncoding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  *apierrors.Error
		want string
	}{
		{apierrors.New(apierrors.NotFound, "not found"), `{"status":"error","code":"not_found","message":"not found"}`},
		{apierrors.New("rate_limited", "slow down"), `{"status":"error","code":"rate_limited","message":"slow down"}`},
		// Only code and message are on the wire, escaped as encoding/json does.
		{
			apierrors.Invalid(apierrors.Problem{Path: "title", Rule: apierrors.RuleType, Message: `<b>"&"</b>`}),
			`{"status":"error","code":"invalid_value","message":"title: \u003cb\u003e\"\u0026\"\u003c/b\u003e"}`,
		},
		// The raw message is sent, not Error()'s escaped form.
		{apierrors.New(apierrors.InvalidValue, "a\nb\x1b"), `{"status":"error","code":"invalid_value","message":"a\nb\u001b"}`},
		{apierrors.New("", ""), `{"status":"error","code":"","message":""}`},
		// Nothing of a response's metadata is written.
		{
			apierrors.FromResponse(503, http.Header{"Retry-After": {"30"}, "X-Request-Id": {"req-1"}},
				[]byte(`{"status":"error","code":"unexpected","message":"internal error"}`)),
			`{"status":"error","code":"unexpected","message":"internal error"}`,
		},
	}
	for _, tt := range tests {
		got, err := json.Marshal(tt.err)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tt.want {
			t.Errorf("json.Marshal = %s, want %s", got, tt.want)
		}
		// In a struct, by pointer, it is the envelope too.
		nested, _ := json.Marshal(struct{ E *apierrors.Error }{tt.err})
		if string(nested) != `{"E":`+tt.want+`}` {
			t.Errorf("json.Marshal in a struct = %s", nested)
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
		doc           string
		code          apierrors.Code
		message       string
		wantUnchanged bool
	}{
		{doc: `{"status":"error","code":"not_found","message":"no such authflow"}`, code: apierrors.NotFound, message: "no such authflow"},
		// An unknown code is kept as it is.
		{doc: `{"status":"error","code":"rate_limited","message":"slow down"}`, code: "rate_limited", message: "slow down"},
		// Message may be absent or null; unknown members are ignored.
		{doc: `{"code":"unexpected","status":"error","retry_after":3}`, code: apierrors.Unexpected},
		{doc: `{"status":"error","code":"unknown","message":null}`, code: apierrors.Unknown},
		// The message is kept raw.
		{doc: `{"status":"error","code":"x","message":"a\nb\u001b"}`, code: "x", message: "a\nb\x1b"},
	}
	for _, tt := range tests {
		var e apierrors.Error
		if err := json.Unmarshal([]byte(tt.doc), &e); err != nil {
			t.Errorf("json.Unmarshal(%s): %v", tt.doc, err)
			continue
		}
		if e.Code() != tt.code || e.Message() != tt.message || e.StatusCode() != 0 || e.RetryAfter() != 0 ||
			e.RequestID() != "" || e.Problems() != nil || e.IsReport() || e.Unwrap() != nil {
			t.Errorf("decoding %s gave %q %q status %d retry %v id %q", tt.doc, e.Code(), e.Message(), e.StatusCode(), e.RetryAfter(), e.RequestID())
		}
		// In a struct, through a pointer field, as a client's response type
		// holds it.
		var resp struct{ Err *apierrors.Error }
		if err := json.Unmarshal([]byte(`{"Err":`+tt.doc+`}`), &resp); err != nil || resp.Err == nil ||
			resp.Err.Code() != tt.code || resp.Err.Message() != tt.message {
			t.Errorf("decoding %s in a struct gave %v, %v", tt.doc, resp.Err, err)
		}
	}
}

// TestEnvelopeDecodingIntoMadeError checks that an Error, once made, is
// never changed by decoding: UnmarshalJSON fails for one that has a code.
func TestEnvelopeDecodingIntoMadeError(t *testing.T) {
	t.Parallel()
	doc := []byte(`{"status":"error","code":"not_found","message":"no such authflow"}`)
	for _, e := range []*apierrors.Error{
		apierrors.New(apierrors.Unexpected, "made"),
		apierrors.Invalid(apierrors.Problem{Path: "a", Rule: apierrors.RuleRequired, Message: "is required"}),
		apierrors.FromResponse(502, http.Header{"X-Request-Id": {"req-1"}}, []byte(`{"status":"error","code":"stale","message":"stale"}`)),
	} {
		before := e.Error()
		code, status, id, problems := e.Code(), e.StatusCode(), e.RequestID(), e.Problems()
		if err := json.Unmarshal(doc, e); err == nil {
			t.Errorf("decoding into %v succeeded", e)
		}
		if e.Error() != before || e.Code() != code || e.StatusCode() != status || e.RequestID() != id || !cmp.Equal(e.Problems(), problems) {
			t.Errorf("decoding changed %q into %v", before, e)
		}
	}
}

func TestEnvelopeDecodingErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		doc  string
		code apierrors.Code
		path string
		rule apierrors.Rule
	}{
		{`{"code":"not_found","message":"x"}`, apierrors.RequiredValue, "status", apierrors.RuleRequired},
		{`{"status":"","code":"not_found"}`, apierrors.RequiredValue, "status", apierrors.RuleRequired},
		{`{"status":"success","code":"not_found"}`, apierrors.InvalidValue, "status", apierrors.RuleEnvelope},
		{`{"status":"error","message":"x"}`, apierrors.RequiredValue, "code", apierrors.RuleRequired},
		{`{"status":"error","code":"","message":"x"}`, apierrors.RequiredValue, "code", apierrors.RuleRequired},
		{`{"status":"error","code":404}`, apierrors.InvalidValue, "code", apierrors.RuleType},
		{`{"status":"error","code":"x","message":["x"]}`, apierrors.InvalidValue, "message", apierrors.RuleType},
		{`["error"]`, apierrors.InvalidValue, "", apierrors.RuleType},
		{`null`, apierrors.RequiredValue, "status", apierrors.RuleRequired},
		{`{"status":"error",`, apierrors.BadRequest, "", apierrors.RuleSyntax},
		{`<html>`, apierrors.BadRequest, "", apierrors.RuleSyntax},
	}
	for _, tt := range tests {
		var e apierrors.Error
		err := e.UnmarshalJSON([]byte(tt.doc))
		var ae *apierrors.Error
		if !stderrors.As(err, &ae) {
			t.Errorf("%s: error %v is not an *Error", tt.doc, err)
			continue
		}
		ps := ae.Problems()
		if ae.Code() != tt.code || len(ps) != 1 || ps[0].Path != tt.path || ps[0].Rule != tt.rule || !ae.IsReport() {
			t.Errorf("%s: got %q %+v, want code %q at path %q rule %q", tt.doc, ae.Code(), ps, tt.code, tt.path, tt.rule)
		}
		if e.Code() != "" || e.Message() != "" {
			t.Errorf("%s: a failed decode changed the receiver to %v", tt.doc, &e)
		}
		// The receiver stays zero: a later decode of a good envelope works.
		if err := e.UnmarshalJSON([]byte(`{"status":"error","code":"x"}`)); err != nil || e.Code() != "x" {
			t.Errorf("%s: decoding after a failure: %v, %v", tt.doc, &e, err)
		}
	}
}

func TestEnvelopeRoundTrip(t *testing.T) {
	t.Parallel()
	for _, c := range codes {
		in := apierrors.New(c.code, "message for "+string(c.code)+" \u2028 <&> \"q\"")
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		var out apierrors.Error
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatalf("decoding %s: %v", b, err)
		}
		if out.Code() != in.Code() || out.Message() != in.Message() {
			t.Errorf("round trip of %v gave %v", in, &out)
		}
	}
}

func TestFromResponse(t *testing.T) {
	t.Parallel()
	envelope := []byte(`{"status":"error","code":"not_found","message":"no such authflow"}`)
	tests := []struct {
		name      string
		status    int
		header    http.Header
		body      string
		code      apierrors.Code
		message   string
		requestID string
		retry     time.Duration
	}{
		{"envelope", 404, http.Header{"X-Request-Id": {"req-42"}}, string(envelope), apierrors.NotFound, "no such authflow", "req-42", 0},
		// The status is kept as it came, even when it is not the code's.
		{"envelope with another status", 502, nil, string(envelope), apierrors.NotFound, "no such authflow", "", 0},
		{"unknown code", 429, http.Header{"Retry-After": {"7"}}, `{"status":"error","code":"rate_limited","message":"slow down"}`,
			"rate_limited", "slow down", "", 7 * time.Second},
		{"HTML body", 502, nil, "<html><body><h1>502 Bad Gateway</h1></body></html>", apierrors.Unexpected,
			"HTTP 502 Bad Gateway: not an API error envelope", "", 0},
		{"empty body", 503, http.Header{"Retry-After": {" 120 "}}, "", apierrors.Unexpected,
			"HTTP 503 Service Unavailable: not an API error envelope", "", 120 * time.Second},
		{"success envelope", 500, nil, `{"status":"success","summary":{}}`, apierrors.Unexpected,
			"HTTP 500 Internal Server Error: not an API error envelope", "", 0},
		{"status without text", 599, nil, "x", apierrors.Unexpected, "HTTP 599: not an API error envelope", "", 0},
		{"malformed Retry-After", 503, http.Header{"Retry-After": {"soon"}}, string(envelope), apierrors.NotFound, "no such authflow", "", 0},
		{"negative Retry-After", 503, http.Header{"Retry-After": {"-5"}}, string(envelope), apierrors.NotFound, "no such authflow", "", 0},
		{"Retry-After beyond uint32", 503, http.Header{"Retry-After": {"4294967296"}}, string(envelope), apierrors.NotFound, "no such authflow", "", 0},
		{"past HTTP-date", 503, http.Header{"Retry-After": {"Wed, 21 Oct 2015 07:28:00 GMT"}}, string(envelope), apierrors.NotFound, "no such authflow", "", 0},
		{"long request ID", 404, http.Header{"X-Request-Id": {strings.Repeat("r", 1000)}}, string(envelope),
			apierrors.NotFound, "no such authflow", strings.Repeat("r", 256), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := apierrors.FromResponse(tt.status, tt.header, []byte(tt.body))
			if e.Code() != tt.code || e.Message() != tt.message {
				t.Errorf("got %q %q, want %q %q", e.Code(), e.Message(), tt.code, tt.message)
			}
			if e.StatusCode() != tt.status || e.RequestID() != tt.requestID || e.RetryAfter() != tt.retry {
				t.Errorf("status %d, request ID %q, retry %v; want %d, %q, %v", e.StatusCode(), e.RequestID(), e.RetryAfter(), tt.status, tt.requestID, tt.retry)
			}
			if e.IsReport() || e.Problems() != nil {
				t.Errorf("IsReport %v, Problems %v: a server's error is not a report", e.IsReport(), e.Problems())
			}
			if !stderrors.Is(e, tt.code) || apierrors.CodeOf(e) != tt.code {
				t.Errorf("errors.Is/CodeOf do not give %q", tt.code)
			}
			if tt.code == apierrors.Unexpected {
				// The decoding failure is kept as the cause, for logs, but its
				// code does not count.
				if e.Unwrap() == nil {
					t.Error("no cause for a body that is not an envelope")
				}
				for _, c := range []apierrors.Code{apierrors.BadRequest, apierrors.InvalidValue, apierrors.RequiredValue} {
					if stderrors.Is(e, c) {
						t.Errorf("errors.Is(err, %q) = true through the decoding failure", c)
					}
				}
			} else if e.Unwrap() != nil {
				t.Errorf("Unwrap() = %v for an envelope", e.Unwrap())
			}
		})
	}
}

// TestFromResponseRefusesLenientEnvelopes checks that the error envelope is
// read as strictly as a success body: a repeated key, a key that equals a
// known one but for case, and invalid UTF-8 make the body unreadable, which
// FromResponse reports as it reports any unreadable body.
func TestFromResponseRefusesLenientEnvelopes(t *testing.T) {
	t.Parallel()
	const unreadable = "HTTP 404 Not Found: not an API error envelope"
	tests := []struct {
		name, body string
		code       apierrors.Code
		message    string
		rule       apierrors.Rule // of the decoding failure, for a refused body
		path       string
	}{
		{"plain", `{"status":"error","code":"not_found","message":"gone"}`, apierrors.NotFound, "gone", "", ""},
		{"unknown members", `{"status":"error","code":"not_found","extra":{"a":[1]},"Extra":2}`, apierrors.NotFound, "", "", ""},
		{"escaped", `{"status":"error","code":"not_found","message":"\u00e9\ud83d\ude00"}`, apierrors.NotFound, "é😀", "", ""},
		{"null message", `{"status":"error","code":"not_found","message":null}`, apierrors.NotFound, "", "", ""},
		{"repeated code", `{"status":"error","code":"not_found","code":"unavailable"}`, apierrors.Unexpected, unreadable, apierrors.RuleDuplicateKey, "code"},
		{"repeated status", `{"status":"success","status":"error","code":"x"}`, apierrors.Unexpected, unreadable, apierrors.RuleDuplicateKey, "status"},
		{"Code", `{"status":"error","Code":"not_found"}`, apierrors.Unexpected, unreadable, apierrors.RuleDuplicateKey, "Code"},
		{"MESSAGE", `{"status":"error","code":"x","MESSAGE":"y"}`, apierrors.Unexpected, unreadable, apierrors.RuleDuplicateKey, "MESSAGE"},
		{"repeated key deep inside", `{"status":"error","code":"x","extra":{"a":1,"a":2}}`, apierrors.Unexpected, unreadable, apierrors.RuleDuplicateKey, "extra.a"},
		{"invalid UTF-8", "{\"status\":\"error\",\"code\":\"x\",\"message\":\"\xff\"}", apierrors.Unexpected, unreadable, apierrors.RuleUTF8, "message"},
		{"lone surrogate", `{"status":"error","code":"x\ud800"}`, apierrors.Unexpected, unreadable, apierrors.RuleUTF8, "code"},
	}
	for _, tt := range tests {
		e := apierrors.FromResponse(404, nil, []byte(tt.body))
		if e.Code() != tt.code || e.Message() != tt.message || e.StatusCode() != 404 {
			t.Errorf("%s: FromResponse = %q %q, want %q %q", tt.name, e.Code(), e.Message(), tt.code, tt.message)
		}
		var direct apierrors.Error
		err := direct.UnmarshalJSON([]byte(tt.body))
		if tt.rule == "" {
			if err != nil {
				t.Errorf("%s: UnmarshalJSON: %v", tt.name, err)
			}
			continue
		}
		var ae *apierrors.Error
		if !stderrors.As(err, &ae) || len(ae.Problems()) != 1 || ae.Problems()[0].Rule != tt.rule || ae.Problems()[0].Path != tt.path {
			t.Errorf("%s: UnmarshalJSON = %v, want a %s problem at %q", tt.name, err, tt.rule, tt.path)
		}
		// The cause of the unreadable body says what was wrong.
		if cause := e.Unwrap(); cause == nil || !strings.Contains(cause.Error(), tt.path+": ") {
			t.Errorf("%s: cause %v", tt.name, cause)
		}
	}
}

func TestFromResponseRetryAfterDate(t *testing.T) {
	t.Parallel()
	for _, layout := range []string{http.TimeFormat, time.RFC850, time.ANSIC} {
		at := time.Now().Add(90 * time.Second).UTC()
		header := http.Header{"Retry-After": {at.Format(layout)}}
		e := apierrors.FromResponse(503, header, nil)
		// The date has whole seconds and the clock moves on: allow for both.
		if got := e.RetryAfter(); got <= 85*time.Second || got > 90*time.Second {
			t.Errorf("Retry-After %q: RetryAfter() = %v, want about 90s", header.Get("Retry-After"), got)
		}
	}
}
