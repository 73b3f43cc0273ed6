package examples_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/ids"
	"github.com/authflow-dev/authflow-go/interaction"
	"github.com/authflow-dev/authflow-go/internal/testutil"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ from the Go fixtures")

type fixture struct {
	name string
	flow *authflow.Authflow
	json []byte
}

func fixtures() []fixture {
	fs := []fixture{{"seed", examples.Authflow(), examples.FetchResponseJSON()}}
	for _, v := range examples.Variants() {
		fs = append(fs, fixture{v.Name, v.Authflow, v.JSON})
	}
	return fs
}

// TestGolden checks that each fixture validates, encodes to its golden JSON
// byte for byte with json.Marshal and with AppendFetchResponse, and decodes
// back to itself with json.Unmarshal and with DecodeFetchResponse.
func TestGolden(t *testing.T) {
	t.Parallel()
	for _, f := range fixtures() {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			if err := f.flow.Validate(); err != nil {
				t.Fatalf("the fixture does not validate: %v", err)
			}
			got, err := json.Marshal(authflow.FetchResponse{Summary: f.flow})
			if err != nil {
				t.Fatal(err)
			}
			if *update {
				if err := os.WriteFile(filepath.Join("testdata", f.name+".json"), got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if diff := cmp.Diff(string(f.json), string(got)); diff != "" {
				t.Errorf("json.Marshal (-golden +got); run go test -update after a deliberate change:\n%s", diff)
			}
			fast, err := authflow.AppendFetchResponse(nil, f.flow)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(f.json), string(fast)); diff != "" {
				t.Errorf("AppendFetchResponse (-golden +got):\n%s", diff)
			}
			var resp authflow.FetchResponse
			if err := json.Unmarshal(f.json, &resp); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(f.flow, resp.Summary, testutil.CmpOptions); diff != "" {
				t.Errorf("json.Unmarshal of the golden JSON (-fixture +decoded):\n%s", diff)
			}
			strict, err := authflow.DecodeFetchResponse(f.json)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(f.flow, strict, testutil.CmpOptions); diff != "" {
				t.Errorf("DecodeFetchResponse of the golden JSON (-fixture +decoded):\n%s", diff)
			}
		})
	}
}

func TestVariantsDiffer(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{"seed": true}
	seed := examples.Authflow()
	for _, v := range examples.Variants() {
		if seen[v.Name] {
			t.Errorf("two fixtures are named %q", v.Name)
		}
		seen[v.Name] = true
		if cmp.Equal(seed, v.Authflow, testutil.CmpOptions) {
			t.Errorf("variant %s is the seed", v.Name)
		}
	}
	if len(seen) < 9 {
		t.Errorf("%d fixtures, want the seed and at least 8 variants", len(seen))
	}
}

// TestFreshCopies checks that a fixture shares nothing with another call's.
func TestFreshCopies(t *testing.T) {
	t.Parallel()
	a := examples.Authflow()
	a.FactorNames[0] = "changed"
	*a.RequiredEmail = "changed@example.com"
	a.FirstSeen.City = "changed"
	a.LastSeen.ASN = 1
	j := examples.FetchResponseJSON()
	j[0] = 'X'
	vs := examples.Variants()
	vs[0].Authflow.Title = "changed"
	vs[0].JSON[0] = 'X'

	if diff := cmp.Diff(examples.Authflow(), fixtures()[0].flow, testutil.CmpOptions); diff != "" {
		t.Errorf("two calls differ:\n%s", diff)
	}
	b := examples.Authflow()
	if b.FactorNames[0] != "password" || *b.RequiredEmail != "user@example.com" || b.FirstSeen.City != "Melbourne" || b.LastSeen.ASN != 4764 {
		t.Errorf("changing one fixture changed the next: %+v", b)
	}
	if b.FirstSeen == b.LastSeen {
		t.Error("first_seen and last_seen share a pointer")
	}
	if examples.FetchResponseJSON()[0] != '{' || examples.Variants()[0].JSON[0] != '{' {
		t.Error("changing the JSON of one call changed the next")
	}
	if examples.Variants()[0].Authflow.Title == "changed" {
		t.Error("changing a variant changed the next call's")
	}
}

func TestSeedValues(t *testing.T) {
	t.Parallel()
	a := examples.Authflow()
	got := map[string]string{
		"id": a.ID.String(), "account_id": a.AccountID.String(), "device_id": a.DeviceID.String(),
		"domain_id": a.DomainID.String(), "pool_id": a.PoolID.String(), "session_id": a.SessionID.String(),
		"plan_name": a.PlanName, "status": string(a.Status), "title": a.Title,
	}
	want := map[string]string{ // the API reference's example
		"id": "013xrzp12g3nqk8nqprv12gz6v99a2v4", "account_id": "013xrzp12g3nqk8n505tp6wqnscpdy8q",
		"device_id": "013xrzp12g3nqk8nyvk0xwzcb2gzp8z1", "domain_id": "013xrzp12g3nqk8nz2ccx5vt2j6f6hjz",
		"pool_id": "013xrzp12g3nqk8n6z7f3q8wqgbmh3n9", "session_id": "013xrzp12g3nqk8n55ng0qwnq3t8fedc",
		"plan_name": "basic", "status": "new", "title": "My Authflow",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("seed values (-reference +fixture):\n%s", diff)
	}
	for _, d := range []string{"first_seen", "last_seen"} {
		det := a.FirstSeen
		if d == "last_seen" {
			det = a.LastSeen
		}
		if det == nil || det.ASN != 4764 || det.At.Unix() != 1234567890 || det.City != "Melbourne" ||
			det.CountryCode != "AU" || det.RegionCode != "VIC" || det.RemoteIP.String() != "127.0.0.1" ||
			det.Timezone != "Australia/Melbourne" || det.LatLong != (interaction.LatLong{-37.8159, 144.9669}) {
			t.Errorf("%s = %+v, want the seed's InteractionDetails", d, det)
		}
	}
}

