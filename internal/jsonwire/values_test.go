package jsonwire

import (
	"encoding/json"
	stderrors "errors"
	"math"
	"math/big"
	"net/netip"
	"testing"
	"time"
)

// readMember reads the value of the single member of doc, an object, with
// read, and returns the reader's error.
func readMember(doc string, read func(r *Reader)) error {
	var r Reader
	r.Reset([]byte(doc))
	if r.BeginObject() {
		for r.More() {
			read(&r)
		}
	}
	r.End()
	return r.Err()
}

func TestReaderUint32(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]uint32{
		"0": 0, "1": 1, "4764": 4764, "4294967295": math.MaxUint32, "null": 0, "1000000000": 1e9,
	} {
		var got uint32
		if err := readMember(`{"asn":`+text+`}`, func(r *Reader) { got = r.Uint32() }); err != nil || got != want {
			t.Errorf("Uint32(%s) = %d, %v; want %d", text, got, err, want)
		}
	}
	// Only digits: no sign, fraction or exponent, even for a value in range.
	for _, text := range []string{
		"-0", "-1", "1e3", "1E0", "4764.0", "0.5", "4294967296", "9999999999", "10000000000",
		"99999999999999999999", "18446744073709551617", "1e999",
	} {
		var got uint32
		err := readMember(`{"asn":`+text+`}`, func(r *Reader) { got = r.Uint32() })
		checkProblem(t, "Uint32("+text+")", err, "asn", RuleUint32, "must be an integer from 0 to 4294967295")
		if got != 0 {
			t.Errorf("Uint32(%s) = %d with an error, want 0", text, got)
		}
	}
	for _, text := range []string{`"1"`, `true`, `[1]`} {
		err := readMember(`{"asn":`+text+`}`, func(r *Reader) { r.Uint32() })
		checkProblem(t, "Uint32("+text+")", err, "asn", RuleType, "must be a number")
	}
}

func TestReaderAddr(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]netip.Addr{
		`"127.0.0.1"`:                netip.MustParseAddr("127.0.0.1"),
		`"::1"`:                      netip.IPv6Loopback(),
		`"2001:DB8:0:0:0:0:0:0001"`:  netip.MustParseAddr("2001:db8::1"),
		`"::ffff:10.0.0.1"`:          netip.MustParseAddr("::ffff:10.0.0.1"),
		`"fe80::1%eth0"`:             netip.MustParseAddr("fe80::1%eth0"),
		`"\u0031\u0032\u0037.0.0.1"`: netip.MustParseAddr("127.0.0.1"),
		`""`:                         {},
		`null`:                       {},
	} {
		var got netip.Addr
		if err := readMember(`{"remote_ip":`+text+`}`, func(r *Reader) { got = r.Addr() }); err != nil || got != want {
			t.Errorf("Addr(%s) = %v, %v; want %v", text, got, err, want)
		}
	}
	for _, text := range []string{`"256.0.0.1"`, `"localhost"`, `"127.0.0.1/8"`, `"127.000.0.1"`, `" 127.0.0.1"`, `"fe80::1%"`} {
		err := readMember(`{"remote_ip":`+text+`}`, func(r *Reader) { r.Addr() })
		checkProblem(t, "Addr("+text+")", err, "remote_ip", RuleIP, "must be an IPv4 or IPv6 address")
	}
	for _, text := range []string{`2130706433`, `["127.0.0.1"]`} {
		err := readMember(`{"remote_ip":`+text+`}`, func(r *Reader) { r.Addr() })
		checkProblem(t, "Addr("+text+")", err, "remote_ip", RuleType, "must be a string")
	}
}

