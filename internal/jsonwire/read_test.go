package jsonwire

import (
	"bytes"
	"encoding/json"
	stderrors "errors"
	"strings"
	"testing"

	"github.com/authflow-dev/authflow-go/internal/testutil"

	"github.com/google/go-cmp/cmp"

	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/internal/race"
)

// decodeAny reads any JSON value with r into the shape encoding/json gives
// with UseNumber: map[string]any, []any, string, json.Number, bool, nil.
func decodeAny(r *Reader) any {
	switch r.Peek() {
	case Object:
		m := map[string]any{}
		r.BeginObject()
		for r.More() {
			k := string(r.Key())
			m[k] = decodeAny(r)
		}
		return m
	case Array:
		a := []any{}
		r.BeginArray()
		for r.More() {
			a = append(a, decodeAny(r))
		}
		return a
	case String:
		return r.StringValue()
	case Number:
		return json.Number(r.NumberText())
	case Bool:
		return r.BoolValue()
	case Null:
		r.Null()
		return nil
	default:
		r.Skip() // records the syntax error
		return nil
	}
}

// stdDecode decodes data with encoding/json into the shape decodeAny gives.
func stdDecode(data []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := d.Token(); err == nil || d.More() {
		return nil, stderrors.New("data after top-level value")
	}
	return v, nil
}

func TestReaderDecodesLikeEncodingJSON(t *testing.T) {
	t.Parallel()
	docs := []string{
		`{}`, `[]`, `null`, `true`, `false`, `0`, `-0`, `1.5e-3`, `-12E+2`, `""`,
		` {"a" : [1, 2.5, "x", null, true, false, {"b": {}}], "c": {"d": []}} `,
		`"plain"`,
		`"\"\\\/\b\f\n\r\t"`,
		`"\u0041\u00e9\u4e2d\ud83d\ude00"`,        // BMP and a surrogate pair
		`"lone \ud800 high"`,                      // unpaired high surrogate
		`"lone \udc00 low"`,                       // unpaired low surrogate
		`"\ud800\u0041"`,                          // high surrogate then non-surrogate
		`"\ud800\ud800\udc00"`,                    // unpaired, then a pair
		"\"invalid \xff utf8 \xc3 and \xe2\x82\"", // invalid UTF-8 bytes
		"\"\xed\xa0\x80\"",                        // an encoded surrogate
		"\"emoji 😀 and \u2028\"",
		`{"dup":1,"dup":2}`,
		`{"k\u00e9y":"v","k\"q":1}`,
		`[[[[[[[[[[[["deep"]]]]]]]]]]]]`,
	}
	for _, doc := range docs {
		want, err := stdDecode([]byte(doc))
		if err != nil {
			t.Fatalf("encoding/json refused %q: %v", doc, err)
		}
		var r Reader
		r.Reset([]byte(doc))
		got := decodeAny(&r)
		r.End()
		if err := r.Err(); err != nil {
			t.Errorf("Reader refused %q: %v", doc, err)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("decoding %q (-encoding/json +Reader):\n%s", doc, diff)
		}
	}
}

func TestReaderSyntaxErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		doc     string
		path    string
		message string // a substring of the problem's message
	}{
		{``, "", "offset 0: unexpected end of input"},
		{`   `, "", "offset 3: unexpected end of input"},
		{`x`, "", `offset 0: invalid character 'x' looking for beginning of value`},
		{`{"a":1} x`, "", `offset 8: invalid character 'x' after top-level value`},
		{`{"a":1,}`, "", `invalid character '}' looking for beginning of object key string`},
		{`{"a" 1}`, "a", `invalid character '1' after object key`},
		{`{"a":1 "b":2}`, "", `invalid character '"' after object key:value pair`},
		{`{"a":{"b":[1,2,]}}`, "a.b[2]", `invalid character ']' looking for beginning of value`},
		{`{"a":[1 2]}`, "a", `invalid character '2' after array element`},
		{`{"a":tru}`, "a", `invalid character '}' in literal true (expecting 'e')`},
		{`{"a":nul`, "a", `unexpected end of input`},
		{`{"a":01}`, "", `invalid character '1' after object key:value pair`},
		{`{"a":-}`, "a", `invalid character '}' in numeric literal`},
		{`{"a":1.}`, "a", `invalid character '}' after decimal point in numeric literal`},
		{`{"a":1e+}`, "a", `invalid character '}' in exponent of numeric literal`},
		{`{"a":"\x"}`, "a", `invalid character 'x' in string escape code`},
		{`{"a":"\'"}`, "a", `invalid character '\'' in string escape code`},
		{`{"a":"\u12G4"}`, "a", `invalid character 'G' in \u hexadecimal character escape`},
		{"{\"a\":\"tab\there\"}", "a", `invalid character '\t' in string literal`},
		{`{"a":"open`, "a", `unexpected end of input`},
		{`{"a":{"b":"x"}`, "", `unexpected end of input`},
		{`{"a":[{"b":1},{"c":[}]}`, "a[1].c[0]", `invalid character '}' looking for beginning of value`},
		{`{"a":{"skipped":[1,{"x":]}]}}`, "a.skipped", `invalid character ']' looking for beginning of value`},
		{`{1:2}`, "", `invalid character '1' looking for beginning of object key string`},
	}
	for _, tt := range tests {
		if json.Valid([]byte(tt.doc)) {
			t.Errorf("encoding/json accepts %q; the test expects a syntax error", tt.doc)
		}
		var r Reader
		r.Reset([]byte(tt.doc))
		// Decode with known structure where the document has it, so that paths
		// come from BeginObject/More; skip the "skipped" member.
		walk(&r)
		r.End()
		e := testutil.APIError(t, r.Err())
		if e.Code != apierrors.BadRequest || len(e.Problems) != 1 {
			t.Errorf("%q: got code %q with %d problems, want bad_request with 1", tt.doc, e.Code, len(e.Problems))
			continue
		}
		p := e.Problems[0]
		if p.Path != tt.path || p.Rule != RuleSyntax || !strings.Contains(p.Message, tt.message) {
			t.Errorf("%q: got problem %+v, want path %q, rule %q, message containing %q", tt.doc, p, tt.path, RuleSyntax, tt.message)
		}
		if e.Message != p.String() {
			t.Errorf("%q: message %q, want the problem %q", tt.doc, e.Message, p.String())
		}
	}
}

// walk reads any value as decodeAny does, except that members named
// "skipped" are read with Skip.
func walk(r *Reader) {
	switch r.Peek() {
	case Object:
		r.BeginObject()
		for r.More() {
			if string(r.Key()) == "skipped" {
				r.Skip()
				continue
			}
			walk(r)
		}
	case Array:
		r.BeginArray()
		for r.More() {
			walk(r)
		}
	default:
		r.Skip()
	}
}

func TestReaderTypeErrors(t *testing.T) {
	t.Parallel()
	read := map[string]func(r *Reader){
		"string":  func(r *Reader) { r.Text() },
		"number":  func(r *Reader) { r.NumberText() },
		"boolean": func(r *Reader) { r.BoolValue() },
		"object":  func(r *Reader) { r.BeginObject() },
		"array":   func(r *Reader) { r.BeginArray() },
	}
	tests := []struct {
		want, doc, message string
	}{
		{"string", `{"v":1}`, "must be a string, not a number"},
		{"string", `{"v":{}}`, "must be a string, not an object"},
		{"number", `{"v":"1"}`, "must be a number, not a string"},
		{"number", `{"v":true}`, "must be a number, not a boolean"},
		{"boolean", `{"v":[]}`, "must be a boolean, not an array"},
		{"object", `{"v":"x"}`, "must be an object, not a string"},
		{"array", `{"v":{"a":1}}`, "must be an array, not an object"},
	}
	for _, tt := range tests {
		var r Reader
		r.Reset([]byte(tt.doc))
		r.BeginObject()
		r.More()
		read[tt.want](&r)
		e := testutil.APIError(t, r.Err())
		want := apierrors.Problem{Path: "v", Rule: RuleType, Message: tt.message}
		if e.Code != apierrors.InvalidValue || len(e.Problems) != 1 || e.Problems[0] != want {
			t.Errorf("reading %s from %s: got %q %+v, want invalid_value %+v", tt.want, tt.doc, e.Code, e.Problems, want)
		}
		// Sticky: nothing more is read.
		if r.More() || r.Peek() != Invalid || r.StringValue() != "" {
			t.Errorf("%s: Reader read on after an error", tt.doc)
		}
	}
}

