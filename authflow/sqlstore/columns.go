package sqlstore

import (
	"errors"
	"fmt"
	"math"
	"net/netip"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/authflow-dev/authflow-go/authflow"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/ids"
	"github.com/authflow-dev/authflow-go/interaction"
	"github.com/authflow-dev/authflow-go/internal/jsonwire"
)

// The column list: the one place that says which column holds which field.
// The INSERT, the SELECT, the arguments Put writes, the decoder of a
// fetched row and the text check are all derived from it. A row is its key
// (id_partition, id), then flowColumns, then, for each of snapshots,
// detailsColumns prefixed with the snapshot's name.

// A column is one column of the authflows table that holds a field of T
// (an [authflow.Authflow] or an [interaction.Details]), or a part of one.
// A text column is named as its field's JSON key: checkText names a field
// by its column.
type column[T any] struct {
	name string
	// arg returns the value Put writes for v: nil, int64, float64,
	// string or []byte.
	arg func(v *T) any
	// set stores in v the value a row holds, as the driver gives it (nil
	// for NULL), or returns what is wrong with it (the caller names the
	// column). A []byte is the driver's: set does not keep it.
	set func(v *T, src any) error
}

// flowColumns are the columns of an Authflow's fields, besides its ID (the
// key) and its snapshots.
var flowColumns = [...]column[authflow.Authflow]{
	idColumn("account_id", func(f *authflow.Authflow) *ids.AccountID { return &f.AccountID }),
	idColumn("device_id", func(f *authflow.Authflow) *ids.DeviceID { return &f.DeviceID }),
	idColumn("domain_id", func(f *authflow.Authflow) *ids.DomainID { return &f.DomainID }),
	idColumn("pool_id", func(f *authflow.Authflow) *ids.PoolID { return &f.PoolID }),
	idColumn("session_id", func(f *authflow.Authflow) *ids.SessionID { return &f.SessionID }),
	textColumn("status", func(f *authflow.Authflow) *authflow.Status { return &f.Status }),
	textColumn("plan_name", func(f *authflow.Authflow) *string { return &f.PlanName }),
	textColumn("title", func(f *authflow.Authflow) *string { return &f.Title }),
	textColumn("return_url", func(f *authflow.Authflow) *string { return &f.ReturnURL }),
	{
		name: "required_email", // NULL for nil
		arg: func(f *authflow.Authflow) any {
			if f.RequiredEmail == nil {
				return nil
			}
			return *f.RequiredEmail
		},
		set: func(f *authflow.Authflow, src any) error {
			if src == nil {
				return nil
			}
			s, err := textOf(src)
			f.RequiredEmail = &s
			return err
		},
	},
	{
		name: "factor_names", // a JSON array of strings, [] for none
		arg: func(f *authflow.Authflow) any {
			return string(jsonwire.AppendStrings(nil, f.FactorNames))
		},
		set: func(f *authflow.Authflow, src any) error {
			s, err := textOf(src)
			if err == nil {
				f.FactorNames, err = decodeFactorNames(s)
			}
			return err
		},
	},
}

// snapshots are an Authflow's snapshots: each is detailsColumns, named
// with the prefix name + "_", all NULL for nil.
var snapshots = [...]struct {
	name  string
	field func(*authflow.Authflow) **interaction.Details
}{
	{"first_seen", func(f *authflow.Authflow) **interaction.Details { return &f.FirstSeen }},
	{"last_seen", func(f *authflow.Authflow) **interaction.Details { return &f.LastSeen }},
}

