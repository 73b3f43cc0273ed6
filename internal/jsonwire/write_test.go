package jsonwire

import (
	"encoding/json"
	stderrors "errors"
	"math"
	"testing"
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

var stringCases = []string{
	"", "plain", `"quoted" and \backslash\`, "<script>&amp;</script>",
	"\x00\x01\x07\b\f\n\r\t\x1f\x7f", "é 中 😀", "\u2028\u2029",
	"invalid \xff\xfe utf8 \xc3", "\xed\xa0\x80 encoded surrogate",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)",
}

func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, s := range stringCases {
		if got, want := string(AppendString([]byte("prefix"), s)), "prefix"+marshal(t, s); got != want {
			t.Errorf("AppendString(%q) = %s, want %s", s, got, want)
		}
	}
}

var floatCases = []float64{
	0, math.Copysign(0, -1), 1, -1, 0.1, -37.8159, 144.9669, 1e-6, 9.99999e-7, 1e-7,
	123456789, 1e20, 1e21, 123e45, 5e-324, math.MaxFloat64, -math.SmallestNonzeroFloat64,
	1.0000000000000002, 12345678.9,
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
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(AppendString(nil, s)), marshal(t, s); got != want {
			t.Fatalf("AppendString(%q) = %s, want %s", s, got, want)
		}
	})
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
