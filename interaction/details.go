// Package interaction models the Authflow API's InteractionDetails: a
// snapshot of the details of a device at one moment — where it was on the
// network and on the map, which TLS client and browser it used, and when.
//
// [Details] is a plain struct whose JSON form comes from its json struct
// tags: embed it, or a struct holding it, in your own types and
// encoding/json (v1 or v2) keeps every field of yours. Its leaf types carry
// the encodings JSON has no type for: [UnixTime] (a number of Unix seconds,
// exact to the nanosecond) and [LatLong] ([latitude, longitude], which must
// be exactly two numbers);
// the IP address is a [netip.Addr], written in its canonical form.
//
// Decoding and validation are kept apart. Decoding fails only where a Go
// value cannot hold what the JSON says: a value of the wrong JSON type, an
// "asn" that is not an integer from 0 to 2^32-1, an "at" that is not a
// number of Unix seconds less than 10^18 from 1970, a "lat_long" that is not
// exactly two numbers, a "remote_ip" that is not an IP address. Every other
// rule, such as a required value or a country code's shape, is checked by
// [Details.Validate], which reports each problem by JSON path ("remote_ip")
// and rule (errors.RuleUnzonedIP, "unzoned_ip").
//
// [Details.AppendJSON] and [DecodeDetails] are Details' strict, fast codec,
// which package authflow's codec uses for first_seen and last_seen.
//
// A Details is personal data. log/slog logs it with every value but its
// time hidden ([Details.LogValue]); [Unredacted] logs it in full.
package interaction

import (
	"log/slog"
	"net/netip"
	"time"

	"github.com/go-playground/validator/v10"

	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/internal/jsonwire"
	"github.com/authflow-dev/authflow-go/internal/redact"
	"github.com/authflow-dev/authflow-go/internal/validation"
)

// Details is a snapshot of the details of a device at one moment: the API's
// InteractionDetails object.
//
// Its JSON form has every key, always, in this order:
//
//	{"asn":4764,"at":1234567890,"city":"Melbourne","country_code":"AU",
//	 "ja4_fingerprint":"q13d0314h3_55b375c5d22e_61e396c58b1f",
//	 "lat_long":[-37.8159,144.9669],"region_code":"VIC","remote_ip":"127.0.0.1",
//	 "timezone":"Australia/Melbourne","user_agent":"Mozilla/5.0 …"}
//
// The zero Details is the unset snapshot; it fails validation. The validate
// tags name the rules [Details.Validate] checks.
type Details struct {
	// ASN is the Autonomous System Number of the network the device was on.
	// Validation requires at least 1; 0 is a missing value.
	ASN uint32 `json:"asn" validate:"required"`
	// At is when the snapshot was taken; see [UnixTime]. The zero time, like
	// 0 in JSON, is a missing value.
	At UnixTime `json:"at" validate:"required,timestamp"`
	// City is the city's name. Free text; may be empty.
	City string `json:"city"`
	// CountryCode is the ISO 3166-1 alpha-2 code of the country, such as
	// "AU". Validation checks the shape, ^[A-Z]{2}$, not membership of the
	// list: geo-IP feeds use codes such as "XK" and "EU".
	CountryCode string `json:"country_code" validate:"required,country_code"`
	// JA4Fingerprint is the JA4 fingerprint of the device's TLS client, such
	// as "q13d0314h3_55b375c5d22e_61e396c58b1f". Validation checks its
	// shape, not today's lists: the protocol is any lower-case letter and the
	// TLS version any two lower-case letters or digits, so a new TLS version
	// passes.
	JA4Fingerprint string `json:"ja4_fingerprint" validate:"required,ja4"`
	// LatLong is where the device was. Its zero value is the point (0, 0),
	// which is also what an absent or null "lat_long" decodes as.
	LatLong LatLong `json:"lat_long"`
	// RegionCode is the region or state code, such as "VIC". Free text; may
	// be empty.
	RegionCode string `json:"region_code"`
	// RemoteIP is the device's IP address, IPv4 or IPv6, written in its
	// canonical form. An empty string decodes as the zero Addr, a missing
	// value; an address with an IPv6 zone decodes but fails validation.
	RemoteIP netip.Addr `json:"remote_ip" validate:"required,unzoned_ip"`
	// Timezone is the IANA time zone name, such as "Australia/Melbourne".
	// Validation checks the shape of an IANA name, not membership of a list
	// (the time zone database gains zones every year): one to four parts
	// separated by '/', each of 1 to 14 ASCII letters, digits, '_', '+' and
	// '-' starting with an upper-case letter, such as "Etc/GMT+10" or "UTC".
	// The answer is the same on every host. "Local" is not a name.
	Timezone string `json:"timezone" validate:"required,timezone"`
	// UserAgent is the device's User-Agent header. Free text; may be empty.
	UserAgent string `json:"user_agent"`
}

// A UnixTime is a time whose JSON form is a number of Unix seconds that may
// carry a fraction, such as 1234567890 or 1234567890.5. It is a [time.Time]
// with that encoding: all of time.Time's methods apply, among them its text
// form (MarshalText, UnmarshalText), which is RFC 3339.
//
// Decoding reads the number's text exactly, to the nanosecond (digits
// beyond are rounded, half to even), in UTC, with no float64 in between:
// integer, fraction and exponent forms all decode. It refuses a number of
// 10^18 seconds or more either side of 1970. 0, in any form, decodes as the
// zero UnixTime, and the zero UnixTime encodes as 0: both are a missing
// value. Encoding writes an integer when there is no fraction of a second,
// and otherwise the shortest decimal of at most nine fractional digits.
type UnixTime struct {
	time.Time
}

