package sqlstore

import (
	"bytes"
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
		names, err := decodeFactorNames(string(data))
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
		again, err := decodeFactorNames(string(column))
		if err != nil || !slices.Equal(again, names) {
			t.Fatalf("the column written for %q, %s, reads back as %q, %v", names, column, again, err)
		}
	})
}

// FuzzDecodeRow: a row of any content decodes to a flow holding exactly
// the row's values, or fails naming a column; never a panic. wrong, when it
// is a column's index, puts there a value of a type no column holds.
func FuzzDecodeRow(f *testing.F) {
	seed := examples.Authflow()
	account, _ := seed.AccountID.MarshalBinary()
	ip, _ := seed.FirstSeen.RemoteIP.MarshalText()
	const allNull = 1<<len(detailsColumns) - 1
	none := uint8(numColumns)
	f.Add(account, []byte(`["password","totp"]`), int64(4764), int64(1234567890), int64(0), -37.8159, 144.9669, ip, uint16(0), none)
	f.Add(account, []byte(`[]`), int64(0), int64(0), int64(999_999_999), 0.0, 0.0, []byte("::ffff:203.0.113.7"), uint16(0), none)
	f.Add(account, []byte(`[]`), int64(0), int64(0), int64(0), 0.0, 0.0, []byte(nil), uint16(allNull), none)
	f.Add(account[:19], []byte(`[]`), int64(-1), int64(math.MinInt64), int64(1e9), math.NaN(), math.Inf(1), []byte("fe80::1%eth0"), uint16(1), none)
	f.Add(make([]byte, ids.BinaryLen), []byte(`null`), int64(1<<32), int64(math.MaxInt64), int64(-1), 91.0, -181.0, []byte("127.0.0.1 "), uint16(1<<9), none)
	f.Add(account, []byte("[\"\xff\"]"), int64(1<<32-1), int64(-62135596800), int64(1), 90.0, 180.0, []byte("1.2.3"), uint16(0), none)
	f.Add(account, []byte(`[]`), int64(1<<32), int64(0), int64(0), 0.0, 0.0, ip, uint16(0), none)
	f.Add(account, []byte(`[]`), int64(-1), int64(0), int64(0), 0.0, 0.0, ip, uint16(0), none)
	f.Add(account, []byte(`[]`), int64(0), int64(0), int64(1e9), 0.0, 0.0, ip, uint16(0), none)
	f.Add(account, []byte(`[]`), int64(0), int64(0), int64(-1), 0.0, 0.0, ip, uint16(0), none)
	f.Add(account, []byte(`[]`), int64(0), int64(0), int64(0), 0.0, 0.0, ip, uint16(0), uint8(0))
	f.Add(account, []byte(`[]`), int64(0), int64(0), int64(0), 0.0, 0.0, ip, uint16(allNull), uint8(len(flowColumns)+3))
	f.Add(account, []byte(`[]`), int64(0), int64(0), int64(0), 0.0, 0.0, ip, uint16(0), uint8(numColumns-1))
	names := strings.Split(columnNames(), ", ")
	f.Fuzz(func(t *testing.T, idBytes, factorNames []byte, asn, atS, atNS int64, lat, long float64, remoteIP []byte, nulls uint16, wrong uint8) {
		row := make([]any, numColumns)
		set := func(column string, v any) { row[slices.Index(names, column)] = v }
		set("account_id", idBytes)
		for _, c := range []string{"device_id", "domain_id", "pool_id", "session_id"} {
			set(c, account)
		}
		set("status", "new")
		set("plan_name", "basic")
		set("title", "")
		set("return_url", "")
		set("factor_names", string(factorNames))
		for i, v := range [...]any{asn, atS, atNS, "Melbourne", "AU", seed.FirstSeen.JA4Fingerprint,
			lat, long, "VIC", string(remoteIP), "Australia/Melbourne", "Mozilla/5.0"} {
			if nulls&(1<<i) == 0 {
				set("first_seen_"+detailsColumns[i].name, v)
			}
		}
		if int(wrong) < numColumns {
			row[wrong] = true
		}

		flow, err := decodeRow(seed.ID, row)
		if err != nil {
			column, _, _ := strings.Cut(err.Error(), ":")
			if !slices.Contains(names, column) {
				t.Fatalf("the error %q names no column", err)
			}
			return
		}
		if int(wrong) < numColumns {
			t.Fatalf("a bool in %s decoded as %+v", names[wrong], flow)
		}
		if got, _ := flow.AccountID.MarshalBinary(); string(got) != string(idBytes) {
			t.Fatalf("account_id %x, row %x", got, idBytes)
		}
		if flow.LastSeen != nil {
			t.Fatalf("last_seen %+v from NULL columns", flow.LastSeen)
		}
		fs := flow.FirstSeen
		if nulls&allNull == allNull {
			if fs != nil {
				t.Fatalf("first_seen %+v from NULL columns", fs)
			}
			return
		}
		if fs == nil {
			t.Fatal("first_seen nil from set columns")
		}
		if nulls&allNull != 0 {
			t.Fatalf("a snapshot with NULL columns (%012b) decoded as %+v", nulls&allNull, fs)
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
