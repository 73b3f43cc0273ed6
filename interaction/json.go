package interaction

import (
	"fmt"
	"net/netip"
	"strconv"
	"time"

	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/internal/jsonwire"
)

// Problem rules of decoding.
const (
	ruleUint32   = "uint32"
	ruleUnixTime = "unix_time"
	ruleLatLong  = "lat_long"
	ruleIP       = "ip"
)

// MarshalJSON implements [json.Marshaler]; see [Details.AppendJSON].
//
// [json.Marshaler]: https://pkg.go.dev/encoding/json#Marshaler
func (d Details) MarshalJSON() ([]byte, error) {
	return d.AppendJSON(make([]byte, 0, 256+len(d.UserAgent)))
}

// AppendJSON appends d's JSON form to b and returns the extended buffer:
// every key, in the order shown on [Details], strings escaped exactly as
// encoding/json escapes them. It does not validate d. It fails only for a
// NaN or infinite latitude or longitude, which JSON cannot represent; b is
// then returned unchanged.
func (d Details) AppendJSON(b []byte) ([]byte, error) {
	start := len(b)
	b = append(b, `{"asn":`...)
	b = strconv.AppendUint(b, uint64(d.ASN), 10)
	b = append(b, `,"at":`...)
	b = appendUnixTime(b, d.At)
	b = append(b, `,"city":`...)
	b = jsonwire.AppendString(b, d.City)
	b = append(b, `,"country_code":`...)
	b = jsonwire.AppendString(b, d.CountryCode)
	b = append(b, `,"ja4_fingerprint":`...)
	b = jsonwire.AppendString(b, d.JA4Fingerprint)
	b = append(b, `,"lat_long":`...)
	b, err := d.LatLong.AppendJSON(b)
	if err != nil {
		return b[:start], err
	}
	b = append(b, `,"region_code":`...)
	b = jsonwire.AppendString(b, d.RegionCode)
	b = append(b, `,"remote_ip":`...)
	b = appendAddr(b, d.RemoteIP)
	b = append(b, `,"timezone":`...)
	b = jsonwire.AppendString(b, d.Timezone)
	b = append(b, `,"user_agent":`...)
	b = jsonwire.AppendString(b, d.UserAgent)
	return append(b, '}'), nil
}

// appendAddr appends a as a JSON string in its canonical form; "" for the
// zero Addr.
func appendAddr(b []byte, a netip.Addr) []byte {
	if a.Zone() != "" {
		// A zone may hold any byte: escape it.
		return jsonwire.AppendString(b, a.String())
	}
	b = append(b, '"')
	b = a.AppendTo(b)
	return append(b, '"')
}

// appendUnixTime appends t as a number of Unix seconds: an integer when t
// has no fraction of a second, otherwise the shortest decimal of at most
// nine fractional digits; 0 for the zero time.
func appendUnixTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, '0')
	}
	sec, nsec := t.Unix(), int64(t.Nanosecond())
	if nsec == 0 {
		return strconv.AppendInt(b, sec, 10)
	}
	if sec < 0 {
		// Unix gives floor seconds and a positive fraction: -1.5 s is -2 s
		// and 0.5e9 ns. Write the magnitude, -(1 + 0.5).
		b = append(b, '-')
		sec, nsec = -(sec + 1), 1e9-nsec
	}
	b = strconv.AppendInt(b, sec, 10)
	var frac [10]byte
	frac[0] = '.'
	n := 9
	for i := 9; i >= 1; i-- {
		frac[i] = byte('0' + nsec%10)
		nsec /= 10
	}
	for frac[n] == '0' {
		n--
	}
	return append(b, frac[:n+1]...)
}

// MarshalJSON implements [json.Marshaler]: the array [latitude, longitude];
// see [LatLong.AppendJSON].
//
// [json.Marshaler]: https://pkg.go.dev/encoding/json#Marshaler
func (ll LatLong) MarshalJSON() ([]byte, error) {
	return ll.AppendJSON(nil)
}

// AppendJSON appends the array [latitude, longitude] to b, each number
// written exactly as encoding/json writes a float64, and returns the
// extended buffer. It fails for NaN or an infinity, which JSON cannot
// represent; b is then returned unchanged.
func (ll LatLong) AppendJSON(b []byte) ([]byte, error) {
	start := len(b)
	b = append(b, '[')
	b, err := jsonwire.AppendFloat(b, ll.Lat)
	if err != nil {
		return b[:start], fmt.Errorf("interaction: latitude %v: %w", ll.Lat, err)
	}
	b = append(b, ',')
	b, err = jsonwire.AppendFloat(b, ll.Long)
	if err != nil {
		return b[:start], fmt.Errorf("interaction: longitude %v: %w", ll.Long, err)
	}
	return append(b, ']'), nil
}

