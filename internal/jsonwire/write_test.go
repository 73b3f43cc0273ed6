package jsonwire

import (
	"encoding/json"
	stderrors "errors"
	"math"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// marshal returns what encoding/json writes for v.
func marshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// marshalString returns what encoding/json writes for s, in the form of
// encoding/json v1 as built by default, which AppendString keeps: each byte
// of invalid UTF-8 as the escape \ufffd. Built on encoding/json/v2
// (GOEXPERIMENT=jsonv2), encoding/json writes U+FFFD there as it is; the
// valid runs of s are written the same either way.
func marshalString(t *testing.T, s string) string {
	t.Helper()
	var b strings.Builder
	b.WriteByte('"')
	run := 0 // start of the current valid run
	flush := func(end int) {
		if end > run {
			m := marshal(t, s[run:end])
			b.WriteString(m[1 : len(m)-1])
		}
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			flush(i)
			b.WriteString(`\ufffd`)
			run = i + 1
		}
		i += size
	}
	flush(len(s))
	b.WriteByte('"')
	return b.String()
}

// checkAppendString checks AppendString(s) against marshalString, and that
// it decodes as encoding/json's own encoding of s does.
func checkAppendString(t *testing.T, s string) {
	t.Helper()
	got := AppendString([]byte("prefix"), s)
	if want := "prefix" + marshalString(t, s); string(got) != want {
		t.Fatalf("AppendString(%q) = %s, want %s", s, got, want)
	}
	var fromAppend, fromMarshal string
	if err := json.Unmarshal(got[len("prefix"):], &fromAppend); err != nil {
		t.Fatalf("AppendString(%q) = %s: %v", s, got, err)
	}
	if err := json.Unmarshal([]byte(marshal(t, s)), &fromMarshal); err != nil || fromAppend != fromMarshal {
		t.Fatalf("AppendString(%q) decodes as %q, json.Marshal's as %q (%v)", s, fromAppend, fromMarshal, err)
	}
	if utf8.ValidString(s) && string(got[len("prefix"):]) != marshal(t, s) {
		t.Fatalf("AppendString(%q) = %s, json.Marshal %s", s, got, marshal(t, s))
	}
}

var stringCases = []string{
	"", "plain", `"quoted" and \backslash\`, "<script>&amp;</script>",
	"\x00\x01\x07\b\f\n\r\t\x1f\x7f", "é 中 😀", "\u2028\u2029",
	"invalid \xff\xfe utf8 \xc3", "\xed\xa0\x80 encoded surrogate",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)",
}

func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, s := range stringCases {
		t.Run("", func(t *testing.T) { checkAppendString(t, s) })
	}
	if got, want := marshalString(t, "a\xffb<"), `"a\ufffdb\u003c"`; got != want {
		t.Errorf("marshalString = %s, want %s", got, want)
	}
}

// TestAppendStringEveryByteEveryOffset puts each byte, and each of the
// multi-byte runes AppendString treats apart, at every offset of strings
// long enough to cross the eight-byte runs AppendString skips at once.
func TestAppendStringEveryByteEveryOffset(t *testing.T) {
	t.Parallel()
	specials := []string{"\u2028", "\u2029", "é", "😀", "\xed\xa0\x80"}
	for c := range 256 {
		specials = append(specials, string([]byte{byte(c)}))
	}
	const filler = "abcdefghijklmnopqrstuvwxyz0123"
	for _, sp := range specials {
		for n := 0; n <= 24; n++ {
			for at := 0; at <= n; at++ {
				checkAppendString(t, filler[:at]+sp+filler[at:n])
			}
		}
	}
	// Two at a time, in one eight-byte step or across two, including a
	// multi-byte sequence cut short by the next.
	pairs := []string{`"`, `\`, "<", "\x00", "\x7f", "é", "\u2028", "\xff", "\xe2\x80", "\xc3"}
	for _, x := range pairs {
		for _, y := range pairs {
			for i := 0; i <= 9; i++ {
				for j := i; j <= 17; j++ {
					checkAppendString(t, filler[:i]+x+filler[i:j]+y+filler[j:20])
				}
			}
		}
	}
}

