package jsonwire

import (
	"bytes"
	"encoding/json"
	stderrors "errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/authflow-dev/authflow-go/internal/race"
)

// decodeAny reads any JSON value with r into the shape encoding/json gives
// with UseNumber: map[string]any, []any, string, json.Number, bool, nil. It
// is as strict as a codec: every key is recorded, so that a repeated key is
// refused.
func decodeAny(r *Reader) any {
	switch r.Peek() {
	case Object:
		m := map[string]any{}
		r.BeginObject()
		for r.More() {
			k := string(r.Key())
			if r.recordKey(); r.Failed() {
				return nil
			}
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

// walk reads any value as decodeAny does, except that it skips the values
// of members named "skipped" as unknown members.
func walk(r *Reader) {
	switch r.Peek() {
	case Object:
		r.BeginObject()
		for r.More() {
			if string(r.Key()) == "skipped" {
				r.Field(nil)
				continue
			}
			if r.recordKey(); r.Failed() {
				return
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

// readers are the ways a test reads a whole document: the same document
// must give the same error, at the same path, whichever is used.
var readers = []struct {
	name string
	read func(r *Reader)
}{
	{"Skip", func(r *Reader) { r.Skip() }},
	{"decodeAny", func(r *Reader) { decodeAny(r) }},
	{"walk", walk},
}

// readAll reads doc with read and returns the error, nil or an *Error.
func readAll(doc string, read func(r *Reader)) error {
	var r Reader
	r.Reset([]byte(doc))
	read(&r)
	r.End()
	return r.Err()
}

// stdDecode decodes data with encoding/json into the shape decodeAny gives.
func stdDecode(data []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, stderrors.New("data after top-level value")
	}
	return v, nil
}

// checkProblem checks that err is an *Error at path, of rule, with a
// message holding message.
func checkProblem(t *testing.T, what string, err error, path, rule, message string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error, want %s at %q", what, rule, path)
		return
	}
	var e *Error
	if !stderrors.As(err, &e) {
		t.Errorf("%s: %T %v, want an *Error", what, err, err)
		return
	}
	if e.Path != path || e.Rule != rule || !strings.Contains(e.Message, message) {
		t.Errorf("%s: got %+v, want path %q, rule %q, message holding %q", what, e, path, rule, message)
	}
	if !strings.Contains(e.Error(), e.Message) || !strings.Contains(e.Error(), e.Path) {
		t.Errorf("%s: Error() = %q lacks the path or the message", what, e.Error())
	}
}

// manyKeys returns n members "k0":0 … joined by commas.
func manyKeys(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf(`"k%d":%d`, i, i)
	}
	return strings.Join(parts, ",")
}

func TestReaderDecodesLikeEncodingJSON(t *testing.T) {
	t.Parallel()
	docs := []string{
		`{}`, `[]`, `null`, `true`, `false`, `0`, `-0`, `1.5e-3`, `-12E+2`, `""`,
		` {"a" : [1, 2.5, "x", null, true, false, {"b": {}}], "c": {"d": []}} `,
		`"plain"`,
		`"\"\\\/\b\f\n\r\t"`,
		`"\u0041\u00e9\u4e2d\ud83d\ude00"`, // BMP and a surrogate pair
		`"\uD83D\uDE00 upper-case hex"`,
		`"\ufffd and \uFFFD escaped"`, // U+FFFD itself is a character like any other
		"\"\xef\xbf\xbd raw U+FFFD\"",
		"\"emoji 😀 and \u2028\"",
		"\"\xf4\x8f\xbf\xbf\"", // U+10FFFF, the last code point
		`"\u0000"`,
		`{"k\u00e9y":"v","k\"q":1}`,
		`[[[[[[[[[[[["deep"]]]]]]]]]]]]`,
		// Keys repeat only within one object.
		`{"a":1,"A":2,"\u212a":3,"k":4}`,
		`{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}`,
		`[{"a":1},{"a":1}]`,
		`{"":1,"x":{"":2}}`,
		`{` + manyKeys(40) + `}`,
		`[{` + manyKeys(20) + `},{` + manyKeys(20) + `}]`,
		`{"x":{` + manyKeys(20) + `},"k0":{` + manyKeys(17) + `}}`,
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
		for _, rd := range readers {
			if err := readAll(doc, rd.read); err != nil {
				t.Errorf("%s refused %q: %v", rd.name, doc, err)
			}
		}
	}
}

// TestReaderRefusesInvalidUTF8 checks the strings encoding/json accepts by
// replacing what is wrong with U+FFFD, and a Reader refuses: invalid UTF-8
// and escaped lone surrogates, in values and keys, read or skipped.
func TestReaderRefusesInvalidUTF8(t *testing.T) {
	t.Parallel()
	tests := []struct {
		doc, path, message string
	}{
		{`"lone \ud800 high"`, "", `lone surrogate \ud800 at offset 6`},
		{`"lone \udc00 low"`, "", `lone surrogate \udc00 at offset 6`},
		{`{"a":"\ud800\u0041"}`, "a", `lone surrogate \ud800 at offset 6`},         // high, then no surrogate
		{`["x","\ud800\ud800\udc00"]`, "[1]", `lone surrogate \ud800 at offset 6`}, // unpaired, then a pair
		{`["\udc00\ud800"]`, "[0]", `lone surrogate \udc00`},                       // a pair the wrong way round
		{`["\ud800"]`, "[0]", `lone surrogate \ud800`},                             // high at the end
		{`["\ud800\n"]`, "[0]", `lone surrogate \ud800`},                           // high, then another escape
		{`{"k":{"\udfff":1}}`, "k", `lone surrogate \udfff`},                       // in a key
		{"\"invalid \xff utf8\"", "", "invalid UTF-8 at offset 9"},
		{"{\"a\":[1,\"\xc3\"]}", "a[1]", "invalid UTF-8 at offset 9"}, // truncated sequence
		{"[\"\xed\xa0\x80\"]", "[0]", "invalid UTF-8"},                // an encoded surrogate
		{"[\"\xc0\xaf\"]", "[0]", "invalid UTF-8"},                    // overlong
		{"[\"\xf4\x90\x80\x80\"]", "[0]", "invalid UTF-8"},            // beyond U+10FFFF
		{"[\"\\n\xff\"]", "[0]", "invalid UTF-8 at offset 4"},         // after an escape
		{"{\"\xfe\":1}", "", "invalid UTF-8"},                         // in a key
		{"{\"ok\":{\"x\xff\":1}}", "ok", "invalid UTF-8"},             // in a nested key
		{"{\"skipped\":[1,{\"a\":\"\xff\"}]}", "skipped[1].a", "invalid UTF-8"},
		{`{"skipped":{"\ud800":1}}`, "skipped", "lone surrogate"},
	}
	for _, tt := range tests {
		if !json.Valid([]byte(tt.doc)) {
			t.Errorf("encoding/json refuses %q; the test wants a document it accepts", tt.doc)
		}
		for _, rd := range readers {
			err := readAll(tt.doc, rd.read)
			checkProblem(t, fmt.Sprintf("%s(%q)", rd.name, tt.doc), err, tt.path, RuleUTF8, tt.message)
		}
	}
}

// TestReaderRefusesDuplicateKeys checks that a key repeated in one object
// is refused at any depth, read or skipped, whether the object's keys are
// compared one by one or, past 16, through a set, and whether the key is
// written the same or escaped otherwise.
func TestReaderRefusesDuplicateKeys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, doc, path string
	}{
		{"depth 0", `{"a":1,"a":2}`, "a"},
		{"depth 0, values differ in type", `{"a":[1],"b":2,"a":{}}`, "a"},
		{"depth 1", `{"x":{"a":1,"b":2,"a":3}}`, "x.a"},
		{"depth 2", `{"x":[{"y":{"a":1,"a":2}}]}`, "x[0].y.a"},
		{"in an array", `[{},{"a":1,"a":2}]`, "[1].a"},
		{"escaped", `{"a":1,"\u0061":2}`, "a"},
		{"escaped first", `{"\u0061":1,"a":2}`, "a"},
		{"both escaped", `{"\u00e9":1,"\u00E9":2}`, "é"},
		{"escaped and raw non-ASCII", `{"é":1,"\u00e9":2}`, "é"},
		{"surrogate pair and raw", `{"😀":1,"\ud83d\ude00":2}`, "😀"},
		{"escaped solidus", `{"a/b":1,"a\/b":2}`, "a/b"},
		{"empty key", `{"":1,"":2}`, ""},
		{"a control character", `{"a\nb":1,"a\u000ab":2}`, `a\nb`},
		{"17 keys", `{` + manyKeys(16) + `,"k3":1}`, "k3"},
		{"past 16 keys, the set", `{` + manyKeys(20) + `,"k3":1}`, "k3"},
		{"past 16 keys, a key added to the set", `{` + manyKeys(20) + `,"k19":1}`, "k19"},
		{"past 16 keys, escaped", `{` + manyKeys(20) + `,"\u006b5":1}`, "k5"},
		{"past 16 keys, nested", `{"x":[{` + manyKeys(30) + `,"k29":1}]}`, "x[0].k29"},
		{"after a nested object with many keys", `{"a":{` + manyKeys(20) + `},"b":1,"a":2}`, "a"},
		{"skipped, depth 1", `{"skipped":{"a":1,"a":2}}`, "skipped.a"},
		{"skipped, depth 3", `{"x":{"skipped":[1,{"b":{"c":1,"c":1}}]}}`, "x.skipped[1].b.c"},
		{"skipped, past 16 keys", `{"skipped":{"z":{` + manyKeys(40) + `,"k0":1}}}`, "skipped.z.k0"},
		{"skipped, escaped", `{"skipped":{"\u0078":1,"x":2}}`, "skipped.x"},
		{"the skipped key itself", `{"skipped":1,"skipped":2}`, "skipped"},
	}
	for _, tt := range tests {
		if !json.Valid([]byte(tt.doc)) {
			t.Errorf("%s: encoding/json refuses %q", tt.name, tt.doc)
		}
		for _, rd := range readers {
			err := readAll(tt.doc, rd.read)
			checkProblem(t, fmt.Sprintf("%s: %s", tt.name, rd.name), err, tt.path, RuleDuplicateKey, "repeats a key of the object")
		}
	}
}

// TestReaderFirstProblemWins checks that of two problems in a document, the
// one met first is reported, whatever its kind.
func TestReaderFirstProblemWins(t *testing.T) {
	t.Parallel()
	tests := []struct {
		doc, path string
		rule      string
		message   string
	}{
		{`{"a":1,"a":2,`, "a", RuleDuplicateKey, "repeats a key"},
		{`{"a":1,"b":"\ud800","a":2}`, "b", RuleUTF8, "lone surrogate"},
		{`{"a":1,"a":"\ud800"}`, "a", RuleDuplicateKey, "repeats a key"},
		{"[\"\xff\",", "[0]", RuleUTF8, "invalid UTF-8"},
		{`[1,}"\ud800"]`, "[1]", RuleSyntax, "invalid character '}'"},
		// A high surrogate not followed by a low one is lone, whatever
		// follows: here a malformed escape.
		{`{"a":"\ud800\u12G4"}`, "a", RuleUTF8, `lone surrogate \ud800 at offset 6`},
		{`["\ud800`, "[0]", RuleUTF8, `lone surrogate \ud800 at offset 2`},
	}
	for _, tt := range tests {
		for _, rd := range readers {
			err := readAll(tt.doc, rd.read)
			checkProblem(t, fmt.Sprintf("%s(%q)", rd.name, tt.doc), err, tt.path, tt.rule, tt.message)
		}
	}
}

// detailsLike is the struct encoding/json would decode testCodec's objects
// into: its case-insensitive matching is what Field guards against.
type detailsLike struct {
	ID   int          `json:"id"`
	Kind int          `json:"kind"`
	ASN  int          `json:"asn"`
	Sub  *detailsLike `json:"sub"`
}

var testKnown = []string{"id", "kind", "asn", "sub"}

// testCodec reads an object as a codec does, with Field: "sub"
// recursively.
func testCodec(r *Reader) {
	if !r.BeginObject() {
		return
	}
	for r.More() {
		switch r.Field(testKnown) {
		case 0, 1, 2:
			r.Float64()
		case 3:
			testCodec(r)
		}
	}
}

func TestReaderKnownKeys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, doc string
		path      string // "" with message "" for none
		message   string
		// foldsToKnown is set when encoding/json reads the key at path as a
		// known key: the reason a Reader refuses it.
		foldsToKnown bool
	}{
		{"all known", `{"id":1,"kind":2,"asn":3,"sub":{"id":4}}`, "", "", false},
		{"unknown keys differing in case", `{"extra":1,"EXTRA":2,"Extra":{"a":1,"A":2}}`, "", "", false},
		{"a known key's prefix", `{"idx":1,"i":2,"ids":3}`, "", "", false},
		{"known repeated", `{"id":1,"kind":2,"id":3}`, "id", "repeats a key of the object", false},
		{"known repeated, nested", `{"sub":{"asn":1,"asn":2}}`, "sub.asn", "repeats a key of the object", false},
		{"unknown repeated", `{"x":1,"id":2,"x":3}`, "x", "repeats a key of the object", false},
		{"upper case after", `{"id":1,"ID":2}`, "ID", `equals the key "id" but for case`, true},
		{"mixed case before", `{"Id":1,"id":2}`, "Id", `equals the key "id" but for case`, true},
		{"case only, alone", `{"ASN":1}`, "ASN", `equals the key "asn" but for case`, true},
		{"Kelvin sign", `{"\u212aind":1}`, "\u212aind", `equals the key "kind" but for case`, true},
		{"Kelvin sign, raw", "{\"kind\":1,\"\u212aIND\":2}", "\u212aIND", `equals the key "kind" but for case`, true},
		{"long s", `{"a\u017fn":1}`, "a\u017fn", `equals the key "asn" but for case`, true},
		{"nested, case", `{"sub":{"sub":{"KIND":1}}}`, "sub.sub.KIND", `equals the key "kind" but for case`, true},
		{"a duplicate inside an unknown value", `{"x":{"id":1,"id":2}}`, "x.id", "repeats a key of the object", false},
	}
	for _, tt := range tests {
		err := readAll(tt.doc, testCodec)
		if tt.message == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		checkProblem(t, tt.name, err, tt.path, RuleDuplicateKey, tt.message)
		if tt.foldsToKnown {
			// encoding/json would take the key for the known one: decoding
			// the document with only that key set shows it.
			var d detailsLike
			if err := json.Unmarshal([]byte(tt.doc), &d); err != nil {
				t.Fatalf("%s: encoding/json: %v", tt.name, err)
			}
			if d == (detailsLike{}) {
				t.Errorf("%s: encoding/json ignores the key %q; the test wants one it folds to a known key", tt.name, tt.path)
			}
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
		{`{"a":{"skipped":[1,{"x":]}]}}`, "a.skipped[1].x", `invalid character ']' looking for beginning of value`},
		{`{1:2}`, "", `invalid character '1' looking for beginning of object key string`},
		{`{"a":1,"b":2,"c"}`, "c", `invalid character '}' after object key`},
		// Keys in paths are escaped and shortened.
		{"{\"a\\nb\":{\"c\":x}}", `a\nb.c`, `invalid character 'x'`},
		{`{"` + strings.Repeat("k", 100) + `":x}`, strings.Repeat("k", 64) + "…", `invalid character 'x'`},
	}
	for _, tt := range tests {
		if json.Valid([]byte(tt.doc)) {
			t.Errorf("encoding/json accepts %q; the test expects a syntax error", tt.doc)
		}
		for _, rd := range readers {
			err := readAll(tt.doc, rd.read)
			checkProblem(t, fmt.Sprintf("%s(%q)", rd.name, tt.doc), err, tt.path, RuleSyntax, tt.message)
		}
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
		checkProblem(t, "reading "+tt.want+" from "+tt.doc, r.Err(), "v", RuleType, tt.message)
		// Sticky: nothing more is read.
		if r.More() || r.Peek() != Invalid || r.StringValue() != "" || !r.Failed() {
			t.Errorf("%s: Reader read on after an error", tt.doc)
		}
	}
}

func TestReaderNullReadsAsZero(t *testing.T) {
	t.Parallel()
	var r Reader
	r.Reset([]byte(`[null,null,null,null,null,null,null,null,null,null]`))
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
	r.More()
	if got := r.Uint32(); got != 0 {
		t.Errorf("Uint32() of null = %v", got)
	}
	r.More()
	if got := r.UnixTime(); !got.IsZero() {
		t.Errorf("UnixTime() of null = %v", got)
	}
	r.More()
	if got := r.Addr(); got.IsValid() {
		t.Errorf("Addr() of null = %v", got)
	}
	r.More()
	if lat, long := r.LatLong(); lat != 0 || long != 0 {
		t.Errorf("LatLong() of null = %v, %v", lat, long)
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
	r.Reset([]byte(`[-37.8159, 144.9669, 1e308, 5e-324, -0, 1e-400, 1e309]`))
	r.BeginArray()
	want := []float64{-37.8159, 144.9669, 1e308, 5e-324, 0, 0}
	for _, w := range want {
		r.More()
		if got := r.Float64(); got != w {
			t.Errorf("Float64() = %v, want %v", got, w)
		}
	}
	r.More()
	r.Float64()
	checkProblem(t, "1e309", r.Err(), "[6]", RuleRange, "number 1e309 is out of the float64 range")
}

func TestReaderFail(t *testing.T) {
	t.Parallel()
	tests := []struct {
		rel, rule, path string
	}{
		{"", RuleIP, "summary.first_seen.remote_ip"},
		{"", "required", "summary.first_seen.remote_ip"},
		{"[1]", RuleLatLong, "summary.first_seen.remote_ip[1]"},
		{"x.y", "required", "summary.first_seen.remote_ip.x.y"},
	}
	doc := `{"summary":{"first_seen":{"remote_ip":"x"}}}`
	for _, tt := range tests {
		var r Reader
		r.Reset([]byte(doc))
		r.BeginObject()
		r.More()
		r.BeginObject()
		r.More()
		r.BeginObject()
		r.More()
		r.FailAt(tt.rel, tt.rule, "the message")
		var e *Error
		if !stderrors.As(r.Err(), &e) {
			t.Fatalf("FailAt: %v", r.Err())
		}
		want := Error{Offset: strings.Index(doc, `"x"`), Path: tt.path, Rule: tt.rule, Message: "the message"}
		if *e != want {
			t.Errorf("FailAt(%q, %q): got %+v, want %+v", tt.rel, tt.rule, *e, want)
		}
		// A later failure does not replace the first.
		r.Fail(RuleSyntax, "later")
		r.Text()
		if got := r.Err(); got != error(e) {
			t.Errorf("a second failure replaced the first: %v", got)
		}
	}
	// Fail is FailAt("").
	var r Reader
	r.Reset([]byte(`[1,2]`))
	r.BeginArray()
	r.More()
	r.Uint32()
	r.More()
	r.Fail(RuleUint32, "m")
	checkProblem(t, "Fail", r.Err(), "[1]", RuleUint32, "m")
}

// TestReaderFailWithin checks that an error of a value read on its own is
// reported at the value's path and offset in the document.
func TestReaderFailWithin(t *testing.T) {
	t.Parallel()
	doc := `{"a":[0,{"b":"x"}]}`
	var r Reader
	r.Reset([]byte(doc))
	r.BeginObject()
	r.More()
	r.BeginArray()
	r.More()
	r.Skip()
	r.More()
	raw, offset := r.RawValue()
	if string(raw) != `{"b":"x"}` || offset != strings.Index(doc, "{\"b\"") {
		t.Fatalf("RawValue() = %q, %d", raw, offset)
	}
	var inner Reader
	inner.Reset(raw)
	inner.BeginObject()
	inner.More()
	inner.Fail(RuleIP, "m")
	var ie *Error
	stderrors.As(inner.Err(), &ie)
	r.FailWithin(offset, ie)
	var e *Error
	if !stderrors.As(r.Err(), &e) {
		t.Fatal(r.Err())
	}
	want := Error{Offset: strings.Index(doc, `"x"`), Path: "a[1].b", Rule: RuleIP, Message: "m"}
	if *e != want {
		t.Errorf("FailWithin: %+v, want %+v", *e, want)
	}
	if raw, _ := r.RawValue(); raw != nil {
		t.Errorf("RawValue after a failure = %q", raw)
	}
}

// TestReaderPathBounded checks that the path of an error in a deeply nested
// document is bounded, and keeps its start and its end.
func TestReaderPathBounded(t *testing.T) {
	t.Parallel()
	key := strings.Repeat("k", 100)
	for _, open := range []string{"[", `{"` + key + `":`} {
		doc := strings.Repeat(open, 5000) + "x"
		err := readAll(doc, walk)
		var e *Error
		if !stderrors.As(err, &e) {
			t.Fatalf("%.20s…: %v", doc, err)
		}
		if len(e.Path) > MaxPath || !strings.Contains(e.Path, "…") || !utf8.ValidString(e.Path) {
			t.Errorf("%.20s…: path of %d bytes: %.80q", doc, len(e.Path), e.Path)
		}
		if len(e.Error()) > 2*MaxPath {
			t.Errorf("%.20s…: Error() of %d bytes", doc, len(e.Error()))
		}
	}
	for _, tt := range []struct{ in, want string }{
		{"abc", "abc"},
		{strings.Repeat("a", MaxPath), strings.Repeat("a", MaxPath)},
		{strings.Repeat("é", MaxPath), strings.Repeat("é", 127) + "…" + strings.Repeat("é", 127)},
	} {
		if got := boundPath(tt.in); got != tt.want {
			t.Errorf("boundPath(%d bytes) = %q", len(tt.in), got)
		}
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
		{"", "[1]", "[1]"},
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
		for _, open := range []string{"[", `{"a":`} {
			closer := "]"
			if open != "[" {
				closer = "}"
			}
			doc := strings.Repeat(open, depth) + "1" + strings.Repeat(closer, depth)
			valid := json.Valid([]byte(doc))
			for _, rd := range readers {
				if ok := readAll(doc, rd.read) == nil; ok != valid {
					t.Errorf("depth %d of %s: %s ok %v, json.Valid %v", depth, open, rd.name, ok, valid)
				}
			}
		}
	}
}

// TestReaderReset checks that Reset forgets everything of the document
// before, even one left in the middle of objects by an error: no key of it
// counts as a repeat in the next.
func TestReaderReset(t *testing.T) {
	t.Parallel()
	var r Reader
	for _, prefix := range []string{
		`{` + manyKeys(20) + `,`,                    // an object with a set of keys
		`{"x":{"skipped":{` + manyKeys(5) + `,"a":`, // keys compared one by one
		`{"k0":[{"k0":1,"k0":2}]}`,                  // failed on a repeated key
	} {
		r.Reset([]byte(prefix))
		walk(&r)
		r.End()
		if r.Err() == nil {
			t.Fatalf("%q read without error", prefix)
		}
		for _, doc := range []string{`{` + manyKeys(20) + `}`, `{"x":{"skipped":{` + manyKeys(5) + `}}}`, `{"k0":[{"k0":1}]}`} {
			r.Reset([]byte(doc))
			walk(&r)
			r.End()
			if err := r.Err(); err != nil {
				t.Errorf("after %q, Reset(%q): %v", prefix, doc, err)
			}
		}
	}
}

func TestReaderAllocations(t *testing.T) {
	if race.Enabled {
		t.Skip("the race detector changes allocation counts")
	}
	doc := []byte(`{"a":"plain","b":[1,-2.5e3,true,null],"c":{"d":"é","e":{"f":[{"g":1,"h":2}]}},"e":"x"}`)
	var r Reader
	allocs := testing.AllocsPerRun(100, func() {
		r.Reset(doc)
		r.BeginObject()
		for r.More() {
			r.Field(testKnown)
		}
		r.End()
		if r.Err() != nil {
			t.Fatal(r.Err())
		}
	})
	if allocs != 0 {
		t.Errorf("walking a document without escapes allocates %v times, want 0", allocs)
	}
	codecDoc := []byte(`{"id":1,"kind":2,"extra":{"x":[1,2]},"asn":3,"sub":{"id":4,"y":"z"}}`)
	allocs = testing.AllocsPerRun(100, func() {
		r.Reset(codecDoc)
		testCodec(&r)
		r.End()
		if r.Err() != nil {
			t.Fatal(r.Err())
		}
	})
	if allocs != 0 {
		t.Errorf("a codec's walk allocates %v times, want 0", allocs)
	}
}

// hasLoneSurrogate reports whether a document encoding/json accepts has an
// escaped surrogate that is not half of a pair, by its own scan of the
// document's strings.
func hasLoneSurrogate(data []byte) bool {
	hex := func(b []byte) rune {
		var r rune
		for _, c := range b {
			switch {
			case '0' <= c && c <= '9':
				r = r<<4 | rune(c-'0')
			case 'a' <= c && c <= 'f':
				r = r<<4 | rune(c-'a'+10)
			default:
				r = r<<4 | rune(c-'A'+10)
			}
		}
		return r
	}
	inString := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case !inString:
			inString = c == '"'
		case c == '"':
			inString = false
		case c == '\\' && data[i+1] != 'u':
			i++
		case c == '\\':
			r := hex(data[i+2 : i+6])
			i += 5
			switch {
			case 0xdc00 <= r && r <= 0xdfff:
				return true
			case 0xd800 <= r && r <= 0xdbff:
				if i+6 >= len(data) || data[i+1] != '\\' || data[i+2] != 'u' {
					return true
				}
				if r2 := hex(data[i+3 : i+7]); r2 < 0xdc00 || r2 > 0xdfff {
					return true
				}
				i += 6
			}
		}
	}
	return false
}

