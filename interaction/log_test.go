package interaction_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/interaction"
)

// logJSON logs one attribute through slog's JSON handler and returns the
// attribute's value as JSON.
func logJSON(t *testing.T, attr slog.Attr) string {
	t.Helper()
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).LogAttrs(t.Context(), slog.LevelInfo, "m", attr)
	var rec map[string]json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatalf("the record is not JSON: %v\n%s", err, buf.Bytes())
	}
	return string(rec[attr.Key])
}

// TestDetailsLogValue pins the three forms of a Details in a log: hidden,
// in full, and a zero Details, whose zero values hide nothing and are
// logged as they are.
func TestDetailsLogValue(t *testing.T) {
	t.Parallel()
	const hidden = `{"asn":"[redacted]","at":"2009-02-13T23:31:30Z","city":"[redacted]",` +
		`"country_code":"[redacted]","ja4_fingerprint":"[redacted]","lat_long":"[redacted]",` +
		`"region_code":"[redacted]","remote_ip":"[redacted]","timezone":"[redacted]","user_agent":"[redacted]"}`
	d := examples.Details()
	d.UserAgent = "curl/8.5.0"
	for _, tc := range []struct {
		name string
		attr slog.Attr
		want string
	}{
		{"pointer", slog.Any("d", d), hidden},
		{"value", slog.Any("d", *d), hidden},
		{"Unredacted", slog.Any("d", interaction.Unredacted(d)),
			`{"asn":4764,"at":"2009-02-13T23:31:30Z","city":"Melbourne","country_code":"AU",` +
				`"ja4_fingerprint":"q13d0314h3_55b375c5d22e_61e396c58b1f","lat_long":[-37.8159,144.9669],` +
				`"region_code":"VIC","remote_ip":"127.0.0.1","timezone":"Australia/Melbourne","user_agent":"curl/8.5.0"}`},
		{"zero", slog.Any("d", interaction.Details{}),
			`{"asn":0,"at":"0001-01-01T00:00:00Z","city":"","country_code":"","ja4_fingerprint":"",` +
				`"lat_long":[0,0],"region_code":"","remote_ip":"","timezone":"","user_agent":""}`},
		{"Unredacted(nil)", slog.Any("d", interaction.Unredacted(nil)), `null`},
	} {
		if got := logJSON(t, tc.attr); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
}
