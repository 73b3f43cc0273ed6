package validation

import (
	"net/netip"
	"net/url"
	"reflect"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"

	apierrors "github.com/authflow-dev/authflow-go/errors"
)

// countryCodeTag is the tag the country_code rule is registered under:
// validator has an alias "country_code" of its own, which would hide a rule
// of that name, so the alias is pointed at this tag instead. Struct tags
// and problems say country_code.
const countryCodeTag = "iso3166_alpha2_shape"

// builtinRules returns the field rules this package defines. Each is
// registered under its problem rule's name, replacing validator's rule of
// that name, if any, in this package's validator; none uses a regular
// expression: each is a few byte comparisons. Open sets (country codes,
// time zones, TLS versions) are checked by shape, never by membership of a
// list.
func builtinRules() []Rule {
	return []Rule{
		{Tag: countryCodeTag, Name: apierrors.RuleCountryCode, Message: "must match ^[A-Z]{2}$", Check: func(fl validator.FieldLevel) bool {
			return IsCountryCode(fl.Field().String())
		}},
		{
			Tag: string(apierrors.RuleJA4), Message: "must have the shape of a JA4 fingerprint, such as q13d0314h3_55b375c5d22e_61e396c58b1f",
			Check: func(fl validator.FieldLevel) bool {
				return JA4Problem(fl.Field().String()) == ""
			},
			Explain: func(value any) string {
				s, _ := value.(string)
				return "must have the shape of a JA4 fingerprint, such as q13d0314h3_55b375c5d22e_61e396c58b1f: " + JA4Problem(s)
			},
		},
		{Tag: string(apierrors.RuleTimezone), Message: "must have the shape of an IANA time zone name, such as Australia/Melbourne or UTC", Check: func(fl validator.FieldLevel) bool {
			return IsTimezone(fl.Field().String())
		}},
		{Tag: string(apierrors.RuleHTTPURL), Message: "must be an absolute http or https URL with a host and no user info", Check: func(fl validator.FieldLevel) bool {
			return IsHTTPURL(fl.Field().String())
		}},
		{Tag: string(apierrors.RuleEmail), Message: "must be an e-mail address", NilPasses: true, Check: func(fl validator.FieldLevel) bool {
			f := fl.Field()
			return f.Kind() == reflect.Pointer || IsEmail(f.String())
		}},
		{Tag: string(apierrors.RuleUnzonedIP), Message: "must be an IP address without a zone", Check: func(fl validator.FieldLevel) bool {
			a, ok := Value[netip.Addr](fl)
			return ok && a.Zone() == ""
		}},
		{Tag: string(apierrors.RuleTimestamp), Message: "must be a time less than 10^18 seconds from 1970, and not 1970-01-01T00:00:00Z", Check: func(fl validator.FieldLevel) bool {
			t, ok := timeOf(fl.Field())
			return ok && IsTimestamp(t)
		}},
	}
}

// timeOf returns the time a field holds: a time.Time, or a struct that
// embeds one as its first field (interaction.UnixTime).
func timeOf(f reflect.Value) (time.Time, bool) {
	if f.Kind() == reflect.Struct && f.Type() != reflect.TypeFor[time.Time]() && f.NumField() > 0 {
		f = f.Field(0)
	}
	if f.Type() != reflect.TypeFor[time.Time]() {
		return time.Time{}, false
	}
	if f.CanAddr() {
		return *f.Addr().Interface().(*time.Time), true
	}
	return f.Interface().(time.Time), true
}

// IsTimestamp reports whether t is a time the API's JSON holds exactly and
// tells from a missing one: less than 10^18 seconds either side of 1970,
// and not 1970-01-01T00:00:00Z, which is JSON's 0.
func IsTimestamp(t time.Time) bool {
	// Unix rounds down, to a whole second, and Nanosecond adds the rest:
	// -10^18 s and a fraction is less than 10^18 s from 1970.
	s, ns := t.Unix(), t.Nanosecond()
	inRange := s < maxUnixSeconds && (s > -maxUnixSeconds || s == -maxUnixSeconds && ns > 0)
	return inRange && !(s == 0 && ns == 0)
}

// maxUnixSeconds bounds a timestamp, as decoding bounds it.
const maxUnixSeconds = 1e18

// IsLatitude reports whether lat is in [-90, 90].
func IsLatitude(lat float64) bool { return lat >= -90 && lat <= 90 }

// IsLongitude reports whether long is in [-180, 180].
func IsLongitude(long float64) bool { return long >= -180 && long <= 180 }

// Value returns the field's value as a T, without allocating when the field
// is addressable (it is when the struct was passed by pointer). ok is false
// when the field is not a T.
func Value[T any](fl validator.FieldLevel) (v T, ok bool) {
	f := fl.Field()
	if f.CanAddr() {
		p, ok := f.Addr().Interface().(*T)
		if ok {
			return *p, true
		}
		return v, false
	}
	v, ok = f.Interface().(T)
	return v, ok
}

// StructValue returns the struct a struct-level rule checks, without
// copying or allocating when it is addressable (it is when the value was
// passed by pointer).
func StructValue[T any](sl validator.StructLevel) *T {
	cur := sl.Current()
	if cur.CanAddr() {
		if p, ok := cur.Addr().Interface().(*T); ok {
			return p
		}
	}
	v := cur.Interface().(T)
	return &v
}

