package jsonwire

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDepth is how deeply arrays and objects may nest, as in encoding/json:
// a document nested deeper is refused as malformed.
const MaxDepth = 10000

// A Kind is the type of the next JSON value, as [Reader.Peek] sees it from
// its first byte.
type Kind uint8

// The kinds of JSON value.
const (
	// Invalid means the next byte cannot start a value, or the input ended.
	Invalid Kind = iota
	Null
	Bool
	Number
	String
	Object
	Array
)

// described returns the kind as an error message names it.
func (k Kind) described() string {
	switch k {
	case Null:
		return "null"
	case Bool:
		return "a boolean"
	case Number:
		return "a number"
	case String:
		return "a string"
	case Object:
		return "an object"
	case Array:
		return "an array"
	default:
		return "not a JSON value"
	}
}

// inlineFrames is how many levels of nesting a Reader tracks without
// allocating.
const inlineFrames = 8

// maxLinearKeys is how many keys of one object a Reader compares one by one
// to find a repeated key; past it, the object's keys go into a set.
const maxLinearKeys = 16

// frame is an open object or array.
type frame struct {
	array    bool
	between  bool                // between two members or elements: no current one
	count    int                 // members or elements begun
	key      []byte              // the current member's key, in an object
	seen     uint64              // the known keys read, by index (see Reader.Field)
	keyStart int                 // where this object's recorded keys start in Reader.keys
	set      map[string]struct{} // this object's recorded keys, once they are many
}

// A Reader walks one JSON document held in a byte slice, value by value,
// without reflection. The codecs of the API's types drive it, listing the
// keys of an object once:
//
//	if r.BeginObject() {
//		for r.More() {
//			switch r.Field(keys[:]) {
//			case city:
//				d.City = r.StringValue()
//			case asn:
//				d.ASN = r.Uint32()
//			}
//		}
//	}
//	r.End()
//	return r.Err()
//
// where keys is [...]string{city: "city", asn: "asn"}.
//
// A Reader is strict, as RFC 8259's interoperability advice and RFC 7493
// ask: it refuses a key repeated in an object at any depth (rule
// duplicate_key), a string that is not valid UTF-8 or that escapes a lone
// surrogate (rule utf8), and, through [Reader.Field], an
// unknown key that equals a known one but for case, which case-insensitive
// decoders would read as that key.
//
// Errors are sticky: the first one is kept, every later read returns a zero
// value, and [Reader.More] returns false, so a codec checks [Reader.Err]
// once, at the end. Every error is an [*Error] naming the JSON path of the
// value being read and a rule: [RuleSyntax] for a malformed document,
// [RuleType] for a value of the wrong JSON type, and whatever a codec gives
// [Reader.Fail] for a value it cannot hold.
//
// A null where a string, number or boolean is read reads as the zero value,
// as encoding/json leaves a field untouched by null; codecs that tell null
// apart call [Reader.Null] first.
//
// The zero Reader reads an empty document; [Reader.Reset] starts another.
type Reader struct {
	data    []byte
	pos     int
	depth   int // open containers, from BeginObject and BeginArray
	frames  [inlineFrames]frame
	more    []frame // frames beyond inlineFrames
	keys    [][]byte
	err     *Error
	scratch []byte // unescaped strings
}

// Reset makes r read data from the start, forgetting any error.
func (r *Reader) Reset(data []byte) {
	r.data = data
	r.pos = 0
	r.depth = 0
	r.more = r.more[:0]
	clear(r.keys)
	r.keys = r.keys[:0]
	r.err = nil
}

// Err returns the first error r met, or nil. A non-nil error is an
// [*Error].
func (r *Reader) Err() error {
	if r.err == nil {
		return nil
	}
	return r.err
}

// Failed reports whether r has met an error.
func (r *Reader) Failed() bool { return r.err != nil }

// frame returns the i-th open container.
func (r *Reader) frame(i int) *frame {
	if i < inlineFrames {
		return &r.frames[i]
	}
	return &r.more[i-inlineFrames]
}

// push opens a container.
func (r *Reader) push(array bool) bool {
	if r.depth >= MaxDepth {
		r.syntaxError("exceeded max depth")
		return false
	}
	f := frame{array: array, keyStart: len(r.keys)}
	if r.depth < inlineFrames {
		r.frames[r.depth] = f
	} else {
		r.more = append(r.more[:r.depth-inlineFrames], f)
	}
	r.depth++
	return true
}

