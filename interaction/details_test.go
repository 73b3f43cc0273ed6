package interaction_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"math"
	"net/netip"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/interaction"
	"github.com/authflow-dev/authflow-go/internal/race"
	"github.com/authflow-dev/authflow-go/internal/testutil"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestSeedGoldenRoundTrip(t *testing.T) {
	t.Parallel()
	d := examples.Details()
	if err := d.Validate(); err != nil {
		t.Fatalf("the seed does not validate: %v", err)
	}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, filepath.Join("testdata", "seed.json"), b, *update)

	var back interaction.Details
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(d, &back, testutil.CmpOptions); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	// Value and pointer, MarshalJSON and AppendJSON, all write the same.
	byValue, _ := json.Marshal(*d)
	appended, _ := d.AppendJSON([]byte("x"))
	if !bytes.Equal(byValue, b) || string(appended) != "x"+string(b) {
		t.Errorf("encodings differ:\n%s\n%s\n%s", b, byValue, appended)
	}
}

// plainDetails is what a user would write for encoding/json.
type plainDetails struct {
	ASN            uint32     `json:"asn"`
	At             float64    `json:"at"`
	City           string     `json:"city"`
	CountryCode    string     `json:"country_code"`
	JA4Fingerprint string     `json:"ja4_fingerprint"`
	LatLong        [2]float64 `json:"lat_long"`
	RegionCode     string     `json:"region_code"`
	RemoteIP       string     `json:"remote_ip"`
	Timezone       string     `json:"timezone"`
	UserAgent      string     `json:"user_agent"`
}

