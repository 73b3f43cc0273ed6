package authflow_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/authflow-dev/authflow-go/authflow"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/ids"
)

// recorded is what a test compares of a response: everything.
type recorded struct {
	Status int
	Header http.Header
	Body   string
}

func record(h http.Handler, r *http.Request) recorded {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return recorded{rec.Code, rec.Header(), rec.Body.String()}
}

// TestWriteErrorIsTheHandlers checks that an error written by WriteError,
// from a middleware, is the very response the handler sends when its
// Authorizer or Store returns the same error: status, every header, body.
func TestWriteErrorIsTheHandlers(t *testing.T) {
	t.Parallel()
	seed := examples.Authflow()
	errs := []error{
		apierrors.New(apierrors.NotAuthenticated, "credentials required"),
		apierrors.New(apierrors.BadAuthToken, "token expired"),
		apierrors.BadAuthToken, // a bare code: sent with its description
		apierrors.New(apierrors.NotPermitted, "not yours"),
		apierrors.NotFound,
		fmt.Errorf("wrapped: %w", apierrors.New(apierrors.InvalidAction, "flow closed")),
		apierrors.Wrap(apierrors.NotImplemented, "not here", errors.New("secret-detail")),
		apierrors.Code("teapot"), // unknown code: 500, kept
		errors.New("db at 10.0.0.7 down (secret-detail)"),
		apierrors.Invalid(apierrors.Problem{Path: "x", Rule: apierrors.RuleRequired, Message: "secret-detail"}),
		nil, // from a Store, with a nil flow: a server failure; WriteError(nil) too
	}
	for i, err := range errs {
		for _, method := range []string{"GET", "HEAD"} {
			for _, step := range []string{"authenticate", "store", "authorize"} {
				name := fmt.Sprintf("%d-%v-%s-%s", i, err, method, step)
				var authz authflow.AuthorizerFuncs
				var store authflow.Store = memoryStore(t, seed)
				switch step {
				case "authenticate":
					if err == nil {
						continue // nil lets the request in
					}
					authz.AuthenticateFunc = func(*http.Request) (context.Context, error) { return nil, err }
				case "store": // nil, nil: neither a flow nor an error, a 500
					store = storeFunc(func(context.Context, ids.AuthflowID) (*authflow.Authflow, error) { return nil, err })
				case "authorize":
					if err == nil {
						continue // nil allows
					}
					authz.AuthorizeFunc = func(context.Context, *authflow.Authflow) error { return err }
				}
				h := newHandler(t, store, authz, authflow.WithLogger(nil))
				mw := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { authflow.WriteError(w, r, err) })

				req := func() *http.Request {
					r := httptest.NewRequest(method, authflow.PathPrefix+seed.ID.String(), nil)
					r.Header.Set("X-Request-Id", "rid-"+strconv.Itoa(i))
					return r
				}
				fromHandler, fromWriteError := record(h, req()), record(mw, req())
				if diff := cmp.Diff(fromHandler, fromWriteError); diff != "" {
					t.Errorf("%s: WriteError's response differs from the handler's (-handler +WriteError):\n%s", name, diff)
				}
				if strings.Contains(fromWriteError.Body, "secret-detail") {
					t.Errorf("%s: internal detail sent: %s", name, fromWriteError.Body)
				}
			}
		}
	}
}

// passOn is how a service passes on an upstream API's not_found: as an
// error of its own.
func passOn(err error) error {
	if errors.Is(err, apierrors.NotFound) {
		return apierrors.NotFound
	}
	return err
}

