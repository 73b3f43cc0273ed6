package authflow_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/ids"
)

// Count each request's outcome and time it, as a metrics library would;
// the request ID ties the figure to the response and to the handler's log.
func ExampleWithHandlerHooks() {
	seed := examples.Authflow()
	hooks := authflow.HandlerHooks{
		RequestDone: func(ctx context.Context, info authflow.RequestInfo) {
			// A real hook would observe info.Duration and info.StoreTime.
			fmt.Printf("request %s: %d %q, store called: %v\n",
				info.RequestID, info.Status, info.Code, info.StoreTime > 0)
		},
	}
	h, err := authflow.NewHandler(flowTable{seed.ID: seed}, authflow.AllowAll{}, authflow.WithHandlerHooks(hooks))
	if err != nil {
		panic(err)
	}
	for _, path := range []string{seed.ID.String(), "013xrzp12g3nqk8nyvk0xwzcb2gzp8z1", "not-an-id"} {
		req := httptest.NewRequest("GET", authflow.PathPrefix+path, nil)
		req.Header.Set("X-Request-Id", "req-"+path[:4])
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	// Output:
	// request req-013x: 200 "", store called: true
	// request req-013x: 404 "not_found", store called: true
	// request req-not-: 400 "invalid_value", store called: false
}

// idStore stands for a store that tags its queries with the ID of the
// request they serve, so that a slow query's log line leads to the request.
type idStore struct {
	flowTable
	lastID *string
}

func (s idStore) FetchAuthflow(ctx context.Context, id ids.AuthflowID) (*authflow.Authflow, error) {
	*s.lastID = authflow.RequestID(ctx) // e.g. a comment in the SQL it sends
	return s.flowTable.FetchAuthflow(ctx, id)
}

// In a Store (or an Authorizer), read the ID of the request being served:
// the one the response's X-Request-Id header carries.
func ExampleRequestID_store() {
	seed := examples.Authflow()
	var storeSaw string
	h, err := authflow.NewHandler(idStore{flowTable{seed.ID: seed}, &storeSaw}, authflow.AllowAll{})
	if err != nil {
		panic(err)
	}
	for _, sent := range []string{"caller-chosen-7", "not plain"} {
		req := httptest.NewRequest("GET", authflow.PathPrefix+seed.ID.String(), nil)
		req.Header.Set("X-Request-Id", sent)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		got := rec.Header().Get("X-Request-Id")
		// A request ID that is not plain (1 to 128 of A-Z a-z 0-9 . _ -) is
		// replaced by a new one of 26 characters.
		fmt.Printf("sent %q: kept %v, %d characters, the store saw it: %v\n", sent, got == sent, len(got), storeSaw == got)
	}
	// Output:
	// sent "caller-chosen-7": kept true, 15 characters, the store saw it: true
	// sent "not plain": kept false, 26 characters, the store saw it: true
}
