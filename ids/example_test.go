package ids_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/authflow-dev/authflow-go/ids"
)

func ExampleParseAuthflowID() {
	id, err := ids.ParseAuthflowID("013xrzp12g3nqk8nqprv12gz6v99a2v4")
	if err != nil {
		panic(err)
	}
	fmt.Println(id)
	fmt.Println(id.Time().Format(time.RFC3339Nano), id.Partition())
	// Output:
	// 013xrzp12g3nqk8nqprv12gz6v99a2v4
	// 2009-02-13T23:31:30Z 123456789
}

func ExampleParsePFID_errors() {
	for _, s := range []string{
		"013xrzp12g3nqk8nqprv12gz6v99a2v",  // 31 characters
		"013XRZP12G3NQK8NQPRV12GZ6V99A2V4", // uppercase
		"013xrzp12g3nqk8nqprv12gz6v99a2vl", // l is not in the alphabet
		"813xrzp12g3nqk8nqprv12gz6v99a2v4", // timestamp overflow
	} {
		_, err := ids.ParsePFID(s)
		fmt.Println(errors.Is(err, ids.ErrUppercase), err)
	}
	// Output:
	// false invalid PFID: length 31, want 32 in "013xrzp12g3nqk8nqprv12gz6v99a2v"
	// true invalid PFID: uppercase character 'X' at index 3 in "013XRZP12G3NQK8NQPRV12GZ6V99A2V4"
	// false invalid PFID: invalid character 'l' at index 31 in "013xrzp12g3nqk8nqprv12gz6v99a2vl"
	// false invalid PFID: first character '8' above '7' in "813xrzp12g3nqk8nqprv12gz6v99a2v4"
}

func ExampleFromParts() {
	p, err := ids.FromParts(1234567890000, 123456789, [10]byte{0xbd, 0xb1, 0xb0, 0x8a, 0x1f, 0x36, 0xd2, 0x95, 0x0b, 0x64})
	if err != nil {
		panic(err)
	}
	fmt.Println(p)
	fmt.Println(p.Timestamp(), p.Partition(), p.Time().UTC())
	// Output:
	// 013xrzp12g3nqk8nqprv12gz6v99a2v4
	// 1234567890000 123456789 2009-02-13 23:31:30 +0000 UTC
}

// IDs are JSON strings; decoding names the kind that failed.
func ExampleID_UnmarshalText() {
	var body struct {
		ID      ids.AuthflowID `json:"id"`
		Account ids.AccountID  `json:"account_id"`
	}
	err := json.Unmarshal([]byte(`{"id":"013xrzp12g3nqk8nqprv12gz6v99a2v4","account_id":"not-an-id"}`), &body)
	fmt.Println(err)
	// Output:
	// invalid account ID: length 9, want 32 in "not-an-id"
}

// newTestGenerator returns a Generator whose clock is stopped at 13 February
// 2009, 23:31:30 UTC and whose entropy is seeded, so that the examples make
// the same IDs on every run. Production code passes nil instead.
func newTestGenerator() *ids.Generator {
	clock := func() time.Time { return time.UnixMilli(1234567890000) }
	entropy := rand.NewChaCha8([32]byte{}) // deterministic; never for production IDs
	return ids.NewGenerator(clock, entropy)
}

func ExampleNew() {
	g := newTestGenerator() // nil in production: the real clock and crypto/rand
	flow, err := ids.New[ids.Authflow](g, 123456789)
	if err != nil {
		panic(err)
	}
	fmt.Println(flow.Partition(), flow.Time().Format(time.RFC3339))

	_, err = ids.New[ids.Authflow](g, 1<<30)
	fmt.Println(errors.Is(err, ids.ErrRange))
	// Output:
	// 123456789 2009-02-13T23:31:30Z
	// true
}

// With a nil Generator, the process-wide one makes the ID from the real
// clock and crypto/rand.
func ExampleNew_processWide() {
	session, err := ids.New[ids.Session](nil, 42)
	if err != nil {
		panic(err)
	}
	fmt.Println(session.KindName(), session.Partition(), time.Since(session.Time()) < time.Minute)
	// Output:
	// session 42 true
}

// An authflow belongs to no other object, so it gets a random partition; its
// session goes in the same partition.
func ExampleNewRelated() {
	g := newTestGenerator() // nil in production
	flow, err := ids.NewRoot[ids.Authflow](g)
	if err != nil {
		panic(err)
	}
	session, err := ids.NewRelated[ids.Session](g, flow)
	if err != nil {
		panic(err)
	}
	fmt.Println(flow)
	fmt.Println(session)
	fmt.Println(session.Partition() == flow.Partition(), session.KindName())
	// Output:
	// 013xrzp12gcrezpedmv8nb0tdx0sxhh7
	// 013xrzp12gcrezpedmv8nb0te04gkrh3
	// true session
}

func ExampleNewRoot() {
	g := newTestGenerator() // nil in production
	account, err := ids.NewRoot[ids.Account](g)
	if err != nil {
		panic(err)
	}
	fmt.Println(account, account.Partition())
	// Output:
	// 013xrzp12gcrezpedmv8nb0tdx0sxhh7 428310222
}

// A Generator with a fixed clock and seeded entropy gives the same IDs on
// every run, for tests. Within one millisecond, each ID sorts after the last.
func ExampleNewGenerator() {
	clock := func() time.Time { return time.UnixMilli(1234567890000) }
	entropy := rand.NewChaCha8([32]byte{}) // deterministic; never for production IDs
	g := ids.NewGenerator(clock, entropy)
	a, _ := ids.New[ids.Device](g, 123456789)
	b, _ := ids.New[ids.Device](g, 123456789)
	fmt.Println(a)
	fmt.Println(b)
	fmt.Println(a.Timestamp() == b.Timestamp(), a.Compare(b))
	// Output:
	// 013xrzp12g3nqk8nv63qxkkd6t5ar6kf
	// 013xrzp12g3nqk8nv63qxkkd6v64nr4q
	// true -1
}
