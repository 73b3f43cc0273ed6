package authflow

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/ids"
	"github.com/authflow-dev/authflow-go/interaction"
	"github.com/authflow-dev/authflow-go/internal/testutil"
)

// seedFlow returns a valid flow, built here because package examples
// imports this one.
func seedFlow() *Authflow {
	email := "user@example.com"
	details := func() *interaction.Details {
		return &interaction.Details{
			ASN: 4764, At: interaction.UnixTime{Time: time.Unix(1234567890, 0).UTC()}, City: "Melbourne",
			CountryCode: "AU", JA4Fingerprint: "q13d0314h3_55b375c5d22e_61e396c58b1f",
			LatLong: interaction.LatLong{-37.8159, 144.9669}, RegionCode: "VIC",
			RemoteIP: netip.MustParseAddr("127.0.0.1"), Timezone: "Australia/Melbourne", UserAgent: "Mozilla/5.0",
		}
	}
	return &Authflow{
		AccountID:     ids.MustParse[ids.Account]("013xrzp12g3nqk8n505tp6wqnscpdy8q"),
		DeviceID:      ids.MustParse[ids.Device]("013xrzp12g3nqk8nyvk0xwzcb2gzp8z1"),
		DomainID:      ids.MustParse[ids.Domain]("013xrzp12g3nqk8nz2ccx5vt2j6f6hjz"),
		FactorNames:   FactorNames{"password", "totp"},
		FirstSeen:     details(),
		ID:            ids.MustParse[ids.Authflow]("013xrzp12g3nqk8nqprv12gz6v99a2v4"),
		LastSeen:      details(),
		PlanName:      "basic",
		PoolID:        ids.MustParse[ids.Pool]("013xrzp12g3nqk8n6z7f3q8wqgbmh3n9"),
		RequiredEmail: &email,
		ReturnURL:     "https://example.com/welcome",
		SessionID:     ids.MustParse[ids.Session]("013xrzp12g3nqk8n55ng0qwnq3t8fedc"),
		Status:        StatusNew,
		Title:         "My Authflow",
	}
}

