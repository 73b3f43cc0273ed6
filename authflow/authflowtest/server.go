// Package authflowtest runs a test server of the Authflow API, in the manner
// of net/http/httptest: the real handler ([authflow.NewHandler]) over an
// in-memory store, on a loopback address, for testing code that calls the
// API — its failures included — without writing a server.
//
//	srv := authflowtest.NewServer(t) // the examples fixtures; closed by t.Cleanup
//	srv.Inject(authflowtest.Fault{Status: 503, RetryAfter: time.Second}, 2)
//	flow, err := yourCode(srv.URL(), …) // or srv.Client().FetchAuthflow(…)
//	reqs := srv.Requests() // what the server received
//
// A [Fault] makes the server answer as a failing API or the network in
// front of it would: an error with any status and code, a Retry-After
// header, added latency, a dropped connection, a proxy's HTML error page,
// or any body at all, as a newer or a broken API would send. [Server.Inject] queues one for the next requests, [Server.InjectFor]
// for the next requests for one authflow ID. [Server.RequireToken] makes the
// server require a bearer token, as a production server does.
//
// Every Server is independent of every other: tests that each make their
// own run in parallel, under -race and with -count=N.
package authflowtest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/examples"
)

// A Server is a running test server of the Authflow API: the real handler
// over an [authflow.MemoryStore], on a loopback address, with faults on
// demand. Its methods are safe for concurrent use. Make one with
// [NewServer].
type Server struct {
	t     testing.TB
	ts    *httptest.Server
	store *authflow.MemoryStore
	log   *testLog
	token atomic.Pointer[tokenAuth] // nil: no authentication

	done      chan struct{} // closed by Close: ends every wait
	closeOnce sync.Once

	mu       sync.Mutex
	faults   []queuedFault // in the order injected
	requests []Request
}

// NewServer starts a Server holding copies of the given flows, or, when
// none are given, the flows [examples.Flows] returns. It serves them with the
// handler of [authflow.NewHandler] exactly as a production server would:
// a flow that fails validation is answered 500, as there. It needs no
// credentials until [Server.RequireToken] says otherwise. The handler's
// log goes to the test's output (see [testing.TB.Output]).
//
// The server is closed by t.Cleanup, or earlier by [Server.Close]. A nil
// flow fails the test.
func NewServer(t testing.TB, flows ...*authflow.Authflow) *Server {
	t.Helper()
	if len(flows) == 0 {
		flows = examples.Flows()
	}
	store, err := authflow.NewMemoryStore(flows...)
	if err != nil {
		t.Fatalf("authflowtest.NewServer: %v", err)
	}
	s := &Server{
		t:     t,
		store: store,
		log:   &testLog{w: t.Output()},
		done:  make(chan struct{}),
	}
	logger := slog.New(slog.NewTextHandler(s.log, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{} // the test's output needs no clock
			}
			return a
		},
	}))
	h, err := authflow.NewHandler(s.store, authorizer{s}, authflow.WithLogger(logger))
	if err != nil {
		t.Fatalf("authflowtest.NewServer: %v", err)
	}
	s.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.serve(w, r, h)
	}))
	t.Cleanup(s.Close)
	return s
}

// URL returns the server's base URL, such as "http://127.0.0.1:41235",
// which is what [authflow.NewClient] takes; the endpoint is
// URL() + "/api/v1/authflow/{authflow_id}".
func (s *Server) URL() string { return s.ts.URL }

// Client returns a new client of the server: [authflow.NewClient] with
// its defaults, except that it waits at most 1 ms before the first retry
// (2 ms, 4 ms before the next), so that tests of failures run fast; a
// Retry-After a response asks for is honoured as by any client. When the
// server requires a token, the client sends it. The options given apply
// after those, so [authflow.WithRetry] or [authflow.WithBearerToken]
// override them.
//
// Client fails the test (t.Fatal) if an option is invalid: call it from
// the goroutine running the test.
func (s *Server) Client(opts ...authflow.ClientOption) *authflow.Client {
	s.t.Helper()
	all := []authflow.ClientOption{authflow.WithRetry(clientRetry)}
	if a := s.token.Load(); a != nil {
		all = append(all, authflow.WithBearerToken(a.token))
	}
	c, err := authflow.NewClient(s.URL(), append(all, opts...)...)
	if err != nil {
		s.t.Fatalf("authflowtest: Server.Client: %v", err)
	}
	return c
}

