//go:build goexperiment.jsonv2

package authflow_test

import (
	"bytes"
	"encoding/json/jsontext"
	jsonv2 "encoding/json/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/internal/testutil"
)

// TestJSONv2 checks encoding/json/v2 against the canonical bytes: with the
// escaping that encoding/json (v1) applies, v2's Marshal writes them
// exactly; with v2's own defaults, which leave <, >, & and U+2028/U+2029
// unescaped, it writes the same document, byte for byte where no string
// holds those characters. v2's Unmarshal reads every fixture back to its
// value, and a user's struct embedding an Authflow keeps its own fields.
func TestJSONv2(t *testing.T) {
	t.Parallel()
	for _, v := range allFixtures() {
		golden := bytes.TrimSpace(v.JSON)
		resp := authflow.FetchResponse{Summary: v.Authflow}

		escaped, err := jsonv2.Marshal(resp, jsontext.EscapeForHTML(true), jsontext.EscapeForJS(true))
		if err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		if !bytes.Equal(escaped, golden) {
			t.Errorf("%s: v2 with v1's escaping:\n got %s\nwant %s", v.Name, escaped, golden)
		}
		plain, err := jsonv2.Marshal(resp)
		if err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		if !bytes.ContainsAny(golden, `\`) && !bytes.Equal(plain, golden) {
			t.Errorf("%s: v2:\n got %s\nwant %s", v.Name, plain, golden)
		}
		for _, doc := range [][]byte{golden, plain} {
			var back authflow.FetchResponse
			if err := jsonv2.Unmarshal(doc, &back); err != nil {
				t.Fatalf("%s: v2 Unmarshal: %v", v.Name, err)
			}
			if diff := cmp.Diff(v.Authflow, back.Summary, testutil.CmpOptions); diff != "" {
				t.Errorf("%s: v2 Unmarshal (-fixture +decoded):\n%s", v.Name, diff)
			}
			strict, err := authflow.DecodeFetchResponse(doc)
			if err != nil {
				t.Fatalf("%s: DecodeFetchResponse of v2's bytes: %v", v.Name, err)
			}
			if diff := cmp.Diff(v.Authflow, strict, testutil.CmpOptions); diff != "" {
				t.Errorf("%s: DecodeFetchResponse of v2's bytes (-fixture +decoded):\n%s", v.Name, diff)
			}
		}
	}

	seed := examples.Authflow()
	summary, _ := authflow.AppendAuthflow(nil, seed)
	got, err := jsonv2.Marshal(anonymous{*seed, "kept"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{` + string(summary[1:len(summary)-1]) + `,"extra":"kept"}`; string(got) != want {
		t.Errorf("embedded by v2:\n got %s\nwant %s", got, want)
	}
	// v2's own strictness: a repeated key is refused, as by DecodeFetchResponse.
	doc := strings.Replace(string(examples.FetchResponseJSON()), `"title":"My Authflow"`, `"title":"A","title":"B"`, 1)
	var r authflow.FetchResponse
	if err := jsonv2.Unmarshal([]byte(doc), &r); err == nil {
		t.Error("v2 accepted a repeated key")
	}
}
