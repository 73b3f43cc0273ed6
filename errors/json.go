package errors

import (
	"encoding/json"
	stderrors "errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/authflow-dev/authflow-go/internal/jsonwire"
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
// message; nothing else of the error is written.
func (e *Error) MarshalJSON() ([]byte, error) {
	return e.AppendJSON(nil), nil
}

// AppendJSON appends the error envelope that [Error.MarshalJSON] writes to b
// and returns the extended buffer.
func (e *Error) AppendJSON(b []byte) []byte {
	out, err := json.Marshal(envelope{Status: statusError, Code: e.code, Message: e.message})
	if err != nil {
		// Three strings always encode.
		panic("errors: encoding the error envelope: " + err.Error())
	}
	return append(b, out...)
}

// UnmarshalJSON implements [json.Unmarshaler]. It reads an error envelope
// as strictly as this module reads a success body: "status" must be
// "error" and "code" a non-empty string, kept as it is even when it is not
// one of this package's codes; "message" may be absent or null. Unknown
// members are ignored, but a key repeated at any depth, a key that equals
// "status", "code" or "message" but for case, and a string that is not
// valid UTF-8 or escapes a lone surrogate are refused. It decodes only into
// a zero Error, such as a new variable: an Error once made never changes,
// so it fails for one that has a code. On failure *e is unchanged and the
// error is an [*Error] whose [Problem] names the offending member.
func (e *Error) UnmarshalJSON(data []byte) error {
	if e.code != "" {
		return stderrors.New("errors: UnmarshalJSON into an Error that was already made; decode into a new one")
	}
	var r jsonwire.Reader
	r.Reset(data)
	var w envelope
	if r.BeginObject() {
		for r.More() {
			switch r.Field(envelopeKeys[:]) {
			case statusKey:
				w.Status = r.StringValue()
			case codeKey:
				w.Code = Code(r.StringValue())
			case messageKey:
				w.Message = r.StringValue()
			}
		}
	}
	r.End()
	if err := r.Err(); err != nil {
		return FromDecode(err)
	}
	switch {
	case w.Status == "":
		return Invalid(Problem{Path: "status", Rule: RuleRequired, Message: `is required: must be "error"`})
	case w.Status != statusError:
		return Invalid(Problem{Path: "status", Rule: RuleEnvelope, Message: `must be "error"`})
	case w.Code == "":
		return Invalid(Problem{Path: "code", Rule: RuleRequired, Message: "is required"})
	}
	*e = Error{code: w.Code, message: w.Message}
	return nil
}

// The members of the error envelope, by index in envelopeKeys.
const (
	statusKey = iota
	codeKey
	messageKey
)

var envelopeKeys = [...]string{statusKey: "status", codeKey: "code", messageKey: "message"}

// FromDecode returns the error with which this module's decoders report a
// document they refuse, given the error of the JSON reader they share
// (package internal/jsonwire, which knows nothing of this package): an
// [Invalid] error with one [Problem] at the reader's JSON path, of its
// rule, with its message, and the reader's error as its cause
// ([Error.Unwrap]). It returns nil for nil, and any other error as it is.
// Only this module's codecs have a use for it.
func FromDecode(err error) error {
	we, ok := err.(*jsonwire.Error)
	if !ok {
		return err
	}
	e := Invalid(Problem{Path: we.Path, Rule: Rule(we.Rule), Message: we.Message})
	e.cause = we
	return e
}

// maxRequestID bounds the request ID an error keeps.
const maxRequestID = 256

// FromResponse returns the error that an HTTP response with a status other
// than 200 carried: the API's error envelope when body is one, with its code
// and message kept as they are; otherwise (a proxy's HTML error page, an
// empty body) an error with code [Unexpected] whose message names the HTTP
// status. Either way the error keeps the status ([Error.StatusCode]), the
// Retry-After header as a delay ([Error.RetryAfter]; an HTTP date counts
// from now) and the X-Request-Id header ([Error.RequestID]).
func FromResponse(status int, header http.Header, body []byte) *Error {
	e := new(Error)
	if err := e.UnmarshalJSON(body); err != nil {
		msg := "HTTP " + strconv.Itoa(status)
		if text := http.StatusText(status); text != "" {
			msg += " " + text
		}
		*e = Error{code: Unexpected, message: msg + ": not an API error envelope", cause: hideAPIErrors(err)}
	}
	e.status = status
	e.retryAfter = parseRetryAfter(header.Get("Retry-After"), time.Now())
	if id := header.Get("X-Request-Id"); id != "" {
		e.requestID = cutUTF8(id, maxRequestID)
	}
	return e
}

// parseRetryAfter reads a Retry-After value, a number of seconds or an HTTP
// date, as a delay from now; 0 when it is absent, malformed or past.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseUint(v, 10, 32); err == nil {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
