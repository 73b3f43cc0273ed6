package interaction_test

import (
	"encoding/json"
	"testing"
	"time"

	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/interaction"
	"github.com/authflow-dev/authflow-go/internal/testutil"
)

// UnixTime's JSON methods. The parsing and formatting they share with
// package authflow's codec, jsonwire's ParseUnixTime and AppendUnixTime, are
// tested, and fuzzed against exact arithmetic, in package jsonwire.

func TestUnixTimeUnmarshalJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text      string
		sec, nsec int64
	}{
		// Forms: integer, fraction, exponent, negative.
		{"1234567890", 1234567890, 0},
		{"1234567890.5", 1234567890, 5e8},
		{"1.2345678905e9", 1234567890, 5e8},
		{"1.2345678905E+9", 1234567890, 5e8},
		{"12345678905e-1", 1234567890, 5e8},
		{"-1.5", -2, 5e8},
		{" 1234567890 ", 1234567890, 0},
		// Exact: every digit to the nanosecond counts, which a float64
		// (about 16 significant digits) would lose.
		{"1234567890.123456789", 1234567890, 123456789},
		{"999999999999999999.999999999", 999999999999999999, 999999999},
		{"-999999999999999999.999999999", -1e18, 1},
		{"1e-9", 0, 1},
		// Digits beyond the nanosecond round, half to even.
		{"1234567890.1234567885", 1234567890, 123456788},
		{"1234567890.1234567895", 1234567890, 123456790},
		{"1234567890.12345678850001", 1234567890, 123456789},
		{"1234567890.9999999996", 1234567891, 0},
		{"2.5e-9", 0, 2},
	}
	for _, tt := range tests {
		var u interaction.UnixTime
		if err := u.UnmarshalJSON([]byte(tt.text)); err != nil {
			t.Errorf("UnmarshalJSON(%s): %v", tt.text, err)
			continue
		}
		want := time.Unix(tt.sec, tt.nsec)
		if !u.Equal(want) || u.Location() != time.UTC {
			t.Errorf("UnmarshalJSON(%s) = %v, want %v in UTC", tt.text, u, want.UTC())
		}
		// json.Unmarshal reads the same.
		var viaJSON struct{ At interaction.UnixTime }
		if err := json.Unmarshal([]byte(`{"At":`+tt.text+`}`), &viaJSON); err != nil || !viaJSON.At.Equal(want) {
			t.Errorf("json.Unmarshal of %s = %v, %v", tt.text, viaJSON.At, err)
		}
	}
	// 0 in any form, and what rounds to 0, is the zero time.
	for _, zero := range []string{"0", "-0", "0.0", "0e99", "0.0000000004", "5e-10", "-5e-10"} {
		u := interaction.UnixTime{Time: time.Now()}
		if err := u.UnmarshalJSON([]byte(zero)); err != nil || !u.IsZero() {
			t.Errorf("UnmarshalJSON(%s) = %v, %v; want the zero time", zero, u, err)
		}
	}
	// null leaves the value as it was.
	kept := unixTime(1234567890, 0)
	u := kept
	if err := u.UnmarshalJSON([]byte(" null ")); err != nil || u != kept {
		t.Errorf("UnmarshalJSON(null) = %v, %v; want %v unchanged", u, err, kept)
	}
}

func TestUnixTimeUnmarshalJSONErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		rule apierrors.Rule
		code apierrors.Code
	}{
		{"1e18", apierrors.RuleUnixTime, apierrors.InvalidValue},
		{"-1e18", apierrors.RuleUnixTime, apierrors.InvalidValue},
		{"999999999999999999.9999999995", apierrors.RuleUnixTime, apierrors.InvalidValue},
		{"1e400", apierrors.RuleUnixTime, apierrors.InvalidValue},
		{`"1234567890"`, apierrors.RuleType, apierrors.InvalidValue},
		{`"2009-02-13T23:31:30Z"`, apierrors.RuleType, apierrors.InvalidValue}, // not time.Time's form
		{"true", apierrors.RuleType, apierrors.InvalidValue},
		{"[1]", apierrors.RuleType, apierrors.InvalidValue},
		{"", apierrors.RuleSyntax, apierrors.BadRequest},
		{"1 2", apierrors.RuleSyntax, apierrors.BadRequest},
		{"01", apierrors.RuleSyntax, apierrors.BadRequest},
		{"null x", apierrors.RuleSyntax, apierrors.BadRequest},
	}
	for _, tt := range tests {
		kept := unixTime(1234567890, 0)
		u := kept
		err := u.UnmarshalJSON([]byte(tt.text))
		if err == nil {
			t.Errorf("UnmarshalJSON(%s) = %v, want an error", tt.text, u)
			continue
		}
		e := testutil.APIError(t, err)
		if ps := e.Problems(); e.Code() != tt.code || len(ps) != 1 || ps[0].Rule != tt.rule || ps[0].Path != "" {
			t.Errorf("UnmarshalJSON(%s): got %q %+v, want %q rule %q", tt.text, e.Code(), ps, tt.code, tt.rule)
		}
		if u != kept {
			t.Errorf("UnmarshalJSON(%s) failed and changed the value to %v", tt.text, u)
		}
	}
}

func TestUnixTimeMarshalJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		t    interaction.UnixTime
		want string
	}{
		{interaction.UnixTime{}, "0"},
		{unixTime(1234567890, 0), "1234567890"},
		{unixTime(1234567890, 5e8), "1234567890.5"},
		{unixTime(1234567890, 1), "1234567890.000000001"},
		{unixTime(1234567890, 123456780), "1234567890.12345678"},
		{unixTime(-2, 5e8), "-1.5"},
		{unixTime(0, -1), "-0.000000001"},
		{unixTime(1e18-1, 999999999), "999999999999999999.999999999"},
		// Another location, and a monotonic reading, change nothing.
		{interaction.UnixTime{Time: time.Unix(1234567890, 5e8).In(time.FixedZone("AEST", 10*3600))}, "1234567890.5"},
	}
	for _, tt := range tests {
		got, err := json.Marshal(tt.t)
		if err != nil || string(got) != tt.want {
			t.Errorf("json.Marshal(%v) = %s, %v; want %s", tt.t, got, err, tt.want)
		}
		var back interaction.UnixTime
		if err := json.Unmarshal(got, &back); err != nil || !back.Equal(tt.t.Time) || back.IsZero() != tt.t.IsZero() {
			t.Errorf("%s decodes as %v, %v; want %v", got, back, err, tt.t)
		}
	}
	now := interaction.UnixTime{Time: time.Now()}
	b, _ := json.Marshal(now)
	var back interaction.UnixTime
	if err := json.Unmarshal(b, &back); err != nil || !back.Equal(now.Time) {
		t.Errorf("time.Now() %v round-trips through %s as %v, %v", now, b, back, err)
	}
}

// TestUnixTimeTextForm: the text form is time.Time's, RFC 3339, as the doc
// says, while the JSON form stays a number.
func TestUnixTimeTextForm(t *testing.T) {
	at := interaction.UnixTime{Time: time.Unix(1234567890, 500_000_000).UTC()}
	text, err := at.MarshalText()
	if want := "2009-02-13T23:31:30.5Z"; err != nil || string(text) != want {
		t.Fatalf("MarshalText = %s, %v; want %s", text, err, want)
	}
	var back interaction.UnixTime
	if err := back.UnmarshalText(text); err != nil || !back.Equal(at.Time) {
		t.Fatalf("UnmarshalText(%s) = %v, %v; want %v", text, back, err, at)
	}
	if b, err := json.Marshal(at); err != nil || string(b) != "1234567890.5" {
		t.Fatalf("json.Marshal = %s, %v; want 1234567890.5", b, err)
	}
}
