package interaction_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/interaction"
	"github.com/authflow-dev/authflow-go/internal/testutil"
)

// FuzzUnmarshalDetails checks json.Unmarshal into Details: it never panics,
// refuses what encoding/json finds malformed, and what it accepts encodes,
// with json.Marshal, to bytes that decode to an equal value and encode to
// the same bytes. What decodes never breaks the timestamp rule: decoding
// and validation agree on the times JSON can carry. What validates
// re-decodes to a value that validates.
func FuzzUnmarshalDetails(f *testing.F) {
	seedJSON, err := json.Marshal(seed())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seedJSON)
	for _, s := range []string{
		`{}`, `null`, `[]`, `{"at":1.2345678905e9}`, `{"at":1234567890.123456789999}`, `{"at":-0.0000000005}`,
		`{"at":1e18}`, `{"at":"1234567890"}`, `{"at":-999999999999999999.5}`, `{"at":-62135596800}`, `{"at":-62135596800.5}`,
		`{"asn":4294967296}`, `{"asn":-1}`, `{"asn":1.0}`, `{"asn":1e3}`,
		`{"lat_long":[1]}`, `{"lat_long":[1,2,3]}`, `{"lat_long":[null,2]}`, `{"lat_long":[91,181]}`, `{"lat_long":{}}`,
		`{"lat_long":[-0,1e-7]}`, `{"lat_long":[1,2],"lat_long":null}`,
		`{"remote_ip":"fe80::1%eth0"}`, `{"remote_ip":"::ffff:127.0.0.1"}`, `{"remote_ip":"127.000.0.1"}`, `{"remote_ip":""}`,
		`{"timezone":"Local"}`, `{"timezone":"australia/melbourne"}`, `{"country_code":"au"}`,
		`{"ja4_fingerprint":"q13d0314h3_55b375c5d22e_61e396c58b1F"}`, `{"city":"\ud800","user_agent":"\u2028<>&"}`,
		"{\"city\":\"\xff\"}", `{"at":1,"at":2}`, `{"AT":1}`, `{"x":[[[[[[[[[[{}]]]]]]]]]]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var d interaction.Details
		err := json.Unmarshal(data, &d)
		if err != nil {
			return // encoding/json's errors, or a leaf's (see FuzzUnmarshalUnixTime and FuzzUnmarshalLatLong)
		}
		if !json.Valid(data) {
			t.Fatalf("decoded invalid JSON %q", data)
		}
		verr := d.Validate()
		if verr != nil {
			e := testutil.APIError(t, verr)
			if len(e.Problems()) == 0 || (e.Code() != apierrors.RequiredValue && e.Code() != apierrors.InvalidValue) {
				t.Fatalf("validation error %v with problems %+v", e, e.Problems())
			}
			for _, p := range e.Problems() {
				if p.Rule == apierrors.RuleTimestamp {
					t.Fatalf("%q decodes to at %v, which fails validation: %v", data, d.At, e)
				}
			}
		}
		enc1, err := json.Marshal(d)
		if err != nil {
			t.Fatalf("encoding what %q decodes to: %v", data, err)
		}
		var again interaction.Details
		if err := json.Unmarshal(enc1, &again); err != nil {
			t.Fatalf("decoding %s: %v", enc1, err)
		}
		if diff := cmp.Diff(d, again, testutil.CmpOptions); diff != "" {
			t.Fatalf("round trip through %s (-decoded +re-decoded):\n%s", enc1, diff)
		}
		if (verr == nil) != (again.Validate() == nil) {
			t.Fatalf("%q validates: %v; re-decoded from %s: %v", data, verr, enc1, again.Validate())
		}
		enc2, _ := json.Marshal(again)
		if !bytes.Equal(enc1, enc2) {
			t.Fatalf("encoding is not idempotent:\n%s\n%s", enc1, enc2)
		}
	})
}

// checkLeafError checks the error of a leaf's UnmarshalJSON: an
// *errors.Error made by Invalid, with one problem of one of rules.
func checkLeafError(t *testing.T, data []byte, err error, rules ...apierrors.Rule) {
	t.Helper()
	e := testutil.APIError(t, err)
	ps := e.Problems()
	if len(ps) != 1 || !e.IsReport() || e.Message() != ps[0].String() {
		t.Fatalf("UnmarshalJSON(%q): error %v with problems %+v", data, e, ps)
	}
	for _, r := range rules {
		if ps[0].Rule == r {
			return
		}
	}
	t.Fatalf("UnmarshalJSON(%q): rule %q, want one of %q", data, ps[0].Rule, rules)
}

// FuzzUnmarshalUnixTime checks UnixTime's JSON methods: UnmarshalJSON never
// panics, refuses malformed JSON, fails only with an *errors.Error and
// leaves the value unchanged when it does, agrees with json.Unmarshal, and
// what it accepts encodes to a number that decodes to the same time.
func FuzzUnmarshalUnixTime(f *testing.F) {
	for _, s := range []string{
		"1234567890", "1234567890.5", "1.2345678905e9", "-1.5", "0", "-0.0", "5e-10", "null", "1e18",
		"999999999999999999.999999999", "-999999999999999999.9999999995", "1e400", `"1"`, "[1]", "01", "1 2", "",
		"-62135596800", "1234567890.12345678950000000001",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		kept := unixTime(42, 42)
		u := kept
		err := u.UnmarshalJSON(data)

		if json.Valid(data) {
			viaJSON := kept
			jsonErr := json.Unmarshal(data, &viaJSON)
			if (err == nil) != (jsonErr == nil) || err != nil && err.Error() != jsonErr.Error() || viaJSON != u {
				t.Fatalf("%q: UnmarshalJSON %v, %v; json.Unmarshal %v, %v", data, u, err, viaJSON, jsonErr)
			}
		} else if err == nil {
			t.Fatalf("UnmarshalJSON accepts malformed JSON %q", data)
		}
		if err != nil {
			checkLeafError(t, data, err, apierrors.RuleSyntax, apierrors.RuleType, apierrors.RuleUnixTime)
			if u != kept {
				t.Fatalf("UnmarshalJSON(%q) failed and changed the value to %v", data, u)
			}
			return
		}
		if !u.IsZero() && u.Location() != time.UTC {
			t.Fatalf("UnmarshalJSON(%q) = %v, not in UTC", data, u)
		}
		enc, err := json.Marshal(u)
		if err != nil {
			t.Fatal(err)
		}
		var back interaction.UnixTime
		if err := json.Unmarshal(enc, &back); err != nil || !back.Equal(u.Time) || back.IsZero() != u.IsZero() {
			t.Fatalf("%q: %v encodes as %s, which decodes as %v, %v", data, u, enc, back, err)
		}
		if again, _ := json.Marshal(back); !bytes.Equal(again, enc) {
			t.Fatalf("%q: encoding is not idempotent: %s, then %s", data, enc, again)
		}
	})
}

// FuzzUnmarshalLatLong checks LatLong's JSON methods as
// FuzzUnmarshalUnixTime checks UnixTime's, and that what decodes equals what
// encoding/json reads into a [2]float64 from an array of exactly two
// numbers.
func FuzzUnmarshalLatLong(f *testing.F) {
	for _, s := range []string{
		"[-37.8159,144.9669]", "[0,0]", "[-0,-0]", "null", "[]", "[1]", "[1,2,3]", "[null,1]", `[1,"2"]`,
		"[1e999,0]", "[1,2,{\"a\":1,\"a\":2}]", "[1,2,\"\xff\"]", "{}", "[1,2] x", " [ 5e-324 , 1e308 ] ",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		kept := interaction.LatLong{4, 2}
		ll := kept
		err := ll.UnmarshalJSON(data)

		if json.Valid(data) {
			viaJSON := kept
			jsonErr := json.Unmarshal(data, &viaJSON)
			if (err == nil) != (jsonErr == nil) || err != nil && err.Error() != jsonErr.Error() || viaJSON != ll {
				t.Fatalf("%q: UnmarshalJSON %v, %v; json.Unmarshal %v, %v", data, ll, err, viaJSON, jsonErr)
			}
		} else if err == nil {
			t.Fatalf("UnmarshalJSON accepts malformed JSON %q", data)
		}
		if err != nil {
			checkLeafError(t, data, err, apierrors.RuleSyntax, apierrors.RuleType, apierrors.RuleLatLong,
				apierrors.RuleRange, apierrors.RuleUTF8, apierrors.RuleDuplicateKey)
			if ll != kept {
				t.Fatalf("UnmarshalJSON(%q) failed and changed the value to %v", data, ll)
			}
			return
		}
		if trimmed := bytes.TrimSpace(data); !bytes.Equal(trimmed, []byte("null")) {
			var arr []float64
			if err := json.Unmarshal(data, &arr); err != nil || len(arr) != 2 || arr[0] != ll[0] || arr[1] != ll[1] {
				t.Fatalf("%q decodes as %v; encoding/json reads %v, %v", data, ll, arr, err)
			}
		}
		enc, err := json.Marshal(ll)
		if err != nil {
			t.Fatalf("encoding %v: %v", ll, err)
		}
		var back interaction.LatLong
		if err := json.Unmarshal(enc, &back); err != nil || back != ll {
			t.Fatalf("%q: %v encodes as %s, which decodes as %v, %v", data, ll, enc, back, err)
		}
		if again, _ := json.Marshal(back); !bytes.Equal(again, enc) {
			t.Fatalf("%q: encoding is not idempotent: %s, then %s", data, enc, again)
		}
	})
}

// FuzzDecodeDetails checks the strict decoder: it never panics, fails only
// with an *errors.Error of one problem, accepts only what json.Unmarshal
// into Details accepts, to an equal value, and what it accepts AppendJSON
// writes as json.Marshal does, and decodes again to an equal value.
func FuzzDecodeDetails(f *testing.F) {
	seedJSON, err := json.Marshal(seed())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seedJSON)
	for _, s := range []string{
		`{}`, `null`, `[]`, `{"at":1,"at":2}`, `{"AT":1}`, `{"Asn":1}`, `{"x":{"k":1,"k":2}}`,
		`{"city":"\ud800"}`, "{\"city\":\"\xff\"}", `{"lat_long":[1]}`, `{"asn":4294967296}`,
		`{"remote_ip":"x"}`, `{"at":1e18}`, `{"x":` + strings.Repeat("[", 5000) + `}`, `{"a":1} x`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := interaction.DecodeDetails(data)
		var std *interaction.Details
		stdErr := json.Unmarshal(data, &std)
		if err != nil {
			e := testutil.APIError(t, err)
			if len(e.Problems()) != 1 || len(e.Message()) > 4096 {
				t.Fatalf("DecodeDetails(%q): %v", data, err)
			}
			return
		}
		if stdErr != nil {
			t.Fatalf("DecodeDetails(%q) accepts what json.Unmarshal refuses: %v", data, stdErr)
		}
		if !sameDetails(d, std) {
			t.Fatalf("DecodeDetails(%q) = %+v, json.Unmarshal %+v", data, d, std)
		}
		if d == nil {
			return
		}
		out, err := d.AppendJSON([]byte("x"))
		want, mErr := json.Marshal(d)
		if (err == nil) != (mErr == nil) || err == nil && !bytes.Equal(out[1:], want) {
			t.Fatalf("AppendJSON = %s, %v; json.Marshal %s, %v", out, err, want, mErr)
		}
		if err != nil {
			return
		}
		again, err := interaction.DecodeDetails(out[1:])
		if err != nil || !sameDetails(again, d) {
			t.Fatalf("round trip of %s: %+v, %v", out[1:], again, err)
		}
	})
}

// sameDetails reports whether a and b are both nil or hold equal values.
func sameDetails(a, b *interaction.Details) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