// hasDuplicateKeys reports whether an object of a document encoding/json
// accepts repeats a key, walking the document's tokens with encoding/json.
// Keys are compared unescaped, as encoding/json unescapes them.
func hasDuplicateKeys(data []byte) bool {
	d := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		object, wantKey bool
		keys            map[string]bool
	}
	var stack []*frame
	for {
		tok, err := d.Token()
		if err != nil {
			return false
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && top.wantKey {
			if delim, ok := tok.(json.Delim); ok && delim == '}' {
				stack = stack[:len(stack)-1]
				continue
			}
			key := tok.(string)
			if top.keys[key] {
				return true
			}
			top.keys[key] = true
			top.wantKey = false
			continue
		}
		if top != nil && top.object {
			top.wantKey = true // this token is the member's value
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{object: true, wantKey: true, keys: map[string]bool{}})
		case json.Delim('['):
			stack = append(stack, &frame{})
		case json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
	}
}

func TestOracles(t *testing.T) {
	t.Parallel()
	for doc, want := range map[string]bool{
		`"\ud83d\ude00"`: false, `"\ud800"`: true, `"\udc00"`: true, `"\ud800x"`: true, `"\ud800\n"`: true,
		`"\ud800\u0041"`: true, `"\\ud800"`: false, `["\"\ud800"]`: true, `"\u0041"`: false, `"\ud800\ud800\udc00"`: true,
	} {
		if got := hasLoneSurrogate([]byte(doc)); got != want {
			t.Errorf("hasLoneSurrogate(%s) = %v", doc, got)
		}
	}
	for doc, want := range map[string]bool{
		`{"a":1,"a":2}`: true, `{"a":{"b":1},"b":2}`: false, `[{"a":1},{"a":1}]`: false, `{"a":[{"b":1,"b":2}]}`: true,
		`{"a":{},"a":[]}`: true, `{"a":1,"\u0061":1}`: true, `{"x":{"a":1},"a":{"x":1}}`: false, `{"a":[1,"a"],"b":"a"}`: false,
	} {
		if got := hasDuplicateKeys([]byte(doc)); got != want {
			t.Errorf("hasDuplicateKeys(%s) = %v", doc, got)
		}
	}
}

