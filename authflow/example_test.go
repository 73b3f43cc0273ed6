package authflow_test

import (
	"encoding/json"
	stderrors "errors"
	"fmt"

	"github.com/authflow-dev/authflow-go/authflow"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/examples"
)

// Decode a fetch response. Calling UnmarshalJSON directly skips the two
// passes encoding/json makes over the body before calling it.
func ExampleFetchResponse_UnmarshalJSON() {
	body := examples.FetchResponseJSON()

	var resp authflow.FetchResponse
	if err := resp.UnmarshalJSON(body); err != nil { // or json.Unmarshal(body, &resp)
		fmt.Println(err)
		return
	}
	flow := resp.Summary
	if err := flow.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(flow.ID, flow.Status, flow.PlanName, flow.Title)
	fmt.Println(flow.FirstSeen.RemoteIP, flow.FirstSeen.At.UTC(), flow.FirstSeen.Timezone)
	// Output:
	// 013xrzp12g3nqk8nqprv12gz6v99a2v4 new basic My Authflow
	// 127.0.0.1 2009-02-13 23:31:30 +0000 UTC Australia/Melbourne
}

// Decoding fails only where a value cannot be held; the error names the
// path in the envelope. A summary of another type is refused with its own
// code, reachable through json.Unmarshal.
func ExampleFetchResponse_UnmarshalJSON_errors() {
	for _, body := range []string{
		`{"status":"success","summary":{"type":"authflow","first_seen":{"remote_ip":"10.0.0.300"}}}`,
		`{"status":"success","summary":{"type":"session","id":"013xrzp12g3nqk8n55ng0qwnq3t8fedc"}}`,
	} {
		var resp authflow.FetchResponse
		err := json.Unmarshal([]byte(body), &resp)
		var e *apierrors.Error
		if stderrors.As(err, &e) {
			fmt.Println(e.Code, "|", e.Problems[0].Path, "|", e.Problems[0].Message)
		}
	}
	// Output:
	// invalid_value | summary.first_seen.remote_ip | must be an IPv4 or IPv6 address
	// unexpected_ref_type | summary.type | must be "authflow", not "session"
}

// Validate and inspect the problems: each has a JSON path, a rule and a
// message; the code is required_value only when every value is missing.
func ExampleAuthflow_Validate() {
	flow := examples.Authflow()
	flow.PlanName = ""
	flow.Status = "archived"
	flow.FactorNames = []string{"password", "password"}
	flow.FirstSeen.CountryCode = "Australia"
	flow.LastSeen.At = flow.FirstSeen.At.Add(-1)

	err := flow.Validate()
	var e *apierrors.Error
	if stderrors.As(err, &e) {
		fmt.Println(e.Code, e.Code.HTTPStatus())
		for _, p := range e.Problems {
			fmt.Printf("%-24s %-22s missing=%-5v %s\n", p.Path, p.Rule, p.Missing(), p.Message)
		}
	}
	// Output:
	// invalid_value 400
	// factor_names[1]          unique                 missing=false repeats factor_names[0]
	// first_seen.country_code  country_code           missing=false must match ^[A-Z]{2}$
	// last_seen.at             not_before_first_seen  missing=false must not be before first_seen.at
	// plan_name                required               missing=true  is required
	// status                   status                 missing=false must be one of new, pending, finished, complete, cancelled
}

// Encode a response for a client: AppendJSON reuses a buffer; the error
// envelope comes from package errors.
func ExampleFetchResponse_AppendJSON() {
	flow := examples.Authflow()
	buf := make([]byte, 0, 2048)
	buf, err := authflow.FetchResponse{Summary: flow}.AppendJSON(buf[:0])
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(buf[:60]))

	notFound, _ := json.Marshal(apierrors.ErrNotFound)
	fmt.Println(apierrors.ErrNotFound.Code.HTTPStatus(), string(notFound))
	// Output:
	// {"status":"success","summary":{"account_id":"013xrzp12g3nqk8
	// 404 {"status":"error","code":"not_found","message":"not found"}
}
