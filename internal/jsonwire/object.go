package jsonwire

import (
	"bytes"
	"strconv"
)

// A Field is a known member of the JSON objects that hold a T: its key, and
// how to read its value into a T. A codec lists its type's fields once, in a
// slice, and [ReadObject] finds each member's field in it; the field's place in
// the slice is what tells a repeated key, so the list and the decoding
// cannot go out of step.
type Field[T any] struct {
	Key  string
	Read func(r *Reader, v *T)
}

// ReadObject reads an object into v: each member whose key is the key of one
// of fields (at most 64) is read by that field's Read, and any other member
// is skipped, checked as [Reader.Skip] checks a value. A key met twice in
// the object, or an unknown key that equals the key of a field but for
// case, is a duplicate_key error. It returns the set
// of the fields read, bit i for fields[i], and ok true when there was an
// object; for null it reads the null and returns ok false, and for any
// other value it records a type error and returns ok false.
func ReadObject[T any](r *Reader, fields []Field[T], v *T) (seen uint64, ok bool) {
	if !r.BeginObject() {
		return 0, false
	}
	for r.More() {
		i := fieldIndex(fields, r.Key())
		if i < 0 {
			skipUnknownField(r, fields)
			continue
		}
		if seen&(1<<i) != 0 {
			r.Fail(RuleDuplicateKey, "repeats a key of the object")
			break
		}
		seen |= 1 << i
		fields[i].Read(r, v)
	}
	return seen, true
}

// fieldIndex returns the index of the field whose key is key, or -1.
func fieldIndex[T any](fields []Field[T], key []byte) int {
	for i := range fields {
		k := fields[i].Key
		if len(k) == len(key) && len(k) > 0 && k[0] == key[0] && k == string(key) {
			return i
		}
	}
	return -1
}

// skipUnknownField skips the value of the current member, whose key is none
// of the keys of fields, recording a duplicate_key error when the key
// repeats an unknown key met before in the object, or equals one of the
// keys of fields but for case.
func skipUnknownField[T any](r *Reader, fields []Field[T]) {
	key := r.Key()
	for i := range fields {
		if k := fields[i].Key; bytes.EqualFold(key, []byte(k)) {
			r.foldedKey(k)
			return
		}
	}
	r.recordKey()
	r.skipValue()
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

// foldedKey records that the current key equals the known key k but for
// case.
func (r *Reader) foldedKey(k string) {
	r.Fail(RuleDuplicateKey, "equals the key "+strconv.Quote(k)+" but for case")
}
