package authflow_test

import (
	"encoding/json"
	stderrors "errors"
	"strings"
	"testing"

	"github.com/authflow-dev/authflow-go/internal/testutil"

	"github.com/authflow-dev/authflow-go/authflow"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/examples"
)

// edit changes one value of a document: set puts raw JSON at a dotted path,
// an empty raw deletes the key.
type edit struct{ path, raw string }

func set(path, raw string) edit { return edit{path, raw} }
func del(path string) edit      { return edit{path, ""} }

// summaryDoc returns the seed summary object with the edits applied.
func summaryDoc(t *testing.T, edits ...edit) []byte {
	t.Helper()
	var env struct {
		Summary map[string]any `json:"summary"`
	}
	if err := json.Unmarshal(examples.FetchResponseJSON(), &env); err != nil {
		t.Fatal(err)
	}
	for _, e := range edits {
		obj := env.Summary
		keys := strings.Split(e.path, ".")
		for _, k := range keys[:len(keys)-1] {
			obj = obj[k].(map[string]any)
		}
		last := keys[len(keys)-1]
		if e.raw == "" {
			delete(obj, last)
		} else {
			obj[last] = json.RawMessage(e.raw)
		}
	}
	b, err := json.Marshal(env.Summary)
	if err != nil {
		t.Fatalf("edits %v: %v", edits, err)
	}
	return b
}

// invalidCase is a document that must be refused: by decoding or, when it
// decodes, by validation, with the code, path and rule given.
type invalidCase struct {
	name   string
	edits  []edit
	decode bool // refused by decoding, not validation
	code   apierrors.Code
	path   string
	rule   string
}

const (
	invalid  = apierrors.InvalidValue
	required = apierrors.RequiredValue
)

