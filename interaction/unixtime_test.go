package interaction

import (
	"math/big"
	"testing"
	"time"
)

func TestParseUnixTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text      string
		sec, nsec int64
	}{
		{"1234567890", 1234567890, 0},
		{"1234567890.5", 1234567890, 5e8},
		{"1.2345678905e9", 1234567890, 5e8},
		{"1.2345678905E+9", 1234567890, 5e8},
		{"12345678905e-1", 1234567890, 5e8},
		{"0.0000000012345678905e18", 1234567890, 5e8},
		{"1234567890.123456789", 1234567890, 123456789},
		{"1234567890.1234567885", 1234567890, 123456788}, // tie: to even
		{"1234567890.1234567895", 1234567890, 123456790}, // tie: to even
		{"1234567890.12345678850001", 1234567890, 123456789},
		{"1234567890.9999999996", 1234567891, 0}, // carries into the seconds
		{"1.5e-9", 0, 2},
		{"2.5e-9", 0, 2},
		{"1e-9", 0, 1},
		{"-1.5", -2, 5e8},
		{"-0.25", -1, 75e7},
		{"-1234567890.5", -1234567891, 5e8},
		{"999999999999999999", 999999999999999999, 0},
		{"999999999999999999.999999999", 999999999999999999, 999999999},
		{"1e17", 1e17, 0},
		{"100000000000000000000e-3", 1e17, 0},
	}
	for _, tt := range tests {
		got, ok := parseUnixTime([]byte(tt.text))
		want := time.Unix(tt.sec, tt.nsec).UTC()
		if !ok || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("parseUnixTime(%s) = %v, %v; want %v", tt.text, got, ok, want)
		}
	}
	for _, zero := range []string{"0", "-0", "0.0", "0e99", "0.0000000004", "4e-10", "5e-10", "-5e-10", "1e-99999999999", "0.000e-5"} {
		if got, ok := parseUnixTime([]byte(zero)); !ok || !got.IsZero() {
			t.Errorf("parseUnixTime(%s) = %v, %v; want the zero time", zero, got, ok)
		}
	}
	for _, far := range []string{"1e18", "-1e18", "999999999999999999.9999999995", "1e99999999999", "123456789012345678901"} {
		if got, ok := parseUnixTime([]byte(far)); ok {
			t.Errorf("parseUnixTime(%s) = %v, want out of range", far, got)
		}
	}
}

func TestAppendUnixTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Time{}, "0"},
		{time.Unix(0, 0), "0"},
		{time.Unix(1234567890, 0), "1234567890"},
		{time.Unix(1234567890, 5e8), "1234567890.5"},
		{time.Unix(1234567890, 1), "1234567890.000000001"},
		{time.Unix(1234567890, 123456780), "1234567890.12345678"},
		{time.Unix(-2, 5e8), "-1.5"},
		{time.Unix(-1, 75e7), "-0.25"},
		{time.Unix(0, 1), "0.000000001"},
		{time.Unix(-1, 0), "-1"},
		// Another location, and a monotonic reading, change nothing.
		{time.Unix(1234567890, 5e8).In(time.FixedZone("AEST", 10*3600)), "1234567890.5"},
	}
	for _, tt := range tests {
		if got := string(appendUnixTime(nil, tt.t)); got != tt.want {
			t.Errorf("appendUnixTime(%v) = %s, want %s", tt.t, got, tt.want)
		}
	}
}

// exactNanos returns the value of the decimal text times 10^9, rounded half
// to even, as big.Rat computes it: the oracle for parseUnixTime.
func exactNanos(text string) (*big.Int, bool) {
	r, ok := new(big.Rat).SetString(text)
	if !ok {
		return nil, false
	}
	r.Mul(r, new(big.Rat).SetInt64(1e9))
	q, m := new(big.Int).QuoRem(r.Num(), r.Denom(), new(big.Int))
	// Round half to even on the magnitude.
	twice := new(big.Int).Mul(new(big.Int).Abs(m), big.NewInt(2))
	switch c := twice.Cmp(r.Denom()); {
	case c > 0 || c == 0 && q.Bit(0) == 1:
		if r.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q, true
}

// FuzzUnixTime checks parseUnixTime against exact rational arithmetic, and
// that appendUnixTime's output parses back to the same time.
func FuzzUnixTime(f *testing.F) {
	for _, s := range []string{"1234567890", "1.2345678905e9", "-0.25", "1234567890.1234567895", "5e-10", "9.99999999999999999e17"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if !isJSONNumber(text) || len(text) > 200 {
			return
		}
		got, ok := parseUnixTime([]byte(text))
		want, _ := exactNanos(text)
		limit := new(big.Int).Mul(big.NewInt(1e18), big.NewInt(1e9))
		inRange := new(big.Int).Abs(want).Cmp(limit) < 0
		if ok != inRange {
			t.Fatalf("parseUnixTime(%s): ok %v, want %v (exact %v ns)", text, ok, inRange, want)
		}
		if !ok {
			return
		}
		gotNanos := new(big.Int).Mul(big.NewInt(got.Unix()), big.NewInt(1e9))
		gotNanos.Add(gotNanos, big.NewInt(int64(got.Nanosecond())))
		if got.IsZero() {
			gotNanos.SetInt64(0)
		}
		if gotNanos.Cmp(want) != 0 {
			t.Fatalf("parseUnixTime(%s) = %v ns, want %v ns", text, gotNanos, want)
		}
		back, ok := parseUnixTime(appendUnixTime(nil, got))
		if !ok || !back.Equal(got) {
			t.Fatalf("%s: %v encodes as %s, which parses as %v", text, got, appendUnixTime(nil, got), back)
		}
	})
}

// isJSONNumber reports whether s is a number in JSON's grammar whose
// exponent, if any, has at most 3 digits (so that big.Rat can afford it).
func isJSONNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i, n = i+1, n+1
		}
		return n
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if n := digits(); n == 0 || n > 3 {
			return false
		}
	}
	return i == len(s)
}