// FuzzValidateAgrees checks the reflection-free fast path against
// validator/v10, which stays the authority: for any flow, the fast path
// says "valid" exactly when the validator finds no problem, strict and
// tolerant alike. The fuzzer changes every value a rule looks at.
func FuzzValidateAgrees(f *testing.F) {
	f.Add("user@example.com", "https://example.com/welcome", "AU", "q13d0314h3_55b375c5d22e_61e396c58b1f", "Australia/Melbourne",
		-37.8159, 144.9669, uint32(4764), "password,totp", "new", int64(1234567890), int64(0), "127.0.0.1", "basic", uint8(0))
	f.Add("", "", "", "", "", 0.0, 0.0, uint32(0), "", "", int64(0), int64(0), "", "", uint8(255))
	f.Add("a@b", "HTTPS://x.example", "XK", "t00i0000a0_000000000000_000000000000", "UTC",
		90.0, -180.0, uint32(1), ",a,a", "archived", int64(-1), int64(-1), "fe80::1%eth0", "p", uint8(1))
	f.Add("a@-b.c", "https://u@evil.example/", "au", "x", "Local",
		90.1, 180.5, uint32(4294967295), strings.Repeat("x,", 40)+"x", "cancelled", int64(1e18), int64(5), "::ffff:1.2.3.4", "", uint8(2))
	f.Add("user@example.com", "javascript:alert(1)", "EU", "q13d0314h3_55b375c5d22e_61e396c58b1F", "America/Argentina/Buenos_Aires",
		-90.0, 0.0, uint32(7), "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,a", "pending", int64(-1e18+1), int64(-3), "2001:db8::1", "x", uint8(3))
	// Time zones and JA4 fingerprints are checked by shape: seeds that a
	// list would refuse, and shapes that must fail.
	for _, s := range []struct{ tz, ja4 string }{
		{"Mars/Olympus_Mons", "q14d0314h3_55b375c5d22e_61e396c58b1f"},
		{"Etc/GMT+10", "x1zi0000a0_000000000000_000000000000"},
		{"America/Argentina/ComodRivadavia", "q1Xd0314h3_55b375c5d22e_61e396c58b1f"},
		{"A/B/C/D/E", "Q13d0314h3_55b375c5d22e_61e396c58b1f"},
		{"../x", "q13d0314h3_55b375c5d22e_61e396c58b1f"},
		{"Foo /Bar", "q13d0314h3_55b375c5d22e_61e396c58b1f"},
		{"a//b", "q13d0314h3_55b375c5d22e_61e396c58b1f"},
		{"Abcdefghijklmno/X", "q13d0314h3_55b375c5d22e_61e396c58b1f"},
		{"X/", "q\xff3d0314h3_55b375c5d22e_61e396c58b1f"},
	} {
		f.Add("user@example.com", "https://example.com/welcome", "AU", s.ja4, s.tz,
			-37.8159, 144.9669, uint32(4764), "password,totp", "new", int64(1234567890), int64(0), "127.0.0.1", "basic", uint8(0))
	}
	f.Fuzz(func(t *testing.T, email, url, cc, ja4, tz string, lat, long float64, asn uint32, names, status string,
		at, lastDelta int64, ip, plan string, zero uint8) {
		a := seedFlow()
		a.RequiredEmail = &email
		a.ReturnURL = url
		a.FirstSeen.CountryCode, a.FirstSeen.JA4Fingerprint, a.FirstSeen.Timezone = cc, ja4, tz
		a.FirstSeen.LatLong = interaction.LatLong{lat, long}
		a.FirstSeen.ASN = asn
		a.FirstSeen.At = interaction.UnixTime{Time: time.Unix(at, 0).UTC()}
		a.LastSeen.At = interaction.UnixTime{Time: time.Unix(at, 0).Add(time.Duration(lastDelta)).UTC()}
		if names == "" {
			a.FactorNames = nil
		} else {
			a.FactorNames = strings.Split(names, ",")
		}
		a.Status = Status(status)
		a.PlanName = plan
		if addr, err := netip.ParseAddr(ip); err == nil {
			a.LastSeen.RemoteIP = addr
		} else {
			a.LastSeen.RemoteIP = netip.Addr{}
		}
		// Unset some values, as the bits of zero say.
		if zero&1 != 0 {
			a.RequiredEmail = nil
		}
		if zero&2 != 0 {
			a.FirstSeen = nil
		}
		if zero&4 != 0 {
			a.LastSeen.At = interaction.UnixTime{}
		}
		if zero&8 != 0 {
			a.SessionID = ids.SessionID{}
		}
		if zero&16 != 0 {
			a.LastSeen = nil
		}

		for _, tolerant := range []bool{false, true} {
			v := &strictValidator
			if tolerant {
				v = &tolerantValidator
			}
			fast := a.ok(tolerant)
			err := v.Check(a)
			if fast != (err == nil) {
				t.Fatalf("tolerant=%v: the fast path says valid=%v, validator/v10 says %v\n%+v", tolerant, fast, err, a)
			}
			if got := a.validate(tolerant); (got == nil) != fast {
				t.Fatalf("tolerant=%v: validate = %v, fast path %v", tolerant, got, fast)
			}
		}
	})
}

// TestValidateNil checks that a nil flow, and a flow whose details are
// given as a nil pointer by a caller of interaction's Validate, is refused
// with an error rather than a panic.
func TestValidateNil(t *testing.T) {
	t.Parallel()
	for name, validate := range map[string]func() error{
		"*Authflow":            (*Authflow)(nil).Validate,
		"*interaction.Details": (*interaction.Details)(nil).Validate,
	} {
		err := validate()
		e := testutil.APIError(t, err)
		if e.Code() != apierrors.RequiredValue {
			t.Errorf("(%s)(nil).Validate() = %v, want code %s", name, err, apierrors.RequiredValue)
		}
		if ps := e.Problems(); len(ps) != 1 || ps[0].Path != "" || ps[0].Rule != apierrors.RuleRequired {
			t.Errorf("(%s)(nil).Validate(): problems %+v, want one of rule required at the root", name, ps)
		}
	}
}