// invalidCases cover every decode failure and every rule of SPEC §2 and §3.
var invalidCases = []invalidCase{
	// Decoding: values of the wrong JSON type.
	{"id is a number", []edit{set("id", `1`)}, true, invalid, "id", "type"},
	{"domain_id is an object", []edit{set("domain_id", `{}`)}, true, invalid, "domain_id", "type"},
	{"pool_id is an array", []edit{set("pool_id", `["013xrzp12g3nqk8n6z7f3q8wqgbmh3n9"]`)}, true, invalid, "pool_id", "type"},
	{"session_id is a boolean", []edit{set("session_id", `true`)}, true, invalid, "session_id", "type"},
	{"factor_names is a string", []edit{set("factor_names", `"password"`)}, true, invalid, "factor_names", "type"},
	{"factor_names holds a number", []edit{set("factor_names", `["password",2]`)}, true, invalid, "factor_names[1]", "type"},
	{"first_seen is a string", []edit{set("first_seen", `"yesterday"`)}, true, invalid, "first_seen", "type"},
	{"last_seen is an array", []edit{set("last_seen", `[]`)}, true, invalid, "last_seen", "type"},
	{"first_seen.at is a string", []edit{set("first_seen.at", `"1234567890"`)}, true, invalid, "first_seen.at", "type"},
	{"first_seen.city is a number", []edit{set("first_seen.city", `3000`)}, true, invalid, "first_seen.city", "type"},
	{"last_seen.timezone is an object", []edit{set("last_seen.timezone", `{}`)}, true, invalid, "last_seen.timezone", "type"},
	{"last_seen.remote_ip is a number", []edit{set("last_seen.remote_ip", `2130706433`)}, true, invalid, "last_seen.remote_ip", "type"},
	{"plan_name is a number", []edit{set("plan_name", `1`)}, true, invalid, "plan_name", "type"},
	{"required_email is an object", []edit{set("required_email", `{"address":"user@example.com"}`)}, true, invalid, "required_email", "type"},
	{"return_url is an array", []edit{set("return_url", `[]`)}, true, invalid, "return_url", "type"},
	{"status is a number", []edit{set("status", `1`)}, true, invalid, "status", "type"},
	{"title is a boolean", []edit{set("title", `false`)}, true, invalid, "title", "type"},
	{"type is a number", []edit{set("type", `1`)}, true, invalid, "type", "type"},
	// Decoding: IDs that are not canonical.
	{"id uppercase", []edit{set("id", `"013XRZP12G3NQK8NQPRV12GZ6V99A2V4"`)}, true, invalid, "id", "pfid"},
	{"id 31 characters", []edit{set("id", `"013xrzp12g3nqk8nqprv12gz6v99a2v"`)}, true, invalid, "id", "pfid"},
	{"account_id with a u", []edit{set("account_id", `"013xrzp12g3nqk8n505tp6wqnscpduu"`)}, true, invalid, "account_id", "pfid"},
	{"device_id starting with 8", []edit{set("device_id", `"813xrzp12g3nqk8nyvk0xwzcb2gzp8z1"`)}, true, invalid, "device_id", "pfid"},
	{"session_id hyphenated", []edit{set("session_id", `"013xrzp1-2g3n-qk8n-55ng-0qwnq3t8f"`)}, true, invalid, "session_id", "pfid"},
	// Decoding: interaction details that cannot be held.
	{"asn negative", []edit{set("first_seen.asn", `-1`)}, true, invalid, "first_seen.asn", "uint32"},
	{"asn above 2^32-1", []edit{set("last_seen.asn", `4294967296`)}, true, invalid, "last_seen.asn", "uint32"},
	{"asn with a fraction", []edit{set("first_seen.asn", `4764.5`)}, true, invalid, "first_seen.asn", "uint32"},
	{"at beyond 10^18 s", []edit{set("last_seen.at", `1e18`)}, true, invalid, "last_seen.at", "unix_time"},
	{"lat_long one number", []edit{set("first_seen.lat_long", `[-37.8159]`)}, true, invalid, "first_seen.lat_long", "lat_long"},
	{"lat_long three numbers", []edit{set("last_seen.lat_long", `[-37.8159,144.9669,10]`)}, true, invalid, "last_seen.lat_long", "lat_long"},
	{"lat_long holds a string", []edit{set("first_seen.lat_long", `["-37.8159",144.9669]`)}, true, invalid, "first_seen.lat_long[0]", "type"},
	{"lat_long beyond float64", []edit{set("first_seen.lat_long", `[-37.8159,1e400]`)}, true, invalid, "first_seen.lat_long[1]", "range"},
	{"lat_long an object", []edit{set("first_seen.lat_long", `{"lat":-37.8159,"long":144.9669}`)}, true, invalid, "first_seen.lat_long", "type"},
	{"remote_ip not an address", []edit{set("first_seen.remote_ip", `"127.0.0.256"`)}, true, invalid, "first_seen.remote_ip", "ip"},
	{"remote_ip a host name", []edit{set("last_seen.remote_ip", `"localhost"`)}, true, invalid, "last_seen.remote_ip", "ip"},
	// Decoding: the type.
	{"type another resource", []edit{set("type", `"account"`)}, true, apierrors.UnexpectedRefType, "type", "ref_type"},
	{"type capitalised", []edit{set("type", `"Authflow"`)}, true, apierrors.UnexpectedRefType, "type", "ref_type"},
	{"type absent", []edit{del("type")}, true, required, "type", "required"},
	{"type null", []edit{set("type", `null`)}, true, required, "type", "required"},
	{"type empty", []edit{set("type", `""`)}, true, required, "type", "required"},

	// Validation: required IDs.
	{"id all zero", []edit{set("id", `"00000000000000000000000000000000"`)}, false, required, "id", "required"},
	{"id empty", []edit{set("id", `""`)}, false, required, "id", "required"},
	{"account_id absent", []edit{del("account_id")}, false, required, "account_id", "required"},
	{"device_id null", []edit{set("device_id", `null`)}, false, required, "device_id", "required"},
	{"domain_id empty", []edit{set("domain_id", `""`)}, false, required, "domain_id", "required"},
	{"pool_id all zero", []edit{set("pool_id", `"00000000000000000000000000000000"`)}, false, required, "pool_id", "required"},
	{"session_id absent", []edit{del("session_id")}, false, required, "session_id", "required"},
	// Validation: the summary's other rules.
	{"status absent", []edit{del("status")}, false, required, "status", "required"},
	{"status unknown", []edit{set("status", `"archived"`)}, false, invalid, "status", "status"},
	{"status capitalised", []edit{set("status", `"New"`)}, false, invalid, "status", "status"},
	{"plan_name empty", []edit{set("plan_name", `""`)}, false, required, "plan_name", "required"},
	{"plan_name null", []edit{set("plan_name", `null`)}, false, required, "plan_name", "required"},
	{"factor name empty", []edit{set("factor_names", `["password",""]`)}, false, required, "factor_names[1]", "required"},
	{"factor name null", []edit{set("factor_names", `[null]`)}, false, required, "factor_names[0]", "required"},
	{"factor name repeated", []edit{set("factor_names", `["totp","password","totp"]`)}, false, invalid, "factor_names[2]", "unique"},
	{"required_email not an address", []edit{set("required_email", `"user at example.com"`)}, false, invalid, "required_email", "email"},
	{"required_email empty", []edit{set("required_email", `""`)}, false, invalid, "required_email", "email"},
	{"return_url ftp", []edit{set("return_url", `"ftp://example.com/done"`)}, false, invalid, "return_url", "http_url"},
	{"return_url relative", []edit{set("return_url", `"/welcome"`)}, false, invalid, "return_url", "http_url"},
	{"return_url javascript", []edit{set("return_url", `"javascript:alert(1)"`)}, false, invalid, "return_url", "http_url"},
	{"return_url without host", []edit{set("return_url", `"https:///welcome"`)}, false, invalid, "return_url", "http_url"},
	{"last_seen before first_seen", []edit{set("last_seen.at", `1234567889.999999999`)}, false, invalid, "last_seen.at", "not_before_first_seen"},
	// Validation: interaction details.
	{"asn 0", []edit{set("first_seen.asn", `0`)}, false, required, "first_seen.asn", "required"},
	{"asn absent", []edit{del("last_seen.asn")}, false, required, "last_seen.asn", "required"},
	{"at 0", []edit{set("first_seen.at", `0`)}, false, required, "first_seen.at", "required"},
	{"at null", []edit{set("last_seen.at", `null`)}, false, required, "last_seen.at", "required"},
	{"country_code lowercase", []edit{set("first_seen.country_code", `"au"`)}, false, invalid, "first_seen.country_code", "country_code"},
	{"country_code alpha-3", []edit{set("last_seen.country_code", `"AUS"`)}, false, invalid, "last_seen.country_code", "country_code"},
	{"country_code empty", []edit{set("first_seen.country_code", `""`)}, false, required, "first_seen.country_code", "required"},
	{"ja4 bad protocol", []edit{set("first_seen.ja4_fingerprint", `"x13d0314h3_55b375c5d22e_61e396c58b1f"`)}, false, invalid, "first_seen.ja4_fingerprint", "ja4"},
	{"ja4 bad version", []edit{set("first_seen.ja4_fingerprint", `"q14d0314h3_55b375c5d22e_61e396c58b1f"`)}, false, invalid, "first_seen.ja4_fingerprint", "ja4"},
	{"ja4 uppercase hash", []edit{set("last_seen.ja4_fingerprint", `"q13d0314h3_55B375C5D22E_61e396c58b1f"`)}, false, invalid, "last_seen.ja4_fingerprint", "ja4"},
	{"ja4 truncated", []edit{set("last_seen.ja4_fingerprint", `"q13d0314h3_55b375c5d22e"`)}, false, invalid, "last_seen.ja4_fingerprint", "ja4"},
	{"ja4 empty", []edit{set("first_seen.ja4_fingerprint", `""`)}, false, required, "first_seen.ja4_fingerprint", "required"},
	{"latitude above 90", []edit{set("first_seen.lat_long", `[90.5,144.9669]`)}, false, invalid, "first_seen.lat_long[0]", "latitude"},
	{"longitude below -180", []edit{set("last_seen.lat_long", `[-37.8159,-180.0001]`)}, false, invalid, "last_seen.lat_long[1]", "longitude"},
	{"remote_ip empty", []edit{set("first_seen.remote_ip", `""`)}, false, required, "first_seen.remote_ip", "required"},
	{"remote_ip with a zone", []edit{set("first_seen.remote_ip", `"fe80::1%eth0"`)}, false, invalid, "first_seen.remote_ip", "unzoned_ip"},
	{"timezone Local", []edit{set("first_seen.timezone", `"Local"`)}, false, invalid, "first_seen.timezone", "timezone"},
	{"timezone unknown", []edit{set("last_seen.timezone", `"Australia/Atlantis"`)}, false, invalid, "last_seen.timezone", "timezone"},
	{"timezone lowercase", []edit{set("first_seen.timezone", `"australia/melbourne"`)}, false, invalid, "first_seen.timezone", "timezone"},
	{"timezone empty", []edit{set("last_seen.timezone", `""`)}, false, required, "last_seen.timezone", "required"},
}

