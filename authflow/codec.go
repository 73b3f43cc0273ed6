package authflow

import (
	"errors"
	"fmt"

	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/interaction"
	"github.com/authflow-dev/authflow-go/internal/jsonwire"
)

// The fast, strict codec: what the handler and the client use, and what
// json.Marshal and json.Unmarshal give through the struct tags, without
// reflection.

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

// AppendAuthflow appends flow's JSON form to dst and returns the extended
// buffer: exactly the bytes json.Marshal writes for *flow. It fails,
// returning dst unchanged, where [AppendFetchResponse] does.
func AppendAuthflow(dst []byte, flow *Authflow) ([]byte, error) {
	if flow == nil {
		return dst, errors.New("authflow: encoding a nil *Authflow")
	}
	a := flow
	b := append(dst, `{"account_id":"`...)
	b, _ = a.AccountID.AppendText(b)
	b = append(b, `","device_id":"`...)
	b, _ = a.DeviceID.AppendText(b)
	b = append(b, `","domain_id":"`...)
	b, _ = a.DomainID.AppendText(b)
	b = append(b, `","factor_names":`...)
	b = jsonwire.AppendStrings(b, a.FactorNames)
	b = append(b, `,"first_seen":`...)
	b, err := appendDetails(b, a.FirstSeen)
	if err != nil {
		return dst, fmt.Errorf("authflow: encoding first_seen.lat_long: %w", err)
	}
	b = append(b, `,"id":"`...)
	b, _ = a.ID.AppendText(b)
	b = append(b, `","last_seen":`...)
	if b, err = appendDetails(b, a.LastSeen); err != nil {
		return dst, fmt.Errorf("authflow: encoding last_seen.lat_long: %w", err)
	}
	b = append(b, `,"plan_name":`...)
	b = jsonwire.AppendString(b, a.PlanName)
	b = append(b, `,"pool_id":"`...)
	b, _ = a.PoolID.AppendText(b)
	b = append(b, `","required_email":`...)
	if a.RequiredEmail == nil {
		b = append(b, "null"...)
	} else {
		b = jsonwire.AppendString(b, *a.RequiredEmail)
	}
	b = append(b, `,"return_url":`...)
	b = jsonwire.AppendString(b, a.ReturnURL)
	b = append(b, `,"session_id":"`...)
	b, _ = a.SessionID.AppendText(b)
	b = append(b, `","status":`...)
	b = jsonwire.AppendString(b, string(a.Status))
	b = append(b, `,"title":`...)
	b = jsonwire.AppendString(b, a.Title)
	b = append(b, `,"type":"`+Type+`"}`...)
	return b, nil
}

// appendDetails appends d's JSON form, or null for nil. It fails only for a
// latitude or longitude that JSON cannot represent.
func appendDetails(b []byte, d *interaction.Details) ([]byte, error) {
	if d == nil {
		return append(b, "null"...), nil
	}
	b = append(b, `{"asn":`...)
	b = appendUint(b, uint64(d.ASN))
	b = append(b, `,"at":`...)
	b = jsonwire.AppendUnixTime(b, d.At.Time)
	b = append(b, `,"city":`...)
	b = jsonwire.AppendString(b, d.City)
	b = append(b, `,"country_code":`...)
	b = jsonwire.AppendString(b, d.CountryCode)
	b = append(b, `,"ja4_fingerprint":`...)
	b = jsonwire.AppendString(b, d.JA4Fingerprint)
	b = append(b, `,"lat_long":`...)
	b, err := jsonwire.AppendLatLong(b, d.LatLong[0], d.LatLong[1])
	if err != nil {
		return b, err
	}
	b = append(b, `,"region_code":`...)
	b = jsonwire.AppendString(b, d.RegionCode)
	b = append(b, `,"remote_ip":`...)
	b = jsonwire.AppendAddr(b, d.RemoteIP)
	b = append(b, `,"timezone":`...)
	b = jsonwire.AppendString(b, d.Timezone)
	b = append(b, `,"user_agent":`...)
	b = jsonwire.AppendString(b, d.UserAgent)
	return append(b, '}'), nil
}

// appendUint appends n in decimal.
func appendUint(b []byte, n uint64) []byte {
	var buf [20]byte
	i := len(buf)
	for {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return append(b, buf[i:]...)
}

// The keys of the objects the strict decoder reads, as Reader.SkipUnknown
// wants them, and in the order of their bits for Reader.Once.
var (
	envelopeKeys = []string{"status", "summary"}
	authflowKeys = []string{
		"account_id", "device_id", "domain_id", "factor_names", "first_seen", "id", "last_seen",
		"plan_name", "pool_id", "required_email", "return_url", "session_id", "status", "title", "type",
	}
	detailsKeys = []string{
		"asn", "at", "city", "country_code", "ja4_fingerprint", "lat_long", "region_code",
		"remote_ip", "timezone", "user_agent",
	}
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
		r.Fail(apierrors.RuleType, "must be an object, not null")
	} else if r.BeginObject() {
		sawStatus, sawSummary := false, false
		for r.More() {
			switch string(r.Key()) {
			case "status":
				if r.Once(0) {
					sawStatus = true
					decodeConst(&r, statusSuccess, envelopeProblem)
				}
			case "summary":
				if r.Once(1) {
					sawSummary = true
					decodeAuthflow(&r, flow)
				}
			default:
				r.SkipUnknown(envelopeKeys)
			}
		}
		if !sawStatus {
			r.FailAt("status", apierrors.RuleRequired, `is required: must be "success"`)
		}
		if !sawSummary {
			r.FailAt("summary", apierrors.RuleRequired, "is required")
		}
	}
	r.End()
	if err := r.Err(); err != nil {
		return nil, err
	}
	return flow, nil
}

