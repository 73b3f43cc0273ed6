package authflowtest

import (
	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/ids"
)

// Fixtures returns the flows a [Server] holds when [NewServer] is given
// none: the API reference's example ([examples.Authflow]) under its own ID
// (examples.AuthflowID), then each of [examples.Variants] under an ID of
// its own, the seed's timestamp and partition with the variant's position
// (from 1) as randomness, so that the IDs are the same on every run. A
// variant that keeps the seed's title is titled "Variant <name>". The demo
// server (examples/server) serves the same flows under the same IDs.
//
// Every call returns new values, deep copies that share nothing with what
// another call returned.
func Fixtures() []*authflow.Authflow {
	seed := examples.Authflow()
	flows := []*authflow.Authflow{seed}
	for i, v := range examples.Variants() {
		var r [10]byte
		r[9] = byte(i + 1)
		p, err := ids.FromParts(seed.ID.PFID().Timestamp(), seed.ID.Partition(), r)
		if err != nil {
			panic(err) // unreachable: the seed's parts are in range
		}
		f := v.Authflow
		f.ID = ids.FromPFID[ids.Authflow](p)
		if f.Title == seed.Title {
			f.Title = "Variant " + v.Name
		}
		flows = append(flows, f)
	}
	return flows
}
