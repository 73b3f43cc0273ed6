package authflow

import (
	"strconv"

	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/internal/jsonwire"
)

// The JSON methods of the leaf types. Authflow and FetchResponse have none:
// their JSON comes from their struct tags.

// MarshalJSON implements [encoding/json.Marshaler]: an array of strings,
// [] for nil.
func (names FactorNames) MarshalJSON() ([]byte, error) {
	n := 2
	for _, name := range names {
		n += len(name) + 3
	}
	return jsonwire.AppendStrings(make([]byte, 0, n), names), nil
}

// String returns "authflow".
func (ObjectType) String() string { return Type }

// AppendText implements [encoding.TextAppender]: it appends "authflow".
func (ObjectType) AppendText(b []byte) ([]byte, error) { return append(b, Type...), nil }

// MarshalText implements [encoding.TextMarshaler]: "authflow", which
// encoding/json writes as a JSON string.
func (ObjectType) MarshalText() ([]byte, error) { return []byte(Type), nil }

// UnmarshalText implements [encoding.TextUnmarshaler]: it accepts exactly
// "authflow", and fails for any other text with an [*apierrors.Error] of code
// unexpected_ref_type (rule ref_type).
func (*ObjectType) UnmarshalText(text []byte) error {
	if string(text) == Type {
		return nil
	}
	return apierrors.Invalid(refTypeProblem(text))
}

// refTypeProblem is the problem of a "type" other than "authflow".
func refTypeProblem(text []byte) apierrors.Problem {
	return apierrors.Problem{Rule: apierrors.RuleRefType, Message: `must be "` + Type + `", not ` + quoteShort(text)}
}

// quoteShort quotes at most the first 32 bytes of text, for messages.
func quoteShort(text []byte) string {
	const max = 32
	quoted := strconv.Quote(string(text[:min(len(text), max)]))
	if len(text) > max {
		quoted += "…"
	}
	return quoted
}

// String returns "success".
func (SuccessStatus) String() string { return statusSuccess }

// AppendText implements [encoding.TextAppender]: it appends "success".
func (SuccessStatus) AppendText(b []byte) ([]byte, error) { return append(b, statusSuccess...), nil }

// MarshalText implements [encoding.TextMarshaler]: "success", which
// encoding/json writes as a JSON string.
func (SuccessStatus) MarshalText() ([]byte, error) { return []byte(statusSuccess), nil }

// UnmarshalText implements [encoding.TextUnmarshaler]: it accepts exactly
// "success", and fails for any other text with an [*apierrors.Error] of code
// invalid_value (rule envelope).
func (*SuccessStatus) UnmarshalText(text []byte) error {
	if string(text) == statusSuccess {
		return nil
	}
	return apierrors.Invalid(envelopeProblem(text))
}

// envelopeProblem is the problem of a "status" other than "success".
func envelopeProblem(text []byte) apierrors.Problem {
	return apierrors.Problem{Rule: apierrors.RuleEnvelope, Message: `must be "` + statusSuccess + `", not ` + quoteShort(text)}
}