func TestWriteError(t *testing.T) {
	t.Parallel()
	const (
		bodyInternal = `{"status":"error","code":"unexpected","message":"internal server error"}`
		bodyExpired  = `{"status":"error","code":"bad_authtoken","message":"token expired"}`
	)
	expired := apierrors.New(apierrors.BadAuthToken, "token expired")
	tests := []struct {
		name    string
		method  string
		ctx     context.Context
		reqHdr  http.Header // the request's
		preset  http.Header // set on w before WriteError
		err     error
		status  int
		header  http.Header // want, besides the three every response has and Content-Length
		body    string
		newID   bool // X-Request-Id is a new one
		noCheck bool
	}{
		{name: "401 no credentials", err: apierrors.NotAuthenticated, status: 401,
			header: http.Header{"Www-Authenticate": {`Bearer realm="authflow"`}},
			body:   `{"status":"error","code":"not_authenticated","message":"no credentials were sent"}`, newID: true},
		{name: "401 bad token", err: expired, status: 401,
			header: http.Header{"Www-Authenticate": {`Bearer realm="authflow", error="invalid_token"`}}, body: bodyExpired, newID: true},
		{name: "401 own realm kept", err: expired, status: 401,
			preset: http.Header{"Www-Authenticate": {`Bearer realm="billing", error="invalid_token"`}},
			header: http.Header{"Www-Authenticate": {`Bearer realm="billing", error="invalid_token"`}}, body: bodyExpired, newID: true},
		{name: "HEAD: no body", method: "HEAD", err: expired, status: 401,
			header: http.Header{"Www-Authenticate": {`Bearer realm="authflow", error="invalid_token"`}}, newID: true},
		{name: "403 has no challenge", err: apierrors.New(apierrors.NotPermitted, "no"), status: 403,
			body: `{"status":"error","code":"not_permitted","message":"no"}`, newID: true},
		{name: "headers replaced", err: apierrors.NotFound, status: 404,
			preset: http.Header{"Content-Type": {"text/html"}, "Cache-Control": {"max-age=600"}, "Content-Length": {"1"}, "X-Other": {"kept"}},
			header: http.Header{"X-Other": {"kept"}},
			body:   `{"status":"error","code":"not_found","message":"no such resource"}`, newID: true},
		{name: "foreign error: 500, generic", err: errors.New("secret-detail"), status: 500, body: bodyInternal, newID: true},
		{name: "wrapped cause not sent", err: apierrors.Wrap(apierrors.Unexpected, "try later", errors.New("secret-detail")), status: 500,
			body: `{"status":"error","code":"unexpected","message":"try later"}`, newID: true},
		{name: "report: 500", err: apierrors.Invalid(apierrors.Problem{Path: "p", Rule: apierrors.RuleSyntax, Message: "secret-detail"}),
			status: 500, body: bodyInternal, newID: true},
		{name: "nil: 500", err: nil, status: 500, body: bodyInternal, newID: true},
		{name: "an API's answer: 500", status: 500, body: bodyInternal, newID: true,
			err: apierrors.FromResponse(404, http.Header{}, []byte(`{"status":"error","code":"not_found","message":"secret-detail"}`))},
		{name: "a client's error: 500", status: 500, body: bodyInternal, newID: true,
			err: fmt.Errorf("upstream: %w", apierrors.Wrap(apierrors.Unknown, "no response: Get http://10.0.0.7/secret-detail", nil).WithAttempts(4))},
		{name: "passed on as its own", status: 404, newID: true,
			err:  passOn(apierrors.FromResponse(404, http.Header{}, []byte(`{"status":"error","code":"not_found","message":"secret-detail"}`))),
			body: `{"status":"error","code":"not_found","message":"no such resource"}`},

		// X-Request-Id.
		{name: "request's ID echoed", reqHdr: http.Header{"X-Request-Id": {"abc-123_x.y"}}, err: apierrors.NotFound, status: 404,
			header: http.Header{"X-Request-Id": {"abc-123_x.y"}}, noCheck: true},
		{name: "context's ID first", ctx: authflow.ContextWithRequestID(context.Background(), "from-ctx"),
			reqHdr: http.Header{"X-Request-Id": {"from-header"}}, err: apierrors.NotFound, status: 404,
			header: http.Header{"X-Request-Id": {"from-ctx"}}, noCheck: true},
		{name: "context's ID not plain", ctx: authflow.ContextWithRequestID(context.Background(), "a b"),
			reqHdr: http.Header{"X-Request-Id": {"from-header"}}, err: apierrors.NotFound, status: 404,
			header: http.Header{"X-Request-Id": {"from-header"}}, noCheck: true},
		{name: "w's ID kept", preset: http.Header{"X-Request-Id": {"set-by-w"}}, reqHdr: http.Header{"X-Request-Id": {"from-header"}},
			err: apierrors.NotFound, status: 404, header: http.Header{"X-Request-Id": {"set-by-w"}}, noCheck: true},
		{name: "request's ID not plain", reqHdr: http.Header{"X-Request-Id": {"a\x01b"}}, err: apierrors.NotFound, status: 404, newID: true, noCheck: true},
		{name: "request's ID too long", reqHdr: http.Header{"X-Request-Id": {strings.Repeat("a", authflow.MaxRequestIDLen+1)}},
			err: apierrors.NotFound, status: 404, newID: true, noCheck: true},
		{name: "longest request ID", reqHdr: http.Header{"X-Request-Id": {strings.Repeat("a", authflow.MaxRequestIDLen)}},
			err: apierrors.NotFound, status: 404, header: http.Header{"X-Request-Id": {strings.Repeat("a", authflow.MaxRequestIDLen)}}, noCheck: true},
		{name: "two request IDs", reqHdr: http.Header{"X-Request-Id": {"one", "two"}}, err: apierrors.NotFound, status: 404, newID: true, noCheck: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			method := tt.method
			if method == "" {
				method = "GET"
			}
			r := httptest.NewRequest(method, "/anything", nil)
			if tt.ctx != nil {
				r = r.WithContext(tt.ctx)
			}
			for k, v := range tt.reqHdr {
				r.Header[k] = v
			}
			rec := httptest.NewRecorder()
			for k, v := range tt.preset {
				rec.Header()[k] = v
			}
			authflow.WriteError(rec, r, tt.err)

			if rec.Code != tt.status {
				t.Errorf("status %d, want %d", rec.Code, tt.status)
			}
			got := rec.Header().Clone()
			if tt.newID {
				id := got.Get("X-Request-Id")
				if len(id) != 26 || strings.Trim(id, "0123456789abcdefghjkmnpqrstvwxyz") != "" {
					t.Errorf("X-Request-Id %q, want a new one", id)
				}
				got.Del("X-Request-Id")
			}
			if tt.noCheck { // the ID is the point: compare it alone
				if want := tt.header.Get("X-Request-Id"); want != "" && got.Get("X-Request-Id") != want {
					t.Errorf("X-Request-Id %q, want %q", got.Get("X-Request-Id"), want)
				}
				return
			}
			want := http.Header{
				"Content-Type":           {"application/json"},
				"Cache-Control":          {"no-store"},
				"X-Content-Type-Options": {"nosniff"},
				"Content-Length":         {strconv.Itoa(len(tt.body))},
			}
			if method == "HEAD" { // the length of the body a GET gets
				want["Content-Length"] = []string{strconv.Itoa(len(bodyExpired))}
			}
			for k, v := range tt.header {
				want[k] = v
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("headers (-want +got):\n%s", diff)
			}
			if rec.Body.String() != tt.body {
				t.Errorf("body %s, want %s", rec.Body, tt.body)
			}
		})
	}
}
