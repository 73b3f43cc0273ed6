package jsonwire

import "strconv"

// An Error is what a [Reader] reports when it cannot read a document: where
// (the byte offset and the JSON path of the value being read), which rule
// the document broke, and how. It knows nothing of the API's error model:
// the codecs that drive a Reader turn it into theirs.
type Error struct {
	// Offset is the byte offset in the input at which the reader stopped.
	Offset int
	// Path is the JSON path of the value being read, such as
	// "summary.first_seen.lat_long[1]"; "" for the document as a whole. It
	// is at most [MaxPath] bytes long.
	Path string
	// Rule names what was wrong: one of the Rule constants, or a rule a
	// codec gave [Reader.Fail].
	Rule string
	// Message says what was wrong, without the path, such as "must be a
	// string, not a number".
	Message string

	// When Message names Offset, what stands before and after it, so that
	// Reader.FailWithin can name the offset in an enclosing document.
	before, after string
}

// The rules a Reader reports. Their words are those of the API's problem
// rules.
const (
	// RuleSyntax: the document is not JSON, or nests more deeply than
	// [MaxDepth].
	RuleSyntax = "syntax"
	// RuleType: a value of the wrong JSON type.
	RuleType = "type"
	// RuleDuplicateKey: a key repeats an earlier key of its object, or an
	// unknown key equals a known one but for case.
	RuleDuplicateKey = "duplicate_key"
	// RuleUTF8: a string that is not valid UTF-8 or escapes a lone
	// surrogate.
	RuleUTF8 = "utf8"
	// RuleRange: a number beyond the range of a float64.
	RuleRange = "range"
	// RuleUint32: a number that is not an integer from 0 to 4294967295.
	RuleUint32 = "uint32"
	// RuleUnixTime: a number of Unix seconds 10^18 or more from 1970.
	RuleUnixTime = "unix_time"
	// RuleLatLong: a position that is not an array of exactly two numbers.
	RuleLatLong = "lat_long"
	// RuleIP: a string that is not an IPv4 or IPv6 address.
	RuleIP = "ip"
)

// Error returns "jsonwire: path: message (rule rule, offset n)", without
// the path when it is empty.
func (e *Error) Error() string {
	s := "jsonwire: "
	if e.Path != "" {
		s += e.Path + ": "
	}
	return s + e.Message + " (rule " + e.Rule + ", offset " + strconv.Itoa(e.Offset) + ")"
}
