package jsonwire

import (
	"bytes"
	"math/bits"
	"slices"
	"strconv"
)

// Field returns the index in keys (at most 64 keys) of the current
// member's key, in the innermost open object, so that the caller reads the
// member's value; the index is also what tells a repeated key, so a codec
// that lists its keys once, and switches on their indexes, cannot get the
// two out of step. For a key that is none of keys it skips the value,
// checked as [Reader.Skip] checks a value, and returns -1. A key met twice
// in the object, or an unknown key that equals one of keys but for case,
// is a duplicate_key error, and Field then returns -1.
func (r *Reader) Field(keys []string) int {
	f := r.frame(r.depth - 1)
	key := f.key
	// A document whose keys come in the order of keys, as the codecs write
	// them, has its key where the last one met ends.
	i := bits.Len64(f.seen)
	if i >= len(keys) || keys[i] != string(key) {
		i = slices.Index(keys, string(key))
	}
	if i >= 0 {
		if f.seen&(1<<i) != 0 {
			r.Fail(RuleDuplicateKey, "repeats a key of the object")
			return -1
		}
		f.seen |= 1 << i
		return i
	}
	for _, k := range keys {
		if bytes.EqualFold(key, []byte(k)) {
			r.Fail(RuleDuplicateKey, "equals the key "+strconv.Quote(k)+" but for case")
			return -1
		}
	}
	r.recordKey()
	r.skipValue()
	return -1
}

// RawValue returns the bytes of the next value and their offset in the
// input, so that another decoder can read the value on its own;
// [Reader.FailWithin] then reports that decoder's error as r's. It finds
// the value's end by its brackets and strings alone and checks nothing
// else, which is the other decoder's work: every byte is read once
// strictly. null gives nil, as does a Reader that has failed.
func (r *Reader) RawValue() (raw []byte, offset int) {
	r.skipSpace()
	start := r.pos
	if r.err != nil || r.Null() {
		return nil, start
	}
	d, i, depth := r.data, start, 0
scan:
	for i < len(d) {
		c := d[i]
		switch {
		case c == '"':
			i = stringEnd(d, i+1)
		case c == '{' || c == '[':
			depth++
			i++
		case c == '}' || c == ']':
			if depth == 0 {
				break scan // the enclosing container's end, after a scalar
			}
			depth--
			i++
		case depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			break scan
		default:
			i++
		}
		if depth == 0 && (c == '"' || c == '}' || c == ']') {
			break
		}
	}
	r.pos = min(i, len(d))
	return d[start:r.pos], start
}

// Strings reads an array of strings: nil for null, and an empty slice for
// [], as encoding/json reads them; a null element reads as "". It checks
// the whole array before it reads it, so that a malformed array allocates
// nothing, and then makes the slice in one allocation.
func (r *Reader) Strings() []string {
	r.skipSpace()
	start := r.pos
	if !r.BeginArray() {
		return nil
	}
	n := 0
	for r.More() {
		n++
		if r.Peek() == String {
			r.readString(false)
		} else {
			r.Text() // null, or a type error
		}
	}
	if r.err != nil {
		return nil
	}
	r.pos = start
	r.BeginArray()
	ss := make([]string, 0, n)
	for r.More() {
		ss = append(ss, r.StringValue())
	}
	return ss
}

// stringEnd returns the index just past the quote that ends the string
// whose contents start at d[i], or len(d)+1 when none does.
func stringEnd(d []byte, i int) int {
	for {
		j := bytes.IndexByte(d[i:], '"')
		if j < 0 {
			return len(d) + 1
		}
		i += j
		// The quote ends the string unless an odd number of backslashes
		// escapes it; the string's opening quote stops the count.
		k := i
		for d[k-1] == '\\' {
			k--
		}
		if (i-k)%2 == 0 {
			return i + 1
		}
		i++
	}
}