// clientRetry is the retry policy of the clients Server.Client makes: the
// default number of retries and the default cap, with waits a thousand
// times shorter than the default ones.
var clientRetry = authflow.RetryPolicy{
	MaxRetries:   authflow.DefaultMaxRetries,
	InitialDelay: time.Millisecond,
	MaxDelay:     authflow.DefaultMaxRetryDelay,
}

// Store returns the store the server serves from. A test changes what the
// server holds with its Put and Delete methods, at any time.
func (s *Server) Store() *authflow.MemoryStore { return s.store }

// RequireToken makes every request from now on need
// "Authorization: Bearer <token>", checked by [authflow.BearerToken] as a
// production server checks it: without it the server answers 401
// not_authenticated, with another token 401 bad_authtoken, each with a
// WWW-Authenticate challenge. Clients that [Server.Client] makes from now
// on send the token. RequireToken("") serves without authentication again.
//
// RequireToken fails the test (t.Fatal) if BearerToken refuses the token,
// as [authflow.NewHandler] would in production: call it from the goroutine
// running the test.
func (s *Server) RequireToken(token string) {
	if token == "" {
		s.token.Store(nil)
		return
	}
	authz := authflow.BearerToken(token)
	if _, err := authflow.NewHandler(s.store, authz); err != nil {
		s.t.Fatalf("authflowtest: RequireToken: %v", err)
	}
	s.token.Store(&tokenAuth{token: token, authz: authz})
}

// Close shuts the server down: a request still waiting out a [Fault]'s
// latency ends at once, without an answer, and Close returns when every
// request has ended. Later requests are refused at the TCP level, as by a
// server that is down. Close may be called more than once; t.Cleanup calls
// it.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.ts.Close()
		s.log.close()
	})
}

// A Request is what the server received: one HTTP request, as the server
// read it.
type Request struct {
	// Method is the request's method, such as "GET".
	Method string
	// Path is the request's path as it was sent, with its escapes, such as
	// "/api/v1/authflow/013xrzp12g3nqk8nqprv12gz6v99a2v4".
	Path string
	// Header is a copy of the request's header, with the credentials of
	// Authorization and Proxy-Authorization replaced by "REDACTED": a
	// bearer token reads "Bearer REDACTED".
	Header http.Header
}

// Requests returns the requests the server has received, in the order
// they arrived, faulted ones included. The slice and its headers are the
// caller's own.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = Request{Method: r.Method, Path: r.Path, Header: r.Header.Clone()}
	}
	return out
}

// serve answers one request: it records it, then lets the first queued
// fault that matches it answer, or the handler.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, h http.Handler) {
	path := r.URL.EscapedPath()
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: path, Header: redacted(r.Header)})
	f, faulted := s.takeFault(path)
	s.mu.Unlock()
	if !faulted {
		h.ServeHTTP(w, r)
		return
	}
	if f.Latency > 0 && !s.wait(r.Context(), f.Latency) {
		drop(w) // the client went away, or the server is closing
		return
	}
	f.answer(w, r, h)
}

// wait waits for d, and reports false if the request's context ends or
// the server closes first.
func (s *Server) wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	}
}

// redacted returns a copy of h with the credentials of its Authorization
// and Proxy-Authorization values replaced.
func redacted(h http.Header) http.Header {
	c := h.Clone()
	for _, key := range [...]string{"Authorization", "Proxy-Authorization"} {
		for i, v := range c[key] {
			if scheme, _, ok := strings.Cut(v, " "); ok {
				c[key][i] = scheme + " REDACTED"
			} else {
				c[key][i] = "REDACTED"
			}
		}
	}
	return c
}

// authorizer is the Server's [authflow.Authorizer]: none until
// RequireToken, then [authflow.BearerToken].
type authorizer struct{ s *Server }

type tokenAuth struct {
	token string
	authz authflow.Authorizer
}

// Authenticate implements [authflow.Authorizer].
func (a authorizer) Authenticate(r *http.Request) (context.Context, error) {
	if t := a.s.token.Load(); t != nil {
		return t.authz.Authenticate(r)
	}
	return r.Context(), nil
}

// Authorize implements [authflow.Authorizer]: any caller may see any flow.
func (a authorizer) Authorize(context.Context, *authflow.Authflow) error { return nil }

// testLog is the handler's log: the test's output until the server closes,
// and nothing after, when the test may have ended.
type testLog struct {
	mu     sync.Mutex
	w      io.Writer
	closed bool
}

func (l *testLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return len(p), nil
	}
	return l.w.Write(p)
}

func (l *testLog) close() {
	l.mu.Lock()
	l.closed = true
	l.mu.Unlock()
}