// IsCountryCode reports whether s matches ^[A-Z]{2}$: the shape of an ISO
// 3166-1 alpha-2 code, not membership of the list (geo-IP feeds use codes
// such as XK and EU).
func IsCountryCode(s string) bool {
	return len(s) == 2 && 'A' <= s[0] && s[0] <= 'Z' && 'A' <= s[1] && s[1] <= 'Z'
}

// JA4Problem returns "" when s has the shape of a JA4 TLS client
// fingerprint, and otherwise says what is wrong. A JA4 fingerprint is a_b_c:
// a is the protocol (one lower-case letter: t, q and d today), the TLS
// version (two lower-case letters or digits: 13 12 11 10 s3 s2 d1 d2 d3 00
// today), the SNI (d or i), two digits of cipher count, two digits of
// extension count and two alphanumeric ALPN characters (00 when none); b and
// c are 12 lower-case hex characters each. Example:
// q13d0314h3_55b375c5d22e_61e396c58b1f. It checks the shape, not today's
// lists of protocols and versions: a new TLS version passes.
func JA4Problem(s string) string {
	const length = 10 + 1 + 12 + 1 + 12
	switch {
	case len(s) != length:
		return "length is not 36"
	case !isLower(s[0]):
		return "protocol is not a lower-case letter"
	case !isLowerAlnum(s[1]) || !isLowerAlnum(s[2]):
		return "TLS version is not two lower-case letters or digits"
	case s[3] != 'd' && s[3] != 'i':
		return "SNI is not d or i"
	case !isDigit(s[4]) || !isDigit(s[5]):
		return "cipher count is not two digits"
	case !isDigit(s[6]) || !isDigit(s[7]):
		return "extension count is not two digits"
	case !isAlnum(s[8]) || !isAlnum(s[9]):
		return "ALPN is not two alphanumeric characters"
	case s[10] != '_' || s[23] != '_':
		return "parts are not separated by _"
	case !isLowerHex(s[11:23]):
		return "cipher hash is not 12 lowercase hex characters"
	case !isLowerHex(s[24:]):
		return "extension hash is not 12 lowercase hex characters"
	}
	return ""
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isLower(c byte) bool { return 'a' <= c && c <= 'z' }

func isLowerAlnum(c byte) bool { return isDigit(c) || isLower(c) }

func isAlnum(c byte) bool { return isDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isDigit(c) && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// IsTimezone reports whether name has the shape of an IANA time zone name,
// such as "Australia/Melbourne", "America/Argentina/Buenos_Aires" or "UTC":
// one to four parts separated by '/', each of 1 to 14 ASCII letters,
// digits, '_', '+' and '-', starting with an upper-case letter. It checks the
// shape, not membership of a list: the answer is the same on every host and
// with every release of the time zone database, which gains zones every
// year, so a well-formed name that no database has yet passes. Every name of
// the database has this shape (14 is the database's own limit on a part);
// "Local" (Go's name for the host's zone), "", and names with dots, spaces
// or empty parts do not.
func IsTimezone(name string) bool {
	if name == "Local" {
		return false
	}
	parts, n := 1, 0 // parts so far, and the length of the last
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '/':
			if n == 0 || parts == maxZoneParts {
				return false
			}
			parts, n = parts+1, 0
			continue
		case n == 0:
			if c < 'A' || c > 'Z' {
				return false
			}
		case !isAlnum(c) && c != '_' && c != '+' && c != '-':
			return false
		}
		if n++; n > maxZonePart {
			return false
		}
	}
	return n > 0
}

// The bounds of a time zone name's shape: at most 4 parts (the database's
// names have up to 3) of at most 14 bytes each (its own limit).
const (
	maxZoneParts = 4
	maxZonePart  = 14
)

// IsHTTPURL reports whether s is an absolute URL with scheme http or https
// (in any case), a host and no user info ("https://bank.example@evil.example/"
// is the shape of a phishing link).
func IsHTTPURL(s string) bool {
	if len(s) < len("http://x") {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Opaque != "" || u.User != nil || u.Host == "" || u.Hostname() == "" {
		return false
	}
	// url.Parse lowercases the scheme.
	return u.Scheme == "http" || u.Scheme == "https"
}

// IsEmail reports whether s is a valid e-mail address as the HTML standard
// defines it for <input type=email>: a local part of letters, digits and
// .!#$%&'*+/=?^_`{|}~- characters, an @, and a domain of dot-separated labels
// of letters, digits and hyphens, each 1 to 63 long and neither starting nor
// ending with a hyphen.
func IsEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || domain == "" {
		return false
	}
	for i := 0; i < len(local); i++ {
		if !isEmailLocal(local[i]) {
			return false
		}
	}
	for label := range strings.SplitSeq(domain, ".") {
		if len(label) == 0 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			if c := label[i]; !isAlnum(c) && c != '-' {
				return false
			}
		}
	}
	return true
}

// isEmailLocal reports whether c may be in the local part of an e-mail
// address.
func isEmailLocal(c byte) bool {
	return isAlnum(c) || strings.IndexByte(".!#$%&'*+/=?^_`{|}~-", c) >= 0
}
