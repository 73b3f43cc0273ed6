package authflow_test

import (
	"encoding/json"
	stderrors "errors"
	"strings"
	"testing"

	"github.com/authflow-dev/authflow-go/authflow"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/ids"
	"github.com/authflow-dev/authflow-go/internal/testutil"
)

// edit changes one value of a document: set puts raw JSON at a dotted path,
// del deletes the key, and add appends raw members, as they are, to the
// summary object (for what encoding/json would never write: a repeated key,
// bytes that are not UTF-8).
type edit struct {
	path, raw string
	add       bool
}

func set(path, raw string) edit { return edit{path: path, raw: raw} }
func del(path string) edit      { return edit{path: path} }
func add(members string) edit   { return edit{raw: members, add: true} }

// summaryDoc returns the seed summary object with the edits applied.
func summaryDoc(t *testing.T, edits ...edit) []byte {
	t.Helper()
	var env struct {
		Summary map[string]any `json:"summary"`
	}
	if err := json.Unmarshal(examples.FetchResponseJSON(), &env); err != nil {
		t.Fatal(err)
	}
	var added []string
	for _, e := range edits {
		if e.add {
			added = append(added, e.raw)
			continue
		}
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
	for _, members := range added {
		b = append(append(b[:len(b)-1], ','), members+"}"...)
	}
	return b
}

// stdKind is what json.Unmarshal does with a document of the table.
type stdKind int

const (
	// stdSame: json.Unmarshal decodes the document, and validation reports
	// the same problem as after DecodeAuthflow. Only for cases refused by
	// validation.
	stdSame stdKind = iota
	// stdTypeError: json.Unmarshal refuses a value of the wrong JSON type
	// with its own *json.UnmarshalTypeError, whose Field is the path.
	stdTypeError
	// stdLeaf: a leaf type's JSON method (authflow.FactorNames,
	// authflow.ObjectType, interaction.UnixTime, interaction.LatLong)
	// refuses the value with an *apierrors.Error; its problem's path is
	// relative to the leaf, which does not know where it sits.
	stdLeaf
	// stdIs: the leaf type refuses the value with an error that matches
	// target (an ID's *ids.ParseError).
	stdIs
	// stdText: the leaf type refuses the value with another package's error
	// (netip.Addr's), whose text holds text.
	stdText
	// stdAccepts: encoding/json's own rules accept what the strict decoder
	// refuses (the last of repeated keys wins, keys match regardless of
	// case, bad UTF-8 becomes U+FFFD, a missing or null "type" is left as
	// it is), and the flow it gives validates.
	stdAccepts
)

// stdWant is what json.Unmarshal must do with a document.
type stdWant struct {
	kind   stdKind
	field  string         // stdTypeError: relative to the summary
	code   apierrors.Code // stdLeaf
	path   string         // stdLeaf: relative to the leaf value
	rule   apierrors.Rule // stdLeaf
	target error          // stdIs
	text   string         // stdText
}

func typeErr(field string) stdWant { return stdWant{kind: stdTypeError, field: field} }
func leafErr(code apierrors.Code, path string, rule apierrors.Rule) stdWant {
	return stdWant{kind: stdLeaf, code: code, path: path, rule: rule}
}
func isErr(target error) stdWant  { return stdWant{kind: stdIs, target: target} }
func textErr(text string) stdWant { return stdWant{kind: stdText, text: text} }
func accepts() stdWant            { return stdWant{kind: stdAccepts} }
func sameAsStrict() stdWant       { return stdWant{kind: stdSame} }
func (w stdWant) refuses() bool   { return w.kind != stdSame && w.kind != stdAccepts }
func (w stdWant) String() string {
	return [...]string{"same", "type error", "leaf", "is", "text", "accepts"}[w.kind]
}

// invalidCase is a document that must be refused: by the strict decoder
// or, when it decodes, by validation, with the code, path and rule given;
// std says what json.Unmarshal does with it.
type invalidCase struct {
	name   string
	edits  []edit
	decode bool // refused by DecodeAuthflow, not by validation
	code   apierrors.Code
	path   string
	rule   apierrors.Rule
	std    stdWant
}

const (
	invalid  = apierrors.InvalidValue
	required = apierrors.RequiredValue
	refType  = apierrors.UnexpectedRefType
)

// seedDetails is the seed's first_seen and last_seen.
const seedDetails = `{"asn":4764,"at":1234567890,"city":"Melbourne","country_code":"AU",` +
	`"ja4_fingerprint":"q13d0314h3_55b375c5d22e_61e396c58b1f","lat_long":[-37.8159,144.9669],` +
	`"region_code":"VIC","remote_ip":"127.0.0.1","timezone":"Australia/Melbourne",` +
	`"user_agent":"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/91.0.4472.114 Safari/537.36"}`

// invalidCases cover every decode failure and every rule of the API's
// contract for an authflow and its interaction details.
var invalidCases = []invalidCase{
	// Decoding: values of the wrong JSON type.
	{"id is a number", []edit{set("id", `1`)}, true, invalid, "id", apierrors.RuleType, typeErr("id")},
	{"domain_id is an object", []edit{set("domain_id", `{}`)}, true, invalid, "domain_id", apierrors.RuleType, typeErr("domain_id")},
	{"pool_id is an array", []edit{set("pool_id", `["013xrzp12g3nqk8n6z7f3q8wqgbmh3n9"]`)}, true, invalid, "pool_id", apierrors.RuleType, typeErr("pool_id")},
	{"session_id is a boolean", []edit{set("session_id", `true`)}, true, invalid, "session_id", apierrors.RuleType, typeErr("session_id")},
	{"factor_names is a string", []edit{set("factor_names", `"password"`)}, true, invalid, "factor_names", apierrors.RuleType, typeErr("factor_names")},
	{"factor_names holds a number", []edit{set("factor_names", `["password",2]`)}, true, invalid, "factor_names[1]", apierrors.RuleType, typeErr("factor_names")},
	{"first_seen is a string", []edit{set("first_seen", `"yesterday"`)}, true, invalid, "first_seen", apierrors.RuleType, typeErr("first_seen")},
	{"last_seen is an array", []edit{set("last_seen", `[]`)}, true, invalid, "last_seen", apierrors.RuleType, typeErr("last_seen")},
	{"first_seen.at is a string", []edit{set("first_seen.at", `"1234567890"`)}, true, invalid, "first_seen.at", apierrors.RuleType, leafErr(invalid, "", apierrors.RuleType)},
	{"first_seen.city is a number", []edit{set("first_seen.city", `3000`)}, true, invalid, "first_seen.city", apierrors.RuleType, typeErr("first_seen.city")},
	{"last_seen.timezone is an object", []edit{set("last_seen.timezone", `{}`)}, true, invalid, "last_seen.timezone", apierrors.RuleType, typeErr("last_seen.timezone")},
	{"last_seen.remote_ip is a number", []edit{set("last_seen.remote_ip", `2130706433`)}, true, invalid, "last_seen.remote_ip", apierrors.RuleType, typeErr("last_seen.remote_ip")},
	{"plan_name is a number", []edit{set("plan_name", `1`)}, true, invalid, "plan_name", apierrors.RuleType, typeErr("plan_name")},
	{"required_email is an object", []edit{set("required_email", `{"address":"user@example.com"}`)}, true, invalid, "required_email", apierrors.RuleType, typeErr("required_email")},
	{"return_url is an array", []edit{set("return_url", `[]`)}, true, invalid, "return_url", apierrors.RuleType, typeErr("return_url")},
	{"status is a number", []edit{set("status", `1`)}, true, invalid, "status", apierrors.RuleType, typeErr("status")},
	{"title is a boolean", []edit{set("title", `false`)}, true, invalid, "title", apierrors.RuleType, typeErr("title")},
	{"type is a number", []edit{set("type", `1`)}, true, invalid, "type", apierrors.RuleType, typeErr("type")},
	// Decoding: IDs that are not canonical.
	{"id uppercase", []edit{set("id", `"013XRZP12G3NQK8NQPRV12GZ6V99A2V4"`)}, true, invalid, "id", apierrors.RulePFID, isErr(ids.ErrUppercase)},
	{"id 31 characters", []edit{set("id", `"013xrzp12g3nqk8nqprv12gz6v99a2v"`)}, true, invalid, "id", apierrors.RulePFID, isErr(ids.ErrLength)},
	{"account_id with a u", []edit{set("account_id", `"013xrzp12g3nqk8n505tp6wqnscpdy8u"`)}, true, invalid, "account_id", apierrors.RulePFID, isErr(ids.ErrCharacter)},
	{"device_id starting with 8", []edit{set("device_id", `"813xrzp12g3nqk8nyvk0xwzcb2gzp8z1"`)}, true, invalid, "device_id", apierrors.RulePFID, isErr(ids.ErrOverflow)},
	{"session_id hyphenated", []edit{set("session_id", `"013xrzp1-2g3n-qk8n-55ng-0qwnq3t8f"`)}, true, invalid, "session_id", apierrors.RulePFID, isErr(ids.ErrLength)},
	{"id empty", []edit{set("id", `""`)}, true, invalid, "id", apierrors.RulePFID, isErr(ids.ErrLength)},
	{"domain_id empty", []edit{set("domain_id", `""`)}, true, invalid, "domain_id", apierrors.RulePFID, isErr(ids.ErrLength)},
	// Decoding: interaction details that cannot be held.
	{"asn negative", []edit{set("first_seen.asn", `-1`)}, true, invalid, "first_seen.asn", apierrors.RuleUint32, typeErr("first_seen.asn")},
	{"asn above 2^32-1", []edit{set("last_seen.asn", `4294967296`)}, true, invalid, "last_seen.asn", apierrors.RuleUint32, typeErr("last_seen.asn")},
	{"asn with a fraction", []edit{set("first_seen.asn", `4764.5`)}, true, invalid, "first_seen.asn", apierrors.RuleUint32, typeErr("first_seen.asn")},
	{"at beyond 10^18 s", []edit{set("last_seen.at", `1e18`)}, true, invalid, "last_seen.at", apierrors.RuleUnixTime, leafErr(invalid, "", apierrors.RuleUnixTime)},
	{"lat_long one number", []edit{set("first_seen.lat_long", `[-37.8159]`)}, true, invalid, "first_seen.lat_long", apierrors.RuleLatLong, leafErr(invalid, "", apierrors.RuleLatLong)},
	{"lat_long three numbers", []edit{set("last_seen.lat_long", `[-37.8159,144.9669,10]`)}, true, invalid, "last_seen.lat_long", apierrors.RuleLatLong, leafErr(invalid, "", apierrors.RuleLatLong)},
	{"lat_long holds a string", []edit{set("first_seen.lat_long", `["-37.8159",144.9669]`)}, true, invalid, "first_seen.lat_long[0]", apierrors.RuleType, leafErr(invalid, "[0]", apierrors.RuleType)},
	{"lat_long holds null", []edit{set("first_seen.lat_long", `[-37.8159,null]`)}, true, invalid, "first_seen.lat_long[1]", apierrors.RuleType, leafErr(invalid, "[1]", apierrors.RuleType)},
	{"lat_long beyond float64", []edit{set("first_seen.lat_long", `[-37.8159,1e400]`)}, true, invalid, "first_seen.lat_long[1]", apierrors.RuleRange, leafErr(invalid, "[1]", apierrors.RuleRange)},
	{"lat_long an object", []edit{set("first_seen.lat_long", `{"lat":-37.8159,"long":144.9669}`)}, true, invalid, "first_seen.lat_long", apierrors.RuleType, leafErr(invalid, "", apierrors.RuleType)},
	{"remote_ip not an address", []edit{set("first_seen.remote_ip", `"127.0.0.256"`)}, true, invalid, "first_seen.remote_ip", apierrors.RuleIP, textErr("ParseAddr")},
	{"remote_ip a host name", []edit{set("last_seen.remote_ip", `"localhost"`)}, true, invalid, "last_seen.remote_ip", apierrors.RuleIP, textErr("ParseAddr")},
	// Decoding: the type. A missing or null type is a missing value to the
	// strict decoder; encoding/json leaves the zero-size field as it is.
	// An empty string names no type, so it is another type, not a missing
	// one.
	{"type another resource", []edit{set("type", `"account"`)}, true, refType, "type", apierrors.RuleRefType, leafErr(refType, "", apierrors.RuleRefType)},
	{"type capitalised", []edit{set("type", `"Authflow"`)}, true, refType, "type", apierrors.RuleRefType, leafErr(refType, "", apierrors.RuleRefType)},
	{"type empty", []edit{set("type", `""`)}, true, refType, "type", apierrors.RuleRefType, leafErr(refType, "", apierrors.RuleRefType)},
	{"type absent", []edit{del("type")}, true, required, "type", apierrors.RuleRequired, accepts()},
	{"type null", []edit{set("type", `null`)}, true, required, "type", apierrors.RuleRequired, accepts()},
	// Decoding: what only the strict decoder refuses.
	{"title twice", []edit{add(`"title":"Another"`)}, true, invalid, "title", apierrors.RuleDuplicateKey, accepts()},
	{"type twice", []edit{add(`"type":"authflow"`)}, true, invalid, "type", apierrors.RuleDuplicateKey, accepts()},
	{"a known key but for case", []edit{add(`"Plan_Name":"pro"`)}, true, invalid, "Plan_Name", apierrors.RuleDuplicateKey, accepts()},
	{"first_seen key repeated", []edit{set("first_seen", strings.Replace(seedDetails, `"city":"Melbourne"`, `"city":"Sydney","city":"Melbourne"`, 1))}, true, invalid, "first_seen.city", apierrors.RuleDuplicateKey, accepts()},
	{"title not UTF-8", []edit{set("title", "\"My \xff Authflow\"")}, true, invalid, "title", apierrors.RuleUTF8, accepts()},
	{"title a lone surrogate", []edit{set("title", `"\ud800"`)}, true, invalid, "title", apierrors.RuleUTF8, accepts()},
	{"unknown key not UTF-8", []edit{add("\"note\":\"\xc3\"")}, true, invalid, "note", apierrors.RuleUTF8, accepts()},

	// Validation: required IDs.
	{"id all zero", []edit{set("id", `"00000000000000000000000000000000"`)}, false, required, "id", apierrors.RuleRequired, sameAsStrict()},
	{"account_id absent", []edit{del("account_id")}, false, required, "account_id", apierrors.RuleRequired, sameAsStrict()},
	{"device_id null", []edit{set("device_id", `null`)}, false, required, "device_id", apierrors.RuleRequired, sameAsStrict()},
	{"pool_id all zero", []edit{set("pool_id", `"00000000000000000000000000000000"`)}, false, required, "pool_id", apierrors.RuleRequired, sameAsStrict()},
	{"session_id absent", []edit{del("session_id")}, false, required, "session_id", apierrors.RuleRequired, sameAsStrict()},
	// Validation: the summary's other rules.
	{"status absent", []edit{del("status")}, false, required, "status", apierrors.RuleRequired, sameAsStrict()},
	{"status null", []edit{set("status", `null`)}, false, required, "status", apierrors.RuleRequired, sameAsStrict()},
	{"status unknown", []edit{set("status", `"archived"`)}, false, invalid, "status", apierrors.RuleStatus, sameAsStrict()},
	{"status capitalised", []edit{set("status", `"New"`)}, false, invalid, "status", apierrors.RuleStatus, sameAsStrict()},
	{"plan_name empty", []edit{set("plan_name", `""`)}, false, required, "plan_name", apierrors.RuleRequired, sameAsStrict()},
	{"plan_name null", []edit{set("plan_name", `null`)}, false, required, "plan_name", apierrors.RuleRequired, sameAsStrict()},
	{"factor name empty", []edit{set("factor_names", `["password",""]`)}, false, required, "factor_names[1]", apierrors.RuleRequired, sameAsStrict()},
	{"factor name null", []edit{set("factor_names", `[null]`)}, false, required, "factor_names[0]", apierrors.RuleRequired, sameAsStrict()},
	{"factor name repeated", []edit{set("factor_names", `["totp","password","totp"]`)}, false, invalid, "factor_names[2]", apierrors.RuleUnique, sameAsStrict()},
	{"required_email not an address", []edit{set("required_email", `"user at example.com"`)}, false, invalid, "required_email", apierrors.RuleEmail, sameAsStrict()},
	{"required_email empty", []edit{set("required_email", `""`)}, false, invalid, "required_email", apierrors.RuleEmail, sameAsStrict()},
	{"return_url ftp", []edit{set("return_url", `"ftp://example.com/done"`)}, false, invalid, "return_url", apierrors.RuleHTTPURL, sameAsStrict()},
	{"return_url relative", []edit{set("return_url", `"/welcome"`)}, false, invalid, "return_url", apierrors.RuleHTTPURL, sameAsStrict()},
	{"return_url javascript", []edit{set("return_url", `"javascript:alert(1)"`)}, false, invalid, "return_url", apierrors.RuleHTTPURL, sameAsStrict()},
	{"return_url without host", []edit{set("return_url", `"https:///welcome"`)}, false, invalid, "return_url", apierrors.RuleHTTPURL, sameAsStrict()},
	{"return_url with a user", []edit{set("return_url", `"https://a@b/"`)}, false, invalid, "return_url", apierrors.RuleHTTPURL, sameAsStrict()},
	{"return_url with a password", []edit{set("return_url", `"https://user:pass@example.com/welcome"`)}, false, invalid, "return_url", apierrors.RuleHTTPURL, sameAsStrict()},
	{"last_seen before first_seen", []edit{set("last_seen.at", `1234567889.999999999`)}, false, invalid, "last_seen.at", apierrors.RuleNotBeforeFirstSeen, sameAsStrict()},
	// Validation: interaction details.
	{"asn 0", []edit{set("first_seen.asn", `0`)}, false, required, "first_seen.asn", apierrors.RuleRequired, sameAsStrict()},
	{"asn absent", []edit{del("last_seen.asn")}, false, required, "last_seen.asn", apierrors.RuleRequired, sameAsStrict()},
	{"at 0", []edit{set("first_seen.at", `0`)}, false, required, "first_seen.at", apierrors.RuleRequired, sameAsStrict()},
	{"at null", []edit{set("last_seen.at", `null`)}, false, required, "last_seen.at", apierrors.RuleRequired, sameAsStrict()},
	{"country_code lowercase", []edit{set("first_seen.country_code", `"au"`)}, false, invalid, "first_seen.country_code", apierrors.RuleCountryCode, sameAsStrict()},
	{"country_code alpha-3", []edit{set("last_seen.country_code", `"AUS"`)}, false, invalid, "last_seen.country_code", apierrors.RuleCountryCode, sameAsStrict()},
	{"country_code empty", []edit{set("first_seen.country_code", `""`)}, false, required, "first_seen.country_code", apierrors.RuleRequired, sameAsStrict()},
	{"ja4 bad protocol", []edit{set("first_seen.ja4_fingerprint", `"X13d0314h3_55b375c5d22e_61e396c58b1f"`)}, false, invalid, "first_seen.ja4_fingerprint", apierrors.RuleJA4, sameAsStrict()},
	{"ja4 bad version", []edit{set("first_seen.ja4_fingerprint", `"q1Xd0314h3_55b375c5d22e_61e396c58b1f"`)}, false, invalid, "first_seen.ja4_fingerprint", apierrors.RuleJA4, sameAsStrict()},
	{"ja4 uppercase hash", []edit{set("last_seen.ja4_fingerprint", `"q13d0314h3_55B375C5D22E_61e396c58b1f"`)}, false, invalid, "last_seen.ja4_fingerprint", apierrors.RuleJA4, sameAsStrict()},
	{"ja4 truncated", []edit{set("last_seen.ja4_fingerprint", `"q13d0314h3_55b375c5d22e"`)}, false, invalid, "last_seen.ja4_fingerprint", apierrors.RuleJA4, sameAsStrict()},
	{"ja4 empty", []edit{set("first_seen.ja4_fingerprint", `""`)}, false, required, "first_seen.ja4_fingerprint", apierrors.RuleRequired, sameAsStrict()},
	{"latitude above 90", []edit{set("first_seen.lat_long", `[90.5,144.9669]`)}, false, invalid, "first_seen.lat_long[0]", apierrors.RuleLatitude, sameAsStrict()},
	{"longitude below -180", []edit{set("last_seen.lat_long", `[-37.8159,-180.0001]`)}, false, invalid, "last_seen.lat_long[1]", apierrors.RuleLongitude, sameAsStrict()},
	{"remote_ip empty", []edit{set("first_seen.remote_ip", `""`)}, false, required, "first_seen.remote_ip", apierrors.RuleRequired, sameAsStrict()},
	{"remote_ip with a zone", []edit{set("first_seen.remote_ip", `"fe80::1%eth0"`)}, false, invalid, "first_seen.remote_ip", apierrors.RuleUnzonedIP, sameAsStrict()},
	{"timezone Local", []edit{set("first_seen.timezone", `"Local"`)}, false, invalid, "first_seen.timezone", apierrors.RuleTimezone, sameAsStrict()},
	{"timezone with a space", []edit{set("last_seen.timezone", `"Foo /Bar"`)}, false, invalid, "last_seen.timezone", apierrors.RuleTimezone, sameAsStrict()},
	{"timezone lowercase", []edit{set("first_seen.timezone", `"australia/melbourne"`)}, false, invalid, "first_seen.timezone", apierrors.RuleTimezone, sameAsStrict()},
	{"timezone empty", []edit{set("last_seen.timezone", `""`)}, false, required, "last_seen.timezone", apierrors.RuleRequired, sameAsStrict()},
}

// TestInvalidDocuments checks each invalid document, decoded as a summary
// and as the summary of an envelope, by the strict decoder and by
// json.Unmarshal: the stage that refuses it, the code, and the one
// problem's path and rule.
func TestInvalidDocuments(t *testing.T) {
	t.Parallel()
	if len(invalidCases) < 40 {
		t.Fatalf("%d invalid documents, want at least 40", len(invalidCases))
	}
	for _, tt := range invalidCases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.decode == (tt.std.kind == stdSame) {
				t.Fatalf("bad case: decode %v with json.Unmarshal %v", tt.decode, tt.std)
			}
			doc := summaryDoc(t, tt.edits...)
			env := []byte(`{"status":"success","summary":` + string(doc) + `}`)

			// The strict decoder: the summary alone, then in the envelope,
			// where decode errors name the path from its root.
			a, err := authflow.DecodeAuthflow(doc)
			if tt.decode != (err != nil) {
				t.Fatalf("DecodeAuthflow error %v; want one: %v\n%s", err, tt.decode, doc)
			}
			if err == nil {
				err = a.Validate()
			} else if a != nil {
				t.Error("DecodeAuthflow returned a flow with its error")
			}
			checkProblem(t, "DecodeAuthflow", err, tt.code, tt.path, tt.rule)

			flow, err := authflow.DecodeFetchResponse(env)
			if tt.decode {
				checkProblem(t, "DecodeFetchResponse", err, tt.code, "summary."+tt.path, tt.rule)
				if flow != nil {
					t.Error("DecodeFetchResponse returned a flow with its error")
				}
			} else if err != nil {
				t.Fatalf("DecodeFetchResponse: the envelope does not decode: %v", err)
			} else {
				checkProblem(t, "DecodeFetchResponse", flow.Validate(), tt.code, tt.path, tt.rule)
			}

			// json.Unmarshal, by encoding/json's rules and the leaf types'.
			var std authflow.Authflow
			checkStd(t, tt, "", json.Unmarshal(doc, &std), &std)
			var resp authflow.FetchResponse
			err = json.Unmarshal(env, &resp)
			if err == nil && resp.Summary == nil {
				t.Fatal("json.Unmarshal of the envelope left the summary nil")
			}
			checkStd(t, tt, "summary.", err, resp.Summary)
		})
	}
}