// TestFlows checks Flows: the seed under its own ID, then each variant, in
// the order of Variants, under an ID of the seed's timestamp and partition
// with the variant's position as randomness; a variant that keeps the seed's
// title is titled after its name; every flow validates, and nothing else
// differs from its fixture.
func TestFlows(t *testing.T) {
	t.Parallel()
	flows := examples.Flows()
	vs := examples.Variants()
	if len(flows) != 1+len(vs) {
		t.Fatalf("Flows returned %d flows, want the seed and %d variants", len(flows), len(vs))
	}
	seed := examples.Authflow()
	if diff := cmp.Diff(seed, flows[0], testutil.CmpOptions); diff != "" {
		t.Errorf("Flows()[0] is not the seed (-seed +got):\n%s", diff)
	}
	if flows[0].ID.String() != examples.AuthflowID {
		t.Errorf("the seed's ID is %v, want %s", flows[0].ID, examples.AuthflowID)
	}

	seen := map[ids.AuthflowID]string{flows[0].ID: "seed"}
	for i, v := range vs {
		f := flows[i+1]
		if err := f.Validate(); err != nil {
			t.Errorf("flow %d (%s) does not validate: %v", i+1, v.Name, err)
		}
		if f.ID.Timestamp() != seed.ID.Timestamp() || f.ID.Partition() != seed.ID.Partition() {
			t.Errorf("flow %d (%s): ID %v has timestamp %d and partition %d, want the seed's %d and %d",
				i+1, v.Name, f.ID, f.ID.Timestamp(), f.ID.Partition(), seed.ID.Timestamp(), seed.ID.Partition())
		}
		if r := f.ID.Randomness(); r != [10]byte{9: byte(i + 1)} {
			t.Errorf("flow %d (%s): randomness %x, want its position", i+1, v.Name, r)
		}
		if other, ok := seen[f.ID]; ok {
			t.Errorf("flows %s and %s share the ID %v", other, v.Name, f.ID)
		}
		seen[f.ID] = v.Name

		wantTitle := v.Authflow.Title
		if wantTitle == seed.Title {
			wantTitle = "Variant " + v.Name
		}
		if f.Title != wantTitle {
			t.Errorf("flow %d (%s): title %q, want %q", i+1, v.Name, f.Title, wantTitle)
		}
		want := v.Authflow
		want.ID, want.Title = f.ID, f.Title
		if diff := cmp.Diff(want, f, testutil.CmpOptions); diff != "" {
			t.Errorf("flow %d differs from variant %s beyond its ID and title (-variant +flow):\n%s", i+1, v.Name, diff)
		}
	}

	// The second variant, by its text form: the IDs are the same on every run.
	if got, want := flows[2].ID.String(), "013xrzp12g3nqk8n0000000000000002"; got != want {
		t.Errorf("flow 2's ID is %s, want %s", got, want)
	}
	// Titles the seed kept and titles a variant set of its own both occur.
	var renamed, own bool
	for _, f := range flows[1:] {
		renamed = renamed || strings.HasPrefix(f.Title, "Variant ")
		own = own || !strings.HasPrefix(f.Title, "Variant ")
	}
	if !renamed || !own {
		t.Errorf("titles: some renamed %v, some the variant's own %v; want both", renamed, own)
	}
}

// TestFlowsFreshCopies checks that the flows of one call share nothing with
// each other, nor with another call's.
func TestFlowsFreshCopies(t *testing.T) {
	t.Parallel()
	change := func(f *authflow.Authflow) {
		f.Title = "changed"
		if len(f.FactorNames) > 0 {
			f.FactorNames[0] = "changed"
		}
		if f.RequiredEmail != nil {
			*f.RequiredEmail = "changed@example.com"
		}
		if f.FirstSeen != nil {
			f.FirstSeen.City = "changed"
		}
		if f.LastSeen != nil {
			f.LastSeen.ASN = 1
		}
	}
	pristine := examples.Flows()
	if pristine[0].FirstSeen == pristine[0].LastSeen {
		t.Error("the seed's first_seen and last_seen share a pointer")
	}

	a := examples.Flows()
	change(a[0])
	if diff := cmp.Diff(pristine[1:], a[1:], testutil.CmpOptions); diff != "" {
		t.Errorf("changing the seed changed the variants of the same call:\n%s", diff)
	}
	for _, f := range a {
		change(f)
	}
	if diff := cmp.Diff(pristine, examples.Flows(), testutil.CmpOptions); diff != "" {
		t.Errorf("changing one call's flows changed the next call's:\n%s", diff)
	}
}