var floatCases = []float64{
	0, math.Copysign(0, -1), 1, -1, 0.1, -37.8159, 144.9669, 1e-6, 9.99999e-7, 1e-7,
	123456789, 1e20, 1e21, 123e45, 5e-324, math.MaxFloat64, -math.SmallestNonzeroFloat64,
	1.0000000000000002, 12345678.9, 0.000001234, 99999999999999, 99999999999999.9,
	1e14, 0.30000000000000004, 45.00000000000001, -179.99999999999997,
}

func TestAppendFloatMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, f := range floatCases {
		got, err := AppendFloat(nil, f)
		if err != nil {
			t.Fatalf("AppendFloat(%v): %v", f, err)
		}
		if want := marshal(t, f); string(got) != want {
			t.Errorf("AppendFloat(%v) = %s, want %s", f, got, want)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		got, err := AppendFloat([]byte("x"), f)
		if !stderrors.Is(err, ErrUnsupportedFloat) || string(got) != "x" {
			t.Errorf("AppendFloat(%v) = %q, %v; want x unchanged and ErrUnsupportedFloat", f, got, err)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range stringCases {
		f.Add(s)
	}
	f.Fuzz(checkAppendString)
}

func FuzzAppendFloat(f *testing.F) {
	for _, v := range floatCases {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v float64) {
		got, err := AppendFloat(nil, v)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			if err == nil {
				t.Fatalf("AppendFloat(%v) succeeded", v)
			}
			return
		}
		if want := marshal(t, v); err != nil || string(got) != want {
			t.Fatalf("AppendFloat(%v) = %s, %v; want %s", v, got, err, want)
		}
	})
}

// decimalNear returns the double nearest n·10^-k, moved nudge doubles up or
// down.
func decimalNear(n int64, k uint8, nudge int8) float64 {
	f, err := strconv.ParseFloat(strconv.FormatInt(n, 10)+"e-"+strconv.Itoa(int(k%24)), 64)
	if err != nil {
		panic(err)
	}
	for ; nudge > 0; nudge-- {
		f = math.Nextafter(f, math.Inf(1))
	}
	for ; nudge < 0; nudge++ {
		f = math.Nextafter(f, math.Inf(-1))
	}
	return f
}

// FuzzAppendFloatDecimal checks AppendFloat against encoding/json on
// decimals of few digits, as latitudes and longitudes are, and their
// neighbours.
func FuzzAppendFloatDecimal(f *testing.F) {
	f.Add(int64(-378159), uint8(4), int8(0))
	f.Add(int64(1449669), uint8(4), int8(1))
	f.Add(int64(99999999999999), uint8(0), int8(0))
	f.Add(int64(999999999999999), uint8(1), int8(0))
	f.Add(int64(1), uint8(6), int8(-1))
	f.Add(int64(1), uint8(7), int8(0))
	f.Add(int64(3), uint8(1), int8(1))
	f.Add(int64(1), uint8(14), int8(0))
	f.Add(int64(math.MaxInt64), uint8(21), int8(0))
	f.Fuzz(func(t *testing.T, n int64, k uint8, nudge int8) {
		f := decimalNear(n, k, nudge%8)
		want := marshal(t, f)
		if got, err := AppendFloat([]byte("x"), f); err != nil || string(got) != "x"+want {
			t.Fatalf("AppendFloat(%v) = %s, %v; want x%s", f, got, err, want)
		}
	})
}

func TestAppendStrings(t *testing.T) {
	t.Parallel()
	if got := string(AppendStrings([]byte("x"), nil)); got != "x[]" {
		t.Errorf("AppendStrings(nil) = %s, want x[]", got)
	}
	for _, ss := range [][]string{{}, {"password"}, {"password", "totp"}, stringCases} {
		quoted := make([]string, len(ss))
		for i, s := range ss {
			quoted[i] = marshalString(t, s)
		}
		if got, want := string(AppendStrings(nil, ss)), "["+strings.Join(quoted, ",")+"]"; got != want {
			t.Errorf("AppendStrings(%q) = %s, want %s", ss, got, want)
		}
	}
}
