package authflow_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/authflow-dev/authflow-go/authflow"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/examples"
)

// Decode the body of a 200 response, validate it, and read it. The
// nullable fields are pointers: first_seen is null here.
func ExampleDecodeFetchResponse() {
	body := []byte(`{"status":"success","summary":{
		"account_id":"013xrzp12g3nqk8n505tp6wqnscpdy8q",
		"device_id":"013xrzp12g3nqk8nyvk0xwzcb2gzp8z1",
		"domain_id":"013xrzp12g3nqk8nz2ccx5vt2j6f6hjz",
		"factor_names":["password"],
		"first_seen":null,
		"id":"013xrzp12g3nqk8nqprv12gz6v99a2v4",
		"last_seen":{"asn":4764,"at":1234567890.5,"city":"Melbourne","country_code":"AU",
			"ja4_fingerprint":"q13d0314h3_55b375c5d22e_61e396c58b1f","lat_long":[-37.8159,144.9669],
			"region_code":"VIC","remote_ip":"127.0.0.1","timezone":"Australia/Melbourne","user_agent":"curl/8.5.0"},
		"plan_name":"basic",
		"pool_id":"013xrzp12g3nqk8n6z7f3q8wqgbmh3n9",
		"required_email":null,
		"return_url":"",
		"session_id":"013xrzp12g3nqk8n55ng0qwnq3t8fedc",
		"status":"pending",
		"title":"My Authflow",
		"type":"authflow"}}`)

	flow, err := authflow.DecodeFetchResponse(body)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := flow.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(flow.ID, flow.Status, flow.PlanName, flow.Title)
	fmt.Println("factors:", flow.FactorNames)
	if flow.FirstSeen == nil {
		fmt.Println("first seen: never")
	} else {
		fmt.Println("first seen:", flow.FirstSeen.RemoteIP, flow.FirstSeen.At.Format(time.RFC3339Nano))
	}
	if d := flow.LastSeen; d != nil {
		fmt.Println("last seen:", d.RemoteIP, d.City, d.At.Format(time.RFC3339Nano), d.LatLong.Lat(), d.LatLong.Long())
	}
	if flow.RequiredEmail == nil {
		fmt.Println("required e-mail: none")
	}
	// Output:
	// 013xrzp12g3nqk8nqprv12gz6v99a2v4 pending basic My Authflow
	// factors: [password]
	// first seen: never
	// last seen: 127.0.0.1 Melbourne 2009-02-13T23:31:30.5Z -37.8159 144.9669
	// required e-mail: none
}

// Decoding refuses what a Go value cannot hold, and what is ambiguous:
// the error's one problem names the JSON path and the rule broken.
func ExampleDecodeFetchResponse_errors() {
	for _, body := range []string{
		`{"status":"success","summary":{"type":"authflow","first_seen":{"remote_ip":"10.0.0.300"}}}`,
		`{"status":"success","summary":{"type":"session","id":"013xrzp12g3nqk8n55ng0qwnq3t8fedc"}}`,
		`{"status":"success","summary":{"type":"authflow","title":"a","title":"b"}}`,
		`{"status":"success","summary":null}`,
		`{"status":"success","summary":{"type":"authflow"`,
	} {
		_, err := authflow.DecodeFetchResponse([]byte(body))
		var e *apierrors.Error
		if errors.As(err, &e) {
			p := e.Problems()[0]
			fmt.Printf("%s | %q | %s | %s\n", e.Code(), p.Path, p.Rule, p.Message)
		}
		if errors.Is(err, apierrors.UnexpectedRefType) {
			fmt.Println("  (not an authflow)")
		}
	}
	// Output:
	// invalid_value | "summary.first_seen.remote_ip" | ip | must be an IPv4 or IPv6 address
	// unexpected_ref_type | "summary.type" | ref_type | must be "authflow", not "session"
	//   (not an authflow)
	// invalid_value | "summary.title" | duplicate_key | repeats a key of the object
	// required_value | "summary" | required | is required, not null
	// bad_request | "summary" | syntax | malformed JSON at offset 48: unexpected end of input
}

// Encode a response for a client: AppendFetchResponse writes what
// json.Marshal writes, into a buffer that can be reused. The error envelope
// comes from package errors.
func ExampleAppendFetchResponse() {
	flow := examples.Authflow()
	buf := make([]byte, 0, 2048)
	buf, err := authflow.AppendFetchResponse(buf[:0], flow)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(buf[:60]))

	std, _ := json.Marshal(authflow.FetchResponse{Summary: flow})
	fmt.Println(bytes.Equal(buf, std))

	notFound := apierrors.New(apierrors.NotFound, apierrors.NotFound.Description())
	fmt.Println(notFound.Code().HTTPStatus(), string(notFound.AppendJSON(nil)))
	// Output:
	// {"status":"success","summary":{"account_id":"013xrzp12g3nqk8
	// true
	// 404 {"status":"error","code":"not_found","message":"no such resource"}
}

// Validate and inspect the problems: each has a JSON path, a rule and a
// message; the code is required_value only when every value is missing.
func ExampleAuthflow_Validate() {
	flow := examples.Authflow()
	flow.PlanName = ""
	flow.Status = "archived"
	flow.FactorNames = authflow.FactorNames{"password", "password"}
	flow.FirstSeen.CountryCode = "Australia"
	flow.LastSeen.At.Time = flow.FirstSeen.At.Add(-1)

	err := flow.Validate()
	var e *apierrors.Error
	if errors.As(err, &e) {
		fmt.Println(e.Code(), e.Code().HTTPStatus())
		for _, p := range e.Problems() {
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

// Embed Authflow in a type of your own: encoding/json writes and reads the
// authflow's keys and yours side by side.
func ExampleAuthflow_embedding() {
	type reviewedFlow struct {
		authflow.Authflow
		Reviewer string `json:"reviewer"`
	}
	v := reviewedFlow{Authflow: *examples.Authflow(), Reviewer: "ana"}
	b, err := json.Marshal(v)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(b[:bytes.IndexByte(b, ',')]))
	fmt.Println(string(b[bytes.Index(b, []byte(`"title"`)):]))

	var back reviewedFlow
	if err := json.Unmarshal(b, &back); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(back.ID, back.Title, back.Reviewer)
	// Output:
	// {"account_id":"013xrzp12g3nqk8n505tp6wqnscpdy8q"
	// "title":"My Authflow","type":"authflow","reviewer":"ana"}
	// 013xrzp12g3nqk8nqprv12gz6v99a2v4 My Authflow ana
}