// detailsColumns are the columns of a snapshot's fields. Their set is only
// called with a value: NULL is the snapshot's business.
var detailsColumns = [...]column[interaction.Details]{
	{
		name: "asn",
		arg:  func(d *interaction.Details) any { return int64(d.ASN) },
		set: func(d *interaction.Details, src any) error {
			n, err := intOf(src, 0, math.MaxUint32)
			d.ASN = uint32(n)
			return err
		},
	},
	// at as Unix seconds and nanoseconds, exact where a timestamp type
	// keeps microseconds. Each set keeps the other's part, in UTC.
	{
		name: "at_s",
		arg:  func(d *interaction.Details) any { return d.At.Unix() },
		set: func(d *interaction.Details, src any) error {
			s, err := intOf(src, math.MinInt64, math.MaxInt64)
			d.At.Time = time.Unix(s, int64(d.At.Nanosecond())).UTC()
			return err
		},
	},
	{
		name: "at_ns",
		arg:  func(d *interaction.Details) any { return int64(d.At.Nanosecond()) },
		set: func(d *interaction.Details, src any) error {
			ns, err := intOf(src, 0, 999_999_999)
			d.At.Time = time.Unix(d.At.Unix(), ns).UTC()
			return err
		},
	},
	textColumn("city", func(d *interaction.Details) *string { return &d.City }),
	textColumn("country_code", func(d *interaction.Details) *string { return &d.CountryCode }),
	textColumn("ja4_fingerprint", func(d *interaction.Details) *string { return &d.JA4Fingerprint }),
	floatColumn("lat", func(d *interaction.Details) *float64 { return &d.LatLong[0] }),
	floatColumn("long", func(d *interaction.Details) *float64 { return &d.LatLong[1] }),
	textColumn("region_code", func(d *interaction.Details) *string { return &d.RegionCode }),
	{
		name: "remote_ip", // canonical text, "" for the zero Addr
		arg: func(d *interaction.Details) any {
			if !d.RemoteIP.IsValid() {
				return ""
			}
			return d.RemoteIP.String()
		},
		set: func(d *interaction.Details, src any) error {
			s, err := textOf(src)
			if err != nil || s == "" {
				return err
			}
			if d.RemoteIP, err = netip.ParseAddr(s); err != nil {
				return errors.New("not an IP address")
			}
			return nil
		},
	},
	textColumn("timezone", func(d *interaction.Details) *string { return &d.Timezone }),
	textColumn("user_agent", func(d *interaction.Details) *string { return &d.UserAgent }),
}

// numColumns is the number of columns of a row besides its key.
const numColumns = len(flowColumns) + len(snapshots)*len(detailsColumns)

// idColumn is the column of an ID, as its 20 bytes.
func idColumn[T any, K ids.Kind](name string, field func(*T) *ids.ID[K]) column[T] {
	return column[T]{
		name: name,
		arg: func(v *T) any {
			b, _ := field(v).AppendBinary(make([]byte, 0, ids.BinaryLen))
			return b
		},
		set: func(v *T, src any) error {
			switch src := src.(type) {
			case []byte:
				return field(v).UnmarshalBinary(src)
			case string:
				return field(v).UnmarshalBinary([]byte(src))
			}
			return typeError(src, "bytes")
		},
	}
}

// textColumn is the column of a string, NOT NULL.
func textColumn[T any, S ~string](name string, field func(*T) *S) column[T] {
	return column[T]{
		name: name,
		arg:  func(v *T) any { return string(*field(v)) },
		set: func(v *T, src any) error {
			s, err := textOf(src)
			*field(v) = S(s)
			return err
		},
	}
}

// floatColumn is the column of a float64, kept exactly (-0.0, NaN, ±Inf
// included).
func floatColumn[T any](name string, field func(*T) *float64) column[T] {
	return column[T]{
		name: name,
		arg:  func(v *T) any { return *field(v) },
		set: func(v *T, src any) error {
			switch src := src.(type) {
			case float64:
				*field(v) = src
				return nil
			case int64: // SQLite's column without a type keeps an integer written by hand
				*field(v) = float64(src)
				return nil
			}
			return typeError(src, "a number")
		},
	}
}

// textOf returns the text of a column's value, which must be valid UTF-8
// (SQLite keeps whatever bytes a writer gave it as TEXT, and so does a
// PostgreSQL database in SQL_ASCII).
func textOf(src any) (string, error) {
	var s string
	switch src := src.(type) {
	case string:
		s = src
	case []byte:
		s = string(src)
	default:
		return "", typeError(src, "text")
	}
	if !utf8.ValidString(s) {
		return "", errors.New("text that is not valid UTF-8")
	}
	return s, nil
}

// intOf returns the integer of a column's value, which must be from lo to
// hi.
func intOf(src any, lo, hi int64) (int64, error) {
	n, ok := src.(int64)
	switch {
	case !ok:
		return 0, typeError(src, "an integer")
	case n < lo || n > hi:
		return 0, fmt.Errorf("%d is not from %d to %d", n, lo, hi)
	}
	return n, nil
}

// typeError says that src, a value that is not what the column holds, is
// there; it gives src's type, not its content.
func typeError(src any, want string) error {
	if src == nil {
		return errors.New("NULL")
	}
	return fmt.Errorf("%T where %s belongs", src, want)
}

// columnNames returns the names of a row's columns besides its key, in the
// order of rowArgs and decodeRow, separated by ", ".
func columnNames() string {
	names := make([]string, 0, numColumns)
	for _, c := range flowColumns {
		names = append(names, c.name)
	}
	for _, s := range snapshots {
		for _, c := range detailsColumns {
			names = append(names, s.name+"_"+c.name)
		}
	}
	return strings.Join(names, ", ")
}

