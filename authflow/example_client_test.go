package authflow_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/authflow/authflowtest"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/ids"
)

// Name your application in the User-Agent the client sends, after the
// library's own, so that the API's operators can tell who calls.
func ExampleWithUserAgent() {
	srv := authflowtest.NewServer(new(testing.T)) // in a test, the test's t
	defer srv.Close()

	c, err := authflow.NewClient(srv.URL(), authflow.WithUserAgent("myapp/1.2"))
	if err != nil {
		panic(err)
	}
	if _, err := c.FetchAuthflow(context.Background(), examples.Authflow().ID); err != nil {
		panic(err)
	}
	fmt.Println(srv.Requests()[0].Header.Get("User-Agent"))

	_, err = authflow.NewClient(srv.URL(), authflow.WithUserAgent("my app"))
	fmt.Println(err)
	// Output:
	// authflow-go/0.1.0 myapp/1.2
	// authflow: NewClient: WithUserAgent("my app"): not a product such as "myapp/1.2": a name, optionally "/" and a version, each of letters, digits and !#$%&'*+-.^_`|~
}

// Observe each call and each of its attempts, as a metrics or tracing
// adapter would: here the server fails once with a 503 that asks for a
// second's wait, and the client retries after it. Every attempt of the
// call sends the request ID of the context.
func ExampleWithClientHooks() {
	srv := authflowtest.NewServer(new(testing.T)) // in a test, the test's t
	defer srv.Close()
	srv.Inject(authflowtest.Fault{Status: 503, RetryAfter: time.Second}, 1)

	c := srv.Client(authflow.WithClientHooks(authflow.ClientHooks{
		FetchStart: func(ctx context.Context, id ids.AuthflowID) context.Context {
			fmt.Println("fetch", id)
			return ctx
		},
		AttemptDone: func(ctx context.Context, a authflow.AttemptInfo) {
			fmt.Printf("attempt %d (%s): status %d, error: %v, wait: %v\n",
				a.Attempt, a.RequestID, a.Status, a.Err, a.Wait)
		},
		FetchDone: func(ctx context.Context, f authflow.FetchInfo) {
			fmt.Printf("done after %d attempts, error: %v\n", f.Attempts, f.Err)
		},
	}))
	ctx := authflow.ContextWithRequestID(context.Background(), "order-42")
	if _, err := c.FetchAuthflow(ctx, examples.Authflow().ID); err != nil {
		panic(err)
	}
	// Output:
	// fetch 013xrzp12g3nqk8nqprv12gz6v99a2v4
	// attempt 1 (order-42): status 503, error: unexpected: the server failed, wait: 1s
	// attempt 2 (order-42): status 200, error: <nil>, wait: 0s
	// done after 2 attempts, error: <nil>
}
