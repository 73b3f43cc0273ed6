package interaction_test

import (
	"encoding"
	"encoding/json"
	stderrors "errors"
	"flag"
	"math"
	"net/netip"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/interaction"
	"github.com/authflow-dev/authflow-go/internal/race"
	"github.com/authflow-dev/authflow-go/internal/testutil"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// seed returns the API reference's example InteractionDetails, the value
// testdata/seed.json holds. (It is examples.Details; the tests of this
// package keep their own copy so as not to depend on package authflow.)
func seed() *interaction.Details {
	return &interaction.Details{
		ASN:            4764,
		At:             unixTime(1234567890, 0),
		City:           "Melbourne",
		CountryCode:    "AU",
		JA4Fingerprint: "q13d0314h3_55b375c5d22e_61e396c58b1f",
		LatLong:        interaction.LatLong{-37.8159, 144.9669},
		RegionCode:     "VIC",
		RemoteIP:       netip.MustParseAddr("127.0.0.1"),
		Timezone:       "Australia/Melbourne",
		UserAgent:      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/91.0.4472.114 Safari/537.36",
	}
}

// unixTime returns the UnixTime sec seconds and nsec nanoseconds from 1970,
// in UTC.
func unixTime(sec, nsec int64) interaction.UnixTime {
	return interaction.UnixTime{Time: time.Unix(sec, nsec).UTC()}
}

func TestSeedGoldenRoundTrip(t *testing.T) {
	t.Parallel()
	d := seed()
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
	if back.At.Location() != time.UTC {
		t.Errorf("decoded time in %v, want UTC", back.At.Location())
	}
	// Value and pointer write the same.
	if byValue, _ := json.Marshal(*d); string(byValue) != string(b) {
		t.Errorf("encodings differ:\n%s\n%s", b, byValue)
	}
}

// TestDetailsIsPlain checks the point of the design: Details has no JSON
// methods of its own, so a struct that embeds it keeps its own fields, in
// both directions.
func TestDetailsIsPlain(t *testing.T) {
	t.Parallel()
	for _, v := range []any{interaction.Details{}, &interaction.Details{}} {
		switch v.(type) {
		case json.Marshaler, json.Unmarshaler, encoding.TextMarshaler, encoding.TextUnmarshaler:
			t.Errorf("%T has a JSON or text method: embedding it would hide the embedder's fields", v)
		}
	}
	type withExtra struct {
		interaction.Details
		Extra string `json:"extra"`
	}
	w := withExtra{Details: *seed(), Extra: "mine"}
	b, err := json.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	golden, _ := json.Marshal(seed())
	if want := string(golden[:len(golden)-1]) + `,"extra":"mine"}`; string(b) != want {
		t.Errorf("embedded:\n got %s\nwant %s", b, want)
	}
	var back withExtra
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(w, back, testutil.CmpOptions); diff != "" {
		t.Errorf("round trip of the embedding struct (-want +got):\n%s", diff)
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

// TestEncodingMatchesPlainStruct checks Details' JSON form against the
// plain struct holding the same values, strings that need escaping
// included: the leaf types write what a float64, a [2]float64 and a string
// would.
func TestEncodingMatchesPlainStruct(t *testing.T) {
	t.Parallel()
	d := seed()
	d.City = "Mél<bourne> & \"co\"\n\u2028\xff"
	d.UserAgent = ""
	d.LatLong = interaction.LatLong{1e-7, math.Copysign(0, -1)}
	d.RemoteIP = netip.MustParseAddr("2001:db8::1")
	d.At = unixTime(1234567890, 500_000_000)
	p := plainDetails{
		ASN: d.ASN, At: 1234567890.5, City: d.City, CountryCode: d.CountryCode,
		JA4Fingerprint: d.JA4Fingerprint, LatLong: d.LatLong,
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

// TestDecodeVariants decodes with json.Unmarshal: encoding/json's rules for
// the struct, the leaf types' for their values.
func TestDecodeVariants(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		doc  string
		want func(*interaction.Details)
	}{
		{"unknown keys and whitespace", `{ "asn" : 4764, "extra": {"nested": [1, {"x": null}]}, "at": 1234567890,
			"city":"Melbourne","country_code":"AU","ja4_fingerprint":"q13d0314h3_55b375c5d22e_61e396c58b1f",
			"lat_long":[ -37.8159 , 144.9669 ],"region_code":"VIC","remote_ip":"127.0.0.1","timezone":"Australia/Melbourne",
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
		{"asn bounds", `{"asn":4294967295}`, func(d *interaction.Details) { *d = interaction.Details{ASN: math.MaxUint32} }},
		{"fractional at", `{"at":1234567890.5}`, func(d *interaction.Details) {
			*d = interaction.Details{At: unixTime(1234567890, 5e8)}
		}},
		{"exponent at", `{"at":1.2345678905E9}`, func(d *interaction.Details) {
			*d = interaction.Details{At: unixTime(1234567890, 5e8)}
		}},
		{"at 0 is unset", `{"at":0.0e0}`, func(d *interaction.Details) { *d = interaction.Details{} }},
		{"lat_long extremes", `{"lat_long":[-90,180]}`, func(d *interaction.Details) {
			*d = interaction.Details{LatLong: interaction.LatLong{-90, 180}}
		}},
		// Details is a plain struct: encoding/json's rules apply to its
		// keys (the strict codec of the API's documents, which refuses
		// these, is package authflow's).
		{"encoding/json: a repeated key, the last wins", `{"asn":1,"asn":2,"lat_long":[1,2],"lat_long":[3,4]}`, func(d *interaction.Details) {
			*d = interaction.Details{ASN: 2, LatLong: interaction.LatLong{3, 4}}
		}},
		{"encoding/json: keys in any case", `{"ASN":7,"Lat_Long":[1,2]}`, func(d *interaction.Details) {
			*d = interaction.Details{ASN: 7, LatLong: interaction.LatLong{1, 2}}
		}},
		{"encoding/json: invalid UTF-8 replaced", "{\"city\":\"a\xffb\",\"region_code\":\"\\ud800\"}", func(d *interaction.Details) {
			*d = interaction.Details{City: "a\ufffdb", RegionCode: "\ufffd"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want := seed()
			tt.want(want)
			var got interaction.Details
			if err := json.Unmarshal([]byte(tt.doc), &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, &got, testutil.CmpOptions); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestDecodeMerges pins encoding/json's convention, which Details follows:
// members absent or null leave the fields as they were.
func TestDecodeMerges(t *testing.T) {
	t.Parallel()
	d := seed()
	if err := json.Unmarshal([]byte(`{"city":"Sydney","at":null,"lat_long":null,"remote_ip":null}`), d); err != nil {
		t.Fatal(err)
	}
	want := seed()
	want.City = "Sydney"
	if diff := cmp.Diff(want, d, testutil.CmpOptions); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if err := json.Unmarshal([]byte(" null "), d); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, d, testutil.CmpOptions); diff != "" {
		t.Errorf("null changed the value (-want +got):\n%s", diff)
	}
}

// TestDecodeErrors covers what json.Unmarshal refuses. The leaf types fail
// with an *errors.Error whose path is relative to the leaf's own value
// (encoding/json does not say where the value was); the other fields fail
// as encoding/json fails.
func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	apiTests := []struct {
		doc  string
		path string
		rule apierrors.Rule
	}{
		{`{"at":"1234567890"}`, "", apierrors.RuleType},
		{`{"at":true}`, "", apierrors.RuleType},
		{`{"at":{}}`, "", apierrors.RuleType},
		{`{"at":1e18}`, "", apierrors.RuleUnixTime},
		{`{"at":-1e400}`, "", apierrors.RuleUnixTime},
		{`{"lat_long":"-37.8,144.9"}`, "", apierrors.RuleType},
		{`{"lat_long":{"lat":1,"long":2}}`, "", apierrors.RuleType},
		{`{"lat_long":[]}`, "", apierrors.RuleLatLong},
		{`{"lat_long":[1]}`, "", apierrors.RuleLatLong},
		{`{"lat_long":[1,2,3]}`, "", apierrors.RuleLatLong},
		{`{"lat_long":[1,"2"]}`, "[1]", apierrors.RuleType},
		{`{"lat_long":[null,2]}`, "[0]", apierrors.RuleType},
		{`{"lat_long":[1e999,2]}`, "[0]", apierrors.RuleRange},
		{`{"lat_long":[1,2,{"a":1,"a":2}]}`, "[2].a", apierrors.RuleDuplicateKey},
		{"{\"lat_long\":[1,2,\"\xff\"]}", "[2]", apierrors.RuleUTF8},
	}
	for _, tt := range apiTests {
		var d interaction.Details
		err := json.Unmarshal([]byte(tt.doc), &d)
		var e *apierrors.Error
		if !stderrors.As(err, &e) {
			t.Errorf("%s: error %v (%T), want an *errors.Error", tt.doc, err, err)
			continue
		}
		if ps := e.Problems(); len(ps) != 1 || ps[0].Path != tt.path || ps[0].Rule != tt.rule || e.Code() != apierrors.InvalidValue {
			t.Errorf("%s: got %q %+v, want invalid_value at %q rule %q", tt.doc, e.Code(), ps, tt.path, tt.rule)
		}
	}
	stdTests := []struct {
		doc, field string
	}{
		{`{"asn":"4764"}`, "asn"},
		{`{"asn":-1}`, "asn"},
		{`{"asn":-0}`, "asn"},
		{`{"asn":4294967296}`, "asn"},
		{`{"asn":4764.0}`, "asn"},
		{`{"asn":1e3}`, "asn"},
		{`{"city":7}`, "city"},
		{`{"country_code":["AU"]}`, "country_code"},
		{`{"remote_ip":2130706433}`, "remote_ip"},
		{`[]`, ""},
	}
	for _, tt := range stdTests {
		var d interaction.Details
		err := json.Unmarshal([]byte(tt.doc), &d)
		var typeErr *json.UnmarshalTypeError
		if !stderrors.As(err, &typeErr) || typeErr.Field != tt.field {
			t.Errorf("%s: error %v (%T), want an encoding/json type error at %q", tt.doc, err, err, tt.field)
		}
	}
	for _, doc := range []string{`{"remote_ip":"256.0.0.1"}`, `{"remote_ip":"localhost"}`, `{"remote_ip":"127.0.0.1/8"}`} {
		var d interaction.Details
		if err := json.Unmarshal([]byte(doc), &d); err == nil {
			t.Errorf("%s: decoded", doc)
		}
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	const (
		required  = apierrors.RuleRequired
		timestamp = apierrors.RuleTimestamp
	)
	tests := []struct {
		name   string
		change func(*interaction.Details)
		code   apierrors.Code
		paths  map[string]apierrors.Rule
	}{
		{"asn 0", func(d *interaction.Details) { d.ASN = 0 }, apierrors.RequiredValue, map[string]apierrors.Rule{"asn": required}},
		{"at zero", func(d *interaction.Details) { d.At = interaction.UnixTime{} }, apierrors.RequiredValue, map[string]apierrors.Rule{"at": required}},
		// The epoch is JSON's 0, which decodes as the zero time: a time
		// that cannot be sent.
		{"at epoch", func(d *interaction.Details) { d.At = unixTime(0, 0) }, apierrors.InvalidValue, map[string]apierrors.Rule{"at": timestamp}},
		{"at epoch, local", func(d *interaction.Details) { d.At = interaction.UnixTime{Time: time.Unix(0, 0)} }, apierrors.InvalidValue,
			map[string]apierrors.Rule{"at": timestamp}},
		{"at 10^18", func(d *interaction.Details) { d.At = unixTime(1e18, 0) }, apierrors.InvalidValue, map[string]apierrors.Rule{"at": timestamp}},
		{"at -10^18", func(d *interaction.Details) { d.At = unixTime(-1e18, 0) }, apierrors.InvalidValue, map[string]apierrors.Rule{"at": timestamp}},
		{"at far", func(d *interaction.Details) { d.At = unixTime(math.MaxInt64/2, 0) }, apierrors.InvalidValue, map[string]apierrors.Rule{"at": timestamp}},
		{"country_code empty", func(d *interaction.Details) { d.CountryCode = "" }, apierrors.RequiredValue, map[string]apierrors.Rule{"country_code": required}},
		{"country_code lowercase", func(d *interaction.Details) { d.CountryCode = "au" }, apierrors.InvalidValue, map[string]apierrors.Rule{"country_code": apierrors.RuleCountryCode}},
		{"country_code alpha-3", func(d *interaction.Details) { d.CountryCode = "AUS" }, apierrors.InvalidValue, map[string]apierrors.Rule{"country_code": apierrors.RuleCountryCode}},
		{"ja4 empty", func(d *interaction.Details) { d.JA4Fingerprint = "" }, apierrors.RequiredValue, map[string]apierrors.Rule{"ja4_fingerprint": required}},
		{"ja4 bad", func(d *interaction.Details) { d.JA4Fingerprint = "q13d0314h3_55b375c5d22e" }, apierrors.InvalidValue, map[string]apierrors.Rule{"ja4_fingerprint": apierrors.RuleJA4}},
		{"latitude", func(d *interaction.Details) { d.LatLong[0] = 90.0001 }, apierrors.InvalidValue, map[string]apierrors.Rule{"lat_long[0]": apierrors.RuleLatitude}},
		{"longitude", func(d *interaction.Details) { d.LatLong[1] = -180.5 }, apierrors.InvalidValue, map[string]apierrors.Rule{"lat_long[1]": apierrors.RuleLongitude}},
		{"NaN", func(d *interaction.Details) { d.LatLong = interaction.LatLong{math.NaN(), math.Inf(1)} }, apierrors.InvalidValue,
			map[string]apierrors.Rule{"lat_long[0]": apierrors.RuleLatitude, "lat_long[1]": apierrors.RuleLongitude}},
		{"remote_ip unset", func(d *interaction.Details) { d.RemoteIP = netip.Addr{} }, apierrors.RequiredValue, map[string]apierrors.Rule{"remote_ip": required}},
		{"remote_ip zoned", func(d *interaction.Details) { d.RemoteIP = netip.MustParseAddr("fe80::1%eth0") }, apierrors.InvalidValue, map[string]apierrors.Rule{"remote_ip": apierrors.RuleUnzonedIP}},
		{"timezone empty", func(d *interaction.Details) { d.Timezone = "" }, apierrors.RequiredValue, map[string]apierrors.Rule{"timezone": required}},
		{"timezone Local", func(d *interaction.Details) { d.Timezone = "Local" }, apierrors.InvalidValue, map[string]apierrors.Rule{"timezone": apierrors.RuleTimezone}},
		{"timezone ../x", func(d *interaction.Details) { d.Timezone = "../x" }, apierrors.InvalidValue, map[string]apierrors.Rule{"timezone": apierrors.RuleTimezone}},
		{"everything missing", func(d *interaction.Details) { *d = interaction.Details{} }, apierrors.RequiredValue, map[string]apierrors.Rule{
			"asn": required, "at": required, "country_code": required, "ja4_fingerprint": required, "remote_ip": required, "timezone": required,
		}},
		{"missing and invalid", func(d *interaction.Details) { d.ASN = 0; d.CountryCode = "au" }, apierrors.InvalidValue, map[string]apierrors.Rule{
			"asn": required, "country_code": apierrors.RuleCountryCode,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := seed()
			tt.change(d)
			e := testutil.APIError(t, d.Validate())
			if e.Code() != tt.code || !e.IsReport() {
				t.Errorf("code %q, want %q (%v)", e.Code(), tt.code, e)
			}
			got := map[string]apierrors.Rule{}
			for _, p := range e.Problems() {
				got[p.Path] = p.Rule
			}
			if diff := cmp.Diff(tt.paths, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
	// Free text may be empty, and (0, 0) is a place.
	d := seed()
	d.City, d.RegionCode, d.UserAgent, d.LatLong = "", "", "", interaction.LatLong{}
	if err := d.Validate(); err != nil {
		t.Errorf("empty free text and (0, 0): %v", err)
	}
}

// TestValidateTimestampBounds checks that validation takes exactly the times
// that JSON can carry: less than 10^18 seconds either side of 1970, but for
// the epoch itself. Every time that decodes, but the zero time, validates.
func TestValidateTimestampBounds(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		sec, nsec int64
		ok        bool
	}{
		{1e18 - 1, 999_999_999, true},
		{1e18, 0, false},
		{-1e18, 1, true}, // -999999999999999999.999999999
		{-1e18, 0, false},
		{-1e18 - 1, 999_999_999, false},
		{0, 1, true},
		{-1, 999_999_999, true}, // -1 ns
		{0, 0, false},
		{-62135596801, 0, true}, // before the zero time
	} {
		d := seed()
		d.At = unixTime(tt.sec, tt.nsec)
		if err := d.Validate(); (err == nil) != tt.ok {
			t.Errorf("at %d s %d ns: Validate() = %v, want ok %v", tt.sec, tt.nsec, err, tt.ok)
		}
		// What validates encodes to a number that decodes to the same time.
		if !tt.ok {
			continue
		}
		b, err := json.Marshal(d.At)
		if err != nil {
			t.Fatal(err)
		}
		var back interaction.UnixTime
		if err := json.Unmarshal(b, &back); err != nil || !back.Equal(d.At.Time) {
			t.Errorf("at %d s %d ns: %s decodes as %v, %v", tt.sec, tt.nsec, b, back, err)
		}
	}
	for _, text := range []string{"-999999999999999999.999999999", "999999999999999999.999999999", "-999999999999999999.5", "1e-9", "-1e-9"} {
		d := seed()
		if err := json.Unmarshal([]byte(`{"at":`+text+`}`), d); err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		if err := d.Validate(); err != nil {
			t.Errorf("at %s decodes but does not validate: %v", text, err)
		}
	}
}

// TestEncodeNaN checks that a position JSON cannot represent does not
// encode: LatLong is a [2]float64, which encoding/json refuses to write
// with NaN or an infinity in it.
func TestEncodeNaN(t *testing.T) {
	t.Parallel()
	for _, ll := range []interaction.LatLong{{0, math.NaN()}, {math.Inf(-1), 0}} {
		d := seed()
		d.LatLong = ll
		b, err := json.Marshal(d)
		var unsupported *json.UnsupportedValueError
		if !stderrors.As(err, &unsupported) {
			t.Errorf("json.Marshal with %v = %s, %v; want an UnsupportedValueError", ll, b, err)
		}
	}
}

func TestValidateAllocations(t *testing.T) {
	if race.Enabled {
		t.Skip("the race detector changes allocation counts")
	}
	d := seed()
	if allocs := testing.AllocsPerRun(100, func() { _ = d.Validate() }); allocs != 0 {
		t.Errorf("Validate of a valid value allocates %v times, want 0", allocs)
	}
}

// TestValidateTags checks that the validate tags name only rules
// Details.Validate documents, by their errors.Rule names.
func TestValidateTags(t *testing.T) {
	t.Parallel()
	known := map[string]bool{
		string(apierrors.RuleRequired): true, string(apierrors.RuleTimestamp): true, string(apierrors.RuleCountryCode): true,
		string(apierrors.RuleJA4): true, string(apierrors.RuleUnzonedIP): true, string(apierrors.RuleTimezone): true,
	}
	typ := reflect.TypeFor[interaction.Details]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		tag, ok := f.Tag.Lookup("validate")
		if !ok {
			continue
		}
		for _, rule := range strings.Split(tag, ",") {
			if !known[rule] {
				t.Errorf("field %s: tag rule %q is not an errors.Rule that Validate documents", f.Name, rule)
			}
		}
	}
}

// TestLatLongJSON tests LatLong's UnmarshalJSON, and its encoding, which is
// encoding/json's for a [2]float64.
func TestLatLongJSON(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		ll   interaction.LatLong
		want string
	}{
		{interaction.LatLong{-37.8159, 144.9669}, "[-37.8159,144.9669]"},
		{interaction.LatLong{}, "[0,0]"},
		{interaction.LatLong{-90, 180}, "[-90,180]"},
		{interaction.LatLong{1e-7, math.Copysign(0, -1)}, "[1e-7,-0]"},
		{interaction.LatLong{1e21, 5e-324}, "[1e+21,5e-324]"},
	} {
		got, err := json.Marshal(tt.ll)
		if err != nil || string(got) != tt.want {
			t.Errorf("json.Marshal(%v) = %s, %v; want %s", tt.ll, got, err, tt.want)
		}
		back := interaction.LatLong{1, 1}
		if err := json.Unmarshal(got, &back); err != nil || back != tt.ll || math.Signbit(back[1]) != math.Signbit(tt.ll[1]) {
			t.Errorf("%s decodes as %v, %v", got, back, err)
		}
		if back.Lat() != tt.ll[0] || back.Long() != tt.ll[1] {
			t.Errorf("%v: Lat() %v, Long() %v", back, back.Lat(), back.Long())
		}
	}
	kept := interaction.LatLong{1, 2}
	ll := kept
	if err := ll.UnmarshalJSON([]byte("null")); err != nil || ll != kept {
		t.Errorf("UnmarshalJSON(null) = %v, %v; want %v unchanged", ll, err, kept)
	}
	for _, tt := range []struct {
		text, path string
		rule       apierrors.Rule
	}{
		{"[1]", "", apierrors.RuleLatLong},
		{"[1,2,3]", "", apierrors.RuleLatLong},
		{`{"lat":1,"long":2}`, "", apierrors.RuleType},
		{"[null,2]", "[0]", apierrors.RuleType},
		{`[1,"2"]`, "[1]", apierrors.RuleType},
		{"[1,1e999]", "[1]", apierrors.RuleRange},
		{"[1,2] x", "", apierrors.RuleSyntax},
	} {
		ll := kept
		err := ll.UnmarshalJSON([]byte(tt.text))
		if err == nil {
			t.Errorf("UnmarshalJSON(%s) = %v, want an error", tt.text, ll)
			continue
		}
		e := testutil.APIError(t, err)
		if ps := e.Problems(); len(ps) != 1 || ps[0].Rule != tt.rule || ps[0].Path != tt.path {
			t.Errorf("UnmarshalJSON(%s): problems %+v, want rule %q at %q", tt.text, ps, tt.rule, tt.path)
		}
		if ll != kept {
			t.Errorf("UnmarshalJSON(%s) failed and changed the value to %v", tt.text, ll)
		}
	}
	for _, ll := range []interaction.LatLong{{math.NaN(), 0}, {0, math.Inf(1)}} {
		if b, err := json.Marshal(ll); err == nil {
			t.Errorf("json.Marshal(%v) = %s, want an error", ll, b)
		}
	}
}