func TestReaderNullReadsAsZero(t *testing.T) {
	t.Parallel()
	var r Reader
	r.Reset([]byte(`[null,null,null,null,null,null]`))
	if !r.BeginArray() {
		t.Fatal("BeginArray refused an array")
	}
	r.More()
	if got := r.Text(); got != nil {
		t.Errorf("Text() of null = %q, want nil", got)
	}
	r.More()
	if got := r.NumberText(); got != nil {
		t.Errorf("NumberText() of null = %q, want nil", got)
	}
	r.More()
	if r.BoolValue() {
		t.Error("BoolValue() of null = true")
	}
	r.More()
	if r.BeginObject() {
		t.Error("BeginObject() of null = true")
	}
	r.More()
	if r.BeginArray() {
		t.Error("BeginArray() of null = true")
	}
	r.More()
	if got := r.Float64(); got != 0 {
		t.Errorf("Float64() of null = %v", got)
	}
	if r.More() {
		t.Error("More() after the last element = true")
	}
	r.End()
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
}

func TestReaderFloat64(t *testing.T) {
	t.Parallel()
	var r Reader
	r.Reset([]byte(`[-37.8159, 144.9669, 1e308, 5e-324, 1e309]`))
	r.BeginArray()
	want := []float64{-37.8159, 144.9669, 1e308, 5e-324}
	for _, w := range want {
		r.More()
		if got := r.Float64(); got != w {
			t.Errorf("Float64() = %v, want %v", got, w)
		}
	}
	r.More()
	r.Float64()
	e := testutil.APIError(t, r.Err())
	want4 := apierrors.Problem{Path: "[4]", Rule: "range", Message: "number 1e309 is out of the float64 range"}
	if len(e.Problems) != 1 || e.Problems[0] != want4 || e.Code != apierrors.InvalidValue {
		t.Errorf("got %q %+v, want invalid_value %+v", e.Code, e.Problems, want4)
	}
}

func TestReaderRaw(t *testing.T) {
	t.Parallel()
	var r Reader
	r.Reset([]byte(`{"a": {"b": [1, "x"]} , "c": 2}`))
	r.BeginObject()
	r.More()
	if got, want := string(r.Raw()), `{"b": [1, "x"]}`; got != want {
		t.Errorf("Raw() = %q, want %q", got, want)
	}
	r.More()
	if got := string(r.NumberText()); got != "2" {
		t.Errorf("NumberText() = %q, want 2", got)
	}
	if r.More() {
		t.Error("More() at the end = true")
	}
	r.End()
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
}

func TestReaderFailAndNest(t *testing.T) {
	t.Parallel()
	cause := stderrors.New("the cause")
	var inner Reader
	inner.Reset([]byte(`{"remote_ip":"x"}`))
	inner.BeginObject()
	inner.More()
	inner.Text()
	inner.Fail(apierrors.InvalidValue, "ip", "not an IP address", cause)
	innerErr := inner.Err()
	if got, want := innerErr.Error(), "invalid_value: remote_ip: not an IP address"; got != want {
		t.Fatalf("inner error %q, want %q", got, want)
	}

	var r Reader
	r.Reset([]byte(`{"summary":{"first_seen":{"remote_ip":"x"}}}`))
	r.BeginObject()
	r.More()
	r.BeginObject()
	r.More()
	r.Raw()
	r.Nest(innerErr)
	e := testutil.APIError(t, r.Err())
	want := apierrors.Problem{Path: "summary.first_seen.remote_ip", Rule: "ip", Message: "not an IP address"}
	if len(e.Problems) != 1 || e.Problems[0] != want {
		t.Errorf("nested problems %+v, want %+v", e.Problems, want)
	}
	if got, want := e.Error(), "invalid_value: summary.first_seen.remote_ip: not an IP address"; got != want {
		t.Errorf("nested error %q, want %q", got, want)
	}
	if !stderrors.Is(e, cause) {
		t.Error("the nested error lost its cause")
	}
	// The inner error is left as it was.
	if got := testutil.APIError(t, innerErr).Problems[0].Path; got != "remote_ip" {
		t.Errorf("Nest changed the inner error's path to %q", got)
	}
	// A later failure does not replace the first.
	r.Fail(apierrors.BadRequest, "x", "y", nil)
	if testutil.APIError(t, r.Err()).Code != apierrors.InvalidValue {
		t.Error("a second failure replaced the first")
	}
}

