package authflowtest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/authflow/authflowtest"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/ids"
)

// describe is the code under test: it says where a flow stands, for a
// status page that must show something even when the API fails.
func describe(ctx context.Context, c *authflow.Client, id ids.AuthflowID) string {
	flow, err := c.FetchAuthflow(ctx, id)
	switch {
	case errors.Is(err, apierrors.NotFound):
		return "no such flow"
	case err != nil:
		return "unavailable (" + string(apierrors.CodeOf(err)) + ")"
	}
	return flow.Title + ": " + string(flow.Status)
}

// A test of describe, the code above, through each way the API answers.
// In a test file it is func TestDescribe(t *testing.T), and t.Cleanup
// closes the server.
func Example_testYourCode() {
	t := new(testing.T) // stands for the test's t
	srv := authflowtest.NewServer(t)
	defer srv.Close()

	c, ctx := srv.Client(), context.Background()
	seed := examples.Authflow().ID
	fmt.Println(describe(ctx, c, seed))

	// Two failures: the client retries past them.
	srv.InjectFor(seed, authflowtest.Fault{Status: 503}, 2)
	fmt.Println(describe(ctx, c, seed))

	// More failures than the client retries.
	srv.InjectFor(seed, authflowtest.Fault{Status: 503}, 4)
	fmt.Println(describe(ctx, c, seed))

	// A proxy's HTML page, and a 404.
	srv.InjectFor(seed, authflowtest.Fault{HTML: true, Status: 404}, 1)
	fmt.Println(describe(ctx, c, seed))
	srv.Store().Delete(seed)
	fmt.Println(describe(ctx, c, seed))

	fmt.Println(len(srv.Requests()), "requests")
	// Output:
	// My Authflow: new
	// My Authflow: new
	// unavailable (unexpected)
	// unavailable (unexpected)
	// no such flow
	// 10 requests
}

func ExampleNewServer() {
	t := new(testing.T) // stands for the test's t
	srv := authflowtest.NewServer(t)
	defer srv.Close() // in a test, t.Cleanup closes it

	for _, f := range examples.Flows()[:3] {
		flow, err := srv.Client().FetchAuthflow(context.Background(), f.ID)
		if err != nil {
			panic(err)
		}
		fmt.Println(flow.ID, flow.Title, flow.Status)
	}
	// Output:
	// 013xrzp12g3nqk8nqprv12gz6v99a2v4 My Authflow new
	// 013xrzp12g3nqk8n0000000000000001 Variant status_pending pending
	// 013xrzp12g3nqk8n0000000000000002 Variant status_finished finished
}

func ExampleServer_Inject() {
	t := new(testing.T) // stands for the test's t
	srv := authflowtest.NewServer(t)
	defer srv.Close()

	// The next request fails as an overloaded server's would, and asks
	// the client to wait a second.
	srv.Inject(authflowtest.Fault{Status: 503, RetryAfter: time.Second}, 1)
	start := time.Now()
	flow, err := srv.Client().FetchAuthflow(context.Background(), examples.Authflow().ID)
	if err != nil {
		panic(err)
	}
	fmt.Println(flow.Title, "after waiting at least 1s:", time.Since(start) >= time.Second)
	for _, r := range srv.Requests() {
		fmt.Println(r.Method, r.Path)
	}
	// Output:
	// My Authflow after waiting at least 1s: true
	// GET /api/v1/authflow/013xrzp12g3nqk8nqprv12gz6v99a2v4
	// GET /api/v1/authflow/013xrzp12g3nqk8nqprv12gz6v99a2v4
}

func ExampleServer_RequireToken() {
	t := new(testing.T) // stands for the test's t
	srv := authflowtest.NewServer(t)
	defer srv.Close()
	srv.RequireToken("s3cret")

	anonymous, err := authflow.NewClient(srv.URL())
	if err != nil {
		panic(err)
	}
	_, err = anonymous.FetchAuthflow(context.Background(), examples.Authflow().ID)
	fmt.Println(apierrors.CodeOf(err))

	_, err = srv.Client().FetchAuthflow(context.Background(), examples.Authflow().ID)
	fmt.Println(err)
	fmt.Println(srv.Requests()[1].Header.Get("Authorization"))
	// Output:
	// not_authenticated
	// <nil>
	// Bearer REDACTED
}

// A server newer than the client sends a flow with a status the client's
// version does not know: a Fault with a Body serves it as that server
// would, and the client keeps the status as it is. A broken server's body
// is refused.
func ExampleFault_body() {
	t := new(testing.T) // stands for the test's t
	srv := authflowtest.NewServer(t)
	defer srv.Close()
	c, ctx, id := srv.Client(), context.Background(), examples.Authflow().ID

	newer := strings.Replace(string(examples.FetchResponseJSON()), `"status":"new"`, `"status":"expired"`, 1)
	srv.InjectFor(id, authflowtest.Fault{Body: newer}, 1)
	flow, err := c.FetchAuthflow(ctx, id)
	if err != nil {
		panic(err)
	}
	fmt.Println(flow.Status, flow.Status.IsKnown())

	srv.InjectFor(id, authflowtest.Fault{Body: `{"status":"success","summary":{}}`}, 1)
	_, err = c.FetchAuthflow(ctx, id)
	fmt.Println(apierrors.CodeOf(err))
	// Output:
	// expired false
	// unexpected
}
