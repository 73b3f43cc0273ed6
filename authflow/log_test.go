package authflow_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/interaction"
)

// logFixture is one fixture flow to log, named for failure messages.
type logFixture struct {
	name string
	flow *authflow.Authflow
}

// logFixtures returns every fixture flow of package examples: the seed,
// each variant, and each of Flows.
func logFixtures() []logFixture {
	fs := []logFixture{{"Authflow", examples.Authflow()}}
	for _, v := range examples.Variants() {
		fs = append(fs, logFixture{"Variants/" + v.Name, v.Authflow})
	}
	for _, f := range examples.Flows() {
		fs = append(fs, logFixture{"Flows/" + f.Title, f})
	}
	return fs
}

// logHandlers returns the handlers of log/slog, writing to w without the
// time, so that no clock's digits can match a personal value by chance.
func logHandlers() map[string]func(w *bytes.Buffer) slog.Handler {
	opts := &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}
	return map[string]func(w *bytes.Buffer) slog.Handler{
		"JSON": func(w *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(w, opts) },
		"text": func(w *bytes.Buffer) slog.Handler { return slog.NewTextHandler(w, opts) },
	}
}

// personalValues returns each non-empty value of flow that identifies a
// person or a device.
func personalValues(flow *authflow.Authflow) []string {
	var vs []string
	for _, d := range []*interaction.Details{flow.FirstSeen, flow.LastSeen} {
		if d == nil {
			continue
		}
		vs = append(vs, strconv.FormatUint(uint64(d.ASN), 10), d.City, d.CountryCode, d.JA4Fingerprint,
			strconv.FormatFloat(d.LatLong.Lat(), 'g', -1, 64), strconv.FormatFloat(d.LatLong.Long(), 'g', -1, 64),
			d.RegionCode, d.RemoteIP.String(), d.Timezone, d.UserAgent)
		if d.RemoteIP.Is4In6() {
			vs = append(vs, d.RemoteIP.Unmap().String())
		}
	}
	if flow.RequiredEmail != nil {
		vs = append(vs, *flow.RequiredEmail)
	}
	vs = append(vs, flow.ReturnURL)
	var out []string
	for _, v := range vs {
		if v != "" && v != "0" {
			out = append(out, v)
		}
	}
	return out
}

