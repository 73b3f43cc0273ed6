package authflow_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/authflow-dev/authflow-go/authflow"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/ids"
	"github.com/authflow-dev/authflow-go/interaction"
	"github.com/authflow-dev/authflow-go/internal/race"
	"github.com/authflow-dev/authflow-go/internal/testutil"
)

// fixture returns the examples fixture of that name: the seed or a variant.
func fixture(t *testing.T, name string) (*authflow.Authflow, []byte) {
	t.Helper()
	if name == "seed" {
		return examples.Authflow(), examples.FetchResponseJSON()
	}
	for _, v := range examples.Variants() {
		if v.Name == name {
			return v.Authflow, v.JSON
		}
	}
	t.Fatalf("no fixture %q", name)
	return nil, nil
}

// TestGoldenRoundTrip decodes each testdata/roundtrip/*.in.json (written in
// non-canonical ways: indented, reordered, escaped, exponents, unknown keys,
// absent keys for null) with DecodeFetchResponse and with json.Unmarshal,
// which must agree, validates it, and re-encodes it with json.Marshal and
// AppendFetchResponse to the canonical bytes of the examples fixture it
// describes (its golden file is examples/testdata/<fixture>.json, which
// go test ./examples -update rewrites); the value decoded must be that
// fixture. No input repeats a key or spells a known key in another case:
// the strict decoder refuses both (see TestInvalidDocuments).
func TestGoldenRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, fixture string }{
		{"seed", "seed"},
		{"status_pending", "status_pending"},
		{"status_finished", "status_finished"},
		{"status_complete", "status_complete"},
		{"status_cancelled", "status_cancelled"},
		{"null_first_seen", "null_first_seen"},
		{"null_last_seen", "null_last_seen"},
		{"null_first_and_last_seen", "null_first_and_last_seen"},
		{"null_required_email", "null_required_email"},
		{"ipv6_remote_ip", "ipv6_remote_ip"},
		{"fractional_at", "fractional_at"},
		{"empty_factor_names", "empty_factor_names"},
		{"absent_factor_names", "empty_factor_names"},
		{"escaped_strings", "escaped_strings"},
		{"unknown_keys", "seed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in, err := os.ReadFile(filepath.Join("testdata", "roundtrip", tt.name+".in.json"))
			if err != nil {
				t.Fatal(err)
			}
			strict, err := authflow.DecodeFetchResponse(in)
			if err != nil {
				t.Fatalf("DecodeFetchResponse: %v", err)
			}
			var resp authflow.FetchResponse
			if err := json.Unmarshal(in, &resp); err != nil {
				t.Fatalf("json.Unmarshal: %v", err)
			}
			if diff := cmp.Diff(strict, resp.Summary, testutil.CmpOptions); diff != "" {
				t.Errorf("the decoders disagree (-DecodeFetchResponse +json.Unmarshal):\n%s", diff)
			}
			if err := strict.Validate(); err != nil {
				t.Fatalf("validating: %v", err)
			}

			want, wantJSON := fixture(t, tt.fixture)
			// null, absent and [] all mean "no factor names", nil or empty.
			if diff := cmp.Diff(want, strict, testutil.CmpOptions, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("decoded value (-fixture %s +decoded):\n%s", tt.fixture, diff)
			}
			std, err := json.Marshal(resp)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(wantJSON), string(std)); diff != "" {
				t.Errorf("json.Marshal (-fixture %s +got):\n%s", tt.fixture, diff)
			}
			fast, err := authflow.AppendFetchResponse(nil, strict)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(wantJSON), string(fast)); diff != "" {
				t.Errorf("AppendFetchResponse (-fixture %s +got):\n%s", tt.fixture, diff)
			}
		})
	}
}

// TestEncodingMatchesEncodingJSON checks, for every fixture whose times are
// whole seconds (a float64 cannot carry the others exactly), that encoding
// writes exactly what encoding/json writes for the plain struct decoded from
// the same document.
func TestEncodingMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	docs := map[string][]byte{"seed": examples.FetchResponseJSON()}
	for _, v := range examples.Variants() {
		if v.Name != "fractional_at" {
			docs[v.Name] = v.JSON
		}
	}
	for name, doc := range docs {
		var plain naiveFetchResponse
		if err := json.Unmarshal(doc, &plain); err != nil {
			t.Fatal(err)
		}
		if plain.Summary.FactorNames == nil {
			plain.Summary.FactorNames = []string{}
		}
		want, err := json.Marshal(plain)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(doc, want) {
			t.Errorf("%s:\n got %s\nwant %s", name, doc, want)
		}
	}
}

