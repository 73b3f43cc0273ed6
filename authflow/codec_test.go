package authflow_test

import (
	"bytes"
	"encoding/json"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/authflow-dev/authflow-go/authflow"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/internal/race"
	"github.com/authflow-dev/authflow-go/internal/testutil"
)

// allFixtures returns the seed and every variant, by name.
func allFixtures() []examples.Variant {
	return append([]examples.Variant{{Name: "seed", Authflow: examples.Authflow(), JSON: examples.FetchResponseJSON()}},
		examples.Variants()...)
}

// TestFixturesBothPaths checks, for every fixture, that json.Marshal and
// AppendFetchResponse write the golden bytes, and that json.Unmarshal and
// DecodeFetchResponse read them back to the fixture's value.
func TestFixturesBothPaths(t *testing.T) {
	t.Parallel()
	for _, v := range allFixtures() {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			golden := bytes.TrimSpace(v.JSON)

			std, err := json.Marshal(authflow.FetchResponse{Summary: v.Authflow})
			if err != nil {
				t.Fatal(err)
			}
			fast, err := authflow.AppendFetchResponse([]byte("prefix"), v.Authflow)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(std, golden) {
				t.Errorf("json.Marshal:\n got %s\nwant %s", std, golden)
			}
			if string(fast) != "prefix"+string(golden) {
				t.Errorf("AppendFetchResponse:\n got %s\nwant prefix%s", fast, golden)
			}

			// The summary alone, by both paths.
			summary := golden[len(`{"status":"success","summary":`) : len(golden)-1]
			stdSummary, _ := json.Marshal(v.Authflow)
			fastSummary, _ := authflow.AppendAuthflow(nil, v.Authflow)
			if !bytes.Equal(stdSummary, summary) || !bytes.Equal(fastSummary, summary) {
				t.Errorf("summary:\n std %s\nfast %s\nwant %s", stdSummary, fastSummary, summary)
			}

			var resp authflow.FetchResponse
			if err := json.Unmarshal(golden, &resp); err != nil {
				t.Fatalf("json.Unmarshal: %v", err)
			}
			decoded, err := authflow.DecodeFetchResponse(golden)
			if err != nil {
				t.Fatalf("DecodeFetchResponse: %v", err)
			}
			if diff := cmp.Diff(v.Authflow, resp.Summary, testutil.CmpOptions); diff != "" {
				t.Errorf("json.Unmarshal (-fixture +decoded):\n%s", diff)
			}
			if diff := cmp.Diff(v.Authflow, decoded, testutil.CmpOptions); diff != "" {
				t.Errorf("DecodeFetchResponse (-fixture +decoded):\n%s", diff)
			}
			alone, err := authflow.DecodeAuthflow(summary)
			if err != nil {
				t.Fatalf("DecodeAuthflow: %v", err)
			}
			if diff := cmp.Diff(v.Authflow, alone, testutil.CmpOptions); diff != "" {
				t.Errorf("DecodeAuthflow (-fixture +decoded):\n%s", diff)
			}
		})
	}
}

// The user types of the embedding table: each holds the API's types the way
// a program of its own would, with fields of its own beside them.
type (
	anonymous struct {
		authflow.Authflow
		Extra string `json:"extra"`
	}
	anonymousPointer struct {
		*authflow.Authflow
		Extra string `json:"extra"`
	}
	named struct {
		Flow  authflow.Authflow `json:"flow"`
		Extra string            `json:"extra"`
	}
	namedPointer struct {
		Flow  *authflow.Authflow `json:"flow,omitempty"`
		Extra string             `json:"extra,omitempty"`
		Count int                `json:"count,omitzero"`
	}
	page struct {
		Flows []authflow.Authflow `json:"flows"`
		Next  string              `json:"next,omitempty"`
		Total int                 `json:"total"`
	}
	byKey struct {
		Flows map[string]*authflow.Authflow `json:"flows"`
		Extra string                        `json:"extra"`
	}
	envelopeAndMore struct {
		authflow.FetchResponse
		RequestID string `json:"request_id"`
	}
	detailsInside struct {
		Seen  *authflow.FetchResponse `json:"seen"`
		Extra string                  `json:"extra,omitzero"`
	}
)

