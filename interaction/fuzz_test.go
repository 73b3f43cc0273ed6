package interaction_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/interaction"
	"github.com/authflow-dev/authflow-go/internal/testutil"
)

// FuzzDecodeDetails checks the InteractionDetails decoder on its own: it
// never panics, refuses what encoding/json finds malformed, fails only with
// an *errors.Error naming one problem, and whatever decodes and validates
// re-encodes to bytes that decode and validate to an equal value, with
// encoding idempotent.
func FuzzDecodeDetails(f *testing.F) {
	seed, err := json.Marshal(examples.Details())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	for _, s := range []string{
		`{}`, `null`, `[]`, `{"at":1.2345678905e9}`, `{"at":1234567890.123456789999}`, `{"at":-0.0000000005}`,
		`{"at":1e18}`, `{"at":"1234567890"}`, `{"asn":4294967296}`, `{"asn":-1}`, `{"asn":1.0}`, `{"asn":1e3}`,
		`{"lat_long":[1]}`, `{"lat_long":[1,2,3]}`, `{"lat_long":[null,2]}`, `{"lat_long":[91,181]}`, `{"lat_long":{}}`,
		`{"remote_ip":"fe80::1%eth0"}`, `{"remote_ip":"::ffff:127.0.0.1"}`, `{"remote_ip":"127.000.0.1"}`, `{"remote_ip":""}`,
		`{"timezone":"Local"}`, `{"timezone":"australia/melbourne"}`, `{"country_code":"au"}`,
		`{"ja4_fingerprint":"q13d0314h3_55b375c5d22e_61e396c58b1F"}`, `{"city":"\ud800","user_agent":"\u2028<>&"}`,
		"{\"city\":\"\xff\"}", `{"at":1,"at":2}`, `{"x":[[[[[[[[[[{}]]]]]]]]]]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var d interaction.Details
		err := d.UnmarshalJSON(data)
		if !json.Valid(data) && err == nil {
			t.Fatalf("decoded invalid JSON %q", data)
		}
		if err != nil {
			e := testutil.APIError(t, err)
			switch e.Code {
			case apierrors.BadRequest, apierrors.InvalidValue, apierrors.RequiredValue:
			default:
				t.Fatalf("decoding failed with code %q: %v", e.Code, e)
			}
			if len(e.Problems) != 1 || e.Message != e.Problems[0].String() {
				t.Fatalf("decoding error %v has problems %+v", e, e.Problems)
			}
			return
		}
		if verr := d.Validate(); verr != nil {
			e := testutil.APIError(t, verr)
			if len(e.Problems) == 0 || (e.Code != apierrors.RequiredValue && e.Code != apierrors.InvalidValue) {
				t.Fatalf("validation error %v with problems %+v", e, e.Problems)
			}
			return
		}
		enc1, err := d.MarshalJSON()
		if err != nil {
			t.Fatalf("encoding valid details: %v", err)
		}
		var again interaction.Details
		if err := again.UnmarshalJSON(enc1); err != nil {
			t.Fatalf("decoding %s: %v", enc1, err)
		}
		if err := again.Validate(); err != nil {
			t.Fatalf("re-decoded %s does not validate: %v", enc1, err)
		}
		if diff := cmp.Diff(d, again, testutil.CmpOptions); diff != "" {
			t.Fatalf("round trip through %s (-decoded +re-decoded):\n%s", enc1, diff)
		}
		enc2, _ := again.MarshalJSON()
		if !bytes.Equal(enc1, enc2) {
			t.Fatalf("encoding is not idempotent:\n%s\n%s", enc1, enc2)
		}
	})
}