// FuzzReader checks that a Reader accepts exactly the documents that
// encoding/json accepts and that are also valid UTF-8, hold no escaped lone
// surrogate and repeat no key in an object; that it reads them as
// encoding/json does; and that it refuses the others with an API error of
// the right rule, the same whether the document is skipped or decoded.
func FuzzReader(f *testing.F) {
	for _, s := range []string{
		`{}`, `[]`, `null`, `-0.5e+10`, `"\ud83d\ude00\ud800x"`, "\"\xff\"", `"\udc00"`,
		`{"a":[1,{"b":null}],"c":"\u2028<&>"}`, `[1,]`, `{"a":1,}`, `01`, `"\'"`,
		`[[[[]]]]`, `{"a" :1 , "b":[ true,false ]}`, "\t\n 1 \r",
		`{"a":1,"a":2}`, `{"a":1,"\u0061":2}`, `{"x":{"a":1,"A":2}}`, `[{"a":1},{"a":1}]`,
		`{` + manyKeys(18) + `,"k2":0}`, `{"k":{` + manyKeys(17) + `}}`, "{\"\xff\":1}", `{"\ud800":1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var r Reader
		r.Reset(data)
		r.Skip()
		r.End()
		skipErr := r.Err()

		r.Reset(data)
		got := decodeAny(&r)
		r.End()
		decodeErr := r.Err()

		if (skipErr == nil) != (decodeErr == nil) {
			t.Fatalf("%q: Skip: %v; decoding: %v", data, skipErr, decodeErr)
		}
		if skipErr != nil && skipErr.Error() != decodeErr.Error() {
			t.Fatalf("%q: Skip and decoding fail differently:\n%v\n%v", data, skipErr, decodeErr)
		}

		valid := json.Valid(data)
		badUTF8 := valid && (!utf8.Valid(data) || hasLoneSurrogate(data))
		dup := valid && hasDuplicateKeys(data)
		want := valid && !badUTF8 && !dup
		if ok := decodeErr == nil; ok != want {
			t.Fatalf("Reader accepts %q: %v, want %v (json.Valid %v, bad UTF-8 %v, repeated key %v): %v",
				data, ok, want, valid, badUTF8, dup, decodeErr)
		}
		if decodeErr != nil {
			var e *Error
			if !stderrors.As(decodeErr, &e) {
				t.Fatalf("%q: %T %v", data, decodeErr, decodeErr)
			}
			if len(e.Path) > MaxPath || e.Offset < 0 || e.Offset > len(data) {
				t.Fatalf("%q: %+v", data, e)
			}
			rule := e.Rule
			var rules []string
			switch {
			case !valid:
				rules = []string{RuleSyntax, RuleUTF8, RuleDuplicateKey}
			case badUTF8 && dup:
				rules = []string{RuleUTF8, RuleDuplicateKey}
			case badUTF8:
				rules = []string{RuleUTF8}
			default:
				rules = []string{RuleDuplicateKey}
			}
			ok := false
			for _, r := range rules {
				ok = ok || r == rule
			}
			if !ok {
				t.Fatalf("%q: refused with rule %q; want one of %q", data, rule, rules)
			}
			return
		}
		stdWant, err := stdDecode(data)
		if err != nil {
			t.Fatalf("encoding/json: %v", err)
		}
		if diff := cmp.Diff(stdWant, got); diff != "" {
			t.Fatalf("decoding %q (-encoding/json +Reader):\n%s", data, diff)
		}
	})
}

// TestReaderKeyStable checks that an escaped key, unescaped into the
// scratch buffer, survives the reading of an escaped value.
func TestReaderKeyStable(t *testing.T) {
	t.Parallel()
	var r Reader
	r.Reset([]byte(`{"k\u00e9y":"v\u00e4lue\n","k\u00e9y2":"x"}`))
	r.BeginObject()
	r.More()
	key := r.Key()
	if v := r.StringValue(); v != "välue\n" || string(key) != "kéy" || string(r.Key()) != "kéy" {
		t.Errorf("key %q, value %q", key, v)
	}
	r.More()
	if string(r.Key()) != "kéy2" || string(key) != "kéy" {
		t.Errorf("keys %q, %q", key, r.Key())
	}
	r.Skip()
	if r.More() {
		t.Error("More() at the end = true")
	}
	r.End()
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
}

// TestReaderStrings checks Strings against encoding/json, and that a
// malformed list costs no allocation in proportion to its length.
func TestReaderStrings(t *testing.T) {
	for _, doc := range []string{`null`, `[]`, ` [ "a" , "b\n" ] `, `["",null,"x"]`, `["a,b", "c\"]", "\\"]`} {
		var r Reader
		r.Reset([]byte(doc))
		got := r.Strings()
		r.End()
		var want []string
		if err := json.Unmarshal([]byte(doc), &want); err != nil {
			t.Fatal(err)
		}
		if err := r.Err(); err != nil || !cmp.Equal(got, want) || (got == nil) != (want == nil) || cap(got) != len(got) {
			t.Errorf("Strings(%s) = %#v (cap %d), %v; want %#v", doc, got, cap(got), err, want)
		}
	}
	for doc, path := range map[string]string{`[1]`: "[0]", `["a",{}]`: "[1]", `["a",`: "[1]", `[,]`: "[0]", `"a"`: ""} {
		var r Reader
		r.Reset([]byte(doc))
		if got := r.Strings(); got != nil || r.Err() == nil {
			t.Errorf("Strings(%s) = %q, %v", doc, got, r.Err())
			continue
		}
		var e *Error
		if stderrors.As(r.Err(), &e); e.Path != path {
			t.Errorf("Strings(%s): %+v, want path %q", doc, e, path)
		}
	}
	if race.Enabled {
		return
	}
	for _, elem := range []string{"1,", `"",`, `"x",`} {
		doc := []byte("[" + strings.Repeat(elem, 100000))
		var r Reader
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		r.Reset(doc)
		r.Strings()
		runtime.ReadMemStats(&after)
		if r.Err() == nil {
			t.Fatalf("Strings of a malformed list of %q: no error", elem)
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > 4<<10 {
			t.Errorf("Strings of a malformed list of %d bytes of %q allocates %d bytes", len(doc), elem, n)
		}
	}
}

// TestPathKeysEscapedAndBounded: a key in a problem's path shows printable
// ASCII as it is, anything else escaped, and at most maxPathKey bytes of
// the key, cut between runes.
func TestPathKeysEscapedAndBounded(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("k", maxPathKey+10)
	cases := []struct{ key, path string }{
		{"plain key", "plain key"},
		{`a\nb`, `a\nb`},         // the JSON escape of a newline
		{`bell\u0007`, `bell\a`}, // a control character
		{`\u2028x`, `\u2028x`},   // a line separator forges log lines
		{"é", "é"},               // graphic Unicode stays
		{long, strings.Repeat("k", maxPathKey) + "…"},
		{strings.Repeat("k", maxPathKey-1) + "é", strings.Repeat("k", maxPathKey-1) + "…"},
	}
	for _, c := range cases {
		err := readAll(`{"`+c.key+`":true}`, func(r *Reader) {
			if r.BeginObject() {
				for r.More() {
					r.Key()
					r.Fail("test", "refused")
				}
			}
		})
		checkProblem(t, c.key, err, c.path, "test", "refused")
	}
}

// TestReaderRawValue checks where RawValue finds a value's end, by its
// brackets and strings alone, and that a syntax or UTF-8 error of the value
// read on its own names its offset in the whole document.
func TestReaderRawValue(t *testing.T) {
	t.Parallel()
	cases := []struct {
		value, raw string // raw: what RawValue returns of `{"a":` + value
		rule, msg  string // the error of reading raw strictly, rebased
	}{
		{`{"b":"x"}}`, `{"b":"x"}`, "", ""},
		{`{"b":"}\"]"} , "c":1}`, `{"b":"}\"]"}`, "", ""},
		{`{"b":"\\"}}`, `{"b":"\\"}`, "", ""},
		{`[1,[2,{}]]}`, `[1,[2,{}]]`, "", ""},
		{`"s,}"}`, `"s,}"`, "", ""},
		{`12.5e3}`, `12.5e3`, "", ""},
		{`true ,"c":1}`, `true`, "", ""},
		{`{"b":[}}`, `{"b":[}}`, RuleSyntax, "malformed JSON at offset 11: invalid character '}' looking for beginning of value"},
		{`{"b":"x`, `{"b":"x`, RuleSyntax, "malformed JSON at offset 12: unexpected end of input"},
		{"{\"b\":\"\xff\"}}", "{\"b\":\"\xff\"}", RuleUTF8, "invalid UTF-8 at offset 11"},
		{`{"b":"\ud800"}}`, `{"b":"\ud800"}`, RuleUTF8, `lone surrogate \ud800 at offset 11`},
	}
	for _, c := range cases {
		doc := `{"a":` + c.value
		var r Reader
		r.Reset([]byte(doc))
		r.BeginObject()
		r.More()
		raw, offset := r.RawValue()
		if string(raw) != c.raw || offset != len(`{"a":`) {
			t.Errorf("%s: RawValue() = %q, %d; want %q, 5", doc, raw, offset, c.raw)
			continue
		}
		err := readAll(string(raw), func(inner *Reader) { inner.Skip() })
		if c.rule == "" {
			if err != nil {
				t.Errorf("%s: reading %q: %v", doc, raw, err)
			}
			continue
		}
		var ie *Error
		if !stderrors.As(err, &ie) {
			t.Errorf("%s: reading %q: %v, want an *Error", doc, raw, err)
			continue
		}
		r.FailWithin(offset, ie)
		checkProblem(t, doc, r.Err(), JoinPath("a", ie.Path), c.rule, c.msg)
	}
}