func TestAppendAddr(t *testing.T) {
	t.Parallel()
	for _, a := range []netip.Addr{
		{}, netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("::ffff:10.0.0.1"),
		netip.MustParseAddr("fe80::1%eth0"), netip.MustParseAddr("fe80::1%\"<zone>&\\\n\u2028"),
	} {
		got := AppendAddr([]byte("x"), a)
		if want := "x" + marshal(t, a); string(got) != want {
			t.Errorf("AppendAddr(%v) = %s, want %s", a, got, want)
		}
		// And it reads back as the same address.
		var back netip.Addr
		if err := readMember(`{"a":`+string(got[1:])+`}`, func(r *Reader) { back = r.Addr() }); err != nil || back != a {
			t.Errorf("%s reads back as %v, %v", got[1:], back, err)
		}
	}
}

func TestReaderLatLong(t *testing.T) {
	t.Parallel()
	for text, want := range map[string][2]float64{
		`[-37.8159,144.9669]`:             {-37.8159, 144.9669},
		`[ -90 , 180 ]`:                   {-90, 180},
		`[0,0]`:                           {0, 0},
		`[1e2,-0.5e-3]`:                   {100, -0.0005},
		`[1000,-1000]`:                    {1000, -1000}, // the range is validation's to check
		`null`:                            {0, 0},
		`[5e-324,1.7976931348623157e308]`: {5e-324, math.MaxFloat64},
	} {
		var got [2]float64
		err := readMember(`{"lat_long":`+text+`}`, func(r *Reader) { got[0], got[1] = r.LatLong() })
		if err != nil || got != want {
			t.Errorf("LatLong(%s) = %v, %v; want %v", text, got, err, want)
		}
	}
	tests := []struct {
		text, path string
		rule       string
		message    string
	}{
		{`[]`, "lat_long", RuleLatLong, "must be an array of exactly 2 numbers, [latitude, longitude], not 0"},
		{`[1]`, "lat_long", RuleLatLong, "not 1"},
		{`[1,2,3]`, "lat_long", RuleLatLong, "not 3"},
		{`[1,2,3,4,5]`, "lat_long", RuleLatLong, "not 5"},
		{`[null,2]`, "lat_long[0]", RuleType, "must be a number, not null"},
		{`[1,null]`, "lat_long[1]", RuleType, "must be a number, not null"},
		{`["1",2]`, "lat_long[0]", RuleType, "must be a number, not a string"},
		{`[1,[2]]`, "lat_long[1]", RuleType, "must be a number, not an array"},
		{`[1e999,2]`, "lat_long[0]", RuleRange, "out of the float64 range"},
		{`[1,-1e400]`, "lat_long[1]", RuleRange, "out of the float64 range"},
		{`"-37.8,144.9"`, "lat_long", RuleType, "must be an array, not a string"},
		{`{"lat":1,"long":2}`, "lat_long", RuleType, "must be an array, not an object"},
		// Extra elements are checked as strictly as the rest.
		{`[1,2,{"a":1,"a":2}]`, "lat_long[2].a", RuleDuplicateKey, "repeats a key"},
		{"[1,2,\"\xff\"]", "lat_long[2]", RuleUTF8, "invalid UTF-8"},
		{`[1,2,]`, "lat_long[2]", RuleSyntax, "invalid character ']'"},
	}
	for _, tt := range tests {
		err := readMember(`{"lat_long":`+tt.text+`}`, func(r *Reader) { r.LatLong() })
		checkProblem(t, "LatLong("+tt.text+")", err, tt.path, tt.rule, tt.message)
	}
}

