package ids

import (
	"database/sql/driver"
	"time"
)

// Kind is the set of the API's kinds of object: [Account], [Authflow],
// [Device], [Domain], [Pool] and [Session]. It is the type parameter of [ID];
// no other type satisfies it.
type Kind interface {
	Account | Authflow | Device | Domain | Pool | Session
	kindName() string
}

// The kinds of object. Each is an empty marker type, used only as the type
// argument of [ID].
type (
	// Account is the kind of [AccountID].
	Account struct{}
	// Authflow is the kind of [AuthflowID].
	Authflow struct{}
	// Device is the kind of [DeviceID].
	Device struct{}
	// Domain is the kind of [DomainID].
	Domain struct{}
	// Pool is the kind of [PoolID].
	Pool struct{}
	// Session is the kind of [SessionID].
	Session struct{}
)

func (Account) kindName() string  { return "account" }
func (Authflow) kindName() string { return "authflow" }
func (Device) kindName() string   { return "device" }
func (Domain) kindName() string   { return "domain" }
func (Pool) kindName() string     { return "pool" }
func (Session) kindName() string  { return "session" }

// The typed IDs. Each is a distinct type, so the compiler refuses an
// [AccountID] where an [AuthflowID] is expected; all share the methods of [ID].
type (
	// AccountID names an account.
	AccountID = ID[Account]
	// AuthflowID names an authflow.
	AuthflowID = ID[Authflow]
	// DeviceID names a device.
	DeviceID = ID[Device]
	// DomainID names a domain.
	DomainID = ID[Domain]
	// PoolID names a pool.
	PoolID = ID[Pool]
	// SessionID names a session.
	SessionID = ID[Session]
)

// An ID is a [PFID] that names an object of kind K. Use it through its
// aliases, such as [AuthflowID]. Like PFID it is a comparable value type whose
// zero value is the all-zero ID, meaning "unset"; it has the same text,
// binary, JSON and SQL forms, and its parse errors name the kind ("invalid
// authflow ID: …").
type ID[K Kind] struct {
	// kind makes the underlying types of two kinds differ, so that even an
	// explicit conversion between kinds does not compile. It takes no space.
	_ [0]K
	p PFID
}

// FromPFID returns p as an ID of kind K. It is the one deliberate way to move
// between kinds, for code that stores IDs untyped (a generic table, a cache);
// everywhere else the type system keeps kinds apart.
func FromPFID[K Kind](p PFID) ID[K] {
	return ID[K]{p: p}
}

// Parse parses the canonical text form of an ID of kind K, as [ParsePFID]
// does. Its errors are each a [*ParseError] whose Kind is K's name.
func Parse[K Kind](s string) (ID[K], error) {
	p, ok := decode(s)
	if !ok {
		return ID[K]{}, parseError(kindName[K](), s)
	}
	return ID[K]{p: p}, nil
}

// MustParse is like [Parse] but panics on error. It is intended for tests and
// package variables with hard-coded strings.
func MustParse[K Kind](s string) ID[K] {
	id, err := Parse[K](s)
	if err != nil {
		panic(err)
	}
	return id
}

// ParseAccountID parses the canonical text form of an [AccountID].
func ParseAccountID(s string) (AccountID, error) { return Parse[Account](s) }

// ParseAuthflowID parses the canonical text form of an [AuthflowID].
func ParseAuthflowID(s string) (AuthflowID, error) { return Parse[Authflow](s) }

// ParseDeviceID parses the canonical text form of a [DeviceID].
func ParseDeviceID(s string) (DeviceID, error) { return Parse[Device](s) }

// ParseDomainID parses the canonical text form of a [DomainID].
func ParseDomainID(s string) (DomainID, error) { return Parse[Domain](s) }

// ParsePoolID parses the canonical text form of a [PoolID].
func ParsePoolID(s string) (PoolID, error) { return Parse[Pool](s) }

// ParseSessionID parses the canonical text form of a [SessionID].
func ParseSessionID(s string) (SessionID, error) { return Parse[Session](s) }

// kindName returns the name of kind K, such as "authflow".
func kindName[K Kind]() string {
	var k K
	return k.kindName()
}

// KindName returns the name of the ID's kind, such as "authflow".
func (ID[K]) KindName() string { return kindName[K]() }

// PFID returns the ID as an untyped [PFID].
func (id ID[K]) PFID() PFID { return id.p }

// String returns the canonical text form.
func (id ID[K]) String() string { return id.p.String() }

// IsZero reports whether id is the all-zero ID, which means "unset".
func (id ID[K]) IsZero() bool { return id.p.IsZero() }

// Compare returns -1, 0 or +1 as id sorts before, equal to or after other,
// in the order of the text form (time first).
func (id ID[K]) Compare(other ID[K]) int { return id.p.Compare(other.p) }

// Timestamp returns the ID's timestamp in Unix milliseconds.
func (id ID[K]) Timestamp() uint64 { return id.p.Timestamp() }

// Time returns the ID's timestamp as a time in UTC.
func (id ID[K]) Time() time.Time { return id.p.Time() }

// Partition returns the ID's partition, from 0 to [MaxPartition]; related
// objects share one.
func (id ID[K]) Partition() uint32 { return id.p.Partition() }

// Randomness returns the ID's 80 random bits.
func (id ID[K]) Randomness() [10]byte { return id.p.Randomness() }

// AppendText implements [encoding.TextAppender].
func (id ID[K]) AppendText(b []byte) ([]byte, error) { return id.p.appendTo(b), nil }

// MarshalText implements [encoding.TextMarshaler], so encoding/json writes an
// ID as a JSON string.
func (id ID[K]) MarshalText() ([]byte, error) { return id.p.MarshalText() }

// UnmarshalText implements [encoding.TextUnmarshaler]. It accepts exactly
// what [Parse] accepts and fails as it does: the empty text too is an error
// matching [ErrLength], so that every text UnmarshalText accepts is the one
// [ID.MarshalText] writes. The zero ID's text is
// "00000000000000000000000000000000". On error id is unchanged.
func (id *ID[K]) UnmarshalText(text []byte) error {
	p, ok := decode(string(text))
	if !ok {
		return parseError(kindName[K](), string(text))
	}
	id.p = p
	return nil
}

// MarshalBinary implements [encoding.BinaryMarshaler]: the 20 bytes, big-endian.
func (id ID[K]) MarshalBinary() ([]byte, error) { return id.p.MarshalBinary() }

// AppendBinary implements [encoding.BinaryAppender].
func (id ID[K]) AppendBinary(b []byte) ([]byte, error) { return id.p.AppendBinary(b) }

// UnmarshalBinary implements [encoding.BinaryUnmarshaler]. On error id is
// unchanged.
func (id *ID[K]) UnmarshalBinary(data []byte) error { return id.p.UnmarshalBinary(data) }

// Value implements [driver.Valuer] as [PFID.Value] does: the 20 bytes, or
// nil (SQL NULL) for the zero ID. For a text column, pass [ID.String].
func (id ID[K]) Value() (driver.Value, error) { return id.p.Value() }

// Scan implements [database/sql.Scanner]. It accepts the 20-byte binary
// form, the text form as a string or []byte, and NULL, which sets the zero ID.
// On error id is unchanged.
func (id *ID[K]) Scan(src any) error {
	p, err := scan(kindName[K](), src)
	if err != nil {
		return err
	}
	id.p = p
	return nil
}
