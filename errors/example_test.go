package errors_test

import (
	"encoding/json"
	stderrors "errors"
	"fmt"
	"net/http"
	"os"

	apierrors "github.com/authflow-dev/authflow-go/errors"
)

// A server answers a failure with the error envelope and the code's status.
// The cause stays in the server: only the code and the message are written.
func ExampleError_MarshalJSON() {
	err := apierrors.Wrap(apierrors.NotFound, "no such authflow", stderrors.New("sql: no rows in result set"))

	body, _ := json.Marshal(err)
	fmt.Println(err.Code().HTTPStatus())
	fmt.Println(string(body))
	// Output:
	// 404
	// {"status":"error","code":"not_found","message":"no such authflow"}
}

// A client reads an error envelope back, and tests its kind with errors.Is
// and a Code. A code this package does not know is kept as it is.
func ExampleError_UnmarshalJSON() {
	for _, body := range []string{
		`{"status":"error","code":"not_found","message":"no such authflow"}`,
		`{"status":"error","code":"rate_limited","message":"slow down"}`,
	} {
		var e apierrors.Error
		if err := json.Unmarshal([]byte(body), &e); err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(e.Error(), stderrors.Is(&e, apierrors.NotFound), e.Code().HTTPStatus())
	}
	// Output:
	// not_found: no such authflow true 404
	// rate_limited: slow down false 500
}

// A Code is an error: a store may return one as it is, and callers test for
// it with errors.Is however the error is wrapped. CodeOf gives the code of
// the outermost API error, and Unknown when there is none.
func ExampleCodeOf() {
	store := func(id string) error {
		return apierrors.NotFound // no such row
	}
	err := fmt.Errorf("fetching authflow 42: %w", store("42"))

	fmt.Println(stderrors.Is(err, apierrors.NotFound), apierrors.CodeOf(err), apierrors.CodeOf(err).Description())
	fmt.Println(apierrors.CodeOf(stderrors.New("connection refused")))
	// Output:
	// true not_found no such resource
	// unknown
}

// Wrap hides the API errors of its cause: only the outermost one counts, so
// an error is never two kinds at once. The cause's other errors stay
// reachable.
func ExampleWrap() {
	errTimeout := stderrors.New("i/o timeout")
	fromServer := apierrors.Wrap(apierrors.NotFound, "no such authflow", errTimeout)
	err := apierrors.Wrap(apierrors.Unexpected, "the server's answer is not usable", fromServer)

	fmt.Println(apierrors.CodeOf(err), stderrors.Is(err, apierrors.NotFound), stderrors.Is(err, errTimeout))
	// Output:
	// unexpected false true
}

// Invalid reports refused values; its code follows from the rules broken:
// required_value when every problem is a missing value, invalid_value
// otherwise.
func ExampleInvalid() {
	err := apierrors.Invalid(
		apierrors.Problem{Path: "plan_name", Rule: apierrors.RuleRequired, Message: "is required"},
		apierrors.Problem{Path: "first_seen.country_code", Rule: apierrors.RuleCountryCode, Message: "must match ^[A-Z]{2}$"},
	)
	fmt.Println(err)
	for _, p := range err.Problems() {
		fmt.Printf("%s (%s, missing: %v)\n", p.Path, p.Rule, p.Missing())
	}
	_ = json.NewEncoder(os.Stdout).Encode(err)
	// Output:
	// invalid_value: plan_name: is required; first_seen.country_code: must match ^[A-Z]{2}$
	// plan_name (required, missing: true)
	// first_seen.country_code (country_code, missing: false)
	// {"status":"error","code":"invalid_value","message":"plan_name: is required; first_seen.country_code: must match ^[A-Z]{2}$"}
}

// A client turns a response other than 200 into an error: the envelope when
// the body is one, otherwise an unexpected error naming the status, such as
// for a proxy's HTML page. Either way the status, Retry-After and
// X-Request-Id are kept.
func ExampleFromResponse() {
	header := http.Header{"Retry-After": {"30"}, "X-Request-Id": {"req-7f3a"}}
	for _, r := range []struct {
		status int
		body   string
	}{
		{404, `{"status":"error","code":"not_found","message":"no such authflow"}`},
		{502, `<html><body>Bad Gateway</body></html>`},
	} {
		e := apierrors.FromResponse(r.status, header, []byte(r.body))
		fmt.Println(e, "|", e.StatusCode(), e.RetryAfter(), e.RequestID())
	}
	// Output:
	// not_found: no such authflow | 404 30s req-7f3a
	// unexpected: HTTP 502 Bad Gateway: not an API error envelope | 502 30s req-7f3a
}

// Error escapes what could forge or flood a log line; Message keeps the
// text as it came.
func ExampleError_Error() {
	e := apierrors.New(apierrors.InvalidValue, "bad value\nnot_found: forged \x1b[31mline")
	fmt.Println(e.Error())
	fmt.Printf("%q\n", e.Message())
	// Output:
	// invalid_value: bad value\nnot_found: forged \x1b[31mline
	// "bad value\nnot_found: forged \x1b[31mline"
}