// DecodeAuthflow reads an Authflow summary object, as json.Unmarshal into an
// [Authflow] reads it, and as strictly as [DecodeFetchResponse] reads the
// summary of an envelope; problem paths are relative to the summary
// ("first_seen.remote_ip"). The result is never nil when the error is nil.
func DecodeAuthflow(data []byte) (*Authflow, error) {
	var r jsonwire.Reader
	r.Reset(data)
	flow := new(Authflow)
	decodeAuthflow(&r, flow)
	r.End()
	if err := r.Err(); err != nil {
		return nil, err
	}
	return flow, nil
}

// decodeAuthflow reads an Authflow object into a, which is zero. null, like
// a missing "type", is a missing value.
func decodeAuthflow(r *jsonwire.Reader, a *Authflow) {
	if r.Peek() == jsonwire.Null {
		r.Fail(apierrors.RuleRequired, "is required, not null")
		return
	}
	if !r.BeginObject() {
		return
	}
	sawType := false
	for r.More() {
		switch string(r.Key()) {
		case "account_id":
			if r.Once(0) {
				decodeID(r, &a.AccountID)
			}
		case "device_id":
			if r.Once(1) {
				decodeID(r, &a.DeviceID)
			}
		case "domain_id":
			if r.Once(2) {
				decodeID(r, &a.DomainID)
			}
		case "factor_names":
			if r.Once(3) {
				a.FactorNames = decodeFactorNames(r)
			}
		case "first_seen":
			if r.Once(4) {
				a.FirstSeen = decodeDetails(r)
			}
		case "id":
			if r.Once(5) {
				decodeID(r, &a.ID)
			}
		case "last_seen":
			if r.Once(6) {
				a.LastSeen = decodeDetails(r)
			}
		case "plan_name":
			if r.Once(7) {
				a.PlanName = r.StringValue()
			}
		case "pool_id":
			if r.Once(8) {
				decodeID(r, &a.PoolID)
			}
		case "required_email":
			if r.Once(9) && !r.Null() {
				email := r.StringValue()
				a.RequiredEmail = &email
			}
		case "return_url":
			if r.Once(10) {
				a.ReturnURL = r.StringValue()
			}
		case "session_id":
			if r.Once(11) {
				decodeID(r, &a.SessionID)
			}
		case "status":
			if r.Once(12) {
				a.Status = Status(r.StringValue())
			}
		case "title":
			if r.Once(13) {
				a.Title = r.StringValue()
			}
		case "type":
			if r.Once(14) {
				sawType = true
				decodeConst(r, Type, refTypeProblem)
			}
		default:
			r.SkipUnknown(authflowKeys)
		}
	}
	if !sawType {
		r.FailAt("type", apierrors.RuleRequired, `is required: must be "`+Type+`"`)
	}
}

// decodeConst reads a string that must be want; problem says what is wrong
// with another one. null is a missing value.
func decodeConst(r *jsonwire.Reader, want string, problem func(text []byte) apierrors.Problem) {
	if r.Null() {
		r.Fail(apierrors.RuleRequired, `is required: must be "`+want+`"`)
		return
	}
	switch text := r.Text(); {
	case r.Failed() || string(text) == want:
	default:
		p := problem(text)
		r.Fail(p.Rule, p.Message)
	}
}

// textUnmarshaler is a pointer to an ID of the ids package.
type textUnmarshaler[T any] interface {
	*T
	UnmarshalText(text []byte) error
}

// decodeID reads an ID into id; "" and null leave it zero, the unset ID, as
// they do through encoding/json.
func decodeID[T any, P textUnmarshaler[T]](r *jsonwire.Reader, id P) {
	text := r.Text()
	if len(text) == 0 {
		return
	}
	if err := id.UnmarshalText(text); err != nil {
		// The ids package's message says what is wrong and where, quoting at
		// most a short prefix of the text.
		r.Fail(apierrors.RulePFID, err.Error())
	}
}

// decodeFactorNames reads an array of strings: nil for null, and an empty
// list for [], as encoding/json reads them. The slice is sized by counting
// the elements first, so that a long list costs one allocation of 16 bytes
// a name, not the several of growing it.
func decodeFactorNames(r *jsonwire.Reader) FactorNames {
	if !r.BeginArray() {
		return nil
	}
	names := make(FactorNames, 0, r.ArrayLen())
	for r.More() {
		names = append(names, r.StringValue())
	}
	return names
}

// decodeDetails reads an InteractionDetails object; nil for null.
func decodeDetails(r *jsonwire.Reader) *interaction.Details {
	if !r.BeginObject() {
		return nil
	}
	d := new(interaction.Details)
	for r.More() {
		switch string(r.Key()) {
		case "asn":
			if r.Once(0) {
				d.ASN = r.Uint32()
			}
		case "at":
			if r.Once(1) {
				d.At.Time = r.UnixTime()
			}
		case "city":
			if r.Once(2) {
				d.City = r.StringValue()
			}
		case "country_code":
			if r.Once(3) {
				d.CountryCode = r.StringValue()
			}
		case "ja4_fingerprint":
			if r.Once(4) {
				d.JA4Fingerprint = r.StringValue()
			}
		case "lat_long":
			if r.Once(5) {
				d.LatLong[0], d.LatLong[1] = r.LatLong()
			}
		case "region_code":
			if r.Once(6) {
				d.RegionCode = r.StringValue()
			}
		case "remote_ip":
			if r.Once(7) {
				d.RemoteIP = r.Addr()
			}
		case "timezone":
			if r.Once(8) {
				d.Timezone = r.StringValue()
			}
		case "user_agent":
			if r.Once(9) {
				d.UserAgent = r.StringValue()
			}
		default:
			r.SkipUnknown(detailsKeys)
		}
	}
	return d
}
