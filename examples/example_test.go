package examples_test

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/examples"
)

// A test gets a fresh fixture, changes what it needs, and compares its own
// encoding with the fixture's JSON, which json.Marshal and the fast codec
// both write.
func Example() {
	flow := examples.Authflow()
	fmt.Println(flow.ID, flow.Status, flow.FirstSeen.City)

	std, _ := json.Marshal(authflow.FetchResponse{Summary: flow})
	fast, _ := authflow.AppendFetchResponse(nil, flow)
	fmt.Println(bytes.Equal(std, examples.FetchResponseJSON()), bytes.Equal(fast, examples.FetchResponseJSON()))

	flow.Status = authflow.StatusCancelled // the next call is unaffected
	fmt.Println(examples.Authflow().Status)

	for _, v := range examples.Variants()[:3] {
		decoded, err := authflow.DecodeFetchResponse(v.JSON)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(v.Name, v.Authflow.Status, decoded.Status)
	}
	// Output:
	// 013xrzp12g3nqk8nqprv12gz6v99a2v4 new Melbourne
	// true true
	// new
	// status_pending pending pending
	// status_finished finished finished
	// status_complete complete complete
}