// TestValidateShapes checks that time zones and JA4 fingerprints are
// checked by shape, through Authflow.Validate and Details.Validate: values
// that a compiled list would refuse pass, and values of the wrong shape
// fail with the rule's problem at the field's path.
func TestValidateShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*interaction.Details)
		path string         // of the problem in the details; "" when valid
		rule apierrors.Rule // of the problem
		code apierrors.Code // of the error
	}{
		{"zone no database has", func(d *interaction.Details) { d.Timezone = "Mars/Olympus_Mons" }, "", "", ""},
		{"zone UTC", func(d *interaction.Details) { d.Timezone = "UTC" }, "", "", ""},
		{"zone Etc/GMT+10", func(d *interaction.Details) { d.Timezone = "Etc/GMT+10" }, "", "", ""},
		{"zone of three parts", func(d *interaction.Details) { d.Timezone = "America/Argentina/ComodRivadavia" }, "", "", ""},
		{"JA4 of TLS version 14", func(d *interaction.Details) { d.JA4Fingerprint = "q14d0314h3_55b375c5d22e_61e396c58b1f" }, "", "", ""},
		{"JA4 of protocol x", func(d *interaction.Details) { d.JA4Fingerprint = "x13d0314h3_55b375c5d22e_61e396c58b1f" }, "", "", ""},
		{"zone Local", func(d *interaction.Details) { d.Timezone = "Local" }, "timezone", apierrors.RuleTimezone, apierrors.InvalidValue},
		{"zone empty", func(d *interaction.Details) { d.Timezone = "" }, "timezone", apierrors.RuleRequired, apierrors.RequiredValue},
		{"zone ../x", func(d *interaction.Details) { d.Timezone = "../x" }, "timezone", apierrors.RuleTimezone, apierrors.InvalidValue},
		{"zone with a space", func(d *interaction.Details) { d.Timezone = "Foo /Bar" }, "timezone", apierrors.RuleTimezone, apierrors.InvalidValue},
		{"zone with an empty part", func(d *interaction.Details) { d.Timezone = "a//b" }, "timezone", apierrors.RuleTimezone, apierrors.InvalidValue},
		{"zone with a dot", func(d *interaction.Details) { d.Timezone = "Europe/Kyiv.old" }, "timezone", apierrors.RuleTimezone, apierrors.InvalidValue},
		{"zone too long", func(d *interaction.Details) { d.Timezone = strings.Repeat("A", 1000) }, "timezone", apierrors.RuleTimezone, apierrors.InvalidValue},
		{"JA4 of TLS version 1X", func(d *interaction.Details) { d.JA4Fingerprint = "q1Xd0314h3_55b375c5d22e_61e396c58b1f" }, "ja4_fingerprint", apierrors.RuleJA4, apierrors.InvalidValue},
		{"JA4 of protocol Q", func(d *interaction.Details) { d.JA4Fingerprint = "Q13d0314h3_55b375c5d22e_61e396c58b1f" }, "ja4_fingerprint", apierrors.RuleJA4, apierrors.InvalidValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := seedFlow()
			tt.edit(a.LastSeen)
			for _, c := range []struct {
				what, path string
				err        error
			}{
				{"Authflow.Validate", "last_seen." + tt.path, a.Validate()},
				{"Details.Validate", tt.path, a.LastSeen.Validate()},
			} {
				if tt.path == "" {
					if c.err != nil {
						t.Errorf("%s: %v, want valid", c.what, c.err)
					}
					continue
				}
				e := testutil.APIError(t, c.err)
				if ps := e.Problems(); e.Code() != tt.code || len(ps) != 1 || ps[0].Path != c.path || ps[0].Rule != tt.rule {
					t.Errorf("%s: %v %+v, want code %s and one problem of rule %s at %s", c.what, e.Code(), ps, tt.code, tt.rule, c.path)
				}
			}
		})
	}
}
