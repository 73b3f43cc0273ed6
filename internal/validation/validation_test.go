package validation

import (
	"archive/zip"
	stderrors "errors"
	"go/build"
	"net/netip"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-playground/validator/v10"
	"github.com/google/go-cmp/cmp"

	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/ids"
	"github.com/authflow-dev/authflow-go/internal/race"
)

type inner struct {
	Country string     `json:"country_code" validate:"required,country_code"`
	IP      netip.Addr `json:"remote_ip" validate:"required,unzoned_ip"`
	Pair    [2]int     `json:"pair"`
}

type outer struct {
	ID      ids.AuthflowID `json:"id" validate:"required"`
	Name    string         `json:"plan_name,omitempty" validate:"required"`
	URL     string         `json:"return_url" validate:"omitempty,http_url"`
	Email   *string        `json:"required_email" validate:"email"`
	Zone    string         `json:"timezone" validate:"required,timezone"`
	JA4     string         `json:"ja4_fingerprint" validate:"required,ja4"`
	First   *inner         `json:"first_seen"`
	NoJSON  string         `validate:"required"`
	Ignored string         `json:"-" validate:"required"`
}

// ruleOrder is the rule of pairRule, a rule of the test's own.
const ruleOrder apierrors.Rule = "order"

// pairRule is a struct-level rule: Pair[0] <= Pair[1].
func pairRule(sl validator.StructLevel) {
	in := StructValue[inner](sl)
	if in.Pair[0] > in.Pair[1] {
		Report(sl, "pair[1]", ruleOrder, "must not be below pair[0]")
	}
}

// testValidator checks the test types with pairRule.
var testValidator = Validator{Structs: []StructRule{{Fn: pairRule, Type: inner{}}}}

// Check validates v with testValidator.
func Check(v any) error { return testValidator.Check(v) }

func validOuter() *outer {
	email := "user@example.com"
	return &outer{
		ID:      ids.MustParse[ids.Authflow]("013xrzp12g3nqk8nqprv12gz6v99a2v4"),
		Name:    "basic",
		URL:     "https://example.com/done",
		Email:   &email,
		Zone:    "Australia/Melbourne",
		JA4:     "q13d0314h3_55b375c5d22e_61e396c58b1f",
		First:   &inner{Country: "AU", IP: netip.MustParseAddr("127.0.0.1"), Pair: [2]int{1, 2}},
		NoJSON:  "x",
		Ignored: "x",
	}
}

func TestCheckValid(t *testing.T) {
	t.Parallel()
	v := validOuter()
	if err := Check(v); err != nil {
		t.Fatal(err)
	}
	v.First = nil
	v.Email = nil
	v.URL = ""
	if err := Check(v); err != nil {
		t.Fatalf("nil first_seen and required_email, empty return_url: %v", err)
	}
}

func TestCheckProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*outer)
		code   apierrors.Code
		want   []apierrors.Problem
	}{
		{"zero ID", func(o *outer) { o.ID = ids.AuthflowID{} }, apierrors.RequiredValue,
			[]apierrors.Problem{{Path: "id", Rule: apierrors.RuleRequired, Message: "is required"}}},
		{"missing values", func(o *outer) { o.Name = ""; o.Zone = ""; o.First.IP = netip.Addr{} }, apierrors.RequiredValue,
			[]apierrors.Problem{
				{Path: "first_seen.remote_ip", Rule: apierrors.RuleRequired, Message: "is required"},
				{Path: "plan_name", Rule: apierrors.RuleRequired, Message: "is required"},
				{Path: "timezone", Rule: apierrors.RuleRequired, Message: "is required"},
			}},
		{"invalid values", func(o *outer) {
			o.URL = "ftp://example.com"
			o.First.Country = "au"
			o.First.IP = netip.MustParseAddr("fe80::1%eth0")
		}, apierrors.InvalidValue,
			[]apierrors.Problem{
				{Path: "first_seen.country_code", Rule: apierrors.RuleCountryCode, Message: "must match ^[A-Z]{2}$"},
				{Path: "first_seen.remote_ip", Rule: apierrors.RuleUnzonedIP, Message: "must be an IP address without a zone"},
				{Path: "return_url", Rule: apierrors.RuleHTTPURL, Message: "must be an absolute http or https URL with a host and no user info"},
			}},
		{"user info in the URL", func(o *outer) { o.URL = "https://bank.example@evil.example/login" }, apierrors.InvalidValue,
			[]apierrors.Problem{{Path: "return_url", Rule: apierrors.RuleHTTPURL, Message: "must be an absolute http or https URL with a host and no user info"}}},
		{"missing and invalid", func(o *outer) { o.Name = ""; o.Zone = "Local" }, apierrors.InvalidValue,
			[]apierrors.Problem{
				{Path: "plan_name", Rule: apierrors.RuleRequired, Message: "is required"},
				{Path: "timezone", Rule: apierrors.RuleTimezone, Message: "must have the shape of an IANA time zone name, such as Australia/Melbourne or UTC"},
			}},
		{"explained", func(o *outer) { o.JA4 = "q1Xd0314h3_55b375c5d22e_61e396c58b1f" }, apierrors.InvalidValue,
			[]apierrors.Problem{{Path: "ja4_fingerprint", Rule: apierrors.RuleJA4,
				Message: "must have the shape of a JA4 fingerprint, such as q13d0314h3_55b375c5d22e_61e396c58b1f: TLS version is not two lower-case letters or digits"}}},
		{"struct level", func(o *outer) { o.First.Pair = [2]int{3, 2} }, apierrors.InvalidValue,
			[]apierrors.Problem{{Path: "first_seen.pair[1]", Rule: ruleOrder, Message: "must not be below pair[0]"}}},
		{"nullable", func(o *outer) { s := ""; o.Email = &s }, apierrors.InvalidValue,
			[]apierrors.Problem{{Path: "required_email", Rule: apierrors.RuleEmail, Message: "must be an e-mail address"}}},
		{"Go names without json names", func(o *outer) { o.NoJSON = ""; o.Ignored = "" }, apierrors.RequiredValue,
			[]apierrors.Problem{
				{Path: "Ignored", Rule: apierrors.RuleRequired, Message: "is required"},
				{Path: "NoJSON", Rule: apierrors.RuleRequired, Message: "is required"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := validOuter()
			tt.change(v)
			err := Check(v)
			var e *apierrors.Error
			if !stderrors.As(err, &e) {
				t.Fatalf("Check() = %v, want an *apierrors.Error", err)
			}
			if e.Code() != tt.code || !e.IsReport() {
				t.Errorf("code %q (report %v), want %q", e.Code(), e.IsReport(), tt.code)
			}
			if diff := cmp.Diff(tt.want, e.Problems()); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if want := apierrors.Invalid(tt.want...).Message(); e.Message() != want {
				t.Errorf("message %q, want %q", e.Message(), want)
			}
		})
	}
}

func TestCheckNotAStruct(t *testing.T) {
	t.Parallel()
	err := Check(42)
	var e *apierrors.Error
	if !stderrors.As(err, &e) || e.Code() != apierrors.Unexpected || e.IsReport() {
		t.Fatalf("Check(42) = %v, want an unexpected error", err)
	}
	var invalid *validator.InvalidValidationError
	if !stderrors.As(err, &invalid) {
		t.Error("the cause is not the InvalidValidationError")
	}
}

func TestComparePaths(t *testing.T) {
	t.Parallel()
	sorted := []string{"", "a", "a.b", "a[0]", "a[1]", "a[2]", "a[10]", "a[10].b", "a[11]", "a[100]", "ab", "b[9][2]", "b[9][10]", "b[10][1]"}
	for i := range sorted {
		for j := range sorted {
			want := compareInts(i, j)
			if got := ComparePaths(sorted[i], sorted[j]); got != want {
				t.Errorf("ComparePaths(%q, %q) = %d, want %d", sorted[i], sorted[j], got, want)
			}
		}
	}
}