// pop closes the innermost container.
func (r *Reader) pop() {
	f := r.frame(r.depth - 1)
	clear(r.keys[f.keyStart:])
	r.keys = r.keys[:f.keyStart]
	f.set = nil
	f.key = nil
	r.depth--
}

// Path returns the JSON path of the value being read, such as
// "summary.first_seen.lat_long[1]"; "" at the top level. A path longer
// than [MaxPath] bytes, as a deeply nested document makes, keeps its start
// and its end with "…" between.
func (r *Reader) Path() string {
	var b strings.Builder
	for i := 0; i < r.depth; i++ {
		f := r.frame(i)
		if f.count == 0 || f.between {
			break
		}
		if f.array {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(f.count - 1))
			b.WriteByte(']')
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		writeKey(&b, f.key)
	}
	return boundPath(b.String())
}

// MaxPath bounds the length of the path of an [Error], in bytes, so that a
// deeply nested document cannot make an error's message large.
const MaxPath = 512

// boundPath returns path, or, when it is longer than MaxPath, its start and
// its end with "…" between, cut between runes.
func boundPath(path string) string {
	if len(path) <= MaxPath {
		return path
	}
	const keep = (MaxPath - len("…")) / 2
	head, tail := keep, len(path)-keep
	for head > 0 && !utf8.RuneStart(path[head]) {
		head--
	}
	for tail < len(path) && !utf8.RuneStart(path[tail]) {
		tail++
	}
	return path[:head] + "…" + path[tail:]
}

// maxPathKey bounds how much of one key a path shows.
const maxPathKey = 64

// writeKey writes a key into a path, shortened to maxPathKey bytes (marked
// with "…") and, when it holds anything but printable ASCII, escaped as
// strconv.QuoteToGraphic escapes, so that a hostile key can neither make a
// path large nor forge log lines.
func writeKey(b *strings.Builder, key []byte) {
	plain := len(key) <= maxPathKey
	for i := 0; plain && i < len(key); i++ {
		plain = ' ' <= key[i] && key[i] < 0x7f
	}
	if plain {
		b.Write(key)
		return
	}
	cut := len(key) > maxPathKey
	if cut {
		i := maxPathKey
		for i > 0 && !utf8.RuneStart(key[i]) {
			i-- // cut before a rune, not inside it
		}
		key = key[:i]
	}
	q := strconv.QuoteToGraphic(string(key))
	b.WriteString(q[1 : len(q)-1])
	if cut {
		b.WriteString("…")
	}
}

// Fail records an error about the value being read: an [*Error] at the
// current path and offset with the given rule and message. It does nothing
// when r has already failed.
func (r *Reader) Fail(rule, message string) {
	r.FailAt("", rule, message)
}

// FailAt is like [Reader.Fail] for the value at rel, a path relative to the
// current one: a member missing from the object just read, say.
func (r *Reader) FailAt(rel, rule, message string) {
	if r.err != nil {
		return
	}
	r.err = &Error{Offset: r.pos, Path: boundPath(JoinPath(r.Path(), rel)), Rule: rule, Message: message}
}

// FailWithin records err, an error met reading a value on its own that r
// read with [Reader.RawValue] at offset, as an error of r: its path is
// joined to the path of that value and its offset moved by offset. It does
// nothing when r has already failed.
func (r *Reader) FailWithin(offset int, err *Error) {
	if r.err != nil {
		return
	}
	e := *err
	e.Offset += offset
	e.Path = boundPath(JoinPath(r.Path(), err.Path))
	if e.before != "" {
		e.Message = e.before + strconv.Itoa(e.Offset) + e.after
	}
	r.err = &e
}

// JoinPath returns the JSON path of rel within the value at prefix.
func JoinPath(prefix, rel string) string {
	switch {
	case prefix == "":
		return rel
	case rel == "":
		return prefix
	case rel[0] == '[':
		return prefix + rel
	default:
		return prefix + "." + rel
	}
}

// syntaxError records a malformed document at the current offset.
func (r *Reader) syntaxError(msg string) {
	r.failAtOffset(RuleSyntax, "malformed JSON at offset ", ": "+msg)
}

// failAtOffset records an error whose message names the offset at which r
// stopped, between before and after, so that [Reader.FailWithin] can name
// it again as an offset in the enclosing document.
func (r *Reader) failAtOffset(rule, before, after string) {
	if r.err != nil {
		return
	}
	r.Fail(rule, before+strconv.Itoa(r.pos)+after)
	r.err.before, r.err.after = before, after
}