func TestJoinPath(t *testing.T) {
	t.Parallel()
	tests := []struct{ prefix, rel, want string }{
		{"", "", ""},
		{"", "a", "a"},
		{"a", "", "a"},
		{"a", "b.c", "a.b.c"},
		{"a", "[1]", "a[1]"},
		{"a[0]", "b", "a[0].b"},
	}
	for _, tt := range tests {
		if got := JoinPath(tt.prefix, tt.rel); got != tt.want {
			t.Errorf("JoinPath(%q, %q) = %q, want %q", tt.prefix, tt.rel, got, tt.want)
		}
	}
}

func TestReaderMaxDepth(t *testing.T) {
	t.Parallel()
	for _, depth := range []int{MaxDepth, MaxDepth + 1} {
		doc := strings.Repeat("[", depth) + strings.Repeat("]", depth)
		var r Reader
		r.Reset([]byte(doc))
		r.Skip()
		r.End()
		skipOK := r.Err() == nil

		r.Reset([]byte(doc))
		decodeAny(&r)
		r.End()
		walkOK := r.Err() == nil

		if valid := json.Valid([]byte(doc)); skipOK != valid || walkOK != valid {
			t.Errorf("depth %d: Skip ok %v, BeginArray ok %v, json.Valid %v", depth, skipOK, walkOK, valid)
		}
	}
}

func TestReaderAllocations(t *testing.T) {
	if race.Enabled {
		t.Skip("the race detector changes allocation counts")
	}
	doc := []byte(`{"a":"plain","b":[1,-2.5e3,true,null],"c":{"d":"é"},"e":"x"}`)
	var r Reader
	allocs := testing.AllocsPerRun(100, func() {
		r.Reset(doc)
		r.BeginObject()
		for r.More() {
			r.Skip()
		}
		r.End()
		if r.Err() != nil {
			t.Fatal(r.Err())
		}
	})
	if allocs != 0 {
		t.Errorf("walking a document without escapes allocates %v times, want 0", allocs)
	}
}

// FuzzReader checks that the Reader accepts exactly the documents
// encoding/json accepts, and reads them as encoding/json does.
func FuzzReader(f *testing.F) {
	for _, s := range []string{
		`{}`, `[]`, `null`, `-0.5e+10`, `"\ud83d\ude00\ud800x"`, "\"\xff\"",
		`{"a":[1,{"b":null}],"c":"\u2028<&>"}`, `[1,]`, `{"a":1,}`, `01`, `"\'"`,
		`[[[[]]]]`, `{"a" :1 , "b":[ true,false ]}`, "\t\n 1 \r",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var r Reader
		r.Reset(data)
		raw := r.Raw()
		r.End()
		valid := json.Valid(data)
		if ok := r.Err() == nil; ok != valid {
			t.Fatalf("Skip accepts %q: %v, json.Valid: %v (%v)", data, ok, valid, r.Err())
		}
		if !valid {
			testutil.APIError(t, r.Err()) // the error is an API error
			return
		}
		if !bytes.Equal(bytes.TrimSpace(data), raw) {
			t.Fatalf("Raw() = %q, want the trimmed document %q", raw, data)
		}
		want, err := stdDecode(data)
		if err != nil {
			t.Fatalf("encoding/json: %v", err)
		}
		r.Reset(data)
		got := decodeAny(&r)
		r.End()
		if err := r.Err(); err != nil {
			t.Fatalf("decoding %q: %v", data, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("decoding %q (-encoding/json +Reader):\n%s", data, diff)
		}
	})
}