func TestAppendLatLong(t *testing.T) {
	t.Parallel()
	for _, ll := range [][2]float64{
		{-37.8159, 144.9669}, {0, 0}, {math.Copysign(0, -1), 0}, {-90, 180}, {1e-7, 1e21}, {5e-324, -math.MaxFloat64},
	} {
		got, err := AppendLatLong([]byte("x"), ll[0], ll[1])
		if want := "x" + marshal(t, ll); err != nil || string(got) != want {
			t.Errorf("AppendLatLong(%v) = %s, %v; want %s", ll, got, err, want)
		}
		var back [2]float64
		if err := readMember(`{"a":`+string(got[1:])+`}`, func(r *Reader) { back[0], back[1] = r.LatLong() }); err != nil ||
			back != ll || math.Signbit(back[0]) != math.Signbit(ll[0]) {
			t.Errorf("%s reads back as %v, %v", got[1:], back, err)
		}
	}
	for _, ll := range [][2]float64{{math.NaN(), 0}, {0, math.Inf(1)}, {math.Inf(-1), math.NaN()}} {
		got, err := AppendLatLong([]byte("kept"), ll[0], ll[1])
		if !stderrors.Is(err, ErrUnsupportedFloat) || string(got) != "kept" {
			t.Errorf("AppendLatLong(%v) = %q, %v; want the buffer unchanged and ErrUnsupportedFloat", ll, got, err)
		}
	}
}

func TestReaderUnixTime(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]time.Time{
		"1234567890":     time.Unix(1234567890, 0),
		"1234567890.5":   time.Unix(1234567890, 5e8),
		"1.2345678905e9": time.Unix(1234567890, 5e8),
		"-1.5":           time.Unix(-2, 5e8),
		"0":              {},
		"0.0e5":          {},
		"null":           {},
	} {
		var got time.Time
		err := readMember(`{"at":`+text+`}`, func(r *Reader) { got = r.UnixTime() })
		if err != nil || !got.Equal(want) || got.IsZero() != want.IsZero() || !got.IsZero() && got.Location() != time.UTC {
			t.Errorf("UnixTime(%s) = %v, %v; want %v in UTC", text, got, err, want)
		}
	}
	for _, text := range []string{"1e18", "-1e18", "1000000000000000000", "999999999999999999.9999999995", "1e400"} {
		err := readMember(`{"at":`+text+`}`, func(r *Reader) { r.UnixTime() })
		checkProblem(t, "UnixTime("+text+")", err, "at", RuleUnixTime, "must be less than 10^18 seconds from 1970")
	}
	for _, text := range []string{`"1234567890"`, `true`, `[1]`} {
		err := readMember(`{"at":`+text+`}`, func(r *Reader) { r.UnixTime() })
		checkProblem(t, "UnixTime("+text+")", err, "at", RuleType, "must be a number")
	}
}

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
		{"-999999999999999999.999999999", -1e18, 1},
		{"1e17", 1e17, 0},
		{"100000000000000000000e-3", 1e17, 0},
	}
	for _, tt := range tests {
		got, ok := ParseUnixTime([]byte(tt.text))
		want := time.Unix(tt.sec, tt.nsec).UTC()
		if !ok || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("ParseUnixTime(%s) = %v, %v; want %v", tt.text, got, ok, want)
		}
	}
	for _, zero := range []string{"0", "-0", "0.0", "0e99", "0.0000000004", "4e-10", "5e-10", "-5e-10", "1e-99999999999", "0.000e-5"} {
		if got, ok := ParseUnixTime([]byte(zero)); !ok || !got.IsZero() {
			t.Errorf("ParseUnixTime(%s) = %v, %v; want the zero time", zero, got, ok)
		}
	}
	for _, far := range []string{"1e18", "-1e18", "999999999999999999.9999999995", "1e99999999999", "123456789012345678901"} {
		if got, ok := ParseUnixTime([]byte(far)); ok {
			t.Errorf("ParseUnixTime(%s) = %v, want out of range", far, got)
		}
	}
	if MaxUnixSeconds != 1e18 {
		t.Errorf("MaxUnixSeconds = %v, want 1e18", float64(MaxUnixSeconds))
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
		{time.Unix(0, -1), "-0.000000001"},
		{time.Unix(-1, 0), "-1"},
		{time.Unix(1e18-1, 999999999), "999999999999999999.999999999"},
		{time.Unix(-1e18, 1), "-999999999999999999.999999999"},
		// Another location, and a monotonic reading, change nothing.
		{time.Unix(1234567890, 5e8).In(time.FixedZone("AEST", 10*3600)), "1234567890.5"},
	}
	for _, tt := range tests {
		if got := string(AppendUnixTime([]byte("x"), tt.t)); got != "x"+tt.want {
			t.Errorf("AppendUnixTime(%v) = %s, want x%s", tt.t, got, tt.want)
		}
	}
	now := time.Now() // with a monotonic reading
	back, ok := ParseUnixTime(AppendUnixTime(nil, now))
	if !ok || !back.Equal(now) {
		t.Errorf("time.Now() %v round-trips as %v, %v", now, back, ok)
	}
}

