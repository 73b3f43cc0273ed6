package jsonwire

import (
	"net/netip"
	"strconv"
	"time"
)

// The readers and writers of the API's leaf values that JSON has no type
// for: Unix times, [latitude, longitude] pairs, IP addresses, and 32-bit
// unsigned integers. The fast codecs and the leaf types' JSON methods share
// them, so that both paths read and write exactly the same.

// MaxUnixSeconds bounds a Unix time: a time 10^18 seconds or more either
// side of 1970 does not decode, so that every time read round-trips.
const MaxUnixSeconds = 1e18

// Uint32 reads an integer from 0 to 2^32-1, written as digits only; 0 for
// null.
func (r *Reader) Uint32() uint32 {
	text := r.NumberText()
	if len(text) == 0 {
		return 0
	}
	// JSON's grammar leaves no leading zeros: more than 10 digits is too many.
	var n uint64
	ok := len(text) <= 10
	for _, c := range text {
		if c < '0' || c > '9' {
			ok = false
			break
		}
		n = n*10 + uint64(c-'0')
	}
	if !ok || n > 1<<32-1 {
		r.Fail(RuleUint32, "must be an integer from 0 to 4294967295")
		return 0
	}
	return uint32(n)
}

// Addr reads an IP address; the zero Addr for "" or null.
func (r *Reader) Addr() netip.Addr {
	text := r.Text()
	if len(text) == 0 {
		return netip.Addr{}
	}
	a, err := netip.ParseAddr(string(text))
	if err != nil {
		r.Fail(RuleIP, "must be an IPv4 or IPv6 address")
	}
	return a
}

// AppendAddr appends a as a JSON string in its canonical form; "" for the
// zero Addr.
func AppendAddr(b []byte, a netip.Addr) []byte {
	if a.Zone() != "" {
		// A zone may hold any byte: escape it.
		return AppendString(b, a.String())
	}
	b = append(b, '"')
	b = a.AppendTo(b)
	return append(b, '"')
}

// LatLong reads the array [latitude, longitude], which must hold exactly
// two numbers; 0, 0 for null.
func (r *Reader) LatLong() (lat, long float64) {
	if !r.BeginArray() {
		return 0, 0
	}
	n := 0
	for r.More() {
		switch {
		case n >= 2:
			r.Skip()
		case r.Peek() == Null:
			r.Fail(RuleType, "must be a number, not null")
		case n == 0:
			lat = r.Float64()
		default:
			long = r.Float64()
		}
		n++
	}
	if n != 2 && !r.Failed() {
		r.Fail(RuleLatLong,
			"must be an array of exactly 2 numbers, [latitude, longitude], not "+strconv.Itoa(n))
	}
	return lat, long
}

// AppendLatLong appends the array [lat, long], each number written exactly
// as encoding/json writes a float64. It fails for NaN or an infinity, which
// JSON cannot represent; b is then returned unchanged.
func AppendLatLong(b []byte, lat, long float64) ([]byte, error) {
	start := len(b)
	b = append(b, '[')
	b, err := AppendFloat(b, lat)
	if err != nil {
		return b[:start], err
	}
	b = append(b, ',')
	if b, err = AppendFloat(b, long); err != nil {
		return b[:start], err
	}
	return append(b, ']'), nil
}

// UnixTime reads a number of Unix seconds as a time in UTC, exactly (see
// [ParseUnixTime]); the zero time for 0 or null.
func (r *Reader) UnixTime() time.Time {
	text := r.NumberText()
	if len(text) == 0 {
		return time.Time{}
	}
	t, ok := ParseUnixTime(text)
	if !ok {
		r.Fail(RuleUnixTime, "must be less than 10^18 seconds from 1970")
	}
	return t
}

// AppendUnixTime appends t as a number of Unix seconds: an integer when t
// has no fraction of a second, otherwise the shortest decimal of at most
// nine fractional digits; 0 for the zero time.
func AppendUnixTime(b []byte, t time.Time) []byte {
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

// ParseUnixTime converts text, a number in JSON's grammar, from Unix seconds
// to a time in UTC, exactly: the digits are placed by the decimal exponent
// and read to the nanosecond, and any digits beyond round the nanoseconds
// half to even. No float64 is involved. 0 (in any form) gives the zero time.
// ok is false when the magnitude is 10^18 seconds or more.
func ParseUnixTime(text []byte) (t time.Time, ok bool) {
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
	if sec >= MaxUnixSeconds {
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
