package examples_test

import (
	"encoding/json"
	"fmt"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/examples"
)

// A test gets a fresh fixture, changes what it needs, and compares its own
// encoding with the fixture's JSON.
func Example() {
	flow := examples.Authflow()
	fmt.Println(flow.ID, flow.Status, flow.FirstSeen.City)

	body, _ := json.Marshal(authflow.FetchResponse{Summary: flow})
	fmt.Println(string(body) == string(examples.FetchResponseJSON()))

	flow.Status = authflow.StatusCancelled // the next call is unaffected
	fmt.Println(examples.Authflow().Status)

	for _, v := range examples.Variants()[:3] {
		fmt.Println(v.Name, v.Authflow.Status)
	}
	// Output:
	// 013xrzp12g3nqk8nqprv12gz6v99a2v4 new Melbourne
	// true
	// new
	// status_pending pending
	// status_finished finished
	// status_complete complete
}