// LatLong is a position on Earth in degrees, [latitude, longitude], as in
// its JSON form: the latitude from -90 (south) to 90 (north), the longitude
// from -180 (west) to 180 (east). Decoding requires exactly two numbers.
type LatLong [2]float64

// Lat returns the latitude, ll[0].
func (ll LatLong) Lat() float64 { return ll[0] }

// Long returns the longitude, ll[1].
func (ll LatLong) Long() float64 { return ll[1] }

// Validate checks d against every rule of the API and returns nil or an
// [*apierrors.Error] listing each problem by JSON path: code required_value
// when every problem is a missing value, invalid_value otherwise. The rules,
// by problem rule:
//
//   - required: asn is 0; at is the zero time; country_code,
//     ja4_fingerprint or timezone is empty; remote_ip is the zero Addr.
//   - timestamp: at is 10^18 seconds or more either side of 1970, or
//     exactly 1970-01-01T00:00:00Z (JSON's 0, a missing value).
//   - country_code: country_code does not match ^[A-Z]{2}$.
//   - ja4: ja4_fingerprint does not have the shape of a JA4 fingerprint
//     (the message says which part is wrong).
//   - latitude, longitude: lat_long[0] is outside [-90, 90] or
//     lat_long[1] outside [-180, 180] (NaN is outside).
//   - unzoned_ip: remote_ip has an IPv6 zone.
//   - timezone: timezone does not have the shape of an IANA time zone
//     name, or is "Local".
//
// Each rule is an errors.Rule constant of the same name, such as
// errors.RuleCountryCode.
//
// city, region_code and user_agent are free text. Validate of a nil
// *Details returns an error of code required_value, with one problem at
// the root.
func (d *Details) Validate() error {
	if d == nil {
		return apierrors.Invalid(apierrors.Problem{Rule: apierrors.RuleRequired, Message: "the details are nil"})
	}
	if d.ok() {
		return nil
	}
	return rules.Check(d)
}

// rules checks Details with the rules of its tags and its position's
// struct-level rule.
var rules = validation.Validator{
	Structs: []validation.StructRule{{Fn: checkLatLong, Type: Details{}}},
}

// checkLatLong reports a latitude or a longitude out of range.
func checkLatLong(sl validator.StructLevel) {
	d := validation.StructValue[Details](sl)
	if !validation.IsLatitude(d.LatLong[0]) {
		validation.Report(sl, "lat_long[0]", apierrors.RuleLatitude, "must be a latitude from -90 to 90")
	}
	if !validation.IsLongitude(d.LatLong[1]) {
		validation.Report(sl, "lat_long[1]", apierrors.RuleLongitude, "must be a longitude from -180 to 180")
	}
}

// Details' strict, fast codec and its fast validity check. This file is
// the one place in the package that knows Details' fields.

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

// LogValue implements [slog.LogValuer]: log/slog logs d as a group keyed as
// its JSON form, with every value that identifies a person or a device
// hidden. It keeps "at", the time of the snapshot, and replaces asn,
// city, country_code, ja4_fingerprint, lat_long, region_code, remote_ip,
// timezone and user_agent with the string "[redacted]": the network, the
// places, the position, the address and the client's fingerprints. A
// hidden field that holds its zero value ("", 0, the zero Addr, the point
// (0, 0)) is logged as it is, so that an absent value stays apart from a
// hidden one. [Unredacted] logs every value.
//
// The receiver is a value, so a Details and a *Details are both hidden. A
// nil *Details has no value to call LogValue on: slog reports the nil
// dereference it recovers from ("LogValue panicked"), and logs no field;
// Unredacted(nil) logs nil.
//
// slog calls LogValue for an attribute's value and the values of its
// groups, not for a Details inside a slice, a map or a struct of yours,
// which its handlers format whole (the JSON handler with encoding/json, the
// text handler with fmt): log each Details as an attribute of its own. A
// struct that embeds Details has this method too, and is logged as the
// Details alone unless it has a LogValue of its own.
func (d Details) LogValue() slog.Value {
	return d.logValue(false)
}

// Unredacted returns a value that log/slog logs as [Details.LogValue] logs
// d, but with every value shown; a nil d is logged as nil. Personal data must not
// reach a log by accident: Unredacted is how a program that has the right
// to keep it there says so.
func Unredacted(d *Details) slog.LogValuer {
	return unredacted{d}
}

type unredacted struct{ d *Details }

func (u unredacted) LogValue() slog.Value {
	if u.d == nil {
		return slog.AnyValue(nil)
	}
	return u.d.logValue(true)
}

// logValue is d's group for slog, with the personal values shown when full
// is true and hidden otherwise.
func (d *Details) logValue(full bool) slog.Value {
	return slog.GroupValue(
		redact.Attr("asn", full, d.ASN != 0, slog.Uint64Value(uint64(d.ASN))),
		slog.Time("at", d.At.Time),
		redact.Attr("city", full, d.City != "", slog.StringValue(d.City)),
		redact.Attr("country_code", full, d.CountryCode != "", slog.StringValue(d.CountryCode)),
		redact.Attr("ja4_fingerprint", full, d.JA4Fingerprint != "", slog.StringValue(d.JA4Fingerprint)),
		redact.Attr("lat_long", full, d.LatLong != LatLong{}, slog.AnyValue(d.LatLong)),
		redact.Attr("region_code", full, d.RegionCode != "", slog.StringValue(d.RegionCode)),
		redact.Attr("remote_ip", full, d.RemoteIP.IsValid(), slog.AnyValue(d.RemoteIP)),
		redact.Attr("timezone", full, d.Timezone != "", slog.StringValue(d.Timezone)),
		redact.Attr("user_agent", full, d.UserAgent != "", slog.StringValue(d.UserAgent)),
	)
}
