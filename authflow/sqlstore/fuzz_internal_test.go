package sqlstore

import (
	"bytes"
	"database/sql"
	"encoding/json"
	stderrors "errors"
	"math"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/ids"
	"github.com/authflow-dev/authflow-go/internal/jsonwire"
)

// FuzzDecodeFactorNames: what the factor_names column decoder accepts,
// encoding/json accepts as the same list, and it accepts no null and no
// invalid UTF-8, which encoding/json does; it fails with an API error
// report, never a panic; and what it returns is written back as a column
// it reads again as the same list.
func FuzzDecodeFactorNames(f *testing.F) {
	for _, seed := range []string{
		`[]`, `["password","totp"]`, ` [ "a" , "b" ] `, `[""]`, `["\u00e9\ud83d\ude00"]`,
		`null`, ``, `[`, `]`, `[,]`, `["a",]`, `["a"]]`, `["a"] x`, `[1]`, `[null]`, `[["a"]]`,
		`{"a":"b"}`, `"a"`, `["\ud800"]`, `["\udc00\ud800"]`, "[\"\xff\"]", "[\"\xed\xa0\x80\"]",
		`["\x"]`, "[\"a\nb\"]", `["a"` + strings.Repeat(`,"a"`, 1000) + `]`,
		strings.Repeat("[", 1000), strings.Repeat(`[],`, 100),
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		names, err := decodeFactorNames(data)
		if err != nil {
			var apiErr *apierrors.Error
			if !stderrors.As(err, &apiErr) {
				t.Fatalf("decodeFactorNames(%q): %v is not an *errors.Error", data, err)
			}
			return
		}
		if names == nil {
			t.Fatalf("decodeFactorNames(%q) = nil; want a list, [] when empty", data)
		}
		// Stricter than encoding/json: an array, never null, and valid UTF-8.
		if trimmed := bytes.TrimLeft(data, " \t\r\n"); len(trimmed) == 0 || trimmed[0] != '[' {
			t.Fatalf("decodeFactorNames(%q) = %q; want a refusal of what is not an array", data, names)
		}
		if !utf8.Valid(data) {
			t.Fatalf("decodeFactorNames(%q) = %q; want a refusal of invalid UTF-8", data, names)
		}
		var std []string
		if err := json.Unmarshal(data, &std); err != nil || !slices.Equal(std, names) {
			t.Fatalf("decodeFactorNames(%q) = %q, json.Unmarshal = %q, %v", data, names, std, err)
		}
		for _, name := range names {
			if !utf8.ValidString(name) {
				t.Fatalf("decodeFactorNames(%q) gave invalid UTF-8 %q", data, name)
			}
		}
		column := jsonwire.AppendStrings(nil, names)
		again, err := decodeFactorNames(column)
		if err != nil || !slices.Equal(again, names) {
			t.Fatalf("the column written for %q, %s, reads back as %q, %v", names, column, again, err)
		}
	})
}

