package examples_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/examples"
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
