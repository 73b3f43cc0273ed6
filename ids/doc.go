// Package ids implements the Authflow API's identifiers, PFIDs: 160-bit,
// time-ordered, partitioned IDs written as 32 lowercase Crockford base32
// characters, such as "013xrzp12g3nqk8nqprv12gz6v99a2v4".
//
// [PFID] is the untyped value. Each kind of object has its own type —
// [AccountID], [AuthflowID], [DeviceID], [DomainID], [PoolID] and
// [SessionID], all instances of the generic [ID] — so that the compiler
// refuses an account ID where an authflow ID is expected:
//
//	func Fetch(ctx context.Context, id ids.AuthflowID) (*authflow.Authflow, error)
//
//	Fetch(ctx, accountID) // compile error: cannot use accountID (AccountID) as AuthflowID
//
// Parsing is strict: [ParsePFID] and the typed parsers ([ParseAuthflowID] and
// its siblings) accept exactly the canonical text form, the strings matched
// by [Pattern], and their errors say what was wrong and where ([ErrLength], [ErrCharacter], [ErrUppercase],
// [ErrOverflow]). Every ID is comparable, usable as a map key, and
// implements the text, binary and database/sql interfaces, so encoding/json
// writes it as a string and database/sql as its 20 bytes, for a bytea or BLOB
// column (pass its String to a text column). The zero value is
// the all-zero ID, "00000000000000000000000000000000", which means "unset":
// [driver.Valuer] writes it as NULL and Scan reads NULL as it. UnmarshalText
// accepts exactly what the parsers accept, so encoding/json refuses the JSON
// string "" (a JSON null leaves an ID as it is) and every text form round-trips.
//
// New IDs come from [New] (a given partition), [NewRelated] (the partition of
// an existing ID) and [NewRoot] (a random partition). Each takes the
// [Generator] to use: nil for the process-wide one, with the current time and
// crypto/rand, or one from [NewGenerator] with a test's own clock and
// entropy. Within a millisecond, a Generator's IDs increase. All three report
// failure as an error, never a panic:
//
//	flow, err := ids.NewRoot[ids.Authflow](nil)
//	if err != nil {
//		return err
//	}
//	session, err := ids.NewRelated[ids.Session](nil, flow) // flow's partition
package ids
