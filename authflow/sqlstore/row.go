package sqlstore

import (
	"database/sql"
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"time"

	"github.com/authflow-dev/authflow-go/authflow"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/ids"
	"github.com/authflow-dev/authflow-go/interaction"
	"github.com/authflow-dev/authflow-go/internal/jsonwire"
)

// A scanRow holds the data columns of a row as the driver gives them, in
// plain values, before they are checked and turned into an Authflow.
type scanRow struct {
	account, device, domain, pool, session sql.RawBytes
	status, planName, title, returnURL     string
	requiredEmail                          sql.NullString
	factorNames                            sql.RawBytes
	seen                                   [2]scanDetails // first_seen, last_seen

	key   [ids.BinaryLen]byte // the ID queried for
	dests []any               // pointers to the fields above, in the order of dataColumns
}

// scanRows recycles scanRows, and with them the buffers the driver's bytes
// are copied into.
var scanRows = sync.Pool{New: func() any {
	r := new(scanRow)
	r.dests = r.dest()
	return r
}}

// maxPooledBytes bounds the buffers a pooled scanRow keeps: one huge row
// does not pin its memory.
const maxPooledBytes = 4 << 10

// release returns r to the pool. The flow decoded from r shares no memory
// with it.
func (r *scanRow) release() {
	for _, b := range []*sql.RawBytes{&r.account, &r.device, &r.domain, &r.pool, &r.session, &r.factorNames, &r.seen[0].remoteIP, &r.seen[1].remoteIP} {
		if cap(*b) > maxPooledBytes {
			*b = nil
		}
	}
	scanRows.Put(r)
}

// scanDetails holds the columns of a snapshot. remoteIP is nil for NULL.
type scanDetails struct {
	asn, atS, atNS         sql.NullInt64
	city, countryCode, ja4 sql.NullString
	lat, long              sql.NullFloat64
	region                 sql.NullString
	remoteIP               sql.RawBytes
	timezone, userAgent    sql.NullString
}

// dest returns the scan destinations of dataColumns, in order.
func (r *scanRow) dest() []any {
	d := make([]any, 0, numDataColumns)
	d = append(d, &r.account, &r.device, &r.domain, &r.pool, &r.session,
		&r.status, &r.planName, &r.title, &r.returnURL, &r.requiredEmail, &r.factorNames)
	for i := range r.seen {
		s := &r.seen[i]
		d = append(d, &s.asn, &s.atS, &s.atNS, &s.city, &s.countryCode, &s.ja4,
			&s.lat, &s.long, &s.region, &s.remoteIP, &s.timezone, &s.userAgent)
	}
	return d
}

// decode checks the row and returns the flow it holds, whose ID is id. The
// error names the column that is wrong.
func (r *scanRow) decode(id ids.AuthflowID) (*authflow.Authflow, error) {
	flow := &authflow.Authflow{
		ID:        id,
		Status:    authflow.Status(r.status),
		PlanName:  r.planName,
		Title:     r.title,
		ReturnURL: r.returnURL,
	}
	for _, c := range [...]struct {
		name string
		b    []byte
		id   interface{ UnmarshalBinary([]byte) error }
	}{
		{"account_id", r.account, &flow.AccountID},
		{"device_id", r.device, &flow.DeviceID},
		{"domain_id", r.domain, &flow.DomainID},
		{"pool_id", r.pool, &flow.PoolID},
		{"session_id", r.session, &flow.SessionID},
	} {
		if err := c.id.UnmarshalBinary(c.b); err != nil {
			return nil, fmt.Errorf("%s: %w", c.name, err)
		}
	}
	if r.requiredEmail.Valid {
		email := r.requiredEmail.String
		flow.RequiredEmail = &email
	}
	names, err := decodeFactorNames(r.factorNames)
	if err != nil {
		return nil, fmt.Errorf("factor_names: %w", err)
	}
	flow.FactorNames = names
	if flow.FirstSeen, err = r.seen[0].decode(); err != nil {
		return nil, fmt.Errorf("first_seen_%w", err)
	}
	if flow.LastSeen, err = r.seen[1].decode(); err != nil {
		return nil, fmt.Errorf("last_seen_%w", err)
	}
	return flow, nil
}

// decode returns the snapshot the columns hold: nil when all are NULL. The
// error starts with the column's name without its prefix ("remote_ip: …").
func (s *scanDetails) decode() (*interaction.Details, error) {
	valid := [detailsColumns]bool{s.asn.Valid, s.atS.Valid, s.atNS.Valid, s.city.Valid,
		s.countryCode.Valid, s.ja4.Valid, s.lat.Valid, s.long.Valid, s.region.Valid,
		s.remoteIP != nil, s.timezone.Valid, s.userAgent.Valid}
	n := 0
	for _, v := range valid {
		if v {
			n++
		}
	}
	switch n {
	case 0:
		return nil, nil
	case detailsColumns:
	default:
		for i, v := range valid {
			if !v {
				return nil, fmt.Errorf("%s: NULL in a snapshot whose other columns are set", detailsColumnNames[i])
			}
		}
	}
	if s.asn.Int64 < 0 || s.asn.Int64 > 1<<32-1 {
		return nil, fmt.Errorf("asn: %d is not from 0 to 4294967295", s.asn.Int64)
	}
	if s.atNS.Int64 < 0 || s.atNS.Int64 >= 1e9 {
		return nil, fmt.Errorf("at_ns: %d is not from 0 to 999999999", s.atNS.Int64)
	}
	d := &interaction.Details{
		ASN:            uint32(s.asn.Int64),
		At:             interaction.UnixTime{Time: time.Unix(s.atS.Int64, s.atNS.Int64).UTC()},
		City:           s.city.String,
		CountryCode:    s.countryCode.String,
		JA4Fingerprint: s.ja4.String,
		LatLong:        interaction.LatLong{s.lat.Float64, s.long.Float64},
		RegionCode:     s.region.String,
		Timezone:       s.timezone.String,
		UserAgent:      s.userAgent.String,
	}
	if len(s.remoteIP) > 0 {
		ip, err := netip.ParseAddr(string(s.remoteIP))
		if err != nil {
			return nil, errors.New("remote_ip: not an IP address")
		}
		d.RemoteIP = ip
	}
	return d, nil
}

// detailsColumnNames are the names of a snapshot's columns without their
// first_seen_ or last_seen_ prefix, in the order of scanRow.dest.
var detailsColumnNames = [detailsColumns]string{"asn", "at_s", "at_ns", "city", "country_code",
	"ja4_fingerprint", "lat", "long", "region_code", "remote_ip", "timezone", "user_agent"}

// decodeFactorNames reads a JSON array of strings, strictly: no null, no
// other value, valid UTF-8, nothing after the array. [] is an empty list,
// as the flow's JSON reads it.
func decodeFactorNames(data []byte) (authflow.FactorNames, error) {
	if string(data) == "[]" {
		return authflow.FactorNames{}, nil
	}
	var r jsonwire.Reader
	r.Reset(data)
	var names authflow.FactorNames
	if r.Peek() != jsonwire.Array {
		r.Fail(jsonwire.RuleType, "must be a JSON array of strings")
	} else if r.BeginArray() {
		names = authflow.FactorNames{}
		for r.More() {
			if r.Peek() != jsonwire.String {
				r.Fail(jsonwire.RuleType, "must be a string")
				break
			}
			names = append(names, r.StringValue())
		}
	}
	r.End()
	if err := r.Err(); err != nil {
		return nil, apierrors.FromDecode(err)
	}
	return names, nil
}