// FuzzDecodeRow: a row of any content decodes to a flow holding exactly
// the row's values, or fails naming a column; never a panic.
func FuzzDecodeRow(f *testing.F) {
	seed := examples.Authflow()
	account, _ := seed.AccountID.MarshalBinary()
	ip, _ := seed.FirstSeen.RemoteIP.MarshalText()
	f.Add(account, []byte(`["password","totp"]`), int64(4764), int64(1234567890), int64(0), -37.8159, 144.9669, ip, uint16(0))
	f.Add(account, []byte(`[]`), int64(0), int64(0), int64(999_999_999), 0.0, 0.0, []byte("::ffff:203.0.113.7"), uint16(0))
	f.Add(account, []byte(`[]`), int64(0), int64(0), int64(0), 0.0, 0.0, []byte(nil), uint16(1<<detailsColumns-1))
	f.Add(account[:19], []byte(`[]`), int64(-1), int64(math.MinInt64), int64(1e9), math.NaN(), math.Inf(1), []byte("fe80::1%eth0"), uint16(1))
	f.Add(make([]byte, ids.BinaryLen), []byte(`null`), int64(1<<32), int64(math.MaxInt64), int64(-1), 91.0, -181.0, []byte("127.0.0.1 "), uint16(1<<9))
	f.Add(account, []byte("[\"\xff\"]"), int64(1<<32-1), int64(-62135596800), int64(1), 90.0, 180.0, []byte("1.2.3"), uint16(0))
	f.Add(account, []byte(`[]`), int64(1<<32), int64(0), int64(0), 0.0, 0.0, ip, uint16(0))
	f.Add(account, []byte(`[]`), int64(-1), int64(0), int64(0), 0.0, 0.0, ip, uint16(0))
	f.Add(account, []byte(`[]`), int64(0), int64(0), int64(1e9), 0.0, 0.0, ip, uint16(0))
	f.Add(account, []byte(`[]`), int64(0), int64(0), int64(-1), 0.0, 0.0, ip, uint16(0))
	f.Fuzz(func(t *testing.T, idBytes, factorNames []byte, asn, atS, atNS int64, lat, long float64, remoteIP []byte, nulls uint16) {
		r := &scanRow{
			account: idBytes, device: account, domain: account, pool: account, session: account,
			status: "new", planName: "basic", factorNames: factorNames,
		}
		d := &r.seen[0]
		d.asn = sql.NullInt64{Int64: asn, Valid: nulls&(1<<0) == 0}
		d.atS = sql.NullInt64{Int64: atS, Valid: nulls&(1<<1) == 0}
		d.atNS = sql.NullInt64{Int64: atNS, Valid: nulls&(1<<2) == 0}
		d.city = sql.NullString{String: "Melbourne", Valid: nulls&(1<<3) == 0}
		d.countryCode = sql.NullString{String: "AU", Valid: nulls&(1<<4) == 0}
		d.ja4 = sql.NullString{String: seed.FirstSeen.JA4Fingerprint, Valid: nulls&(1<<5) == 0}
		d.lat = sql.NullFloat64{Float64: lat, Valid: nulls&(1<<6) == 0}
		d.long = sql.NullFloat64{Float64: long, Valid: nulls&(1<<7) == 0}
		d.region = sql.NullString{String: "VIC", Valid: nulls&(1<<8) == 0}
		if nulls&(1<<9) == 0 {
			d.remoteIP = append(sql.RawBytes{}, remoteIP...) // non-nil: not NULL
		}
		d.timezone = sql.NullString{String: "Australia/Melbourne", Valid: nulls&(1<<10) == 0}
		d.userAgent = sql.NullString{String: "Mozilla/5.0", Valid: nulls&(1<<11) == 0}

		flow, err := r.decode(seed.ID)
		if err != nil {
			column, _, _ := strings.Cut(err.Error(), ":")
			column = strings.TrimPrefix(column, "first_seen_")
			if !slices.Contains(detailsColumnNames[:], column) && !slices.Contains([]string{"account_id", "factor_names"}, column) {
				t.Fatalf("the error %q names no column", err)
			}
			return
		}
		if got, _ := flow.AccountID.MarshalBinary(); string(got) != string(idBytes) {
			t.Fatalf("account_id %x, row %x", got, idBytes)
		}
		if flow.LastSeen != nil {
			t.Fatalf("last_seen %+v from NULL columns", flow.LastSeen)
		}
		fs := flow.FirstSeen
		if nulls&(1<<detailsColumns-1) == 1<<detailsColumns-1 {
			if fs != nil {
				t.Fatalf("first_seen %+v from NULL columns", fs)
			}
			return
		}
		if fs == nil {
			t.Fatal("first_seen nil from set columns")
		}
		// Put writes at_ns from 0 to 999999999 and asn as a uint32: a row
		// outside those is corrupt, not another spelling of a value.
		if atNS < 0 || atNS >= 1e9 || asn < 0 || asn > math.MaxUint32 {
			t.Fatalf("a row with asn %d, at_ns %d decoded as %+v", asn, atNS, fs)
		}
		if int64(fs.ASN) != asn || !fs.At.Equal(time.Unix(atS, atNS)) || fs.At.Location() != time.UTC ||
			!sameFloat(fs.LatLong[0], lat) || !sameFloat(fs.LatLong[1], long) {
			t.Fatalf("first_seen %+v from asn %d, at %d.%09d, lat_long %v %v", fs, asn, atS, atNS, lat, long)
		}
		want, err := netip.ParseAddr(string(remoteIP))
		if len(remoteIP) == 0 {
			want, err = netip.Addr{}, nil
		}
		if err != nil || fs.RemoteIP != want {
			t.Fatalf("remote_ip %v from %q (%v)", fs.RemoteIP, remoteIP, err)
		}
		// What the store hands the handler validates or is refused there;
		// either way, checking it must not fail in another way.
		if err := flow.Validate(); err != nil {
			var apiErr *apierrors.Error
			if !stderrors.As(err, &apiErr) {
				t.Fatalf("Validate: %v is not an *errors.Error", err)
			}
		}
	})
}

// sameFloat reports whether a and b are the same float64, NaN included.
func sameFloat(a, b float64) bool {
	return a == b || (math.IsNaN(a) && math.IsNaN(b))
}