// unexpected records a syntax error about the byte at the current offset, or
// the end of input, met while looking for what.
func (r *Reader) unexpected(what string) {
	if r.pos >= len(r.data) {
		r.syntaxError("unexpected end of input")
		return
	}
	r.syntaxError("invalid character " + quoteChar(r.data[r.pos]) + " " + what)
}

// quoteChar formats c as encoding/json's syntax errors do.
func quoteChar(c byte) string {
	switch c {
	case '\'':
		return `'\''`
	case '"':
		return `'"'`
	}
	s := strconv.Quote(string(rune(c)))
	return "'" + s[1:len(s)-1] + "'"
}

// skipSpace advances past JSON whitespace.
func (r *Reader) skipSpace() {
	for r.pos < len(r.data) {
		switch r.data[r.pos] {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return
		}
	}
}

// Peek returns the kind of the next value without reading it; Invalid once r
// has failed.
func (r *Reader) Peek() Kind {
	if r.err != nil {
		return Invalid
	}
	r.skipSpace()
	if r.pos >= len(r.data) {
		return Invalid
	}
	switch c := r.data[r.pos]; c {
	case '{':
		return Object
	case '[':
		return Array
	case '"':
		return String
	case 't', 'f':
		return Bool
	case 'n':
		return Null
	default:
		if c == '-' || '0' <= c && c <= '9' {
			return Number
		}
		return Invalid
	}
}

// typeError records that the next value is not of the wanted type, or a
// syntax error when it is no value at all.
func (r *Reader) typeError(want Kind) {
	k := r.Peek()
	if k == Invalid {
		r.unexpected("looking for beginning of value")
		return
	}
	r.Fail(RuleType, "must be "+want.described()+", not "+k.described())
}

// literal reads the literal word, which the next byte begins.
func (r *Reader) literal(word string) bool {
	for i := 0; i < len(word); i++ {
		if r.pos >= len(r.data) || r.data[r.pos] != word[i] {
			r.unexpected("in literal " + word + " (expecting " + quoteChar(word[i]) + ")")
			return false
		}
		r.pos++
	}
	return true
}

// Null reads a null and reports true when the next value is null; otherwise
// it reads nothing and reports false.
func (r *Reader) Null() bool {
	if r.Peek() != Null {
		return false
	}
	return r.literal("null")
}

// BeginObject reads the '{' that opens an object and reports true; the
// caller then reads the members with [Reader.More]. For null it reads the
// null and reports false; for any other value it records a type error and
// reports false.
func (r *Reader) BeginObject() bool {
	switch r.Peek() {
	case Object:
		r.pos++
		return r.push(false)
	case Null:
		r.literal("null")
	default:
		r.typeError(Object)
	}
	return false
}

// BeginArray reads the '[' that opens an array and reports true; the caller
// then reads the elements with [Reader.More]. For null it reads the null and
// reports false; for any other value it records a type error and reports
// false.
func (r *Reader) BeginArray() bool {
	switch r.Peek() {
	case Array:
		r.pos++
		return r.push(true)
	case Null:
		r.literal("null")
	default:
		r.typeError(Array)
	}
	return false
}

// More advances to the next member of the innermost open object, or the
// next element of the innermost open array, and reports true; the caller
// must then read the value (or skip it). At the closing '}' or ']' it
// closes the container and reports false, as it does once r has failed. In
// an object, [Reader.Key] returns the member's key.
func (r *Reader) More() bool {
	if r.err != nil || r.depth == 0 {
		return false
	}
	f := r.frame(r.depth - 1)
	closer, after := byte('}'), "after object key:value pair"
	if f.array {
		closer, after = ']', "after array element"
	}
	f.between = true
	r.skipSpace()
	if r.pos < len(r.data) && r.data[r.pos] == closer {
		r.pos++
		r.pop()
		return false
	}
	if f.count > 0 {
		if r.pos >= len(r.data) || r.data[r.pos] != ',' {
			r.unexpected(after)
			return false
		}
		r.pos++
		r.skipSpace()
	}
	f.count++
	if f.array {
		f.between = false
		return true
	}
	if r.pos >= len(r.data) || r.data[r.pos] != '"' {
		r.unexpected("looking for beginning of object key string")
		return false
	}
	key, escaped := r.readString(true)
	if r.err != nil {
		return false
	}
	if escaped {
		// The scratch buffer is reused by the next string: keep a copy.
		key = append([]byte(nil), key...)
	}
	f.key = key
	f.between = false
	r.skipSpace()
	if r.pos >= len(r.data) || r.data[r.pos] != ':' {
		r.unexpected("after object key")
		return false
	}
	r.pos++
	return true
}

