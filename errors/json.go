package errors

import (
	"encoding/json"
	stderrors "errors"
)

// envelope is the error envelope's wire form, in the API's key order.
type envelope struct {
	Status  string `json:"status"`
	Code    Code   `json:"code"`
	Message string `json:"message"`
}

// statusError is the value of the envelope's "status" member.
const statusError = "error"

// MarshalJSON implements [json.Marshaler]. It writes the error envelope,
// exactly {"status":"error","code":…,"message":…}, with the error's code and
// message; StatusCode, Problems and the cause are not written.
func (e Error) MarshalJSON() ([]byte, error) {
	return e.AppendJSON(nil), nil
}

// AppendJSON appends the error envelope that [Error.MarshalJSON] writes to b
// and returns the extended buffer.
func (e Error) AppendJSON(b []byte) []byte {
	out, err := json.Marshal(envelope{Status: statusError, Code: e.Code, Message: e.Message})
	if err != nil {
		// Three strings always encode.
		panic("errors: encoding the error envelope: " + err.Error())
	}
	return append(b, out...)
}

// UnmarshalJSON implements [json.Unmarshaler]. It reads an error envelope:
// "status" must be "error" and "code" a non-empty string, kept as it is even
// when it is not one of this package's codes; "message" may be absent.
// Unknown members are ignored. On success it replaces the whole of *e, so
// StatusCode and Problems are zero; on failure *e is unchanged and the error
// is an [*Error] whose [Problem] names the offending member.
func (e *Error) UnmarshalJSON(data []byte) error {
	var w struct {
		Status  *string `json:"status"`
		Code    *string `json:"code"`
		Message *string `json:"message"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		var typeErr *json.UnmarshalTypeError
		if stderrors.As(err, &typeErr) {
			path, msg := typeErr.Field, "must be a string"
			if path == "" {
				msg = "must be an object"
			}
			return problemError(InvalidValue, Problem{Path: path, Rule: "type", Message: msg}, err)
		}
		return problemError(BadRequest, Problem{Rule: "syntax", Message: "malformed JSON: " + err.Error()}, err)
	}
	switch {
	case w.Status == nil || *w.Status == "":
		return Invalid(Problem{Path: "status", Rule: RuleRequired, Message: `is required: must be "error"`})
	case *w.Status != statusError:
		return Invalid(Problem{Path: "status", Rule: "envelope", Message: `must be "error"`})
	case w.Code == nil || *w.Code == "":
		return Invalid(Problem{Path: "code", Rule: RuleRequired, Message: "is required"})
	}
	*e = Error{Code: Code(*w.Code)}
	if w.Message != nil {
		e.Message = *w.Message
	}
	return nil
}

// problemError returns an error with one problem and a cause.
func problemError(code Code, p Problem, cause error) *Error {
	return &Error{Code: code, Message: p.String(), Problems: []Problem{p}, cause: cause}
}
