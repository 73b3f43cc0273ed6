// Package interaction models the Authflow API's InteractionDetails: a
// snapshot of the details of a device at one moment — where it was on the
// network and on the map, which TLS client and browser it used, and when.
//
// [Details] reads and writes the API's JSON exactly, without reflection, and
// [Details.Validate] checks every rule of the API. The two are kept apart:
// decoding fails only where a Go value cannot hold what the JSON says (a
// value of the wrong JSON type, an "asn" that is not an integer from 0 to
// 2^32-1, an "at" that is not a number, a "lat_long" that is not exactly two
// numbers, a "remote_ip" that is not an IP address); every other rule, such
// as a required value or a country code's shape, is checked by Validate.
//
// Errors from both are [*errors.Error]s whose [errors.Problem]s name the
// offending value by JSON path, such as "remote_ip", and the rule it broke.
// Decoding reports the rules "syntax" (malformed JSON, code bad_request),
// "type" (a value of the wrong JSON type), "uint32" (asn), "unix_time" (at),
// "lat_long" (not two numbers), "range" (a number beyond float64) and "ip"
// (remote_ip); validation reports "required" (a missing value) and the rules
// listed on [Details.Validate].
//
// [*errors.Error]: https://pkg.go.dev/github.com/authflow-dev/authflow-go/errors#Error
// [errors.Problem]: https://pkg.go.dev/github.com/authflow-dev/authflow-go/errors#Problem
package interaction

import (
	"net/netip"
	"time"

	"github.com/go-playground/validator/v10"

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
// The zero Details is the unset snapshot; it fails validation.
type Details struct {
	// ASN is the Autonomous System Number of the network the device was on.
	// Validation requires at least 1; 0 is a missing value.
	ASN uint32 `json:"asn" validate:"required"`
	// At is when the snapshot was taken, in UTC after decoding. In JSON it
	// is a number of Unix seconds that may carry a fraction; it is decoded
	// exactly from the number's text, to the nanosecond (digits beyond are
	// rounded, half to even), and written as an integer when it has no
	// fraction. The zero time is written as 0 and 0 reads as the zero time:
	// both are a missing value. Decoding refuses a number of 10^18 seconds
	// or more either side of 1970, and validation a time that far.
	At time.Time `json:"at" validate:"set_time,timestamp"`
	// City is the city's name. Free text; may be empty.
	City string `json:"city"`
	// CountryCode is the ISO 3166-1 alpha-2 code of the country, such as
	// "AU". Validation checks the shape, ^[A-Z]{2}$, not membership of the
	// list: geo-IP feeds use codes such as "XK" and "EU".
	CountryCode string `json:"country_code" validate:"required,alpha2_code"`
	// JA4Fingerprint is the JA4 fingerprint of the device's TLS client, such
	// as "q13d0314h3_55b375c5d22e_61e396c58b1f".
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
	// Validation checks it against the time zone database compiled into
	// this module, so the answer is the same on every host; "Local" is not
	// a name.
	Timezone string `json:"timezone" validate:"required,iana_timezone"`
	// UserAgent is the device's User-Agent header. Free text; may be empty.
	UserAgent string `json:"user_agent"`
}

// LatLong is a position on Earth in degrees. Its JSON form is the array
// [latitude, longitude].
type LatLong struct {
	// Lat is the latitude, from -90 (south) to 90 (north).
	Lat float64
	// Long is the longitude, from -180 (west) to 180 (east).
	Long float64
}

// maxUnixSeconds bounds At: a time 10^18 seconds or more either side of 1970
// neither decodes nor validates, so every valid time round-trips.
const maxUnixSeconds = 1e18

// Validate checks d against every rule of the API and returns nil or an
// [*errors.Error] listing each problem by JSON path: code required_value
// when every problem is a missing value, invalid_value otherwise. The rules,
// by problem rule:
//
//   - "required": asn is 0; at is the zero time or 0; country_code,
//     ja4_fingerprint or timezone is empty; remote_ip is the zero Addr.
//   - "timestamp": at is 10^18 seconds or more either side of 1970.
//   - "country_code": country_code does not match ^[A-Z]{2}$.
//   - "ja4": ja4_fingerprint is not a JA4 fingerprint (the message says
//     which part is wrong).
//   - "latitude", "longitude": lat_long[0] is outside [-90, 90] or
//     lat_long[1] outside [-180, 180] (NaN is outside).
//   - "unzoned_ip": remote_ip has an IPv6 zone.
//   - "timezone": timezone is not an IANA time zone name.
//
// city, region_code and user_agent are free text.
//
// [*errors.Error]: https://pkg.go.dev/github.com/authflow-dev/authflow-go/errors#Error
func (d *Details) Validate() error {
	return validation.Check(d)
}

// Problem rules of Details' own validation.
const (
	ruleTimestamp = "timestamp"
	ruleLatitude  = "latitude"
	ruleLongitude = "longitude"
)

func init() {
	validation.RegisterRule(validation.Rule{
		Tag:     "set_time",
		Missing: true,
		Check: func(fl validator.FieldLevel) bool {
			t, ok := validation.Value[time.Time](fl)
			return ok && !t.IsZero() && !(t.Unix() == 0 && t.Nanosecond() == 0)
		},
	})
	validation.RegisterRule(validation.Rule{
		Tag:     ruleTimestamp,
		Message: "must be less than 10^18 seconds from 1970",
		Check: func(fl validator.FieldLevel) bool {
			t, ok := validation.Value[time.Time](fl)
			s := t.Unix()
			return ok && s > -maxUnixSeconds && s < maxUnixSeconds
		},
	})
	validation.RegisterStruct(checkLatLong, Details{})
}

// checkLatLong reports a latitude or longitude out of range, at the index it
// has in the JSON array.
func checkLatLong(sl validator.StructLevel) {
	ll := validation.StructValue[Details](sl).LatLong
	if !(ll.Lat >= -90 && ll.Lat <= 90) {
		validation.Report(sl, "lat_long[0]", ruleLatitude, "must be a latitude from -90 to 90")
	}
	if !(ll.Long >= -180 && ll.Long <= 180) {
		validation.Report(sl, "lat_long[1]", ruleLongitude, "must be a longitude from -180 to 180")
	}
}