// Key returns the key of the current member of the innermost open object.
// The slice is valid until r reads on.
func (r *Reader) Key() []byte {
	if r.depth == 0 {
		return nil
	}
	return r.frame(r.depth - 1).key
}

// recordKey records the current member's key in the innermost open object,
// failing with duplicate_key when it was recorded before.
func (r *Reader) recordKey() {
	f := r.frame(r.depth - 1)
	key := f.key
	if f.set != nil {
		if _, dup := f.set[string(key)]; dup {
			r.Fail(RuleDuplicateKey, "repeats a key of the object")
			return
		}
		f.set[string(key)] = struct{}{}
		return
	}
	recorded := r.keys[f.keyStart:]
	for _, k := range recorded {
		if bytes.Equal(k, key) {
			r.Fail(RuleDuplicateKey, "repeats a key of the object")
			return
		}
	}
	if len(recorded) < maxLinearKeys {
		r.keys = append(r.keys, key)
		return
	}
	f.set = make(map[string]struct{}, 2*maxLinearKeys)
	for _, k := range recorded {
		f.set[string(k)] = struct{}{}
	}
	f.set[string(key)] = struct{}{}
}

// Text reads a string and returns its unescaped bytes, which are valid until
// r reads on. For null it returns nil; for any other value it records a type
// error and returns nil.
func (r *Reader) Text() []byte {
	switch r.Peek() {
	case String:
		s, _ := r.readString(true)
		return s
	case Null:
		r.literal("null")
	default:
		r.typeError(String)
	}
	return nil
}

// StringValue reads a string and returns it; "" for null, and "" with a type
// error recorded for any other value.
func (r *Reader) StringValue() string {
	return string(r.Text())
}

// NumberText reads a number and returns its text, such as "-1.5e3", which is
// valid until r reads on. For null it returns nil; for any other value it
// records a type error and returns nil.
func (r *Reader) NumberText() []byte {
	switch r.Peek() {
	case Number:
		return r.readNumber()
	case Null:
		r.literal("null")
	default:
		r.typeError(Number)
	}
	return nil
}

// Float64 reads a number as the nearest float64; 0 for null. A number beyond
// the float64 range records an error with rule [RuleRange].
func (r *Reader) Float64() float64 {
	text := r.NumberText()
	if len(text) == 0 {
		return 0
	}
	f, err := strconv.ParseFloat(string(text), 64)
	if err != nil {
		// The grammar was checked, so only the range can be wrong.
		r.Fail(RuleRange, "number "+abbreviate(text)+" is out of the float64 range")
		return 0
	}
	return f
}

// abbreviate returns at most the first 32 bytes of text, for messages.
func abbreviate(text []byte) string {
	const max = 32
	if len(text) > max {
		return string(text[:max]) + "…"
	}
	return string(text)
}

// BoolValue reads true or false; false for null, and false with a type error
// recorded for any other value.
func (r *Reader) BoolValue() bool {
	switch r.Peek() {
	case Bool:
		if r.data[r.pos] == 't' {
			return r.literal("true")
		}
		r.literal("false")
	case Null:
		r.literal("null")
	default:
		r.typeError(Bool)
	}
	return false
}

// Skip reads the next value, whatever it is, checking that it is well
// formed and as strict as the rest of the document.
func (r *Reader) Skip() {
	r.skipValue()
}

// End checks that nothing but whitespace follows the value read.
func (r *Reader) End() {
	if r.err != nil {
		return
	}
	r.skipSpace()
	if r.pos < len(r.data) {
		r.unexpected("after top-level value")
	}
}

// skipValue skips the next value.
func (r *Reader) skipValue() {
	switch r.Peek() {
	case Object:
		r.pos++
		if !r.push(false) {
			return
		}
		for r.More() {
			if r.recordKey(); r.err != nil {
				return
			}
			r.skipValue()
		}
	case Array:
		r.pos++
		if !r.push(true) {
			return
		}
		for r.More() {
			r.skipValue()
		}
	case String:
		r.readString(false)
	case Number:
		r.readNumber()
	case Bool:
		if r.data[r.pos] == 't' {
			r.literal("true")
		} else {
			r.literal("false")
		}
	case Null:
		r.literal("null")
	default:
		if r.err == nil {
			r.unexpected("looking for beginning of value")
		}
	}
}