func TestStatus(t *testing.T) {
	t.Parallel()
	known := []authflow.Status{authflow.StatusNew, authflow.StatusPending, authflow.StatusFinished, authflow.StatusComplete, authflow.StatusCancelled}
	want := []string{"new", "pending", "finished", "complete", "cancelled"}
	for i, s := range known {
		if string(s) != want[i] || !s.IsKnown() {
			t.Errorf("status %q: IsKnown() = %v, want %q and true", s, s.IsKnown(), want[i])
		}
	}
	for _, s := range []authflow.Status{"", "New", "archived", "canceled", " new"} {
		if s.IsKnown() {
			t.Errorf("Status(%q).IsKnown() = true", s)
		}
	}
}

// TestUnknownStatusDecodes checks that a status from a newer server decodes,
// by both decoders, and survives a round trip, and that validation reports
// it.
func TestUnknownStatusDecodes(t *testing.T) {
	t.Parallel()
	doc := bytes.Replace(examples.FetchResponseJSON(), []byte(`"status":"new"`), []byte(`"status":"archived"`), 1)
	strict, err := authflow.DecodeFetchResponse(doc)
	if err != nil {
		t.Fatal(err)
	}
	var resp authflow.FetchResponse
	if err := json.Unmarshal(doc, &resp); err != nil {
		t.Fatal(err)
	}
	for by, flow := range map[string]*authflow.Authflow{"DecodeFetchResponse": strict, "json.Unmarshal": resp.Summary} {
		if flow.Status != "archived" || flow.Status.IsKnown() {
			t.Errorf("%s: status %q, want archived, unknown", by, flow.Status)
		}
		out, _ := authflow.AppendFetchResponse(nil, flow)
		std, _ := json.Marshal(authflow.FetchResponse{Summary: flow})
		if !bytes.Equal(out, doc) || !bytes.Equal(std, doc) {
			t.Errorf("%s: round trip:\n%s\n%s\nwant\n%s", by, out, std, doc)
		}
		e := testutil.APIError(t, flow.Validate())
		ps := e.Problems()
		if e.Code() != apierrors.InvalidValue || len(ps) != 1 || ps[0].Path != "status" || ps[0].Rule != apierrors.RuleStatus {
			t.Errorf("%s: validation: %v %+v", by, e, ps)
		}
	}
}

func TestClone(t *testing.T) {
	t.Parallel()
	a := examples.Authflow()
	c := a.Clone()
	if diff := cmp.Diff(a, c, testutil.CmpOptions); diff != "" {
		t.Fatalf("clone differs:\n%s", diff)
	}
	c.FactorNames[0] = "changed"
	*c.RequiredEmail = "changed@example.com"
	c.FirstSeen.City = "changed"
	c.LastSeen.LatLong[0] = 0
	c.LastSeen.At = interaction.UnixTime{Time: c.LastSeen.At.Add(time.Hour)}
	c.FactorNames = append(c.FactorNames, "appended")
	if diff := cmp.Diff(examples.Authflow(), a, testutil.CmpOptions); diff != "" {
		t.Errorf("changing the clone changed the original:\n%s", diff)
	}
	var nilFlow *authflow.Authflow
	if nilFlow.Clone() != nil {
		t.Error("Clone of nil is not nil")
	}
	empty := (&authflow.Authflow{}).Clone()
	if empty.FactorNames != nil || empty.RequiredEmail != nil || empty.FirstSeen != nil || empty.LastSeen != nil {
		t.Errorf("Clone of the zero Authflow = %+v", empty)
	}
}