func TestCheckAllocations(t *testing.T) {
	if race.Enabled {
		t.Skip("the race detector changes allocation counts")
	}
	v := validOuter()
	v.URL = "" // url.Parse allocates; everything else must not
	allocs := testing.AllocsPerRun(100, func() {
		if err := Check(v); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 0 {
		t.Errorf("Check of a valid value allocates %v times, want 0", allocs)
	}
}

func TestIsCountryCode(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"AU": true, "XK": true, "EU": true, "ZZ": true,
		"": false, "A": false, "au": false, "Au": false, "AUS": false, "A1": false, "@[": false, "ÄU": false,
	} {
		if got := IsCountryCode(s); got != want {
			t.Errorf("IsCountryCode(%q) = %v", s, got)
		}
	}
}

func TestJA4Problem(t *testing.T) {
	t.Parallel()
	const good = "q13d0314h3_55b375c5d22e_61e396c58b1f"
	for _, s := range []string{
		good, "t12i0000h2_000000000000_000000000000", "d00d9999Zz_abcdef012345_6789abcdef01", "ts3i1516h1_8daaf6152771_e5627efa2ab1",
		// Protocols and TLS versions a list of today's would refuse.
		"q14d0314h3_55b375c5d22e_61e396c58b1f", "x13d0314h3_55b375c5d22e_61e396c58b1f", "tzzi0000h2_000000000000_000000000000",
		"ta0d0314h3_55b375c5d22e_61e396c58b1f",
	} {
		if p := JA4Problem(s); p != "" {
			t.Errorf("JA4Problem(%q) = %q, want valid", s, p)
		}
	}
	tests := map[string]string{
		"":                                        "length is not 36",
		good + "0":                                "length is not 36",
		"X" + good[1:]:                            "protocol is not a lower-case letter",
		"1" + good[1:]:                            "protocol is not a lower-case letter",
		"_" + good[1:]:                            "protocol is not a lower-case letter",
		"q1Xd0314h3_55b375c5d22e_61e396c58b1f":    "TLS version is not two lower-case letters or digits",
		"qS3" + good[3:]:                          "TLS version is not two lower-case letters or digits",
		"q1_" + good[3:]:                          "TLS version is not two lower-case letters or digits",
		"q1\xff" + good[3:]:                       "TLS version is not two lower-case letters or digits",
		"q13x" + good[4:]:                         "SNI is not d or i",
		"q13d0a14h3" + good[10:]:                  "cipher count is not two digits",
		"q13d03-4h3" + good[10:]:                  "extension count is not two digits",
		"q13d0314h_" + good[10:]:                  "ALPN is not two alphanumeric characters",
		"q13d0314h3-55b375c5d22e_61e396c58b1f":    "parts are not separated by _",
		"q13d0314h3_55b375c5d22e-61e396c58b1f":    "parts are not separated by _",
		"q13d0314h3_55B375c5d22e_61e396c58b1f":    "cipher hash is not 12 lowercase hex characters",
		"q13d0314h3_55b375c5d22g_61e396c58b1f":    "cipher hash is not 12 lowercase hex characters",
		"q13d0314h3_55b375c5d22e_61e396c58b1F":    "extension hash is not 12 lowercase hex characters",
		"q13d0314h3_55b375c5d22e_61e396c58b1\x00": "extension hash is not 12 lowercase hex characters",
	}
	for s, want := range tests {
		if got := JA4Problem(s); got != want {
			t.Errorf("JA4Problem(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestIsTimezone(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"Australia/Melbourne": true, "UTC": true, "Etc/GMT+10": true, "Etc/GMT-14": true, "EST5EDT": true, "GMT0": true,
		"America/Argentina/ComodRivadavia": true, "America/Port-au-Prince": true, "America/Argentina/Buenos_Aires": true,
		"Asia/Calcutta": true, // a backward-compatible link
		// Well-formed names that no release of the database has (yet).
		"Mars/Olympus_Mons": true, "Antarctica/Vostok_Station": true, "A/B/C/D": true, "X": true, "Factory": true,
		"Abcdefghijklmn/Abcdefghijklmn": true,
		// Not names.
		"": false, "Local": false, "../x": false, "Foo /Bar": false, "a//b": false, "A//B": false, "/X": false, "X/": false, "/": false,
		"..": false, "Foo/..": false, "Foo/./Bar": false, "Australia/Melbourne ": false, " UTC": false, "Foo/Bar.baz": false,
		"/Australia/Melbourne": false, "Australia\\Melbourne": false, "Australia/Melbourne\x00": false, "Europe/Zürich": false,
		// Each part starts with an upper-case letter, as every name of the database does.
		"australia/melbourne": false, "local": false, "utc": false, "Etc/+10": false, "Etc/-10": false, "Etc/_X": false, "5EST": false,
		// Absurd lengths.
		"Abcdefghijklmno": false, "Foo/Abcdefghijklmno": false, "A/B/C/D/E": false,
		strings.Repeat("A", 1<<20): false, strings.Repeat("A/", 1<<19) + "A": false,
	} {
		if got := IsTimezone(s); got != want {
			t.Errorf("IsTimezone(%.40q) = %v", s, got)
		}
	}
}

// TestZoneinfoNamesPass checks the shape against every name of the time
// zone database in this Go toolchain's copy: none is refused.
func TestZoneinfoNamesPass(t *testing.T) {
	t.Parallel()
	zr, err := zip.OpenReader(filepath.Join(build.Default.GOROOT, "lib", "time", "zoneinfo.zip"))
	if err != nil {
		t.Fatalf("the Go toolchain's time zone database: %v", err)
	}
	defer zr.Close()
	n := 0
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/") {
			continue
		}
		n++
		if !IsTimezone(f.Name) {
			t.Errorf("IsTimezone(%q) = false for a name of the time zone database", f.Name)
		}
	}
	if n < 400 {
		t.Errorf("the time zone database holds %d names, fewer than any release since 2000", n)
	}
}

func TestIsHTTPURL(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"https://example.com": true, "http://example.com/done?x=1#y": true, "HTTPS://EXAMPLE.COM/": true,
		"https://[::1]:8443/cb": true, "http://127.0.0.1:8080": true,
		"": false, "example.com": false, "/relative/path": false, "//example.com/x": false,
		"ftp://example.com": false, "javascript:alert(1)": false, "https:example.com": false,
		"https://": false, "https:///path": false, "https://exa mple.com": false, "http://:80": false,
		"mailto:user@example.com": false,
		// Scheme in any case.
		"HTTPS://example.com": true, "Http://example.com": true,
		// No user info: it is the shape of a phishing link.
		"https://user@example.com": false, "https://user:pass@example.com/": false,
		"https://bank.example@evil.example/": false, "https://@example.com": false, "http://:@example.com": false,
		"https://example.com/a@b": true, "https://example.com/?u=a@b": true,
	} {
		if got := IsHTTPURL(s); got != want {
			t.Errorf("IsHTTPURL(%q) = %v", s, got)
		}
	}
}

