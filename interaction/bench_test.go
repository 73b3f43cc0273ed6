package interaction_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/authflow-dev/authflow-go/interaction"
)

// The benchmarks measure json.Marshal and json.Unmarshal of the seed
// InteractionDetails beside the same on the naive struct a user would write
// without this package (strings and float64s, lat_long a []float64), in the
// same run, so that the figures compare: what the leaf types' JSON methods
// cost over plain fields. The strict, fast codec is benchmarked in package
// authflow.

type naiveDetails struct {
	ASN            uint32    `json:"asn"`
	At             float64   `json:"at"`
	City           string    `json:"city"`
	CountryCode    string    `json:"country_code"`
	JA4Fingerprint string    `json:"ja4_fingerprint"`
	LatLong        []float64 `json:"lat_long"`
	RegionCode     string    `json:"region_code"`
	RemoteIP       string    `json:"remote_ip"`
	Timezone       string    `json:"timezone"`
	UserAgent      string    `json:"user_agent"`
}

func seedFile(b *testing.B) []byte {
	doc, err := os.ReadFile(filepath.Join("testdata", "seed.json"))
	if err != nil {
		b.Fatal(err)
	}
	return doc
}

func BenchmarkUnmarshalDetails(b *testing.B) {
	doc := seedFile(b)
	b.Run("Details", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			var d interaction.Details
			if err := json.Unmarshal(doc, &d); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline/naive", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			var d naiveDetails
			if err := json.Unmarshal(doc, &d); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkMarshalDetails(b *testing.B) {
	doc := seedFile(b)
	d := seed()
	var naive naiveDetails
	if err := json.Unmarshal(doc, &naive); err != nil {
		b.Fatal(err)
	}
	b.Run("Details", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			if _, err := json.Marshal(d); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline/naive", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			if _, err := json.Marshal(&naive); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkValidateDetails(b *testing.B) {
	d := seed()
	b.ReportAllocs()
	for b.Loop() {
		if err := d.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}
