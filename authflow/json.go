package authflow

import (
	"fmt"
	"strconv"

	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/interaction"
	"github.com/authflow-dev/authflow-go/internal/jsonwire"
)

// Problem rules of decoding.
const (
	rulePFID    = "pfid"
	ruleRefType = "ref_type"
)

// MarshalJSON implements [json.Marshaler]; see [Authflow.AppendJSON].
//
// [json.Marshaler]: https://pkg.go.dev/encoding/json#Marshaler
func (a Authflow) MarshalJSON() ([]byte, error) {
	return a.AppendJSON(make([]byte, 0, a.sizeHint()))
}

// sizeHint estimates the length of a's JSON form, so that one allocation
// holds it.
func (a *Authflow) sizeHint() int {
	n := 512 + len(a.PlanName) + len(a.Title) + len(a.ReturnURL)
	for _, f := range a.FactorNames {
		n += len(f) + 3
	}
	if a.RequiredEmail != nil {
		n += len(*a.RequiredEmail)
	}
	for _, d := range [2]*interaction.Details{a.FirstSeen, a.LastSeen} {
		if d != nil {
			n += 256 + len(d.City) + len(d.RegionCode) + len(d.UserAgent)
		}
	}
	return n
}

// AppendJSON appends a's JSON form to b and returns the extended buffer:
// every key, in the order shown on [Authflow], strings escaped exactly as
// encoding/json escapes them, "type":"authflow" included. It does not
// validate a. It fails only for a NaN or infinite latitude or longitude in
// first_seen or last_seen, which JSON cannot represent; b is then returned
// unchanged.
func (a Authflow) AppendJSON(b []byte) ([]byte, error) {
	start := len(b)
	b = append(b, `{"account_id":`...)
	b = appendID(b, a.AccountID)
	b = append(b, `,"device_id":`...)
	b = appendID(b, a.DeviceID)
	b = append(b, `,"domain_id":`...)
	b = appendID(b, a.DomainID)
	b = append(b, `,"factor_names":[`...)
	for i, name := range a.FactorNames {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonwire.AppendString(b, name)
	}
	b = append(b, `],"first_seen":`...)
	b, err := appendDetails(b, a.FirstSeen)
	if err != nil {
		return b[:start], fmt.Errorf("authflow: encoding first_seen: %w", err)
	}
	b = append(b, `,"id":`...)
	b = appendID(b, a.ID)
	b = append(b, `,"last_seen":`...)
	if b, err = appendDetails(b, a.LastSeen); err != nil {
		return b[:start], fmt.Errorf("authflow: encoding last_seen: %w", err)
	}
	b = append(b, `,"plan_name":`...)
	b = jsonwire.AppendString(b, a.PlanName)
	b = append(b, `,"pool_id":`...)
	b = appendID(b, a.PoolID)
	b = append(b, `,"required_email":`...)
	if a.RequiredEmail == nil {
		b = append(b, "null"...)
	} else {
		b = jsonwire.AppendString(b, *a.RequiredEmail)
	}
	b = append(b, `,"return_url":`...)
	b = jsonwire.AppendString(b, a.ReturnURL)
	b = append(b, `,"session_id":`...)
	b = appendID(b, a.SessionID)
	b = append(b, `,"status":`...)
	b = jsonwire.AppendString(b, string(a.Status))
	b = append(b, `,"title":`...)
	b = jsonwire.AppendString(b, a.Title)
	b = append(b, `,"type":"`+Type+`"}`...)
	return b, nil
}

// textAppender is an ID of the ids package.
type textAppender interface {
	AppendText(b []byte) ([]byte, error)
}

// appendID appends id's text form as a JSON string. The ID's alphabet needs
// no escaping, and its AppendText never fails.
func appendID[ID textAppender](b []byte, id ID) []byte {
	b = append(b, '"')
	b, _ = id.AppendText(b)
	return append(b, '"')
}

// appendDetails appends d, or null for nil.
func appendDetails(b []byte, d *interaction.Details) ([]byte, error) {
	if d == nil {
		return append(b, "null"...), nil
	}
	return d.AppendJSON(b)
}

