package ids

import (
	"database/sql/driver"
	"fmt"
)

// Value implements [driver.Valuer]: it returns the 20 bytes of the binary
// form, as a bytea or BLOB column holds the ID (package
// [github.com/authflow-dev/authflow-go/authflow/sqlstore] keeps IDs so), or
// nil (SQL NULL) for the zero ID, so that a NOT NULL column catches an
// unset ID. For a text column, pass [PFID.String] instead: PostgreSQL
// refuses the bytes as text, and SQLite keeps them as a BLOB, which equals
// no text.
func (p PFID) Value() (driver.Value, error) {
	if p.IsZero() {
		return nil, nil
	}
	return p.MarshalBinary()
}

// Scan implements [database/sql.Scanner]. It accepts the 20-byte binary
// form as []byte, the text form as a string or []byte, and NULL, which sets
// the zero ID (also in a reused variable). On error p is unchanged.
func (p *PFID) Scan(src any) error {
	v, err := scan("", src)
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// scan converts a database value to a PFID; kind names the ID's kind in
// errors ("" for a plain PFID).
func scan(kind string, src any) (PFID, error) {
	switch v := src.(type) {
	case nil:
		return PFID{}, nil
	case string:
		if p, ok := decode(v); ok {
			return p, nil
		}
		return PFID{}, parseError(kind, v)
	case []byte:
		if len(v) == BinaryLen {
			return fromBinary(v)
		}
		if p, ok := decode(string(v)); ok {
			return p, nil
		}
		return PFID{}, parseError(kind, string(v))
	default:
		what := "PFID"
		if kind != "" {
			what = kind + " ID"
		}
		return PFID{}, fmt.Errorf("ids: cannot scan %T into %s", src, what)
	}
}