// TestEmbedding checks that the API's types, embedded in or held by a
// user's struct in every usual way, keep every user field and the meaning
// of the user's omitempty and omitzero tags, and are written as the fast
// codec writes them.
func TestEmbedding(t *testing.T) {
	t.Parallel()
	seed := examples.Authflow()
	summary, err := authflow.AppendAuthflow(nil, seed)
	if err != nil {
		t.Fatal(err)
	}
	inner := string(summary[1 : len(summary)-1]) // the summary's members
	envelope, _ := authflow.AppendFetchResponse(nil, seed)
	var flows []authflow.Authflow
	var pageWant strings.Builder
	pageWant.WriteString(`{"flows":[`)
	for i := range 100 {
		flows = append(flows, *examples.Authflow())
		if i > 0 {
			pageWant.WriteByte(',')
		}
		pageWant.Write(summary)
	}
	pageWant.WriteString(`],"total":100}`)

	tests := []struct {
		name string
		v    any
		want string
	}{
		{"anonymous by value", anonymous{*seed, "kept"}, `{` + inner + `,"extra":"kept"}`},
		{"anonymous by pointer", anonymousPointer{seed, "kept"}, `{` + inner + `,"extra":"kept"}`},
		{"pointer to a struct embedding it", &anonymous{*seed, "kept"}, `{` + inner + `,"extra":"kept"}`},
		{"named by value", named{*seed, "kept"}, `{"flow":` + string(summary) + `,"extra":"kept"}`},
		{"named by pointer", namedPointer{Flow: seed, Extra: "kept", Count: 2}, `{"flow":` + string(summary) + `,"extra":"kept","count":2}`},
		{"omitempty and omitzero keep their meaning", namedPointer{}, `{}`},
		{"a page of 100", page{Flows: flows, Total: 100}, pageWant.String()},
		{"a map", byKey{Flows: map[string]*authflow.Authflow{"a": seed, "b": nil}, Extra: "kept"},
			`{"flows":{"a":` + string(summary) + `,"b":null},"extra":"kept"}`},
		{"the envelope, anonymous", envelopeAndMore{authflow.FetchResponse{Summary: seed}, "r-1"},
			string(envelope[:len(envelope)-1]) + `,"request_id":"r-1"}`},
		{"the envelope, by pointer, omitzero", detailsInside{Seen: &authflow.FetchResponse{Summary: seed}},
			`{"seen":` + string(envelope) + `}`},
	}
	for _, tt := range tests {
		got, err := json.Marshal(tt.v)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if string(got) != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
			continue
		}
		// And back: json.Unmarshal gives the same value.
		back := newLike(tt.v)
		if err := json.Unmarshal(got, back); err != nil {
			t.Errorf("%s: decoding: %v", tt.name, err)
			continue
		}
		if diff := cmp.Diff(deref(tt.v), deref(back), testutil.CmpOptions); diff != "" {
			t.Errorf("%s: round trip (-want +got):\n%s", tt.name, diff)
		}
	}
}

// newLike returns a pointer to a new zero value of v's type (or of what v
// points to).
func newLike(v any) any {
	switch v.(type) {
	case anonymous, *anonymous:
		return new(anonymous)
	case anonymousPointer:
		return new(anonymousPointer)
	case named:
		return new(named)
	case namedPointer:
		return new(namedPointer)
	case page:
		return new(page)
	case byKey:
		return new(byKey)
	case envelopeAndMore:
		return new(envelopeAndMore)
	case detailsInside:
		return new(detailsInside)
	}
	panic("newLike: unexpected type")
}

// deref returns what v points to, for the user types above.
func deref(v any) any {
	switch p := v.(type) {
	case *anonymous:
		return *p
	case *anonymousPointer:
		return *p
	case *named:
		return *p
	case *namedPointer:
		return *p
	case *page:
		return *p
	case *byKey:
		return *p
	case *envelopeAndMore:
		return *p
	case *detailsInside:
		return *p
	}
	return v
}

