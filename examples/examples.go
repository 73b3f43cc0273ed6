// Package examples holds fixtures for tests of code that uses this module:
// the example authflow of the Authflow API reference (its "Fetch authflow"
// page) as a Go value ([Authflow]) and as the JSON a server sends for it
// ([FetchResponseJSON]), and [Variants] that cover each status, the null
// fields, an IPv6 address, a fractional time and more.
//
// Every function returns new values, deep copies that share nothing with
// what another call returned, so a test may change its fixture freely. Every
// fixture validates, and its JSON is exactly what encoding it writes: this
// package's own tests check both.
package examples

import (
	"embed"
	"net/netip"
	"time"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/ids"
	"github.com/authflow-dev/authflow-go/interaction"
)

// The API reference's example IDs: timestamp 1,234,567,890,000 ms and
// partition 123,456,789, the reference implementations' example ID.
const (
	// AuthflowID is the example authflow's ID, the one [Authflow] has.
	AuthflowID = "013xrzp12g3nqk8nqprv12gz6v99a2v4"
	// AccountID is the example authflow's account ID.
	AccountID = "013xrzp12g3nqk8n505tp6wqnscpdy8q"
	// DeviceID is the example authflow's device ID.
	DeviceID = "013xrzp12g3nqk8nyvk0xwzcb2gzp8z1"
	// DomainID is the example authflow's domain ID.
	DomainID = "013xrzp12g3nqk8nz2ccx5vt2j6f6hjz"
	// PoolID is the example authflow's pool ID.
	PoolID = "013xrzp12g3nqk8n6z7f3q8wqgbmh3n9"
	// SessionID is the example authflow's session ID.
	SessionID = "013xrzp12g3nqk8n55ng0qwnq3t8fedc"
)

// Authflow returns the API reference's example authflow. The
// reference gives no example for factor_names, required_email or
// return_url; the fixture uses ["password","totp"], "user@example.com" and
// "https://example.com/welcome". first_seen and last_seen both hold the
// reference's example InteractionDetails ([Details]).
func Authflow() *authflow.Authflow {
	email := "user@example.com"
	return &authflow.Authflow{
		ID:            mustParse(ids.ParseAuthflowID, AuthflowID),
		AccountID:     mustParse(ids.ParseAccountID, AccountID),
		DeviceID:      mustParse(ids.ParseDeviceID, DeviceID),
		DomainID:      mustParse(ids.ParseDomainID, DomainID),
		PoolID:        mustParse(ids.ParsePoolID, PoolID),
		SessionID:     mustParse(ids.ParseSessionID, SessionID),
		Status:        authflow.StatusNew,
		PlanName:      "basic",
		Title:         "My Authflow",
		FactorNames:   []string{"password", "totp"},
		RequiredEmail: &email,
		ReturnURL:     "https://example.com/welcome",
		FirstSeen:     Details(),
		LastSeen:      Details(),
	}
}

// Details returns the API reference's example InteractionDetails.
func Details() *interaction.Details {
	return &interaction.Details{
		ASN:            4764,
		At:             interaction.UnixTime{Time: time.Unix(1234567890, 0).UTC()},
		City:           "Melbourne",
		CountryCode:    "AU",
		JA4Fingerprint: "q13d0314h3_55b375c5d22e_61e396c58b1f",
		LatLong:        interaction.LatLong{-37.8159, 144.9669},
		RegionCode:     "VIC",
		RemoteIP:       netip.MustParseAddr("127.0.0.1"),
		Timezone:       "Australia/Melbourne",
		UserAgent:      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/91.0.4472.114 Safari/537.36",
	}
}

// FetchResponseJSON returns the body a server sends for [Authflow]: the
// success envelope {"status":"success","summary":{…}}, exactly as
// json.Marshal and [authflow.AppendFetchResponse] write it.
func FetchResponseJSON() []byte {
	return golden("seed")
}

// A Variant is a fixture other than the seed: an authflow and the body a
// server sends for it.
type Variant struct {
	// Name says what the variant varies, such as "null_first_seen"; it is
	// also the name of its golden file, testdata/<name>.json.
	Name string
	// Authflow is the variant's authflow. It validates.
	Authflow *authflow.Authflow
	// JSON is the success envelope holding Authflow, exactly as
	// json.Marshal and [authflow.AppendFetchResponse] write it.
	JSON []byte
}

