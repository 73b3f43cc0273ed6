package interaction

import (
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/internal/jsonwire"
	"github.com/authflow-dev/authflow-go/internal/validation"
)

// Details' strict, fast codec and its fast validity check: the one place,
// with the struct, that knows Details' fields.

// AppendJSON appends d's JSON form to b and returns the extended buffer:
// exactly the bytes json.Marshal writes for *d, every key in order. It
// fails, returning b unchanged, for a latitude or longitude that JSON
// cannot represent (NaN or infinite).
func (d *Details) AppendJSON(b []byte) ([]byte, error) {
	start := len(b)
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
		return b[:start], err
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

// DecodeDetails reads an InteractionDetails object, as json.Unmarshal into
// a [Details] reads it, and strictly: it fails with an [*apierrors.Error]
// whose problem names the JSON path ("remote_ip") and the rule for
// malformed JSON (code bad_request, rule syntax), a key repeated at any
// depth or an unknown key that equals a known one but for case
// (duplicate_key), a string that is not valid UTF-8 or escapes a lone
// surrogate (utf8), a value of the wrong JSON type (type), and the leaf
// rules (uint32, unix_time, lat_long, range, ip). Unknown keys are ignored;
// null gives nil and no error. The result is not validated: call
// [Details.Validate].
func DecodeDetails(data []byte) (*Details, error) {
	var r jsonwire.Reader
	r.Reset(data)
	var d *Details
	if r.BeginObject() {
		d = new(Details)
		for r.More() {
			switch r.Field(detailsKeys[:]) {
			case asnKey:
				d.ASN = r.Uint32()
			case atKey:
				d.At.Time = r.UnixTime()
			case cityKey:
				d.City = r.StringValue()
			case countryCodeKey:
				d.CountryCode = r.StringValue()
			case ja4Key:
				d.JA4Fingerprint = r.StringValue()
			case latLongKey:
				d.LatLong[0], d.LatLong[1] = r.LatLong()
			case regionCodeKey:
				d.RegionCode = r.StringValue()
			case remoteIPKey:
				d.RemoteIP = r.Addr()
			case timezoneKey:
				d.Timezone = r.StringValue()
			case userAgentKey:
				d.UserAgent = r.StringValue()
			}
		}
	}
	r.End()
	if err := r.Err(); err != nil {
		return nil, apierrors.FromDecode(err)
	}
	return d, nil
}

// The members of Details' JSON form, by index in detailsKeys.
const (
	asnKey = iota
	atKey
	cityKey
	countryCodeKey
	ja4Key
	latLongKey
	regionCodeKey
	remoteIPKey
	timezoneKey
	userAgentKey
)

var detailsKeys = [...]string{
	asnKey: "asn", atKey: "at", cityKey: "city", countryCodeKey: "country_code",
	ja4Key: "ja4_fingerprint", latLongKey: "lat_long", regionCodeKey: "region_code",
	remoteIPKey: "remote_ip", timezoneKey: "timezone", userAgentKey: "user_agent",
}

// ok reports, without reflection, whether d passes every rule that the
// validator checks for it: the fast path of validating a valid value. The
// validator stays the authority (and the one to report problems); a
// differential fuzz test keeps the two in agreement.
func (d *Details) ok() bool {
	return d.ASN != 0 && !d.At.IsZero() && validation.IsTimestamp(d.At.Time) &&
		validation.IsCountryCode(d.CountryCode) && validation.JA4Problem(d.JA4Fingerprint) == "" &&
		validation.IsTimezone(d.Timezone) &&
		validation.IsLatitude(d.LatLong[0]) && validation.IsLongitude(d.LatLong[1]) &&
		d.RemoteIP.IsValid() && d.RemoteIP.Zone() == ""
}