// UnmarshalJSON implements [json.Unmarshaler]. It reads an InteractionDetails
// object into d, replacing all of d: a key absent from the object leaves its
// field at the zero value, as does a null. Unknown keys are ignored. It
// fails, leaving d unchanged, only where a field cannot hold the value (see
// the package documentation), with an [*errors.Error] naming the offending
// key. null leaves d unchanged, as encoding/json's convention asks.
//
// [json.Unmarshaler]: https://pkg.go.dev/encoding/json#Unmarshaler
// [*errors.Error]: https://pkg.go.dev/github.com/authflow-dev/authflow-go/errors#Error
func (d *Details) UnmarshalJSON(data []byte) error {
	var r jsonwire.Reader
	r.Reset(data)
	if r.Null() {
		r.End()
		return r.Err()
	}
	var v Details
	v.decode(&r)
	r.End()
	if err := r.Err(); err != nil {
		return err
	}
	*d = v
	return nil
}

// decode reads an object into d, which is zero.
func (d *Details) decode(r *jsonwire.Reader) {
	if !r.BeginObject() {
		return
	}
	for r.More() {
		switch string(r.Key()) {
		case "asn":
			d.ASN = decodeASN(r)
		case "at":
			d.At = decodeUnixTime(r)
		case "city":
			d.City = r.StringValue()
		case "country_code":
			d.CountryCode = r.StringValue()
		case "ja4_fingerprint":
			d.JA4Fingerprint = r.StringValue()
		case "lat_long":
			d.LatLong.decode(r)
		case "region_code":
			d.RegionCode = r.StringValue()
		case "remote_ip":
			d.RemoteIP = decodeAddr(r)
		case "timezone":
			d.Timezone = r.StringValue()
		case "user_agent":
			d.UserAgent = r.StringValue()
		default:
			r.Skip()
		}
	}
}

// UnmarshalJSON implements [json.Unmarshaler]. It reads the array
// [latitude, longitude], which must hold exactly two numbers; null leaves ll
// unchanged. It fails, leaving ll unchanged, with an [*errors.Error].
//
// [json.Unmarshaler]: https://pkg.go.dev/encoding/json#Unmarshaler
// [*errors.Error]: https://pkg.go.dev/github.com/authflow-dev/authflow-go/errors#Error
func (ll *LatLong) UnmarshalJSON(data []byte) error {
	var r jsonwire.Reader
	r.Reset(data)
	if r.Null() {
		r.End()
		return r.Err()
	}
	var v LatLong
	v.decode(&r)
	r.End()
	if err := r.Err(); err != nil {
		return err
	}
	*ll = v
	return nil
}

// decode reads [latitude, longitude] into ll; null leaves ll zero.
func (ll *LatLong) decode(r *jsonwire.Reader) {
	if !r.BeginArray() {
		return
	}
	n := 0
	for r.More() {
		switch {
		case n >= 2:
			r.Skip()
		case r.Peek() == jsonwire.Null:
			r.Fail(apierrors.InvalidValue, jsonwire.RuleType, "must be a number, not null", nil)
		case n == 0:
			ll.Lat = r.Float64()
		default:
			ll.Long = r.Float64()
		}
		n++
	}
	if n != 2 && !r.Failed() {
		r.Fail(apierrors.InvalidValue, ruleLatLong,
			"must be an array of exactly 2 numbers, [latitude, longitude], not "+strconv.Itoa(n), nil)
	}
}

// decodeASN reads an integer from 0 to 2^32-1; 0 for null.
func decodeASN(r *jsonwire.Reader) uint32 {
	text := r.NumberText()
	if string(text) == "-0" {
		return 0
	}
	// JSON's grammar leaves no leading zeros: more than 10 digits is too many.
	if len(text) > 10 || !isDigits(text) {
		r.Fail(apierrors.InvalidValue, ruleUint32, "must be an integer from 0 to 4294967295", nil)
		return 0
	}
	var n uint64
	for _, c := range text {
		n = n*10 + uint64(c-'0')
	}
	if n > 1<<32-1 {
		r.Fail(apierrors.InvalidValue, ruleUint32, "must be an integer from 0 to 4294967295", nil)
		return 0
	}
	return uint32(n)
}

