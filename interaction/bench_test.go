package interaction_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/authflow-dev/authflow-go/examples"

	"github.com/authflow-dev/authflow-go/interaction"
)

// The benchmarks measure the seed InteractionDetails, each operation beside
// encoding/json on the plain struct a user would write (plainDetails, with a
// []float64 lat_long as a user would more likely write).

type plainDetailsSlice struct {
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

func seedJSON(b *testing.B) []byte {
	doc, err := os.ReadFile(filepath.Join("testdata", "seed.json"))
	if err != nil {
		b.Fatal(err)
	}
	return doc
}

func BenchmarkDecodeDetails(b *testing.B) {
	doc := seedJSON(b)
	b.Run("Details.UnmarshalJSON", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			var d interaction.Details
			if err := d.UnmarshalJSON(doc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline/json.Unmarshal/plain", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			var d plainDetailsSlice
			if err := json.Unmarshal(doc, &d); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkEncodeDetails(b *testing.B) {
	doc := seedJSON(b)
	d := examples.Details()
	var plain plainDetailsSlice
	if err := json.Unmarshal(doc, &plain); err != nil {
		b.Fatal(err)
	}
	b.Run("Details.AppendJSON", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(doc)))
		buf := make([]byte, 0, 2*len(doc))
		for b.Loop() {
			var err error
			if buf, err = d.AppendJSON(buf[:0]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Details.MarshalJSON", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			if _, err := d.MarshalJSON(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline/json.Marshal/plain", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			if _, err := json.Marshal(&plain); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkValidateDetails(b *testing.B) {
	d := examples.Details()
	b.ReportAllocs()
	for b.Loop() {
		if err := d.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}