// keptValues returns the values of flow that its log must show: its IDs,
// status, plan, title and the times of its snapshots.
func keptValues(flow *authflow.Authflow) []string {
	vs := []string{flow.ID.String(), flow.AccountID.String(), flow.DeviceID.String(),
		flow.DomainID.String(), flow.PoolID.String(), flow.SessionID.String(),
		string(flow.Status), flow.PlanName}
	if flow.Title != "" && !strings.ContainsAny(flow.Title, `"<>&\`) {
		vs = append(vs, flow.Title)
	}
	for _, d := range []*interaction.Details{flow.FirstSeen, flow.LastSeen} {
		if d != nil {
			// The handlers differ in the fraction of a second.
			vs = append(vs, d.At.UTC().Format("2006-01-02T15:04:05"))
		}
	}
	return vs
}

// written returns the forms of s that a handler may write: as it is,
// escaped as the JSON handler escapes a string, and quoted as the text
// handler quotes one.
func written(s string) []string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		panic(err)
	}
	jsonForm := strings.TrimSuffix(b.String(), "\n")
	quoted := strconv.Quote(s)
	return []string{s, jsonForm[1 : len(jsonForm)-1], quoted[1 : len(quoted)-1]}
}

// shows reports whether out holds s in any form a handler writes.
func shows(out, s string) bool {
	for _, w := range written(s) {
		if strings.Contains(out, w) {
			return true
		}
	}
	return false
}

// TestLogValueHidesPersonalData logs every fixture flow through slog's JSON
// and text handlers, at the top level, as a value, in a group, in a
// logger's attributes, in a FetchResponse and through its Details, and
// checks that no personal value of the flow is in the output while its IDs,
// status and times are; and that Unredacted shows every value.
func TestLogValueHidesPersonalData(t *testing.T) {
	t.Parallel()
	hidden := map[string]func(l *slog.Logger, f *authflow.Authflow){
		"pointer":          func(l *slog.Logger, f *authflow.Authflow) { l.Info("m", "flow", f) },
		"value":            func(l *slog.Logger, f *authflow.Authflow) { l.Info("m", "flow", *f) },
		"group":            func(l *slog.Logger, f *authflow.Authflow) { l.Info("m", slog.Group("g", slog.Any("flow", f))) },
		"WithGroup/With":   func(l *slog.Logger, f *authflow.Authflow) { l.WithGroup("g").With("flow", *f).Info("m") },
		"FetchResponse":    func(l *slog.Logger, f *authflow.Authflow) { l.Info("m", "r", authflow.FetchResponse{Summary: f}) },
		"*FetchResponse":   func(l *slog.Logger, f *authflow.Authflow) { l.Info("m", "r", &authflow.FetchResponse{Summary: f}) },
		"LogAttrs/Details": logDetails,
	}
	full := func(l *slog.Logger, f *authflow.Authflow) { l.Info("m", "flow", authflow.Unredacted(f)) }

	for hname, newHandler := range logHandlers() {
		for _, fx := range logFixtures() {
			personal := personalValues(fx.flow)
			if len(personal) == 0 {
				t.Fatalf("%s: the fixture has no personal value to look for", fx.name)
			}
			for how, logIt := range hidden {
				var buf bytes.Buffer
				logIt(slog.New(newHandler(&buf)), fx.flow)
				out := buf.String()
				for _, v := range personal {
					if shows(out, v) {
						t.Errorf("%s handler, %s, %s: the output shows %q:\n%s", hname, how, fx.name, v, out)
					}
				}
				if how == "LogAttrs/Details" {
					continue // no IDs there
				}
				for _, v := range keptValues(fx.flow) {
					if !strings.Contains(out, v) {
						t.Errorf("%s handler, %s, %s: the output lacks %q:\n%s", hname, how, fx.name, v, out)
					}
				}
			}

			var buf bytes.Buffer
			full(slog.New(newHandler(&buf)), fx.flow)
			out := buf.String()
			for _, v := range append(personal, keptValues(fx.flow)...) {
				if !shows(out, v) {
					t.Errorf("%s handler, Unredacted, %s: the output lacks %q:\n%s", hname, fx.name, v, out)
				}
			}
		}
	}
}

// logDetails logs the flow's snapshots alone, with LogAttrs.
func logDetails(l *slog.Logger, f *authflow.Authflow) {
	var attrs []slog.Attr
	for _, d := range []*interaction.Details{f.FirstSeen, f.LastSeen} {
		if d != nil {
			attrs = append(attrs, slog.Any("seen", d), slog.Any("seen_value", *d))
		}
	}
	l.LogAttrs(context.Background(), slog.LevelInfo, "m", attrs...)
}

// TestLogValueAbsentAndHidden checks that a null or empty field is logged
// as it is, apart from a hidden one.
func TestLogValueAbsentAndHidden(t *testing.T) {
	t.Parallel()
	f := examples.Authflow()
	f.FirstSeen, f.RequiredEmail, f.ReturnURL = nil, nil, ""
	got := logJSON(t, slog.Any("flow", f))["flow"].(map[string]any)
	for key, want := range map[string]any{
		"first_seen":     nil,
		"required_email": nil,
		"return_url":     "",
		"status":         "new",
		"type":           "authflow",
		"factor_names":   []any{"password", "totp"},
	} {
		v, ok := got[key]
		if !ok {
			t.Errorf("%s is missing", key)
			continue
		}
		if gotJSON, wantJSON := mustJSON(t, v), mustJSON(t, want); gotJSON != wantJSON {
			t.Errorf("%s = %s, want %s", key, gotJSON, wantJSON)
		}
	}
	if got, want := mustJSON(t, got["last_seen"].(map[string]any)["remote_ip"]), `"[redacted]"`; got != want {
		t.Errorf("last_seen.remote_ip = %s, want %s", got, want)
	}

	empty := ""
	f.RequiredEmail = &empty
	got = logJSON(t, slog.Any("flow", f))["flow"].(map[string]any)
	if got, want := mustJSON(t, got["required_email"]), `""`; got != want {
		t.Errorf("an empty required_email is logged as %s, want %s", got, want)
	}
}

// TestLogValueNil checks that a nil flow or envelope logs and reveals
// nothing: a nil *Authflow is slog's recovered nil dereference, and
// Unredacted(nil) and a FetchResponse without a summary are null.
func TestLogValueNil(t *testing.T) {
	t.Parallel()
	got := logJSON(t, slog.Any("flow", (*authflow.Authflow)(nil)))
	if s, ok := got["flow"].(string); !ok || !strings.HasPrefix(s, "LogValue panicked") {
		t.Errorf("a nil *Authflow is logged as %#v, want slog's LogValue panicked", got["flow"])
	}
	got = logJSON(t, slog.Any("flow", authflow.Unredacted(nil)))
	if v, ok := got["flow"]; !ok || v != nil {
		t.Errorf("Unredacted(nil) is logged as %#v, want null", v)
	}
	got = logJSON(t, slog.Any("r", authflow.FetchResponse{}))
	if s := mustJSON(t, got["r"]); s != `{"status":"success","summary":null}` {
		t.Errorf("a FetchResponse without a summary is logged as %s", s)
	}
}

// logJSON logs one attribute through the JSON handler and returns the
// decoded record.
func logJSON(t *testing.T, attr slog.Attr) map[string]any {
	t.Helper()
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).LogAttrs(t.Context(), slog.LevelInfo, "m", attr)
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatalf("the record is not JSON: %v\n%s", err, buf.Bytes())
	}
	return rec
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestLogValueNamesEveryField checks that the log form of a flow, and of its
// snapshots, has a key for each key of its JSON form, so that a field added
// to the type is logged, hidden or kept, by a decision in the type's own
// file, never dropped from logs unseen.
func TestLogValueNamesEveryField(t *testing.T) {
	t.Parallel()
	flow := examples.Authflow()
	jsonKeys := func(v any) []string {
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(mustJSON(t, v)), &m); err != nil {
			t.Fatal(err)
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		return keys
	}
	logKeys := func(v slog.Value) []string {
		var keys []string
		for _, a := range v.Group() {
			keys = append(keys, a.Key)
		}
		slices.Sort(keys)
		return keys
	}
	for _, tt := range []struct {
		name     string
		json     any
		redacted slog.Value
		full     slog.Value
	}{
		{"Authflow", flow, flow.LogValue(), authflow.Unredacted(flow).LogValue()},
		{"Details", flow.FirstSeen, flow.FirstSeen.LogValue(), interaction.Unredacted(flow.FirstSeen).LogValue()},
	} {
		want := jsonKeys(tt.json)
		if got := logKeys(tt.redacted); !slices.Equal(got, want) {
			t.Errorf("%s: LogValue's keys %v, want the JSON keys %v", tt.name, got, want)
		}
		if got := logKeys(tt.full); !slices.Equal(got, want) {
			t.Errorf("%s: Unredacted's keys %v, want the JSON keys %v", tt.name, got, want)
		}
	}
}
