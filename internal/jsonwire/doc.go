// Package jsonwire reads and writes JSON over byte slices for the
// hand-written codecs of the API's types, which are what make decoding and
// encoding fast: no reflection, no intermediate values.
//
// A [Reader] walks a document value by value, checks the JSON grammar as it
// goes (as strictly as encoding/json: the same escapes, the same nesting
// limit), unescapes strings exactly as encoding/json does, and reports every
// failure as an [*Error] that gives the byte offset, the JSON path of the
// offending value and the rule it broke. The package knows nothing of the
// API's error model: its callers turn an [*Error] into theirs.
// [AppendString] and [AppendFloat] write exactly the bytes encoding/json
// writes for a Go string and a float64.
package jsonwire