func TestValidateProblemsAndCodes(t *testing.T) {
	t.Parallel()
	a := examples.Authflow()
	if err := a.Validate(); err != nil {
		t.Fatalf("the seed does not validate: %v", err)
	}

	// Every problem is listed, sorted by path; all missing: required_value.
	a.PlanName = ""
	a.FirstSeen.ASN = 0
	a.ID = ids.AuthflowID{}
	e := testutil.APIError(t, a.Validate())
	want := "first_seen.asn: is required; id: is required; plan_name: is required"
	if e.Code() != apierrors.RequiredValue || e.Message() != want || len(e.Problems()) != 3 || !e.IsReport() {
		t.Errorf("got %q %q, want required_value %q", e.Code(), e.Message(), want)
	}
	for _, p := range e.Problems() {
		if p.Rule != apierrors.RuleRequired || !p.Missing() {
			t.Errorf("problem %+v: want rule required", p)
		}
	}

	// One invalid value makes it invalid_value.
	a.LastSeen.CountryCode = "Australia"
	e = testutil.APIError(t, a.Validate())
	want = "first_seen.asn: is required; id: is required; last_seen.country_code: must match ^[A-Z]{2}$; plan_name: is required"
	if e.Code() != apierrors.InvalidValue || e.Message() != want || len(e.Problems()) != 4 {
		t.Errorf("got %q %q, want invalid_value %q", e.Code(), e.Message(), want)
	}
	if p := e.Problems()[2]; p.Path != "last_seen.country_code" || p.Rule != apierrors.RuleCountryCode {
		t.Errorf("problem %+v, want last_seen.country_code, rule country_code", p)
	}
	if e.Code().HTTPStatus() != 400 {
		t.Errorf("HTTP status %d", e.Code().HTTPStatus())
	}

	// A hostile flow with many problems costs a bounded report:
	// errors.MaxProblems are kept, the rest counted.
	a = examples.Authflow()
	a.FactorNames = make(authflow.FactorNames, 30)
	e = testutil.APIError(t, a.Validate())
	ps := e.Problems()
	if e.Code() != apierrors.RequiredValue || len(ps) != apierrors.MaxProblems || e.Omitted() != 30-apierrors.MaxProblems ||
		!strings.HasSuffix(e.Message(), ": is required; and 20 more problems") {
		t.Errorf("30 empty factor names: %q %q, %d problems, %d omitted", e.Code(), e.Message(), len(ps), e.Omitted())
	}
	seen := map[string]bool{}
	for _, p := range ps {
		if !strings.HasPrefix(p.Path, "factor_names[") || p.Rule != apierrors.RuleRequired || seen[p.Path] {
			t.Errorf("problem %+v: want a factor name, required, once", p)
		}
		seen[p.Path] = true
	}
}

func TestValidateEdgeCases(t *testing.T) {
	t.Parallel()
	valid := []func(a *authflow.Authflow){
		func(a *authflow.Authflow) { a.ReturnURL = "" },
		func(a *authflow.Authflow) { a.Title = "" },
		func(a *authflow.Authflow) { a.FactorNames = nil },
		func(a *authflow.Authflow) { a.FactorNames = authflow.FactorNames{} },
		func(a *authflow.Authflow) { a.FirstSeen, a.LastSeen = nil, nil },
		func(a *authflow.Authflow) { a.LastSeen.At = a.FirstSeen.At }, // equal times
		func(a *authflow.Authflow) {
			a.FirstSeen = nil
			a.LastSeen.At = interaction.UnixTime{Time: a.LastSeen.At.Add(-1e18)}
		},
		func(a *authflow.Authflow) { a.ReturnURL = "http://localhost:8080/cb?x=1" },
		func(a *authflow.Authflow) { a.ReturnURL = "https://example.com/@user" }, // an @ in the path is no user info
		func(a *authflow.Authflow) { a.RequiredEmail = nil },
	}
	for i, change := range valid {
		a := examples.Authflow()
		change(a)
		if err := a.Validate(); err != nil {
			t.Errorf("case %d: %v", i, err)
		}
	}
	// Many factor names, one repeated far apart: reported once, at the repeat.
	a := examples.Authflow()
	a.FactorNames = nil
	for i := range 1000 {
		a.FactorNames = append(a.FactorNames, "factor"+string(rune('a'+i%26))+string(rune('a'+i/26)))
	}
	a.FactorNames = append(a.FactorNames, a.FactorNames[3])
	e := testutil.APIError(t, a.Validate())
	if ps := e.Problems(); len(ps) != 1 || ps[0].Path != "factor_names[1000]" || ps[0].Rule != apierrors.RuleUnique || ps[0].Message != "repeats factor_names[3]" {
		t.Errorf("got %+v", ps)
	}
}

func TestValidateAllocations(t *testing.T) {
	if race.Enabled {
		t.Skip("the race detector changes allocation counts")
	}
	a := examples.Authflow()
	a.ReturnURL = "" // parsing a URL allocates; nothing else may
	if allocs := testing.AllocsPerRun(100, func() { _ = a.Validate() }); allocs != 0 {
		t.Errorf("Validate of a valid Authflow allocates %v times, want 0", allocs)
	}
}
