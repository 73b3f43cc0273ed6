package authflow_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/authflow-dev/authflow-go/authflow"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/internal/testutil"
)

// nastySeeds are hand-picked corners for the fuzzer to start from: nulls,
// repeated and case-folded keys, surrogates, invalid UTF-8, deep nesting,
// numbers at their limits, a BOM, non-canonical IDs.
var nastySeeds = []string{
	`null`, `{}`, `[]`, `{"status":"success","summary":null}`,
	`{"status":"success","summary":{"type":"authflow"}}`,
	`{"status":"success","summary":{"type":"authflow","type":"account"}}`,
	`{"status":"success","summary":{"type":"authflow","TYPE":"account"}}`,
	`{"status":"success","Status":"error","summary":{"type":"authflow"}}`,
	`{"status":"success","summary":{"type":"authflow","ti\u017fle":"x","title":"y"}}`,
	`{"status":"success","summary":{"type":"authflow","factor_names":["a","a",""],"first_seen":{"at":-0.5e-9,"asn":0,"lat_long":[-0,5e-324]}}}`,
	`{"status":"success","summary":{"type":"authflow","first_seen":{"asn":-0}}}`,
	`{"status":"success","summary":{"type":"authflow","first_seen":{"at":1.2345678905e9,"remote_ip":"fe80::1%en0","timezone":"Local"}}}`,
	`{"status":"success","summary":{"type":"authflow","title":"\ud800\udc00\ud800 \u2028<>&\u0000","plan_name":"\/\b\f"}}`,
	"{\"status\":\"success\",\"summary\":{\"type\":\"authflow\",\"title\":\"\xff\xfe\xc3\"}}",
	`{"status":"success","x":[[[[[[[[[[[[[[[[[[[[{"y":[],"y":1}]]]]]]]]]]]]]]]]]]]],"summary":{"type":"authflow"}}`,
	`{"status":"success","summary":{"type":"authflow","last_seen":{"at":99999999999999999999999},"first_seen":{"asn":4294967296}}}`,
	"\ufeff{\"status\":\"success\"}",
	`{"status":"success","summary":{"type":"authflow","id":"013XRZP12G3NQK8NQPRV12GZ6V99A2V4"}}`,
	`{"status":"success","summary":{"type":"authflow","id":"","first_seen":{},"factor_names":[],"required_email":""}}`,
	`{"status":"success","summary":{"type":"authflow","first_seen":{"lat_long":null,"at":null,"remote_ip":null}}}`,
}

// FuzzDecodeFetchResponse checks the strict decoder against encoding/json:
// it never panics; whatever it accepts, json.Unmarshal accepts too and
// reads to an equal value; and re-encoding that value, by either path,
// gives the same canonical bytes, which decode again to the same value. A
// refusal is an API error naming one problem with a known rule.
func FuzzDecodeFetchResponse(f *testing.F) {
	for _, v := range allFixtures() {
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
		flow, err := authflow.DecodeFetchResponse(data)
		if err != nil {
			e := testutil.APIError(t, err)
			ps := e.Problems()
			if len(ps) != 1 || ps[0].Rule == "" || !strings.Contains(e.Message(), ps[0].Message) {
				t.Fatalf("refusal %v names no single problem: %+v", err, ps)
			}
			switch e.Code() {
			case apierrors.BadRequest, apierrors.InvalidValue, apierrors.RequiredValue, apierrors.UnexpectedRefType:
			default:
				t.Fatalf("refusal with code %q: %v", e.Code(), err)
			}
			return
		}
		if flow == nil {
			t.Fatal("DecodeFetchResponse returned nil and no error")
		}

		var resp authflow.FetchResponse
		if err := json.Unmarshal(data, &resp); err != nil {
			t.Fatalf("DecodeFetchResponse accepted what json.Unmarshal refuses (%v):\n%q", err, data)
		}
		if diff := cmp.Diff(flow, resp.Summary, testutil.CmpOptions); diff != "" {
			t.Fatalf("the two paths read different values (-strict +encoding/json):\n%s\n%q", diff, data)
		}

		fast, err := authflow.AppendFetchResponse(nil, flow)
		if err != nil {
			t.Fatalf("re-encoding: %v", err) // JSON holds no NaN or infinity
		}
		std, err := json.Marshal(resp)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fast, std) {
			t.Fatalf("the two encoders differ:\nfast %s\n std %s", fast, std)
		}
		again, err := authflow.DecodeFetchResponse(fast)
		if err != nil {
			t.Fatalf("the canonical bytes do not decode: %v\n%s", err, fast)
		}
		// JSON has one form, [], for no factor names: nil comes back empty.
		if diff := cmp.Diff(flow, again, testutil.CmpOptions, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip changed the value:\n%s", diff)
		}
		twice, _ := authflow.AppendFetchResponse(nil, again)
		if !bytes.Equal(twice, fast) {
			t.Fatalf("encoding is not canonical:\n%s\n%s", fast, twice)
		}
	})
}