// TestInvalidDocuments checks each invalid document, decoded as a summary
// and as the summary of an envelope: the stage that refuses it, the code,
// and the one problem's path and rule.
func TestInvalidDocuments(t *testing.T) {
	t.Parallel()
	if len(invalidCases) < 40 {
		t.Fatalf("%d invalid documents, want at least 40", len(invalidCases))
	}
	for _, tt := range invalidCases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc := summaryDoc(t, tt.edits...)

			var a authflow.Authflow
			err := json.Unmarshal(doc, &a)
			if tt.decode != (err != nil) {
				t.Fatalf("decoding error %v; want one: %v\n%s", err, tt.decode, doc)
			}
			if err == nil {
				err = a.Validate()
			}
			checkProblem(t, err, tt.code, tt.path, tt.rule)

			// In the envelope, decode errors name the path from its root.
			env := []byte(`{"status":"success","summary":` + string(doc) + `}`)
			var resp authflow.FetchResponse
			err = json.Unmarshal(env, &resp)
			if tt.decode {
				checkProblem(t, err, tt.code, "summary."+tt.path, tt.rule)
				if resp.Summary != nil {
					t.Error("a failed decode set the summary")
				}
			} else if err != nil {
				t.Fatalf("the envelope does not decode: %v", err)
			} else {
				checkProblem(t, resp.Summary.Validate(), tt.code, tt.path, tt.rule)
			}
		})
	}
}

