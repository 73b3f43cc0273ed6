package jsonwire

import (
	"bytes"
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
	for i, k := range keys {
		if len(k) == len(key) && len(k) > 0 && k[0] == key[0] && k == string(key) {
			if f.seen&(1<<i) != 0 {
				r.Fail(RuleDuplicateKey, "repeats a key of the object")
				return -1
			}
			f.seen |= 1 << i
			return i
		}
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

// RawValue reads the next value, checking it as [Reader.Skip] does, and
// returns its bytes in the input and their offset, so that another decoder
// can read the value on its own; [Reader.FailWithin] then reports that
// decoder's error as r's. It returns nil once r has failed.
func (r *Reader) RawValue() (raw []byte, offset int) {
	r.skipSpace()
	start := r.pos
	r.skipValue()
	if r.err != nil {
		return nil, start
	}
	return r.data[start:r.pos], start
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