// exactNanos returns the value of the decimal text times 10^9, rounded half
// to even, as big.Rat computes it: the oracle for ParseUnixTime.
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

// FuzzParseUnixTime checks ParseUnixTime against exact rational arithmetic,
// that AppendUnixTime's output parses back to the same time, and that a
// Reader reads the number as ParseUnixTime does.
func FuzzParseUnixTime(f *testing.F) {
	for _, s := range []string{
		"1234567890", "1.2345678905e9", "-0.25", "1234567890.1234567895", "5e-10", "9.99999999999999999e17",
		"-999999999999999999.9999999995", "0.000000000500000000001", "-62135596800",
	} {
		f.Add(s)
	}
	limit := new(big.Int).Mul(big.NewInt(1e18), big.NewInt(1e9))
	f.Fuzz(func(t *testing.T, text string) {
		if !isJSONNumber(text) || len(text) > 200 {
			return
		}
		got, ok := ParseUnixTime([]byte(text))
		want, _ := exactNanos(text)
		inRange := new(big.Int).Abs(want).Cmp(limit) < 0
		if ok != inRange {
			t.Fatalf("ParseUnixTime(%s): ok %v, want %v (exact %v ns)", text, ok, inRange, want)
		}
		var read time.Time
		err := readMember(`{"at":`+text+`}`, func(r *Reader) { read = r.UnixTime() })
		if (err == nil) != ok || !read.Equal(got) {
			t.Fatalf("Reader.UnixTime(%s) = %v, %v; ParseUnixTime %v, %v", text, read, err, got, ok)
		}
		if !ok {
			return
		}
		gotNanos := new(big.Int).Mul(big.NewInt(got.Unix()), big.NewInt(1e9))
		gotNanos.Add(gotNanos, big.NewInt(int64(got.Nanosecond())))
		if got.IsZero() && want.Cmp(gotNanos) != 0 {
			// 0 decodes as the zero time, whose Unix time is that of
			// 0001-01-01: -62135596800 s, which therefore decodes, and
			// encodes, as 0 too.
			gotNanos.SetInt64(0)
		}
		if gotNanos.Cmp(want) != 0 {
			t.Fatalf("ParseUnixTime(%s) = %v ns, want %v ns", text, gotNanos, want)
		}
		enc := AppendUnixTime(nil, got)
		if !isJSONNumber(string(enc)) {
			t.Fatalf("%s: %v encodes as %s, not a JSON number", text, got, enc)
		}
		back, ok := ParseUnixTime(enc)
		if !ok || !back.Equal(got) || back.IsZero() != got.IsZero() {
			t.Fatalf("%s: %v encodes as %s, which parses as %v", text, got, enc, back)
		}
		if again := AppendUnixTime(nil, back); string(again) != string(enc) {
			t.Fatalf("%s: encoding is not idempotent: %s, then %s", text, enc, again)
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

func TestIsJSONNumber(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"0": true, "-0": true, "1.5e-3": true, "12E+2": true, "1e999": true,
		"": false, "01": false, "1.": false, ".5": false, "+1": false, "1e": false, "1e1000": false, "-": false,
	} {
		if got := isJSONNumber(s); got != want {
			t.Errorf("isJSONNumber(%q) = %v", s, got)
		}
		if want && !json.Valid([]byte(s)) {
			t.Errorf("isJSONNumber(%q) = true for invalid JSON", s)
		}
	}
}