// columnPath returns the JSON path of the field that column i of
// columnNames holds, such as "title" or "first_seen.city".
func columnPath(i int) string {
	if i < len(flowColumns) {
		return flowColumns[i].name
	}
	i -= len(flowColumns)
	return snapshots[i/len(detailsColumns)].name + "." + detailsColumns[i%len(detailsColumns)].name
}

// upsertSQL returns the statement that inserts a row into table or
// replaces every column of the row with its key, with ? placeholders.
func upsertSQL(table string) string {
	cols := columnNames()
	var b strings.Builder
	b.WriteString("INSERT INTO " + table + " (id_partition, id, " + cols + ") VALUES (?, ?")
	b.WriteString(strings.Repeat(", ?", numColumns))
	b.WriteString(") ON CONFLICT (id_partition, id) DO UPDATE SET ")
	for i, c := range strings.Split(cols, ", ") {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c + " = excluded." + c)
	}
	return b.String()
}

// selectSQL returns the statement that reads a row's columns besides its
// key from table, by key.
func selectSQL(table string) string {
	return "SELECT " + columnNames() + " FROM " + table + " WHERE id_partition = ? AND id = ?"
}

// rowArgs returns the arguments of upsertSQL for flow: its key, then the
// other columns.
func rowArgs(flow *authflow.Authflow) []any {
	args := make([]any, 0, 2+numColumns)
	args = append(args, int64(flow.ID.Partition()), binaryID(flow.ID))
	for _, c := range flowColumns {
		args = append(args, c.arg(flow))
	}
	for _, s := range snapshots {
		d := *s.field(flow)
		for _, c := range detailsColumns {
			if d == nil {
				args = append(args, nil)
			} else {
				args = append(args, c.arg(d))
			}
		}
	}
	return args
}

// A rawValue is a scan destination that stores the driver's value as it
// is, without the copy of its bytes that scanning into an *any makes: they
// are the driver's, valid until the next Scan or Close, as with
// [database/sql.RawBytes].
type rawValue struct{ p *any }

// Scan implements [database/sql.Scanner].
func (r rawValue) Scan(src any) error {
	*r.p = src
	return nil
}

// decodeRow checks the values of a row's columns besides its key, as the
// driver gives them in the order of columnNames, and returns the flow they
// hold, whose ID is id. The error names the column that is wrong.
func decodeRow(id ids.AuthflowID, row []any) (*authflow.Authflow, error) {
	flow := &authflow.Authflow{ID: id}
	for i, c := range flowColumns {
		if err := c.set(flow, row[i]); err != nil {
			return nil, fmt.Errorf("%s: %w", c.name, err)
		}
	}
	row = row[len(flowColumns):]
	for _, s := range snapshots {
		d, err := decodeDetails(row[:len(detailsColumns)])
		if err != nil {
			return nil, fmt.Errorf("%s_%w", s.name, err)
		}
		*s.field(flow) = d
		row = row[len(detailsColumns):]
	}
	return flow, nil
}

// decodeDetails returns the snapshot that the values of detailsColumns
// hold: nil when all are NULL. The error starts with the column's name
// without its prefix ("remote_ip: …").
func decodeDetails(row []any) (*interaction.Details, error) {
	nulls := 0
	for _, v := range row {
		if v == nil {
			nulls++
		}
	}
	switch nulls {
	case len(row):
		return nil, nil
	case 0:
	default:
		for i, v := range row {
			if v == nil {
				return nil, fmt.Errorf("%s: NULL in a snapshot whose other columns are set", detailsColumns[i].name)
			}
		}
	}
	d := new(interaction.Details)
	for i, c := range detailsColumns {
		if err := c.set(d, row[i]); err != nil {
			return nil, fmt.Errorf("%s: %w", c.name, err)
		}
	}
	return d, nil
}

// decodeFactorNames reads a JSON array of strings, strictly: no null, no
// other value, valid UTF-8, nothing after the array. [] is an empty list,
// as the flow's JSON reads it.
func decodeFactorNames(data string) (authflow.FactorNames, error) {
	names := authflow.FactorNames{}
	if data == "[]" {
		return names, nil
	}
	var r jsonwire.Reader
	r.Reset([]byte(data))
	if r.Peek() != jsonwire.Array {
		r.Fail(jsonwire.RuleType, "must be a JSON array of strings")
	} else if r.BeginArray() {
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