// Variants returns the seed example changed one way at a time: each status,
// each nullable field null, an IPv6 remote_ip, fractional times, no factor
// names, and strings that need escaping.
func Variants() []Variant {
	vs := make([]Variant, 0, len(variants))
	for _, v := range variants {
		a := Authflow()
		v.change(a)
		vs = append(vs, Variant{Name: v.name, Authflow: a, JSON: golden(v.name)})
	}
	return vs
}

// variants are the changes each Variant makes to the seed.
var variants = []struct {
	name   string
	change func(*authflow.Authflow)
}{
	{"status_pending", func(a *authflow.Authflow) { a.Status = authflow.StatusPending }},
	{"status_finished", func(a *authflow.Authflow) { a.Status = authflow.StatusFinished }},
	{"status_complete", func(a *authflow.Authflow) { a.Status = authflow.StatusComplete }},
	{"status_cancelled", func(a *authflow.Authflow) { a.Status = authflow.StatusCancelled }},
	{"null_first_seen", func(a *authflow.Authflow) { a.FirstSeen = nil }},
	{"null_last_seen", func(a *authflow.Authflow) { a.LastSeen = nil }},
	{"null_first_and_last_seen", func(a *authflow.Authflow) { a.FirstSeen, a.LastSeen = nil, nil }},
	{"null_required_email", func(a *authflow.Authflow) { a.RequiredEmail = nil }},
	{"ipv6_remote_ip", func(a *authflow.Authflow) {
		a.FirstSeen.RemoteIP = netip.MustParseAddr("2001:db8::1")
		a.LastSeen.RemoteIP = netip.MustParseAddr("::ffff:203.0.113.7")
	}},
	{"fractional_at", func(a *authflow.Authflow) {
		a.FirstSeen.At = interaction.UnixTime{Time: time.Unix(1234567890, 500_000_000).UTC()}
		a.LastSeen.At = interaction.UnixTime{Time: time.Unix(1234567899, 123_456_789).UTC()}
	}},
	{"empty_factor_names", func(a *authflow.Authflow) { a.FactorNames = authflow.FactorNames{} }},
	{"empty_return_url_and_title", func(a *authflow.Authflow) { a.ReturnURL, a.Title = "", "" }},
	{"escaped_strings", func(a *authflow.Authflow) {
		a.Title = `My <Authflow> & "friends" — ünïcödé 😀`
		a.FirstSeen.City = "Malmö"
		a.FirstSeen.UserAgent = "Mozilla/5.0 (X11; Linux x86_64)\tTab\\Backslash\u2028"
	}},
}

// Flows returns every fixture as a flow of its own, for a store to serve:
// the API reference's example (Authflow) under its own ID (AuthflowID), then
// each of Variants under an ID of its own, the seed's timestamp and
// partition with the variant's position (from 1) as randomness, so that the
// IDs are the same on every run. A variant that keeps the seed's title is
// titled "Variant <name>". The demo server and authflowtest serve these.
//
// Every call returns new values, deep copies that share nothing with what
// another call returned.
func Flows() []*authflow.Authflow {
	seed := Authflow()
	flows := []*authflow.Authflow{seed}
	for i, v := range Variants() {
		var r [10]byte
		r[9] = byte(i + 1)
		p, err := ids.FromParts(seed.ID.PFID().Timestamp(), seed.ID.Partition(), r)
		if err != nil {
			panic(err) // unreachable: the seed's parts are in range
		}
		f := v.Authflow
		f.ID = ids.FromPFID[ids.Authflow](p)
		if f.Title == seed.Title {
			f.Title = "Variant " + v.Name
		}
		flows = append(flows, f)
	}
	return flows
}

// goldenFiles holds each fixture's JSON; the tests rewrite it with -update.
//
//go:embed testdata/*.json
var goldenFiles embed.FS

// golden returns a new copy of testdata/<name>.json.
func golden(name string) []byte {
	b, err := goldenFiles.ReadFile("testdata/" + name + ".json")
	if err != nil {
		panic("examples: no golden file for " + name + ": " + err.Error())
	}
	return b
}

// mustParse parses a hard-coded ID, panicking on error.
func mustParse[ID any](parse func(string) (ID, error), s string) ID {
	id, err := parse(s)
	if err != nil {
		panic(err)
	}
	return id
}