// UnmarshalJSON implements [json.Unmarshaler]. It reads an Authflow summary
// object into a, replacing all of a: a key absent from the object leaves its
// field at the zero value (nil for the nullable ones), as does a null.
// Unknown keys are ignored; "" reads as the zero ID. It fails, leaving a
// unchanged, only where a field cannot hold the value, with an
// [*errors.Error] whose problem names the key: code invalid_value (rule
// "type" for a value of the wrong JSON type, "pfid" for an ID that is not
// canonical, and the decoding rules of package interaction in first_seen
// and last_seen), unexpected_ref_type for a "type" other than "authflow",
// required_value for a missing, null or empty "type", and bad_request for
// malformed JSON. null leaves a unchanged, as encoding/json's convention
// asks.
//
// [json.Unmarshaler]: https://pkg.go.dev/encoding/json#Unmarshaler
// [*errors.Error]: https://pkg.go.dev/github.com/authflow-dev/authflow-go/errors#Error
func (a *Authflow) UnmarshalJSON(data []byte) error {
	var r jsonwire.Reader
	r.Reset(data)
	if r.Null() {
		r.End()
		return r.Err()
	}
	var v Authflow
	v.decode(&r)
	r.End()
	if err := r.Err(); err != nil {
		return err
	}
	*a = v
	return nil
}

// decode reads an object into a, which is zero.
func (a *Authflow) decode(r *jsonwire.Reader) {
	if !r.BeginObject() {
		if !r.Failed() {
			r.Fail(apierrors.RequiredValue, apierrors.RuleRequired, "is required", nil)
		}
		return
	}
	sawType := false
	for r.More() {
		switch string(r.Key()) {
		case "account_id":
			decodeID(r, &a.AccountID)
		case "device_id":
			decodeID(r, &a.DeviceID)
		case "domain_id":
			decodeID(r, &a.DomainID)
		case "factor_names":
			a.FactorNames = decodeStrings(r)
		case "first_seen":
			a.FirstSeen = decodeDetails(r)
		case "id":
			decodeID(r, &a.ID)
		case "last_seen":
			a.LastSeen = decodeDetails(r)
		case "plan_name":
			a.PlanName = r.StringValue()
		case "pool_id":
			decodeID(r, &a.PoolID)
		case "required_email":
			a.RequiredEmail = nil
			if !r.Null() {
				email := r.StringValue()
				a.RequiredEmail = &email
			}
		case "return_url":
			a.ReturnURL = r.StringValue()
		case "session_id":
			decodeID(r, &a.SessionID)
		case "status":
			a.Status = Status(r.StringValue())
		case "title":
			a.Title = r.StringValue()
		case "type":
			sawType = true
			decodeType(r)
		default:
			r.Skip()
		}
	}
	if !sawType {
		r.FailAt("type", apierrors.RequiredValue, apierrors.RuleRequired, `is required: must be "`+Type+`"`, nil)
	}
}

// decodeType checks that the value read is "authflow".
func decodeType(r *jsonwire.Reader) {
	switch t := r.Text(); {
	case r.Failed() || string(t) == Type:
	case len(t) == 0:
		r.Fail(apierrors.RequiredValue, apierrors.RuleRequired, `is required: must be "`+Type+`"`, nil)
	default:
		const max = 32
		quoted := strconv.Quote(string(t[:min(len(t), max)]))
		if len(t) > max {
			quoted += "…"
		}
		r.Fail(apierrors.UnexpectedRefType, ruleRefType, `must be "`+Type+`", not `+quoted, nil)
	}
}

// textUnmarshaler is a pointer to an ID of the ids package.
type textUnmarshaler[T any] interface {
	*T
	UnmarshalText(text []byte) error
}

// decodeID reads an ID into id; "" and null leave it zero, the unset ID.
func decodeID[T any, P textUnmarshaler[T]](r *jsonwire.Reader, id P) {
	text := r.Text()
	if len(text) == 0 {
		return
	}
	if err := id.UnmarshalText(text); err != nil {
		// The ids package's message says what is wrong and where, quoting at
		// most a short prefix of the text.
		r.Fail(apierrors.InvalidValue, rulePFID, err.Error(), err)
	}
}

// decodeStrings reads an array of strings; nil for null or [].
func decodeStrings(r *jsonwire.Reader) []string {
	var s []string
	if r.BeginArray() {
		for r.More() {
			if s == nil {
				s = make([]string, 0, 4)
			}
			s = append(s, r.StringValue())
		}
	}
	return s
}

// decodeDetails reads an InteractionDetails object; nil for null.
func decodeDetails(r *jsonwire.Reader) *interaction.Details {
	if r.Null() {
		return nil
	}
	raw := r.Raw()
	if r.Failed() {
		return nil
	}
	d := new(interaction.Details)
	if err := d.UnmarshalJSON(raw); err != nil {
		r.Nest(err)
		return nil
	}
	return d
}