// TestStrictRefusals checks what DecodeFetchResponse refuses and
// json.Unmarshal reads its own way: each case names the code, path and rule
// of the one problem reported.
func TestStrictRefusals(t *testing.T) {
	t.Parallel()
	seed := string(bytes.TrimSpace(examples.FetchResponseJSON()))
	summary := seed[len(`{"status":"success","summary":`) : len(seed)-1]
	inner := summary[1 : len(summary)-1]
	details := `{"asn":4764,"at":1234567890,"city":"Melbourne","country_code":"AU","ja4_fingerprint":"q13d0314h3_55b375c5d22e_61e396c58b1f","lat_long":[-37.8159,144.9669],"region_code":"VIC","remote_ip":"127.0.0.1","timezone":"Australia/Melbourne","user_agent":"x"}`
	withDetails := func(d string) string {
		return `{"status":"success","summary":{` + strings.Replace(inner, `"first_seen":`, `"first_seen":`+d+`,"ignored":`, 1) + `}}`
	}
	envelope := func(members string) string { return `{"status":"success","summary":{` + members + `}}` }

	const (
		badRequest = apierrors.BadRequest
		invalid    = apierrors.InvalidValue
		required   = apierrors.RequiredValue
		refType    = apierrors.UnexpectedRefType
	)
	tests := []struct {
		name string
		doc  string
		code apierrors.Code
		path string
		rule apierrors.Rule
	}{
		// Duplicate keys, at each level.
		{"duplicate key in the envelope", `{"status":"success","status":"success","summary":` + summary + `}`, invalid, "status", apierrors.RuleDuplicateKey},
		{"duplicate summary", `{"status":"success","summary":` + summary + `,"summary":` + summary + `}`, invalid, "summary", apierrors.RuleDuplicateKey},
		{"duplicate key in the summary", envelope(inner + `,"id":"013xrzp12g3nqk8nqprv12gz6v99a2v5"`), invalid, "summary.id", apierrors.RuleDuplicateKey},
		{"duplicate key in first_seen", withDetails(strings.Replace(details, `"city":"Melbourne"`, `"city":"Melbourne","city":"Sydney"`, 1)), invalid, "summary.first_seen.city", apierrors.RuleDuplicateKey},
		{"duplicate unknown key", envelope(inner + `,"x":1,"x":2`), invalid, "summary.x", apierrors.RuleDuplicateKey},
		{"duplicate key inside an unknown value", envelope(inner + `,"x":{"a":{"b":1,"b":2}}`), invalid, "summary.x.a.b", apierrors.RuleDuplicateKey},
		{"duplicate key in an array inside an unknown value", envelope(inner + `,"x":[{},{"b":1,"b":2}]`), invalid, "summary.x[1].b", apierrors.RuleDuplicateKey},
		{"escaped duplicate key", envelope(inner + `,"\u0069d":"013xrzp12g3nqk8nqprv12gz6v99a2v5"`), invalid, "summary.id", apierrors.RuleDuplicateKey},
		{"a known key but for case", envelope(inner + `,"ID":"013xrzp12g3nqk8nqprv12gz6v99a2v5"`), invalid, "summary.ID", apierrors.RuleDuplicateKey},
		{"an escaped known key but for case", envelope(inner + `,"\u0054itle":"x"`), invalid, "summary.Title", apierrors.RuleDuplicateKey},
		{"the envelope's key but for case", `{"status":"success","Summary":{},"summary":` + summary + `}`, invalid, "Summary", apierrors.RuleDuplicateKey},
		// Strings.
		{"invalid UTF-8 in a value", envelope(strings.Replace(inner, `"My Authflow"`, "\"My \xff Authflow\"", 1)), invalid, "summary.title", apierrors.RuleUTF8},
		{"invalid UTF-8 in a key", envelope(inner + ",\"\xc3\":1"), invalid, "summary", apierrors.RuleUTF8},
		{"invalid UTF-8 in an unknown value", envelope(inner + ",\"x\":[\"\xed\xa0\x80\"]"), invalid, "summary.x[0]", apierrors.RuleUTF8},
		{"a lone high surrogate", envelope(strings.Replace(inner, `"My Authflow"`, `"My \ud800 Authflow"`, 1)), invalid, "summary.title", apierrors.RuleUTF8},
		{"a lone low surrogate", envelope(strings.Replace(inner, `"My Authflow"`, `"\udc00"`, 1)), invalid, "summary.title", apierrors.RuleUTF8},
		{"a reversed pair", envelope(strings.Replace(inner, `"My Authflow"`, `"\udc00\ud800"`, 1)), invalid, "summary.title", apierrors.RuleUTF8},
		// Missing and null.
		{"null", `null`, invalid, "", apierrors.RuleType},
		{"no summary", `{"status":"success"}`, required, "summary", apierrors.RuleRequired},
		{"null summary", `{"status":"success","summary":null}`, required, "summary", apierrors.RuleRequired},
		{"no status", `{"summary":` + summary + `}`, required, "status", apierrors.RuleRequired},
		{"no type", envelope(strings.Replace(inner, `,"type":"authflow"`, ``, 1)), required, "summary.type", apierrors.RuleRequired},
		{"null type", envelope(strings.Replace(inner, `"type":"authflow"`, `"type":null`, 1)), required, "summary.type", apierrors.RuleRequired},
		// Wrong constants.
		{"wrong type", envelope(strings.Replace(inner, `"type":"authflow"`, `"type":"session"`, 1)), refType, "summary.type", apierrors.RuleRefType},
		{"empty type", envelope(strings.Replace(inner, `"type":"authflow"`, `"type":""`, 1)), refType, "summary.type", apierrors.RuleRefType},
		{"wrong envelope status", `{"status":"error","summary":` + summary + `}`, invalid, "status", apierrors.RuleEnvelope},
		// Malformed.
		{"truncated", seed[:len(seed)-1], badRequest, "", apierrors.RuleSyntax},
		{"trailing data", seed + `x`, badRequest, "", apierrors.RuleSyntax},
	}
	for _, tt := range tests {
		_, err := authflow.DecodeFetchResponse([]byte(tt.doc))
		if err == nil {
			t.Errorf("%s: DecodeFetchResponse accepted it", tt.name)
			continue
		}
		e := testutil.APIError(t, err)
		ps := e.Problems()
		if e.Code() != tt.code || len(ps) != 1 || ps[0].Path != tt.path || ps[0].Rule != tt.rule {
			t.Errorf("%s: got %q %+v, want %q at %q, rule %q", tt.name, e.Code(), ps, tt.code, tt.path, tt.rule)
			continue
		}
		if tt.path != "" && !strings.HasPrefix(e.Message(), tt.path+": ") {
			t.Errorf("%s: message %q does not start with the path", tt.name, e.Message())
		}
	}
}