// TestEncodingMatchesEncodingJSON checks the hand-written encoder against
// encoding/json on a plain struct holding the same values, strings that need
// escaping included.
func TestEncodingMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	d := examples.Details()
	d.City = "Mél<bourne> & \"co\"\n\u2028\xff"
	d.UserAgent = ""
	d.LatLong = interaction.LatLong{Lat: 1e-7, Long: math.Copysign(0, -1)}
	d.RemoteIP = netip.MustParseAddr("2001:db8::1")
	d.At = time.Unix(1234567890, 500_000_000)
	p := plainDetails{
		ASN: d.ASN, At: 1234567890.5, City: d.City, CountryCode: d.CountryCode,
		JA4Fingerprint: d.JA4Fingerprint, LatLong: [2]float64{d.LatLong.Lat, d.LatLong.Long},
		RegionCode: d.RegionCode, RemoteIP: d.RemoteIP.String(), Timezone: d.Timezone, UserAgent: d.UserAgent,
	}
	want, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestDecodeVariants(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		doc  string
		want func(*interaction.Details)
	}{
		{"unknown keys and whitespace", `{ "asn" : 4764, "extra": {"nested": [1, {"x": null}]}, "at": 1234567890,
			"city":"Melbourne","country_code":"AU","ja4_fingerprint":"q13d0314h3_55b375c5d22e_61e396c58b1f",
			"lat_long":[-37.8159,144.9669],"region_code":"VIC","remote_ip":"127.0.0.1","timezone":"Australia/Melbourne",
			"user_agent":"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/91.0.4472.114 Safari/537.36",
			"future": true }`, func(*interaction.Details) {}},
		{"IPv6 canonicalised", `{"remote_ip":"2001:DB8:0:0:0:0:0:0001"}`, func(d *interaction.Details) {
			*d = interaction.Details{RemoteIP: netip.MustParseAddr("2001:db8::1")}
		}},
		{"IPv4-mapped IPv6", `{"remote_ip":"::ffff:10.0.0.1"}`, func(d *interaction.Details) {
			*d = interaction.Details{RemoteIP: netip.MustParseAddr("::ffff:10.0.0.1")}
		}},
		{"zoned IP decodes", `{"remote_ip":"fe80::1%eth0"}`, func(d *interaction.Details) {
			*d = interaction.Details{RemoteIP: netip.MustParseAddr("fe80::1%eth0")}
		}},
		{"empty IP is unset", `{"remote_ip":""}`, func(d *interaction.Details) { *d = interaction.Details{} }},
		{"nulls are unset", `{"asn":null,"at":null,"city":null,"lat_long":null,"remote_ip":null,"timezone":null}`,
			func(d *interaction.Details) { *d = interaction.Details{} }},
		{"empty object", `{}`, func(d *interaction.Details) { *d = interaction.Details{} }},
		{"escaped strings", `{"city":"Mel\u0062ourne \ud83d\ude00","region_code":"\"V\\IC\""}`, func(d *interaction.Details) {
			*d = interaction.Details{City: "Melbourne 😀", RegionCode: `"V\IC"`}
		}},
		{"duplicate key: last wins", `{"asn":1,"asn":2}`, func(d *interaction.Details) { *d = interaction.Details{ASN: 2} }},
		{"asn bounds", `{"asn":4294967295}`, func(d *interaction.Details) { *d = interaction.Details{ASN: math.MaxUint32} }},
		{"asn -0", `{"asn":-0}`, func(d *interaction.Details) { *d = interaction.Details{} }},
		{"fractional at", `{"at":1234567890.5}`, func(d *interaction.Details) {
			*d = interaction.Details{At: time.Unix(1234567890, 5e8).UTC()}
		}},
		{"exponent at", `{"at":1.2345678905E9}`, func(d *interaction.Details) {
			*d = interaction.Details{At: time.Unix(1234567890, 5e8).UTC()}
		}},
		{"lat_long extremes", `{"lat_long":[-90,180]}`, func(d *interaction.Details) {
			*d = interaction.Details{LatLong: interaction.LatLong{Lat: -90, Long: 180}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want := examples.Details()
			tt.want(want)
			got := interaction.Details{City: "stale", ASN: 99} // decoding replaces everything
			if err := json.Unmarshal([]byte(tt.doc), &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, &got, testutil.CmpOptions); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeNullLeavesValue(t *testing.T) {
	t.Parallel()
	d := *examples.Details()
	if err := json.Unmarshal([]byte(" null "), &d); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(examples.Details(), &d, testutil.CmpOptions); diff != "" {
		t.Errorf("null changed the value (-want +got):\n%s", diff)
	}
}

// TestDecodeErrors covers every decode failure of SPEC §3: each must name
// the key (and element) and leave the value unchanged.
func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		doc  string
		code apierrors.Code
		path string
		rule string
	}{
		{`{"asn":"4764"}`, apierrors.InvalidValue, "asn", "type"},
		{`{"asn":-1}`, apierrors.InvalidValue, "asn", "uint32"},
		{`{"asn":4294967296}`, apierrors.InvalidValue, "asn", "uint32"},
		{`{"asn":99999999999999999999}`, apierrors.InvalidValue, "asn", "uint32"},
		{`{"asn":4764.0}`, apierrors.InvalidValue, "asn", "uint32"},
		{`{"asn":4.764e3}`, apierrors.InvalidValue, "asn", "uint32"},
		{`{"at":"1234567890"}`, apierrors.InvalidValue, "at", "type"},
		{`{"at":true}`, apierrors.InvalidValue, "at", "type"},
		{`{"at":1e18}`, apierrors.InvalidValue, "at", "unix_time"},
		{`{"at":-1e400}`, apierrors.InvalidValue, "at", "unix_time"},
		{`{"city":7}`, apierrors.InvalidValue, "city", "type"},
		{`{"country_code":["AU"]}`, apierrors.InvalidValue, "country_code", "type"},
		{`{"ja4_fingerprint":{}}`, apierrors.InvalidValue, "ja4_fingerprint", "type"},
		{`{"lat_long":"-37.8,144.9"}`, apierrors.InvalidValue, "lat_long", "type"},
		{`{"lat_long":{"lat":1,"long":2}}`, apierrors.InvalidValue, "lat_long", "type"},
		{`{"lat_long":[]}`, apierrors.InvalidValue, "lat_long", "lat_long"},
		{`{"lat_long":[1]}`, apierrors.InvalidValue, "lat_long", "lat_long"},
		{`{"lat_long":[1,2,3]}`, apierrors.InvalidValue, "lat_long", "lat_long"},
		{`{"lat_long":[1,"2"]}`, apierrors.InvalidValue, "lat_long[1]", "type"},
		{`{"lat_long":[null,2]}`, apierrors.InvalidValue, "lat_long[0]", "type"},
		{`{"lat_long":[1e999,2]}`, apierrors.InvalidValue, "lat_long[0]", "range"},
		{`{"region_code":false}`, apierrors.InvalidValue, "region_code", "type"},
		{`{"remote_ip":"256.0.0.1"}`, apierrors.InvalidValue, "remote_ip", "ip"},
		{`{"remote_ip":"localhost"}`, apierrors.InvalidValue, "remote_ip", "ip"},
		{`{"remote_ip":"127.0.0.1/8"}`, apierrors.InvalidValue, "remote_ip", "ip"},
		{`{"remote_ip":2130706433}`, apierrors.InvalidValue, "remote_ip", "type"},
		{`{"timezone":0}`, apierrors.InvalidValue, "timezone", "type"},
		{`{"user_agent":[]}`, apierrors.InvalidValue, "user_agent", "type"},
		{`[]`, apierrors.InvalidValue, "", "type"},
		{`"details"`, apierrors.InvalidValue, "", "type"},
		{`{"asn":1,}`, apierrors.BadRequest, "", "syntax"},
		{`{"asn":1`, apierrors.BadRequest, "", "syntax"},
		{`{"asn":1} {}`, apierrors.BadRequest, "", "syntax"},
	}
	for _, tt := range tests {
		d := *examples.Details()
		err := d.UnmarshalJSON([]byte(tt.doc))
		if err == nil {
			t.Errorf("%s: decoded", tt.doc)
			continue
		}
		e := testutil.APIError(t, err)
		if e.Code != tt.code || len(e.Problems) != 1 || e.Problems[0].Path != tt.path || e.Problems[0].Rule != tt.rule {
			t.Errorf("%s: got %q %+v, want %q at %q rule %q", tt.doc, e.Code, e.Problems, tt.code, tt.path, tt.rule)
		}
		if diff := cmp.Diff(examples.Details(), &d, testutil.CmpOptions); diff != "" {
			t.Errorf("%s: a failed decode changed the value (-want +got):\n%s", tt.doc, diff)
		}
		// Through encoding/json the same error arrives, for valid JSON.
		if json.Valid([]byte(tt.doc)) {
			var viaStd interaction.Details
			if stdErr := json.Unmarshal([]byte(tt.doc), &viaStd); stdErr == nil || testutil.APIError(t, stdErr).Code != tt.code {
				t.Errorf("%s: json.Unmarshal gave %v", tt.doc, stdErr)
			}
		}
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*interaction.Details)
		code   apierrors.Code
		paths  map[string]string // path → rule
	}{
		{"asn 0", func(d *interaction.Details) { d.ASN = 0 }, apierrors.RequiredValue, map[string]string{"asn": "required"}},
		{"at zero", func(d *interaction.Details) { d.At = time.Time{} }, apierrors.RequiredValue, map[string]string{"at": "required"}},
		{"at epoch", func(d *interaction.Details) { d.At = time.Unix(0, 0) }, apierrors.RequiredValue, map[string]string{"at": "required"}},
		{"at too far", func(d *interaction.Details) { d.At = time.Unix(1e18, 0) }, apierrors.InvalidValue, map[string]string{"at": "timestamp"}},
		{"country_code empty", func(d *interaction.Details) { d.CountryCode = "" }, apierrors.RequiredValue, map[string]string{"country_code": "required"}},
		{"country_code lowercase", func(d *interaction.Details) { d.CountryCode = "au" }, apierrors.InvalidValue, map[string]string{"country_code": "country_code"}},
		{"country_code alpha-3", func(d *interaction.Details) { d.CountryCode = "AUS" }, apierrors.InvalidValue, map[string]string{"country_code": "country_code"}},
		{"ja4 empty", func(d *interaction.Details) { d.JA4Fingerprint = "" }, apierrors.RequiredValue, map[string]string{"ja4_fingerprint": "required"}},
		{"ja4 bad", func(d *interaction.Details) { d.JA4Fingerprint = "q13d0314h3_55b375c5d22e" }, apierrors.InvalidValue, map[string]string{"ja4_fingerprint": "ja4"}},
		{"latitude", func(d *interaction.Details) { d.LatLong.Lat = 90.0001 }, apierrors.InvalidValue, map[string]string{"lat_long[0]": "latitude"}},
		{"longitude", func(d *interaction.Details) { d.LatLong.Long = -180.5 }, apierrors.InvalidValue, map[string]string{"lat_long[1]": "longitude"}},
		{"NaN", func(d *interaction.Details) { d.LatLong = interaction.LatLong{Lat: math.NaN(), Long: math.Inf(1)} }, apierrors.InvalidValue,
			map[string]string{"lat_long[0]": "latitude", "lat_long[1]": "longitude"}},
		{"remote_ip unset", func(d *interaction.Details) { d.RemoteIP = netip.Addr{} }, apierrors.RequiredValue, map[string]string{"remote_ip": "required"}},
		{"remote_ip zoned", func(d *interaction.Details) { d.RemoteIP = netip.MustParseAddr("fe80::1%eth0") }, apierrors.InvalidValue, map[string]string{"remote_ip": "unzoned_ip"}},
		{"timezone empty", func(d *interaction.Details) { d.Timezone = "" }, apierrors.RequiredValue, map[string]string{"timezone": "required"}},
		{"timezone Local", func(d *interaction.Details) { d.Timezone = "Local" }, apierrors.InvalidValue, map[string]string{"timezone": "timezone"}},
		{"timezone unknown", func(d *interaction.Details) { d.Timezone = "Mars/Olympus_Mons" }, apierrors.InvalidValue, map[string]string{"timezone": "timezone"}},
		{"everything missing", func(d *interaction.Details) { *d = interaction.Details{} }, apierrors.RequiredValue, map[string]string{
			"asn": "required", "at": "required", "country_code": "required", "ja4_fingerprint": "required", "remote_ip": "required", "timezone": "required",
		}},
		{"missing and invalid", func(d *interaction.Details) { d.ASN = 0; d.CountryCode = "au" }, apierrors.InvalidValue, map[string]string{
			"asn": "required", "country_code": "country_code",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := examples.Details()
			tt.change(d)
			e := testutil.APIError(t, d.Validate())
			if e.Code != tt.code {
				t.Errorf("code %q, want %q (%v)", e.Code, tt.code, e)
			}
			got := map[string]string{}
			for _, p := range e.Problems {
				got[p.Path] = p.Rule
			}
			if diff := cmp.Diff(tt.paths, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
	// Free text may be empty.
	d := examples.Details()
	d.City, d.RegionCode, d.UserAgent, d.LatLong = "", "", "", interaction.LatLong{}
	if err := d.Validate(); err != nil {
		t.Errorf("empty free text and (0, 0): %v", err)
	}
}

func TestEncodeNaN(t *testing.T) {
	t.Parallel()
	d := examples.Details()
	d.LatLong.Long = math.NaN()
	b, err := d.AppendJSON([]byte("kept"))
	if err == nil || string(b) != "kept" {
		t.Errorf("AppendJSON with a NaN = %q, %v; want the buffer unchanged and an error", b, err)
	}
	if _, err := json.Marshal(d); err == nil {
		t.Error("json.Marshal with a NaN succeeded")
	}
}

func TestValidateAllocations(t *testing.T) {
	if race.Enabled {
		t.Skip("the race detector changes allocation counts")
	}
	d := examples.Details()
	if allocs := testing.AllocsPerRun(100, func() { _ = d.Validate() }); allocs != 0 {
		t.Errorf("Validate of a valid value allocates %v times, want 0", allocs)
	}
}
