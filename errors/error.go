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
// # Testing errors
//
// A [Code] is itself an error, so it is the target of the standard
// library's errors.Is: errors.Is(err, apierrors.NotFound) reports whether
// the outermost API error in err's chain has code not_found. [CodeOf] gives
// that code, and errors.As the [*Error] itself. Only the outermost API error
// counts: an error that wraps another API error (a client refusing a
// server's invalid data, say) hides the inner one's code, so it is never two
// kinds at once.
//
// An Error cannot be changed once made: its fields are reached through
// methods, and [Error.Problems] returns a copy. No value of this package can
// be changed so as to alter what another caller or a server sends.
//
// # Messages reach clients
//
// An Error's message is sent to clients: it must never hold internal detail
// (stack traces, SQL, host names). Keep such detail in the cause given to
// [Wrap], which is reachable with errors.Unwrap and never serialised.
package errors

import (
	stderrors "errors"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/authflow-dev/authflow-go/internal/safetext"
)

// An Error is an API error: a [Code], a human-readable message, and, when it
// reports refused values, each [Problem].
//
// Its JSON form is the error envelope {"status":"error","code":…,"message":…};
// only the code and the message are on the wire. Make one with [New], [Wrap]
// or [Invalid]; a client reads one from a response with [FromResponse].
type Error struct {
	code       Code
	message    string
	problems   []Problem // at most MaxProblems
	omitted    int       // problems beyond those kept
	report     bool      // made by Invalid: a report about values
	status     int       // HTTP status it arrived with; 0 if none
	retryAfter time.Duration
	requestID  string
	attempts   int // requests a client made; 0 if none
	cause      error
}

// New returns an error with the given code and message.
func New(code Code, message string) *Error {
	return &Error{code: code, message: message}
}

// Wrap returns an error with the given code and message whose cause is
// cause: errors.Unwrap, errors.Is and errors.As reach it, and it is never
// serialised, so it may hold detail that must not reach clients. API errors
// in cause's chain are hidden from errors.Is, errors.As and [CodeOf], which
// see only the outermost API error; every other error of the chain stays
// reachable, those that wrap an API error and those an API error wraps.
// When an API error is hidden, errors.Unwrap gives a view of cause, with
// cause's text, rather than cause itself.
func Wrap(code Code, message string, cause error) *Error {
	return &Error{code: code, message: message, cause: hideAPIErrors(cause)}
}

// MaxProblems is the number of problems an [Error] keeps and its message
// lists; [Error.Omitted] counts the rest. It bounds what a hostile value can
// make a report cost.
const MaxProblems = 10

// Invalid returns an error that reports problems with a value. It keeps the
// first [MaxProblems] problems and counts the rest. Its code follows from
// the problems' rules: [BadRequest] if one is [RuleSyntax],
// [UnexpectedRefType] if one is [RuleRefType], [RequiredValue] if every one
// is [RuleRequired], and [InvalidValue] otherwise. Its message lists the
// kept problems in the order given, each as [Problem.String], separated by
// "; ", and ends with "; and N more problems" when some were left out. With
// no problems it returns an InvalidValue error with the message "invalid
// value".
//
// This package's users rarely call Invalid: it is how this module's decoders
// and validation report refused values.
func Invalid(problems ...Problem) *Error {
	return InvalidMore(0, problems...)
}

// InvalidMore is [Invalid] for a report whose maker stopped listing problems:
// more problems were found beyond those given, and are counted with those
// Invalid leaves out ([Error.Omitted]). The code follows from the problems
// given.
func InvalidMore(more int, problems ...Problem) *Error {
	if len(problems) == 0 {
		return &Error{code: InvalidValue, message: "invalid value", omitted: max(more, 0), report: true}
	}
	code := RequiredValue
	for _, p := range problems {
		switch {
		case p.Rule == RuleSyntax:
			code = BadRequest
		case p.Rule == RuleRefType && code != BadRequest:
			code = UnexpectedRefType
		case p.Rule != RuleRequired && code == RequiredValue:
			code = InvalidValue
		}
	}
	kept := problems[:min(len(problems), MaxProblems)]
	omitted := len(problems) - len(kept) + max(more, 0)
	n := len(kept) * 2
	for _, p := range kept {
		n += len(p.Path) + len(p.Message) + 2
	}
	var b strings.Builder
	b.Grow(n + 32)
	for i, p := range kept {
		if i > 0 {
			b.WriteString("; ")
		}
		p.write(&b)
	}
	if omitted > 0 {
		b.WriteString("; and ")
		b.WriteString(strconv.Itoa(omitted))
		b.WriteString(" more problem")
		if omitted > 1 {
			b.WriteByte('s')
		}
	}
	return &Error{
		code:     code,
		message:  b.String(),
		problems: append([]Problem(nil), kept...),
		omitted:  omitted,
		report:   true,
	}
}

// Code returns the error's code.
func (e *Error) Code() Code { return e.code }

// Message returns the error's message, for people, as it was made or
// received: a message that came from a server is returned unchanged here
// ([Error.Error] escapes and shortens it).
func (e *Error) Message() string { return e.message }

// Problems returns a copy of the problems the error reports, at most
// [MaxProblems]; nil when it reports none.
func (e *Error) Problems() []Problem {
	if len(e.problems) == 0 {
		return nil
	}
	return append([]Problem(nil), e.problems...)
}

// Omitted returns the number of problems found beyond those [Error.Problems]
// returns.
func (e *Error) Omitted() int { return e.omitted }

// IsReport reports whether the error was made by [Invalid]: a report of
// refused values, such as this module's decoders and validation make, rather
// than an error its maker chose to send ([New], [Wrap]). A server answers a
// report that comes from its own storage as its own failure.
func (e *Error) IsReport() bool { return e.report }

