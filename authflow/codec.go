package authflow

import (
	"errors"

	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/interaction"
	"github.com/authflow-dev/authflow-go/internal/jsonwire"
)

// The fast, strict codec of the success envelope, and the readers of the
// leaf values that Authflow's own codec (in authflow.go) shares with it.

// AppendFetchResponse appends the success envelope of flow,
// {"status":"success","summary":{…}}, to dst and returns the extended
// buffer. The bytes are exactly those json.Marshal writes for
// FetchResponse{Summary: flow}: every key in order, strings escaped as
// encoding/json escapes them, "type":"authflow" included. Into a buffer with
// room it allocates nothing.
//
// It does not validate flow. It fails, returning dst unchanged, for a nil
// flow and for a NaN or infinite latitude or longitude, which JSON cannot
// represent.
func AppendFetchResponse(dst []byte, flow *Authflow) ([]byte, error) {
	start := len(dst)
	b, err := AppendAuthflow(append(dst, envelopeStart...), flow)
	if err != nil {
		return dst[:start], err
	}
	return append(b, envelopeEnd), nil
}

// The success envelope around a summary's bytes.
const (
	envelopeStart = `{"status":"success","summary":`
	envelopeEnd   = '}'
)

// DecodeFetchResponse reads a success envelope, {"status":"success",
// "summary":{…}}, and returns its summary, never nil when the error is nil.
// It reads what json.Unmarshal into a [FetchResponse] reads, and is
// stricter: it fails with an [*errors.Error] whose problem names the JSON
// path ("summary.first_seen.remote_ip") and the rule for
//
//   - malformed JSON (code bad_request, rule syntax);
//   - a key that repeats an earlier key of its object, at any depth, or an
//     unknown key that equals a known one but for case (duplicate_key);
//   - a string that is not valid UTF-8 or escapes a lone surrogate (utf8);
//   - a document that is not an object, or a null or missing "summary" or
//     "status" (type, required);
//   - a "status" other than "success" (envelope);
//   - a "type" other than "authflow" (code unexpected_ref_type, rule
//     ref_type), or a missing or null one (required);
//   - a value that the field cannot hold: of the wrong JSON type (type), an
//     ID that is not canonical (pfid), and the leaf rules of package
//     interaction (uint32, unix_time, lat_long, range, ip).
//
// Unknown keys are ignored and an unknown status is kept. The flow is not
// validated: call [Authflow.Validate] for the API's rules.
func DecodeFetchResponse(data []byte) (*Authflow, error) {
	var r jsonwire.Reader
	r.Reset(data)
	flow := new(Authflow)
	if r.Peek() == jsonwire.Null {
		r.Fail(jsonwire.RuleType, "must be an object, not null")
	} else if r.BeginObject() {
		sawStatus, sawSummary := false, false
		for r.More() {
			switch r.Field(envelopeKeys[:]) {
			case statusKey:
				sawStatus = true
				decodeConst(&r, statusSuccess, envelopeProblem)
			case summaryKey:
				sawSummary = true
				decodeAuthflow(&r, flow)
			}
		}
		if !sawStatus {
			r.FailAt("status", string(apierrors.RuleRequired), `is required: must be "success"`)
		}
		if !sawSummary {
			r.FailAt("summary", string(apierrors.RuleRequired), "is required")
		}
	}
	r.End()
	if err := r.Err(); err != nil {
		return nil, apierrors.FromDecode(err)
	}
	return flow, nil
}

// The members of the success envelope, by index in envelopeKeys.
const (
	statusKey = iota
	summaryKey
)

var envelopeKeys = [...]string{statusKey: "status", summaryKey: "summary"}

// decodeConst reads a string that must be want; problem says what is wrong
// with another one. null is a missing value.
func decodeConst(r *jsonwire.Reader, want string, problem func(text []byte) apierrors.Problem) {
	if r.Null() {
		r.Fail(string(apierrors.RuleRequired), `is required: must be "`+want+`"`)
		return
	}
	switch text := r.Text(); {
	case r.Failed() || string(text) == want:
	default:
		p := problem(text)
		r.Fail(string(p.Rule), p.Message)
	}
}

// textUnmarshaler is a pointer to an ID of the ids package.
type textUnmarshaler[T any] interface {
	*T
	UnmarshalText(text []byte) error
}

// decodeID reads an ID into id: null leaves it zero, the unset ID, as it
// does through encoding/json; a string, "" included, must be the ID's text
// form.
func decodeID[T any, P textUnmarshaler[T]](r *jsonwire.Reader, id P) {
	if r.Peek() != jsonwire.String {
		r.Text() // reads a null; records a type error for any other value
		return
	}
	if err := id.UnmarshalText(r.Text()); err != nil {
		// The ids package's message says what is wrong and where, quoting at
		// most a short prefix of the text.
		r.Fail(string(apierrors.RulePFID), err.Error())
	}
}

// decodeDetails reads an InteractionDetails object with
// [interaction.DecodeDetails]; nil for null. Its errors are reported at
// their place in the document r reads.
func decodeDetails(r *jsonwire.Reader) *interaction.Details {
	raw, offset := r.RawValue()
	if raw == nil {
		return nil
	}
	d, err := interaction.DecodeDetails(raw)
	if err != nil {
		var we *jsonwire.Error
		if errors.As(err, &we) {
			r.FailWithin(offset, we)
		} else {
			r.Fail(jsonwire.RuleType, err.Error())
		}
		return nil
	}
	return d
}