// readNumber reads a number at r.pos, checking the JSON grammar, and returns
// its text.
func (r *Reader) readNumber() []byte {
	d := r.data
	start := r.pos
	i := r.pos
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && '1' <= d[i] && d[i] <= '9':
		i++
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
	default:
		r.pos = i
		r.unexpected("in numeric literal")
		return nil
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			r.pos = i
			r.unexpected("after decimal point in numeric literal")
			return nil
		}
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			r.pos = i
			r.unexpected("in exponent of numeric literal")
			return nil
		}
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
	}
	r.pos = i
	return d[start:i]
}

// invalidUTF8 records a string that is not valid UTF-8 at the current
// offset.
func (r *Reader) invalidUTF8() {
	r.failAtOffset(RuleUTF8, "invalid UTF-8 at offset ", "")
}

// readString reads the string at r.pos, checking it: it refuses control
// characters, malformed escapes, invalid UTF-8 and escaped lone surrogates.
// With unescape, it returns the string's unescaped bytes, which alias the
// input when the string holds no escape, and otherwise r.scratch (escaped
// is then true); without, it only skips the string, copying nothing, and
// returns nil.
func (r *Reader) readString(unescape bool) (s []byte, escaped bool) {
	d := r.data
	start := r.pos + 1
	b := r.scratch[:0]
	copied := start // d[start:copied] is in b, unescaped
	for i := start; i < len(d); {
		switch c := d[i]; {
		case c == '"':
			r.pos = i + 1
			switch {
			case !escaped:
				return d[start:i], false
			case !unescape:
				return nil, true
			}
			b = append(b, d[copied:i]...)
			r.scratch = b
			return b, true
		case c == '\\':
			r.pos = i
			rn, n := r.escape(d[i:])
			if n == 0 {
				return nil, false
			}
			if unescape {
				b = append(b, d[copied:i]...)
				b = utf8.AppendRune(b, rn)
			}
			escaped = true
			i += n
			copied = i
		case c < ' ':
			r.pos = i
			r.unexpected("in string literal")
			return nil, false
		case c < utf8.RuneSelf:
			i++
		default:
			rn, size := utf8.DecodeRune(d[i:])
			if rn == utf8.RuneError && size == 1 {
				r.pos = i
				r.invalidUTF8()
				return nil, false
			}
			i += size
		}
	}
	r.pos = len(d)
	r.unexpected("in string literal")
	return nil, false
}

// escape decodes the escape sequence at the start of s, which begins with a
// backslash, and returns the rune and the number of bytes it takes; a \u
// escape of a surrogate pair takes 12 bytes. On a malformed escape, or one
// of a lone surrogate, it records an error and returns n == 0.
func (r *Reader) escape(s []byte) (rn rune, n int) {
	if len(s) < 2 {
		r.pos += len(s)
		r.unexpected("in string escape code")
		return 0, 0
	}
	switch s[1] {
	case '"', '\\', '/':
		return rune(s[1]), 2
	case 'b':
		return '\b', 2
	case 'f':
		return '\f', 2
	case 'n':
		return '\n', 2
	case 'r':
		return '\r', 2
	case 't':
		return '\t', 2
	case 'u':
		rn, ok := r.hex4(s[2:])
		if !ok {
			return 0, 0
		}
		if !utf16.IsSurrogate(rn) {
			return rn, 6
		}
		// A surrogate must be the first of a valid pair.
		if len(s) >= 12 && s[6] == '\\' && s[7] == 'u' {
			if rn2, ok := parseHex4(s[8:12]); ok {
				if dec := utf16.DecodeRune(rn, rn2); dec != utf8.RuneError {
					return dec, 12
				}
			}
		}
		r.failAtOffset(RuleUTF8, "lone surrogate "+string(s[:6])+" at offset ", "")
		return 0, 0
	default:
		r.pos++
		r.unexpected("in string escape code")
		return 0, 0
	}
}

// hex4 decodes the four hex digits of a \u escape, which start s, recording a
// syntax error at the offending byte when they are not.
func (r *Reader) hex4(s []byte) (rune, bool) {
	for i := 0; i < 4; i++ {
		if i >= len(s) || !isHex(s[i]) {
			r.pos += 2 + i
			r.unexpected(`in \u hexadecimal character escape`)
			return 0, false
		}
	}
	return parseHex4(s)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// parseHex4 decodes four hex digits, the first four bytes of s.
func parseHex4(s []byte) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var rn rune
	for _, c := range s[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		rn = rn<<4 | rune(c)
	}
	return rn, true
}