// TestEncodingJSONLeniency pins what json.Unmarshal, unlike
// DecodeFetchResponse, accepts: its own rules, documented in the package.
func TestEncodingJSONLeniency(t *testing.T) {
	t.Parallel()
	seed := string(bytes.TrimSpace(examples.FetchResponseJSON()))
	var resp authflow.FetchResponse
	// The last of repeated keys wins.
	doc := strings.Replace(seed, `"title":"My Authflow"`, `"title":"A","title":"B"`, 1)
	if err := json.Unmarshal([]byte(doc), &resp); err != nil || resp.Summary.Title != "B" {
		t.Errorf("repeated keys: %v, title %q", err, resp.Summary.Title)
	}
	// A missing summary leaves it nil; null is a no-op.
	resp = authflow.FetchResponse{}
	if err := json.Unmarshal([]byte(`{"status":"success"}`), &resp); err != nil || resp.Summary != nil {
		t.Errorf("no summary: %v, %v", err, resp.Summary)
	}
	// But the leaf types still refuse what they cannot hold.
	for _, bad := range []string{
		strings.Replace(seed, `"type":"authflow"`, `"type":"session"`, 1),
		strings.Replace(seed, `"status":"success"`, `"status":"error"`, 1),
		strings.Replace(seed, `"id":"013xrzp12g3nqk8nqprv12gz6v99a2v4"`, `"id":"013XRZP12G3NQK8NQPRV12GZ6V99A2V4"`, 1),
		strings.Replace(seed, `"lat_long":[-37.8159,144.9669]`, `"lat_long":[1,2,3]`, 1),
		strings.Replace(seed, `"at":1234567890`, `"at":1e18`, 1),
	} {
		var r authflow.FetchResponse
		if err := json.Unmarshal([]byte(bad), &r); err == nil {
			t.Errorf("json.Unmarshal accepted %.120s…", bad)
		}
	}
}

