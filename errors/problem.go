package errors

import "strings"

// RuleRequired is the [Problem.Rule] of a missing value: a required value
// that is absent, null, empty or zero.
const RuleRequired = "required"

// A Problem is one reason a value was refused: where the offending value is,
// which rule it broke, and what is wrong, in words.
type Problem struct {
	// Path locates the offending value as a JSON path relative to the value
	// that was decoded or validated: object keys joined by dots, array
	// positions in brackets, such as "first_seen.country_code" or
	// "factor_names[1]". It is empty when the problem is with that value as
	// a whole.
	Path string
	// Rule names the rule the value broke: [RuleRequired] for a missing
	// value, otherwise a name such as "country_code", "timezone" or "type"
	// (a JSON value of the wrong type). The packages that decode and validate
	// document the rules they check.
	Rule string
	// Message says what is wrong, without the path, such as
	// "must match ^[A-Z]{2}$".
	Message string
}

// Missing reports whether the problem is a missing value, one whose Rule is
// [RuleRequired].
func (p Problem) Missing() bool { return p.Rule == RuleRequired }

// String returns "path: message", or only the message when the path is
// empty.
func (p Problem) String() string {
	var b strings.Builder
	p.write(&b)
	return b.String()
}

func (p Problem) write(b *strings.Builder) {
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
}