func TestIsEmail(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"user@example.com": true, "first.last+tag@sub.example.co.uk": true, "a@b": true,
		"o'brien@example.ie": true, "x@xn--80ak6aa92e.com": true, "x@a-b.c": true,
		"": false, "user": false, "@example.com": false, "user@": false, "user@@example.com": false,
		"user@exa mple.com": false, "us er@example.com": false, "user@-example.com": false,
		"user@example-.com": false, "user@example..com": false, "user@.example.com": false,
		"user@example.com.": false, "Name <user@example.com>": false, "\"q\"@example.com": false,
		"user@" + strings.Repeat("a", 64) + ".com": false, "usér@example.com": false,
	} {
		if got := IsEmail(s); got != want {
			t.Errorf("IsEmail(%q) = %v", s, got)
		}
	}
}

// failing holds, for each rule by the name struct tags give it, a value that
// breaks it. Where validator has a rule of the same name, which this
// package's replaces, the comment says what validator's would do.
var failing = map[apierrors.Rule]any{
	apierrors.RuleCountryCode: "AUS", // validator's alias takes alpha-3 codes
	apierrors.RuleJA4:         "q13d0314h3_55b375c5d22e",
	apierrors.RuleTimezone:    "Foo /Bar",
	apierrors.RuleHTTPURL:     "https://user:pass@example.com/", // validator's http_url takes user info
	apierrors.RuleEmail:       "user@-example.com",
	apierrors.RuleUnzonedIP:   netip.MustParseAddr("fe80::1%eth0"),
	apierrors.RuleRequired:    "", // validator's own
	apierrors.RuleTimestamp:   time.Unix(0, 0).UTC(),
}

