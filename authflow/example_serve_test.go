package authflow_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"github.com/authflow-dev/authflow-go/authflow"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/ids"
)

// flowTable stands for a service's own storage.
type flowTable map[ids.AuthflowID]*authflow.Authflow

// FetchAuthflow implements authflow.Store. The flow it returns is the
// caller's: a copy, never the table's own.
func (t flowTable) FetchAuthflow(ctx context.Context, id ids.AuthflowID) (*authflow.Authflow, error) {
	f, ok := t[id]
	if !ok {
		return nil, apierrors.NotFound // answered 404 "no such resource"
	}
	return f.Clone(), nil
}

// Mount the handler over your own Store, with callers who may each see
// only their own domain's flows.
func ExampleNewHandler() {
	seed := examples.Authflow()
	store := flowTable{seed.ID: seed}
	authz := authflow.DomainTokens(map[string]ids.DomainID{
		"token-for-seed-domain": seed.DomainID,
	})

	h, err := authflow.NewHandler(store, authz, authflow.WithLogger(slog.Default()))
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle(authflow.PathPrefix, h)
	srv := httptest.NewServer(mux)
	var resp *http.Response
	defer srv.Close()

	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/authflow/013xrzp12g3nqk8nqprv12gz6v99a2v4", nil)
	req.Header.Set("Authorization", "Bearer token-for-seed-domain")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.Status, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))

	req, _ = http.NewRequest("GET", srv.URL+"/api/v1/authflow/013xrzp12g3nqk8nyvk0xwzcb2gzp8z1", nil)
	req.Header.Set("Authorization", "Bearer token-for-seed-domain")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.Status, string(body))
	// Output:
	// 200 OK application/json no-store
	// 404 Not Found {"status":"error","code":"not_found","message":"no such resource"}
}

// Call the endpoint with the client. Every error comes back as an
// *apierrors.Error, with the HTTP status it arrived with and the number of
// attempts made; test its code with errors.Is.
func ExampleClient_FetchAuthflow() {
	store, err := authflow.NewMemoryStore(examples.Authflow())
	if err != nil {
		panic(err)
	}
	h, err := authflow.NewHandler(store, authflow.BearerToken("s3cret"))
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	c, err := authflow.NewClient(srv.URL, authflow.WithBearerToken("s3cret"))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	flow, err := c.FetchAuthflow(ctx, ids.MustParse[ids.Authflow]("013xrzp12g3nqk8nqprv12gz6v99a2v4"))
	if err != nil {
		panic(err)
	}
	fmt.Println(flow.Title, flow.Status, flow.FirstSeen.City)

	_, err = c.FetchAuthflow(ctx, ids.MustParse[ids.Authflow]("013xrzp12g3nqk8nyvk0xwzcb2gzp8z1"))
	if errors.Is(err, apierrors.NotFound) {
		fmt.Println("no such authflow")
	}
	if apiErr, ok := err.(*apierrors.Error); ok {
		fmt.Println(apiErr.StatusCode(), apiErr.Code(), apiErr.Message(), apiErr.Attempts())
	}
	// Output:
	// My Authflow new Melbourne
	// no such authflow
	// 404 not_found no such resource 1
}
