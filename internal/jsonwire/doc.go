// Package jsonwire reads and writes JSON over byte slices for the
// hand-written codecs of the API's types, which are what make decoding and
// encoding fast: no reflection, no intermediate values.
//
// A [Reader] walks a document value by value, checks the JSON grammar as it
// goes (as strictly as encoding/json: the same escapes, the same nesting
// limit), unescapes strings exactly as encoding/json does, and reports every
// failure as an [*errors.Error] that names the JSON path of the offending
// value. [AppendString] and [AppendFloat] write exactly the bytes
// encoding/json writes for a Go string and a float64.
//
// [*errors.Error]: https://pkg.go.dev/github.com/authflow-dev/authflow-go/errors#Error
package jsonwire