// checkStd checks what json.Unmarshal did with a document of the table:
// err is its error, a the flow it decoded, and prefix the path of the
// summary in the document.
func checkStd(t *testing.T, tt invalidCase, prefix string, err error, a *authflow.Authflow) {
	t.Helper()
	w := tt.std
	if w.refuses() && err == nil {
		t.Fatalf("json.Unmarshal accepted it; want %v", w)
	}
	switch w.kind {
	case stdSame:
		if err != nil {
			t.Fatalf("json.Unmarshal: %v", err)
		}
		checkProblem(t, "json.Unmarshal", a.Validate(), tt.code, tt.path, tt.rule)
	case stdAccepts:
		if err != nil {
			t.Fatalf("json.Unmarshal refused it: %v; want it read by encoding/json's rules", err)
		}
		if err := a.Validate(); err != nil {
			t.Errorf("json.Unmarshal read a flow that does not validate: %v", err)
		}
	case stdTypeError:
		var te *json.UnmarshalTypeError
		// encoding/json v2 (GOEXPERIMENT=jsonv2) adds an array element's
		// index to the field ("factor_names.1"); v1 does not.
		if !stderrors.As(err, &te) || te.Field != prefix+w.field && !strings.HasPrefix(te.Field, prefix+w.field+".") {
			t.Errorf("json.Unmarshal: %v (%T); want a *json.UnmarshalTypeError at %q", err, err, prefix+w.field)
		}
	case stdLeaf:
		e := testutil.APIError(t, err)
		ps := e.Problems()
		if e.Code() != w.code || len(ps) != 1 || ps[0].Path != w.path || ps[0].Rule != w.rule {
			t.Errorf("json.Unmarshal: %q %+v; want %q at %q, rule %q", e.Code(), ps, w.code, w.path, w.rule)
		}
		if !stderrors.Is(err, w.code) || apierrors.CodeOf(err) != w.code {
			t.Errorf("json.Unmarshal: errors.Is(err, %q) = false", w.code)
		}
	case stdIs:
		if !stderrors.Is(err, w.target) {
			t.Errorf("json.Unmarshal: %v; want an error matching %v", err, w.target)
		}
	case stdText:
		var e *apierrors.Error
		if stderrors.As(err, &e) || !strings.Contains(err.Error(), w.text) {
			t.Errorf("json.Unmarshal: %v (%T); want the leaf's own error, holding %q", err, err, w.text)
		}
	}
}