// TestTagsAreRuleNames checks that a struct tag names a rule as the
// problems it reports do, for every rule of this package: a field tagged
// `validate:"<rule>"` that breaks it gives a problem of that rule.
func TestTagsAreRuleNames(t *testing.T) {
	t.Parallel()
	names := map[apierrors.Rule]bool{apierrors.RuleRequired: true}
	for _, r := range builtinRules() {
		name := r.Name
		if name == "" {
			name = apierrors.Rule(r.Tag)
		}
		names[name] = true
		// The tag is the name, but for country_code, which reaches its
		// rule through an alias (validator has one of that name).
		if r.Tag != string(name) && !(name == apierrors.RuleCountryCode && r.Tag == countryCodeTag) {
			t.Errorf("rule %q is registered under the tag %q", name, r.Tag)
		}
	}
	if want := len(failing); len(names) != want {
		t.Errorf("%d rules, and failing values for %d: add one for each new rule", len(names), want)
	}
	for name := range names {
		value, ok := failing[name]
		if !ok {
			t.Errorf("no failing value for the rule %q", name)
			continue
		}
		typ := reflect.StructOf([]reflect.StructField{{
			Name: "V",
			Type: reflect.TypeOf(value),
			Tag:  reflect.StructTag(`json:"v" validate:"` + string(name) + `"`),
		}})
		v := reflect.New(typ)
		v.Elem().Field(0).Set(reflect.ValueOf(value))
		err := Check(v.Interface())
		var e *apierrors.Error
		if !stderrors.As(err, &e) {
			t.Errorf("tag %q: Check(%#v) = %v, want a problem", name, value, err)
			continue
		}
		if ps := e.Problems(); len(ps) != 1 || ps[0].Path != "v" || ps[0].Rule != name || ps[0].Message == "" {
			t.Errorf("tag %q: problems %+v, want one of rule %q at v", name, ps, name)
		}
	}
}

// generic is a generic struct: the name of an instance, such as
// generic[github.com/authflow-dev/authflow-go/ids.Authflow], holds dots.
type generic[K any] struct {
	Key   K      `json:"key"`
	Inner *inner `json:"inner"`
}

// TestCheckPathsOfAnyRoot checks that paths are relative to the root
// struct whatever its type's name: none, or one with dots in it.
func TestCheckPathsOfAnyRoot(t *testing.T) {
	t.Parallel()
	bad := &inner{Country: "au", IP: netip.MustParseAddr("127.0.0.1"), Pair: [2]int{1, 2}}
	want := []apierrors.Problem{{Path: "inner.country_code", Rule: apierrors.RuleCountryCode, Message: "must match ^[A-Z]{2}$"}}
	for name, v := range map[string]any{
		"unnamed": &struct {
			Inner *inner `json:"inner"`
		}{bad},
		"generic":          &generic[ids.Authflow]{Inner: bad},
		"generic by value": generic[int]{Inner: bad},
	} {
		err := Check(v)
		var e *apierrors.Error
		if !stderrors.As(err, &e) {
			t.Errorf("%s: Check() = %v", name, err)
			continue
		}
		if diff := cmp.Diff(want, e.Problems()); diff != "" {
			t.Errorf("%s: problems (-want +got):\n%s", name, diff)
		}
	}
}
