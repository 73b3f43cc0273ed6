package authflow

import (
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/internal/jsonwire"
)

// A FetchResponse is the success envelope of "Fetch authflow":
//
//	{"status":"success","summary":{…}}
//
// Its "status" is the envelope's, always "success"; the authflow's own status
// is Summary.Status. A failed fetch answers with the error envelope instead,
// which package errors reads.
type FetchResponse struct {
	// Summary is the authflow fetched. Decoding never leaves it nil.
	Summary *Authflow
}

// statusSuccess is the value of the envelope's "status" member.
const statusSuccess = "success"

// MarshalJSON implements [json.Marshaler]; see [FetchResponse.AppendJSON].
//
// [json.Marshaler]: https://pkg.go.dev/encoding/json#Marshaler
func (resp FetchResponse) MarshalJSON() ([]byte, error) {
	n := 64
	if resp.Summary != nil {
		n += resp.Summary.sizeHint()
	}
	return resp.AppendJSON(make([]byte, 0, n))
}

// AppendJSON appends the envelope to b and returns the extended buffer:
// {"status":"success","summary":…} with the summary as
// [Authflow.AppendJSON] writes it, or null when Summary is nil (which
// decoding refuses). It does not validate the summary; it fails, returning b
// unchanged, only where [Authflow.AppendJSON] does.
func (resp FetchResponse) AppendJSON(b []byte) ([]byte, error) {
	start := len(b)
	b = append(b, `{"status":"success","summary":`...)
	if resp.Summary == nil {
		return append(b, "null}"...), nil
	}
	b, err := resp.Summary.AppendJSON(b)
	if err != nil {
		return b[:start], err
	}
	return append(b, '}'), nil
}

// UnmarshalJSON implements [json.Unmarshaler]. It reads the success envelope
// into resp, replacing Summary with a new Authflow. "status" must be
// "success" and "summary" an object, read as [Authflow.UnmarshalJSON] reads
// one; unknown keys are ignored. It fails, leaving resp unchanged, with an
// [*errors.Error] whose problem names the offending value by its path in the
// envelope, such as "summary.first_seen.remote_ip": required_value for a
// missing or null "status" or "summary", invalid_value for a "status" other
// than "success", and otherwise as Authflow's UnmarshalJSON fails. null
// leaves resp unchanged, as encoding/json's convention asks.
//
// [json.Unmarshaler]: https://pkg.go.dev/encoding/json#Unmarshaler
// [*errors.Error]: https://pkg.go.dev/github.com/authflow-dev/authflow-go/errors#Error
func (resp *FetchResponse) UnmarshalJSON(data []byte) error {
	var r jsonwire.Reader
	r.Reset(data)
	if r.Null() {
		r.End()
		return r.Err()
	}
	summary := new(Authflow)
	sawStatus, sawSummary := false, false
	if r.BeginObject() {
		for r.More() {
			switch string(r.Key()) {
			case "status":
				sawStatus = true
				switch s := r.Text(); {
				case r.Failed() || string(s) == statusSuccess:
				case len(s) == 0:
					r.Fail(apierrors.RequiredValue, apierrors.RuleRequired, `is required: must be "success"`, nil)
				default:
					r.Fail(apierrors.InvalidValue, "envelope", `must be "success"`, nil)
				}
			case "summary":
				if r.Null() {
					r.Fail(apierrors.RequiredValue, apierrors.RuleRequired, "is required", nil)
					break
				}
				sawSummary = true
				*summary = Authflow{}
				summary.decode(&r)
			default:
				r.Skip()
			}
		}
	}
	if !sawStatus {
		r.FailAt("status", apierrors.RequiredValue, apierrors.RuleRequired, `is required: must be "success"`, nil)
	}
	if !sawSummary {
		r.FailAt("summary", apierrors.RequiredValue, apierrors.RuleRequired, "is required", nil)
	}
	r.End()
	if err := r.Err(); err != nil {
		return err
	}
	resp.Summary = summary
	return nil
}