// checkProblem checks that err is an *apierrors.Error of code with exactly
// one problem, at path, of rule, and a message that says so.
func checkProblem(t *testing.T, by string, err error, code apierrors.Code, path string, rule apierrors.Rule) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error; want %s at %s", by, code, path)
	}
	e := testutil.APIError(t, err)
	ps := e.Problems()
	if e.Code() != code || len(ps) != 1 || e.Omitted() != 0 {
		t.Fatalf("%s: got %q with problems %+v; want %q with one", by, e.Code(), ps, code)
	}
	p := ps[0]
	if p.Path != path || p.Rule != rule || p.Missing() != (code == apierrors.RequiredValue) {
		t.Errorf("%s: got problem %+v, want path %q rule %q", by, p, path, rule)
	}
	if !e.IsReport() || !stderrors.Is(err, code) {
		t.Errorf("%s: IsReport %v, errors.Is(err, %q) %v; want both true", by, e.IsReport(), code, stderrors.Is(err, code))
	}
	if want := path + ": " + p.Message; e.Message() != want || p.Message == "" {
		t.Errorf("%s: message %q, want %q", by, e.Message(), want)
	}
}

// TestInvalidEnvelopes checks what DecodeFetchResponse refuses of the
// envelope around the summary.
func TestInvalidEnvelopes(t *testing.T) {
	t.Parallel()
	summary := string(summaryDoc(t))
	tests := []struct {
		doc  string
		code apierrors.Code
		path string
		rule apierrors.Rule
	}{
		{`{"summary":` + summary + `}`, required, "status", apierrors.RuleRequired},
		{`{"status":null,"summary":` + summary + `}`, required, "status", apierrors.RuleRequired},
		// "" is a status, and not "success": a wrong envelope, not a
		// missing one.
		{`{"status":"","summary":` + summary + `}`, invalid, "status", apierrors.RuleEnvelope},
		{`{"status":"error","summary":` + summary + `}`, invalid, "status", apierrors.RuleEnvelope},
		{`{"status":"Success","summary":` + summary + `}`, invalid, "status", apierrors.RuleEnvelope},
		{`{"status":1,"summary":` + summary + `}`, invalid, "status", apierrors.RuleType},
		{`{"status":"success"}`, required, "summary", apierrors.RuleRequired},
		{`{"status":"success","summary":null}`, required, "summary", apierrors.RuleRequired},
		{`{"status":"success","summary":"x"}`, invalid, "summary", apierrors.RuleType},
		{`{"status":"success","summary":[]}`, invalid, "summary", apierrors.RuleType},
		{`null`, invalid, "", apierrors.RuleType},
		{` null `, invalid, "", apierrors.RuleType},
		{`[]`, invalid, "", apierrors.RuleType},
		{`"success"`, invalid, "", apierrors.RuleType},
		{``, apierrors.BadRequest, "", apierrors.RuleSyntax},
		{`{"status":"success","summary":` + summary, apierrors.BadRequest, "", apierrors.RuleSyntax},
		{`{"status":"success","summary":` + summary + `}x`, apierrors.BadRequest, "", apierrors.RuleSyntax},
		{`{"status":"success","summary":{"type":"authflow",}}`, apierrors.BadRequest, "summary", apierrors.RuleSyntax},
		{`{"status":"success","summary":` + summary + `,"status":"success"}`, invalid, "status", apierrors.RuleDuplicateKey},
		{`{"status":"success","summary":` + summary + `,"Status":"error"}`, invalid, "Status", apierrors.RuleDuplicateKey},
	}
	for _, tt := range tests {
		flow, err := authflow.DecodeFetchResponse([]byte(tt.doc))
		if err == nil {
			t.Errorf("%.60s…: accepted", tt.doc)
			continue
		}
		e := testutil.APIError(t, err)
		ps := e.Problems()
		if e.Code() != tt.code || len(ps) != 1 || ps[0].Path != tt.path || ps[0].Rule != tt.rule {
			t.Errorf("%.60s…: got %q %+v, want %q at %q, rule %q", tt.doc, e.Code(), ps, tt.code, tt.path, tt.rule)
		}
		if flow != nil {
			t.Errorf("%.60s…: a failed decode returned a flow", tt.doc)
		}
	}
	// null leaves the response as it was, by encoding/json's convention.
	resp := authflow.FetchResponse{Summary: examples.Authflow()}
	if err := json.Unmarshal([]byte("null"), &resp); err != nil || resp.Summary == nil {
		t.Errorf("json.Unmarshal of null: %v, summary %v", err, resp.Summary)
	}
}

// TestUnexpectedRefTypeThroughEncodingJSON checks that the type error is
// reachable with errors.Is and errors.As through json.Unmarshal, and named
// by its path through the strict decoder.
func TestUnexpectedRefTypeThroughEncodingJSON(t *testing.T) {
	t.Parallel()
	doc := summaryDoc(t, set("type", `"session"`))
	var a authflow.Authflow
	err := json.Unmarshal(doc, &a)
	e := testutil.APIError(t, err)
	// The leaf type does not know where it sits, and encoding/json does
	// not say: no path.
	if e.Code() != apierrors.UnexpectedRefType || e.Message() != `must be "authflow", not "session"` {
		t.Errorf("json.Unmarshal: got %v", e)
	}
	if !stderrors.Is(err, apierrors.UnexpectedRefType) || stderrors.Is(err, apierrors.InvalidValue) {
		t.Error("errors.Is(err, UnexpectedRefType) = false, or errors.Is(err, InvalidValue) = true")
	}
	_, err = authflow.DecodeAuthflow(doc)
	e = testutil.APIError(t, err)
	if e.Code() != apierrors.UnexpectedRefType || e.Message() != `type: must be "authflow", not "session"` {
		t.Errorf("DecodeAuthflow: got %v", e)
	}
}
