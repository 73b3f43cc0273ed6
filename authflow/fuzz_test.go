package authflow_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authflow-dev/authflow-go/internal/testutil"

	"github.com/google/go-cmp/cmp"

	"github.com/authflow-dev/authflow-go/authflow"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/examples"
)

// nastySeeds are hand-picked corners for the fuzzer to start from.
var nastySeeds = []string{
	`null`, `{}`, `[]`, `{"status":"success","summary":null}`,
	`{"status":"success","summary":{"type":"authflow"}}`,
	`{"status":"success","summary":{"type":"authflow","type":"account"}}`,
	`{"status":"success","summary":{"type":"authflow","factor_names":["a","a",""],"first_seen":{"at":-0.5e-9,"asn":-0,"lat_long":[-0,5e-324]}}}`,
	`{"status":"success","summary":{"type":"authflow","first_seen":{"at":1.2345678905e9,"remote_ip":"fe80::1%en0","timezone":"Local"}}}`,
	`{"status":"success","summary":{"type":"authflow","title":"\ud800\udc00\ud800 \u2028<>&\u0000","plan_name":"\/\b\f"}}`,
	"{\"status\":\"success\",\"summary\":{\"type\":\"authflow\",\"title\":\"\xff\xfe\xc3\"}}",
	`{"status":"success","x":[[[[[[[[[[[[[[[[[[[[{"y":[]}]]]]]]]]]]]]]]]]]]]],"summary":{"type":"authflow"}}`,
	`{"status":"success","summary":{"type":"authflow","last_seen":{"at":99999999999999999999999},"first_seen":{"asn":4294967296}}}`,
	"\ufeff{\"status\":\"success\"}",
	`{"status":"success","summary":{"type":"authflow","id":"013XRZP12G3NQK8NQPRV12GZ6V99A2V4"}}`,
}

// FuzzDecodeAuthflow checks that decoding never panics, agrees with
// encoding/json on what is JSON, and that whatever decodes and validates
// re-encodes to bytes that decode and validate to an equal value, with
// encoding idempotent.
func FuzzDecodeAuthflow(f *testing.F) {
	f.Add(examples.FetchResponseJSON())
	for _, v := range examples.Variants() {
		f.Add(v.JSON)
	}
	inputs, _ := filepath.Glob(filepath.Join("testdata", "roundtrip", "*.in.json"))
	for _, path := range inputs {
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range nastySeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var resp authflow.FetchResponse
		err := resp.UnmarshalJSON(data)

		// encoding/json hands the same bytes to UnmarshalJSON once it has
		// checked them, so the outcome must be the same; the Reader must
		// refuse whatever encoding/json finds malformed.
		var viaStd authflow.FetchResponse
		stdErr := json.Unmarshal(data, &viaStd)
		switch {
		case !json.Valid(data):
			if err == nil {
				t.Fatalf("decoded invalid JSON %q", data)
			}
		case (err == nil) != (stdErr == nil):
			t.Fatalf("direct: %v; through encoding/json: %v", err, stdErr)
		case err != nil && testutil.APIError(t, stdErr).Error() != testutil.APIError(t, err).Error():
			t.Fatalf("direct: %v; through encoding/json: %v", err, stdErr)
		}
		if err != nil {
			e := testutil.APIError(t, err)
			switch e.Code {
			case apierrors.BadRequest, apierrors.InvalidValue, apierrors.RequiredValue, apierrors.UnexpectedRefType:
			default:
				t.Fatalf("decoding failed with code %q: %v", e.Code, e)
			}
			if len(e.Problems) != 1 || e.Message != e.Problems[0].String() {
				t.Fatalf("decoding error %v has problems %+v", e, e.Problems)
			}
			return
		}
		if string(bytes.TrimSpace(data)) == "null" {
			return // leaves the response as it was
		}
		if resp.Summary == nil {
			t.Fatalf("decoded %q without a summary", data)
		}
		if diff := cmp.Diff(resp.Summary, viaStd.Summary, testutil.CmpOptions); diff != "" {
			t.Fatalf("direct and encoding/json decodings differ:\n%s", diff)
		}

		if verr := resp.Summary.Validate(); verr != nil {
			e := testutil.APIError(t, verr)
			missingOnly := true
			for _, p := range e.Problems {
				missingOnly = missingOnly && p.Missing()
				if p.Path == "" || p.Rule == "" || p.Message == "" || !strings.Contains(e.Message, p.String()) {
					t.Fatalf("problem %+v of %v", p, e)
				}
			}
			if len(e.Problems) == 0 || (e.Code == apierrors.RequiredValue) != missingOnly ||
				(e.Code != apierrors.RequiredValue && e.Code != apierrors.InvalidValue) {
				t.Fatalf("validation error %v with problems %+v", e, e.Problems)
			}
			return
		}

		// A valid authflow always encodes, to JSON that reads back the same.
		enc1, err := json.Marshal(resp)
		if err != nil {
			t.Fatalf("encoding a valid authflow: %v", err)
		}
		if appended, _ := resp.AppendJSON(nil); !bytes.Equal(appended, enc1) {
			t.Fatalf("AppendJSON and MarshalJSON differ:\n%s\n%s", appended, enc1)
		}
		var again authflow.FetchResponse
		if err := json.Unmarshal(enc1, &again); err != nil {
			t.Fatalf("decoding %s: %v", enc1, err)
		}
		if err := again.Summary.Validate(); err != nil {
			t.Fatalf("re-decoded %s does not validate: %v", enc1, err)
		}
		if diff := cmp.Diff(resp.Summary, again.Summary, testutil.CmpOptions); diff != "" {
			t.Fatalf("round trip through %s (-decoded +re-decoded):\n%s", enc1, diff)
		}
		enc2, err := json.Marshal(again)
		if err != nil || !bytes.Equal(enc1, enc2) {
			t.Fatalf("encoding is not idempotent:\n%s\n%s (%v)", enc1, enc2, err)
		}
	})
}