// StatusCode returns the HTTP status of the response that carried the
// error, when it was read from one with [FromResponse], and 0 otherwise. A
// server answers with [Code.HTTPStatus].
func (e *Error) StatusCode() int { return e.status }

// RetryAfter returns how long the server asked the client to wait before
// trying again (its Retry-After header, as a delay), or 0 when it did not.
func (e *Error) RetryAfter() time.Duration { return e.retryAfter }

// RequestID returns the X-Request-Id header of the response that carried
// the error, or "".
func (e *Error) RequestID() string { return e.requestID }

// Attempts returns the number of requests a client made for the call that
// returned the error, as [Error.WithAttempts] set it: 1 for a call answered
// at once, more after retries, and 0 for an error no client returned or one
// a client returned before it sent anything.
func (e *Error) Attempts() int { return e.attempts }

// WithAttempts returns a copy of e that says n requests were made
// ([Error.Attempts]); e itself is unchanged. It is for clients, such as this
// module's, that retry.
func (e *Error) WithAttempts(n int) *Error {
	c := *e
	c.attempts = max(n, 0)
	return &c
}

// Error returns "code: message", or only the code when the message is
// empty, followed by " (after N attempts)" when [Error.Attempts] is more
// than 1. Control characters and invalid UTF-8 are escaped as in a Go string
// literal, and a message longer than 1 KiB is cut, so that text a server
// sent cannot forge log lines or flood them.
func (e *Error) Error() string {
	s := sanitize(string(e.code))
	if e.message != "" {
		s += ": " + sanitize(e.message)
	}
	if e.attempts > 1 {
		s += " (after " + strconv.Itoa(e.attempts) + " attempts)"
	}
	return s
}

// Unwrap returns the cause given to [Wrap], or nil.
func (e *Error) Unwrap() error { return e.cause }

// Is reports whether target is a [Code] or an [*Error] with e's code, so
// that errors.Is(err, apierrors.NotFound) holds for a not_found error
// whatever its message.
func (e *Error) Is(target error) bool {
	switch t := target.(type) {
	case Code:
		return t == e.code
	case *Error:
		return t != nil && t.code == e.code
	}
	return false
}

func (e *Error) apiCode() Code { return e.code }

// apiError is an API error: an *Error or a Code.
type apiError interface {
	error
	apiCode() Code
}

// CodeOf returns the code of the outermost API error (an [*Error] or a
// [Code]) in err's chain, as errors.As finds it, and [Unknown] when there is
// none, including for nil.
func CodeOf(err error) Code {
	var ae apiError
	if stderrors.As(err, &ae) {
		return ae.apiCode()
	}
	return Unknown
}

// hideAPIErrors returns err, or, when an API error is in err's chain, a view
// of the chain without the API errors, so that only the outermost API error
// counts.
func hideAPIErrors(err error) error {
	if err == nil {
		return nil
	}
	var ae apiError
	if !stderrors.As(err, &ae) {
		return err
	}
	return &hiddenCause{err}
}

// A hiddenCause stands for an error in whose chain API errors are skipped:
// its text is err's, it matches err itself for errors.Is and errors.As
// unless err is an API error, and it unwraps to err's causes with the API
// errors replaced by their own causes.
type hiddenCause struct{ err error }

func (h *hiddenCause) Error() string { return h.err.Error() }

// Is reports whether the error h stands for is target, as errors.Is would
// for that one error without unwrapping it, so that a non-API error whose
// chain holds an API error stays reachable. API errors, as error or target,
// never match.
func (h *hiddenCause) Is(target error) bool {
	if isAPIError(h.err) || isAPIError(target) {
		return false
	}
	if t := reflect.TypeOf(target); t != nil && t.Comparable() && h.err == target {
		return true
	}
	x, ok := h.err.(interface{ Is(error) bool })
	return ok && x.Is(target)
}

// As finds the error h stands for, as errors.As would for that one error
// without unwrapping it; never an API error, nor into an API error's type.
func (h *hiddenCause) As(target any) bool {
	if isAPIError(h.err) {
		return false
	}
	switch target.(type) {
	case **Error, *Code, *apiError:
		return false
	}
	val := reflect.ValueOf(target)
	if val.Kind() != reflect.Pointer || val.IsNil() {
		return false
	}
	if reflect.TypeOf(h.err).AssignableTo(val.Type().Elem()) {
		val.Elem().Set(reflect.ValueOf(h.err))
		return true
	}
	x, ok := h.err.(interface{ As(any) bool })
	return ok && x.As(target)
}

// isAPIError reports whether err is an API error: an *Error or a Code.
func isAPIError(err error) bool {
	_, ok := err.(apiError)
	return ok
}

func (h *hiddenCause) Unwrap() []error {
	var next []error
	switch x := h.err.(type) {
	case *Error:
		next = []error{x.cause} // already hidden by Wrap
	case Code:
		return nil
	case interface{ Unwrap() error }:
		next = []error{x.Unwrap()}
	case interface{ Unwrap() []error }:
		next = x.Unwrap()
	}
	out := make([]error, 0, len(next))
	for _, n := range next {
		if n = hideAPIErrors(n); n != nil {
			out = append(out, n)
		}
	}
	return out
}

// maxErrorText bounds the length of each part of [Error.Error]'s text.
const maxErrorText = 1024

// sanitize escapes and bounds text for Error().
func sanitize(s string) string { return safetext.Bounded(s, maxErrorText) }

// cutUTF8 returns s cut to at most n bytes, at the start of a UTF-8
// sequence, so that a valid character is never split.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for i := n; i > 0 && i > n-utf8.UTFMax; i-- {
		if utf8.RuneStart(s[i]) {
			return s[:i]
		}
	}
	return s[:n] // no character starts near n: the bytes are not UTF-8
}
