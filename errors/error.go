// Package errors defines the Authflow API's errors: a [Code] for each kind of
// failure, and [Error], which carries a code and a human-readable message and
// whose JSON form is the API's error envelope:
//
//	{"status":"error","code":"not_found","message":"not found"}
//
// The package is named after what it holds. Import it under another name
// beside the standard library's errors package:
//
//	import apierrors "github.com/authflow-dev/authflow-go/errors"
//
// Test for a kind of API error with the standard library's errors.Is and the
// sentinels of this package: errors.Is(err, apierrors.ErrNotFound) holds for
// any [*Error] in err's chain whose code is not_found, whatever its message.
// errors.As gives the [*Error] itself, with its code, its message, the HTTP
// status it arrived with and, for refused values, its [Problem]s.
//
// An Error's message is sent to clients: it must never hold internal detail
// (stack traces, SQL, host names). Keep such detail in the cause given to
// [Wrap], which is reachable with errors.Unwrap and never serialised.
package errors

import "strings"

// An Error is an API error: a [Code], a human-readable message, and, when it
// reports refused values, the individual [Problem]s.
//
// Its JSON form is the error envelope {"status":"error","code":…,"message":…};
// only the code and the message are on the wire.
type Error struct {
	// Code classifies the error. [Code.HTTPStatus] gives the status a server
	// answers with.
	Code Code
	// Message says what went wrong, for people. It is sent to clients: it
	// must not hold internal detail.
	Message string
	// StatusCode is the HTTP status of the response that carried the error,
	// when it was decoded from one, and 0 otherwise. It is not serialised; a
	// server answers with Code.HTTPStatus().
	StatusCode int
	// Problems lists the reasons a value was refused, one per offending
	// field, when the error comes from decoding or validation (codes
	// InvalidValue, RequiredValue, UnexpectedRefType, BadRequest). Its
	// entries are summarised in Message; they are not serialised.
	Problems []Problem
	// cause is the underlying error, for Go callers and logs only.
	cause error
}

// New returns an error with the given code and message.
func New(code Code, message string) *Error {
	return &Error{Code: code, Message: message}
}

// Wrap returns an error with the given code and message whose cause is
// cause: errors.Unwrap, errors.Is and errors.As reach it, and it is never
// serialised, so it may hold detail that must not reach clients.
func Wrap(code Code, message string, cause error) *Error {
	return &Error{Code: code, Message: message, cause: cause}
}

// Invalid returns an error that reports problems with a value. Its code is
// [RequiredValue] when every problem is a missing value ([Problem.Missing])
// and [InvalidValue] otherwise; its message lists the problems in the order
// given, each as [Problem.String], separated by "; ". With no problems it
// returns an InvalidValue error with the message "invalid value".
func Invalid(problems ...Problem) *Error {
	if len(problems) == 0 {
		return New(InvalidValue, "invalid value")
	}
	code := RequiredValue
	n := len(problems) * 2
	for _, p := range problems {
		if !p.Missing() {
			code = InvalidValue
		}
		n += len(p.Path) + len(p.Message) + 2
	}
	var b strings.Builder
	b.Grow(n)
	for i, p := range problems {
		if i > 0 {
			b.WriteString("; ")
		}
		p.write(&b)
	}
	return &Error{Code: code, Message: b.String(), Problems: append([]Problem(nil), problems...)}
}

// Error returns "code: message", or only the code when the message is empty.
func (e *Error) Error() string {
	if e.Message == "" {
		return string(e.Code)
	}
	return string(e.Code) + ": " + e.Message
}

// Unwrap returns the cause given to [Wrap], or nil.
func (e *Error) Unwrap() error { return e.cause }

// Is reports whether target is an [*Error] with the same code as e, so that
// errors.Is(err, ErrNotFound) holds for every not_found error whatever its
// message.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t != nil && t.Code == e.Code
}

// The sentinel errors, one per code, for errors.Is: errors.Is(err,
// ErrNotFound) holds for any [*Error] with code not_found. Code may also
// return them as they are (a store answering "no such authflow" returns
// ErrNotFound); their messages are generic and safe to send to clients.
//
// They are shared values: never modify one (set a field, append to its
// Problems). To send another message, make a new error with [New].
var (
	// ErrBadRequest is a [BadRequest] error.
	ErrBadRequest = New(BadRequest, "malformed request")
	// ErrInvalidValue is an [InvalidValue] error.
	ErrInvalidValue = New(InvalidValue, "invalid value")
	// ErrRequiredValue is a [RequiredValue] error.
	ErrRequiredValue = New(RequiredValue, "required value missing")
	// ErrUnexpectedRefType is an [UnexpectedRefType] error.
	ErrUnexpectedRefType = New(UnexpectedRefType, "reference to a resource of an unexpected type")
	// ErrBadAuthToken is a [BadAuthToken] error.
	ErrBadAuthToken = New(BadAuthToken, "invalid credentials")
	// ErrNotAuthenticated is a [NotAuthenticated] error.
	ErrNotAuthenticated = New(NotAuthenticated, "authentication required")
	// ErrNotPermitted is a [NotPermitted] error.
	ErrNotPermitted = New(NotPermitted, "not permitted")
	// ErrNotFound is a [NotFound] error.
	ErrNotFound = New(NotFound, "not found")
	// ErrInvalidAction is an [InvalidAction] error.
	ErrInvalidAction = New(InvalidAction, "action not allowed in the current state")
	// ErrUnexpected is an [Unexpected] error.
	ErrUnexpected = New(Unexpected, "internal error")
	// ErrUnknown is an [Unknown] error.
	ErrUnknown = New(Unknown, "unknown error")
	// ErrNotImplemented is a [NotImplemented] error.
	ErrNotImplemented = New(NotImplemented, "not implemented")
)