// checkProblem checks that err is an *apierrors.Error of code with exactly
// one problem, at path, of rule, and a message that says so.
func checkProblem(t *testing.T, err error, code apierrors.Code, path, rule string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %s at %s", code, path)
	}
	e := testutil.APIError(t, err)
	if e.Code != code || len(e.Problems) != 1 {
		t.Fatalf("got %q with problems %+v; want %q with one", e.Code, e.Problems, code)
	}
	p := e.Problems[0]
	if p.Path != path || p.Rule != rule || p.Missing() != (code == apierrors.RequiredValue) {
		t.Errorf("got problem %+v, want path %q rule %q", p, path, rule)
	}
	if !strings.HasPrefix(e.Message, path+": ") || p.Message == "" {
		t.Errorf("message %q does not name the path %q", e.Message, path)
	}
}

func TestInvalidEnvelopes(t *testing.T) {
	t.Parallel()
	summary := string(summaryDoc(t))
	tests := []struct {
		doc  string
		code apierrors.Code
		path string
	}{
		{`{"summary":` + summary + `}`, required, "status"},
		{`{"status":null,"summary":` + summary + `}`, required, "status"},
		{`{"status":"","summary":` + summary + `}`, required, "status"},
		{`{"status":"error","summary":` + summary + `}`, invalid, "status"},
		{`{"status":1,"summary":` + summary + `}`, invalid, "status"},
		{`{"status":"success"}`, required, "summary"},
		{`{"status":"success","summary":null}`, required, "summary"},
		{`{"status":"success","summary":"x"}`, invalid, "summary"},
		{`{"status":"success","summary":[]}`, invalid, "summary"},
		{`[]`, invalid, ""},
		{`"success"`, invalid, ""},
		{`{"status":"success","summary":` + summary, apierrors.BadRequest, ""},
		{`{"status":"success","summary":` + summary + `}x`, apierrors.BadRequest, ""},
		{`{"status":"success","summary":{"type":"authflow",}}`, apierrors.BadRequest, "summary"},
	}
	for _, tt := range tests {
		before := examples.Authflow()
		resp := authflow.FetchResponse{Summary: before}
		err := resp.UnmarshalJSON([]byte(tt.doc))
		e := testutil.APIError(t, err)
		if e.Code != tt.code || len(e.Problems) != 1 || e.Problems[0].Path != tt.path {
			t.Errorf("%.60s…: got %q %+v, want %q at %q", tt.doc, e.Code, e.Problems, tt.code, tt.path)
		}
		if resp.Summary != before {
			t.Errorf("%.60s…: a failed decode replaced the summary", tt.doc)
		}
	}
	// null leaves the response as it was, by encoding/json's convention.
	resp := authflow.FetchResponse{Summary: examples.Authflow()}
	if err := json.Unmarshal([]byte("null"), &resp); err != nil || resp.Summary == nil {
		t.Errorf("null: %v, summary %v", err, resp.Summary)
	}
}

// TestUnexpectedRefTypeThroughEncodingJSON checks that the type error is
// reachable with errors.As through json.Unmarshal, as the issue requires.
func TestUnexpectedRefTypeThroughEncodingJSON(t *testing.T) {
	t.Parallel()
	doc := summaryDoc(t, set("type", `"session"`))
	var a authflow.Authflow
	err := json.Unmarshal(doc, &a)
	e := testutil.APIError(t, err)
	if e.Code != apierrors.UnexpectedRefType || e.Message != `type: must be "authflow", not "session"` {
		t.Errorf("got %v", e)
	}
	if !stderrors.Is(err, apierrors.ErrUnexpectedRefType) {
		t.Error("errors.Is(err, ErrUnexpectedRefType) = false")
	}
}