func TestEncodingFailures(t *testing.T) {
	t.Parallel()
	for _, f := range []float64{math.Inf(1), math.Inf(-1), math.NaN()} {
		a := examples.Authflow()
		a.LastSeen.LatLong[0] = f
		b, err := authflow.AppendFetchResponse([]byte("kept"), a)
		if err == nil || string(b) != "kept" {
			t.Errorf("lat %v: AppendFetchResponse = %q, %v; want the buffer unchanged and an error", f, b, err)
		}
		if _, err := json.Marshal(authflow.FetchResponse{Summary: a}); err == nil {
			t.Errorf("lat %v: json.Marshal succeeded", f)
		}
	}
	if b, err := authflow.AppendFetchResponse([]byte("kept"), nil); err == nil || string(b) != "kept" {
		t.Errorf("nil flow: %q, %v", b, err)
	}
	// json.Marshal writes a nil summary as null, which the strict decoder
	// refuses.
	if b, _ := json.Marshal(authflow.FetchResponse{}); string(b) != `{"status":"success","summary":null}` {
		t.Errorf("nil summary: %s", b)
	}
}

func TestCodecAllocations(t *testing.T) {
	if race.Enabled {
		t.Skip("the race detector changes allocation counts")
	}
	a := examples.Authflow()
	buf := make([]byte, 0, 4096)
	if n := testing.AllocsPerRun(100, func() { buf, _ = authflow.AppendFetchResponse(buf[:0], a) }); n != 0 {
		t.Errorf("AppendFetchResponse into a buffer with room allocates %v times, want 0", n)
	}
}

// TestDecodeHostileCost checks that a malformed factor_names of 1 MiB costs
// at most 8 bytes allocated per byte of body, and that the message of an
// error in a deeply nested body stays short.
func TestDecodeHostileCost(t *testing.T) {
	if race.Enabled {
		t.Skip("the race detector changes allocation figures")
	}
	const size = 1 << 20
	prefix := `{"status":"success","summary":{"factor_names":[`
	for _, elem := range []string{",", "1,", `"",`, `"x",`} {
		body := []byte(prefix + strings.Repeat(elem, (size-len(prefix))/len(elem)))
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := authflow.DecodeFetchResponse(body)
		runtime.ReadMemStats(&after)
		if err == nil {
			t.Fatalf("factor_names of %q: no error", elem)
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > 8*uint64(len(body)) {
			t.Errorf("factor_names of %q: %d bytes allocated for a body of %d", elem, n, len(body))
		}
	}
	key := strings.Repeat("k", 60)
	for _, open := range []string{"[", `{"` + key + `":`} {
		body := []byte(`{"status":"success","summary":{"x":` + strings.Repeat(open, 9000) + "x")
		_, err := authflow.DecodeFetchResponse(body)
		e := testutil.APIError(t, err)
		if len(e.Message()) > 2048 || len(e.Error()) > 2048 {
			t.Errorf("nested %q: Message() of %d bytes, Error() of %d", open, len(e.Message()), len(e.Error()))
		}
	}
}