func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// decodeAddr reads an IP address; the zero Addr for "" or null.
func decodeAddr(r *jsonwire.Reader) netip.Addr {
	text := r.Text()
	if len(text) == 0 {
		return netip.Addr{}
	}
	a, err := netip.ParseAddr(string(text))
	if err != nil {
		r.Fail(apierrors.InvalidValue, ruleIP, "must be an IPv4 or IPv6 address", err)
	}
	return a
}

// decodeUnixTime reads a number of Unix seconds as a time in UTC; the zero
// time for 0 or null.
func decodeUnixTime(r *jsonwire.Reader) time.Time {
	text := r.NumberText()
	if len(text) == 0 {
		return time.Time{}
	}
	t, ok := parseUnixTime(text)
	if !ok {
		r.Fail(apierrors.InvalidValue, ruleUnixTime, "must be less than 10^18 seconds from 1970", nil)
	}
	return t
}

// parseUnixTime converts text, a number in JSON's grammar, from Unix seconds
// to a time in UTC, exactly: the digits are placed by the decimal exponent
// and read to the nanosecond, and any digits beyond round the nanoseconds
// half to even. No float64 is involved. 0 (in any form) gives the zero time.
// ok is false when the magnitude is 10^18 seconds or more.
func parseUnixTime(text []byte) (t time.Time, ok bool) {
	neg := text[0] == '-'
	if neg {
		text = text[1:]
	}
	// Split the mantissa's digits around the decimal point, and read the
	// exponent, saturating far beyond any exponent that could matter.
	intEnd := 0
	for intEnd < len(text) && '0' <= text[intEnd] && text[intEnd] <= '9' {
		intEnd++
	}
	fracStart, fracEnd := intEnd, intEnd
	if fracEnd < len(text) && text[fracEnd] == '.' {
		fracStart++
		fracEnd++
		for fracEnd < len(text) && '0' <= text[fracEnd] && text[fracEnd] <= '9' {
			fracEnd++
		}
	}
	exp := 0
	if fracEnd < len(text) {
		expText := text[fracEnd+1:]
		expNeg := expText[0] == '-'
		if expText[0] == '-' || expText[0] == '+' {
			expText = expText[1:]
		}
		for _, c := range expText {
			if exp < 1e8 {
				exp = exp*10 + int(c-'0')
			}
		}
		if expNeg {
			exp = -exp
		}
	}
	intDigits, fracDigits := text[:intEnd], text[fracStart:fracEnd]

	// digit returns the mantissa's i-th digit, counting the integer digits
	// and then the fraction's as one sequence.
	nDigits := len(intDigits) + len(fracDigits)
	digit := func(i int) uint64 {
		switch {
		case i < 0 || i >= nDigits:
			return 0
		case i < len(intDigits):
			return uint64(intDigits[i] - '0')
		default:
			return uint64(fracDigits[i-len(intDigits)] - '0')
		}
	}
	// Skip leading zeros; point is the number of digits before the decimal
	// point once the exponent is applied.
	first := 0
	for first < nDigits && digit(first) == 0 {
		first++
	}
	if first == nDigits {
		return time.Time{}, true // zero
	}
	point := len(intDigits) + exp
	if point-first > 18 {
		return time.Time{}, false // at least 10^18
	}
	var sec, nsec uint64
	for i := first; i < point; i++ {
		sec = sec*10 + digit(i)
	}
	for i := point; i < point+9; i++ {
		nsec = nsec*10 + digit(i)
	}
	// Round what lies beyond the nanosecond, half to even.
	if i := point + 9; i < nDigits {
		next := digit(i)
		rest := false
		for j := max(i+1, first); j < nDigits; j++ {
			if digit(j) != 0 {
				rest = true
				break
			}
		}
		if next > 5 || next == 5 && (rest || nsec%2 == 1) {
			nsec++
			if nsec == 1e9 {
				sec, nsec = sec+1, 0
			}
		}
	}
	if sec >= maxUnixSeconds {
		return time.Time{}, false
	}
	if sec == 0 && nsec == 0 {
		return time.Time{}, true // rounded to zero
	}
	s, ns := int64(sec), int64(nsec)
	if neg {
		s, ns = -s, -ns
	}
	return time.Unix(s, ns).UTC(), true
}
