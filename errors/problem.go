package errors

import "strings"

// A Problem is one reason a value was refused: where the offending value is,
// which rule it broke, and what is wrong, in words.
type Problem struct {
	// Path locates the offending value as a JSON path relative to the value
	// that was decoded or validated: object keys joined by dots, array
	// positions in brackets, such as "first_seen.country_code" or
	// "factor_names[1]". It is empty when the problem is with that value as
	// a whole.
	Path string
	// Rule names the rule the value broke: one of the Rule constants.
	Rule Rule
	// Message says what is wrong, without the path, such as
	// "must match ^[A-Z]{2}$".
	Message string
}

// Missing reports whether the problem is a missing value, one whose Rule is
// [RuleRequired].
func (p Problem) Missing() bool { return p.Rule == RuleRequired }

// String returns "path: message", or only the message when the path is
// empty.
func (p Problem) String() string {
	var b strings.Builder
	p.write(&b)
	return b.String()
}

func (p Problem) write(b *strings.Builder) {
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
}

// A Rule names a rule that a value broke, in a [Problem]. The same words
// name the rules in the struct tags and documentation of this module's
// types.
type Rule string

// The rules of decoding: where a JSON document cannot be read, or a value
// in it cannot be held by the Go value it is decoded into.
const (
	// RuleSyntax: the document is not JSON. Code [BadRequest].
	RuleSyntax Rule = "syntax"
	// RuleType: a value of the wrong JSON type, such as a number where a
	// string belongs.
	RuleType Rule = "type"
	// RuleDuplicateKey: an object has the same key twice, or a key that
	// equals a known key but for case (which case-insensitive decoders,
	// encoding/json's among them, would take for it).
	RuleDuplicateKey Rule = "duplicate_key"
	// RuleUTF8: a string is not valid UTF-8, or holds an escaped lone
	// surrogate (\ud800), which no UTF-8 string can.
	RuleUTF8 Rule = "utf8"
	// RuleRange: a number beyond the range of a float64.
	RuleRange Rule = "range"
	// RuleUint32: a number that is not an integer from 0 to 4294967295.
	RuleUint32 Rule = "uint32"
	// RuleUnixTime: a time that is not a number of Unix seconds less than
	// 10^18 from 1970.
	RuleUnixTime Rule = "unix_time"
	// RuleLatLong: a position that is not an array of exactly two numbers.
	RuleLatLong Rule = "lat_long"
	// RuleIP: a string that is not an IPv4 or IPv6 address.
	RuleIP Rule = "ip"
	// RulePFID: a string that is not the canonical text of an ID.
	RulePFID Rule = "pfid"
	// RuleRefType: a resource's "type" names another kind of resource. Code
	// [UnexpectedRefType].
	RuleRefType Rule = "ref_type"
	// RuleEnvelope: an envelope's "status" is not the one expected
	// ("success" for a result, "error" for an error).
	RuleEnvelope Rule = "envelope"
)

// The rules of validation: a value that can be held, but breaks a rule of
// the API.
const (
	// RuleRequired: a required value is missing (absent, null, empty or
	// zero). When every problem is a missing value, the code is
	// [RequiredValue].
	RuleRequired Rule = "required"
	// RuleStatus: an authflow status that is not one the API defines.
	RuleStatus Rule = "status"
	// RuleUnique: an entry of a list repeats an earlier one.
	RuleUnique Rule = "unique"
	// RuleEmail: not an e-mail address.
	RuleEmail Rule = "email"
	// RuleHTTPURL: not an absolute http or https URL with a host and no
	// user info.
	RuleHTTPURL Rule = "http_url"
	// RuleNotBeforeFirstSeen: last_seen.at is before first_seen.at.
	RuleNotBeforeFirstSeen Rule = "not_before_first_seen"
	// RuleTimestamp: a time 10^18 seconds or more either side of 1970, or
	// exactly 1970-01-01T00:00:00Z, which the API's JSON cannot tell from a
	// missing time.
	RuleTimestamp Rule = "timestamp"
	// RuleCountryCode: not shaped as an ISO 3166-1 alpha-2 code,
	// ^[A-Z]{2}$.
	RuleCountryCode Rule = "country_code"
	// RuleJA4: not a JA4 TLS client fingerprint.
	RuleJA4 Rule = "ja4"
	// RuleLatitude: a latitude outside [-90, 90].
	RuleLatitude Rule = "latitude"
	// RuleLongitude: a longitude outside [-180, 180].
	RuleLongitude Rule = "longitude"
	// RuleUnzonedIP: an IP address with an IPv6 zone.
	RuleUnzonedIP Rule = "unzoned_ip"
	// RuleTimezone: not an IANA time zone name.
	RuleTimezone Rule = "timezone"
)
