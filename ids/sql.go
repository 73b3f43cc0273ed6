package ids

import (
	"database/sql/driver"
	"fmt"
)

// Value implements [driver.Valuer]: it returns the text form, or nil (SQL
// NULL) for the zero ID, so that a NOT NULL column catches an unset ID.
func (p PFID) Value() (driver.Value, error) {
	if p.IsZero() {
		return nil, nil
	}
	return p.String(), nil
}

// Scan implements [database/sql.Scanner]. It accepts the text form as a
// string or []byte, the 20-byte binary form as []byte, and NULL, which sets
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
