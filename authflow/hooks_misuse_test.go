package authflow_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/ids"
)

// TestServeStartHooksReturningNil checks that a Start hook that returns nil
// is taken to have returned the context it was given: the request is
// answered as without the hook, and every hook is called once, with a
// context that carries the request ID.
func TestServeStartHooksReturningNil(t *testing.T) {
	t.Parallel()
	for _, which := range []string{"RequestStart", "StoreStart"} {
		t.Run(which, func(t *testing.T) {
			t.Parallel()
			hl := newHookLog()
			hooks := hl.hooks()
			var got []string
			switch which {
			case "RequestStart":
				hooks.RequestStart = func(context.Context, *http.Request) context.Context { return nil }
			case "StoreStart":
				hooks.StoreStart = func(context.Context, ids.AuthflowID) context.Context { return nil }
			}
			done := hooks.RequestDone
			hooks.RequestDone = func(ctx context.Context, info authflow.RequestInfo) {
				got = append(got, authflow.RequestID(ctx))
				done(ctx, info)
			}
			h := newHandler(t, memoryStore(t, examples.Authflow()), authflow.AllowAll{},
				authflow.WithHandlerHooks(hooks), authflow.WithLogger(slog.New(slog.DiscardHandler)))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", authflow.PathPrefix+seedID, nil))
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d, want 200: %s", rec.Code, rec.Body)
			}
			if len(hl.done) != 1 || len(got) != 1 || got[0] != rec.Header().Get("X-Request-Id") {
				t.Errorf("RequestDone called %d times, with the request IDs %q; response's %q",
					len(hl.done), got, rec.Header().Get("X-Request-Id"))
			}
		})
	}
}

// TestServeHookPanicOnTimer checks that code of others that panics on the
// goroutine of the store's timer, where no net/http recovery is above it,
// ends neither the process nor the steps after it: a StoreDone hook, and
// the logger itself. Each case runs the handler in a child process, which
// checks that the client got its 500 and that RequestDone was called, and
// exits cleanly.
func TestServeHookPanicOnTimer(t *testing.T) {
	t.Parallel()
	if which := os.Getenv("AUTHFLOW_HOOK_PANIC_CHILD"); which != "" {
		if err := timerPanicChild(which); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, which := range []string{"StoreDone", "logger"} {
		t.Run(which, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^TestServeHookPanicOnTimer$")
			cmd.Env = append(os.Environ(), "AUTHFLOW_HOOK_PANIC_CHILD="+which)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("the process serving a request whose %s panics on the timer's goroutine failed: %v\n%s", which, err, bounded(string(out)))
			}
		})
	}
}

func bounded(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}

// panicHandler is a slog.Handler that panics on every record.
type panicHandler struct{ slog.Handler }

func (panicHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (panicHandler) Handle(context.Context, slog.Record) error { panic("logger bug") }

// timerPanicChild serves one request whose store passes its time limit,
// with which (the StoreDone hook, or the logger) panicking, and reports
// whether the client got its 500 and RequestDone was called.
func timerPanicChild(which string) error {
	release, returned := make(chan struct{}), make(chan struct{})
	store := storeFunc(func(ctx context.Context, id ids.AuthflowID) (*authflow.Authflow, error) {
		defer close(returned)
		<-release
		return examples.Authflow(), nil
	})
	requestDone := make(chan authflow.RequestInfo, 1)
	hooks := authflow.HandlerHooks{RequestDone: func(_ context.Context, info authflow.RequestInfo) { requestDone <- info }}
	logger := slog.New(slog.DiscardHandler)
	switch which {
	case "StoreDone":
		hooks.StoreDone = func(context.Context, authflow.StoreInfo) { panic("hook bug") }
	case "logger":
		logger = slog.New(panicHandler{})
	}
	h, err := authflow.NewHandler(store, authflow.AllowAll{}, authflow.WithStoreTimeout(time.Millisecond),
		authflow.WithLogger(logger), authflow.WithHandlerHooks(hooks))
	if err != nil {
		return err
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer func() { close(release); <-returned }()
	resp, err := http.Get(srv.URL + authflow.PathPrefix + seedID)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusInternalServerError {
		return fmt.Errorf("status %d, want the time limit's 500", resp.StatusCode)
	}
	select {
	case info := <-requestDone:
		if info.Status != http.StatusInternalServerError {
			return fmt.Errorf("RequestDone: status %d, want 500", info.Status)
		}
	case <-time.After(10 * time.Second):
		return errors.New("RequestDone was not called")
	}
	return nil
}

// TestServeStoreAbortStopsTimer checks that a store that aborts the request
// with a panic of http.ErrAbortHandler (which the handler lets through to
// net/http) leaves no timer behind that would answer, log and call the
// hooks later, on a response its handler has finished with; and that
// StoreDone and RequestDone (status 0: no response) are called once each,
// with the abort, so that a tracer's spans end.
func TestServeStoreAbortStopsTimer(t *testing.T) {
	t.Parallel()
	store := storeFunc(func(ctx context.Context, id ids.AuthflowID) (*authflow.Authflow, error) {
		panic(http.ErrAbortHandler)
	})
	late := make(chan string, 4)
	var serving atomic.Bool
	var storeDone, requestDone atomic.Int32 // calls while serving
	h := newHandler(t, store, authflow.AllowAll{}, authflow.WithStoreTimeout(time.Millisecond),
		authflow.WithLogger(slog.New(slog.DiscardHandler)),
		authflow.WithHandlerHooks(authflow.HandlerHooks{
			StoreDone: func(_ context.Context, info authflow.StoreInfo) {
				if !serving.Load() {
					late <- "StoreDone"
				} else if info.Err == http.ErrAbortHandler {
					storeDone.Add(1)
				}
			},
			RequestDone: func(_ context.Context, info authflow.RequestInfo) {
				if !serving.Load() {
					late <- "RequestDone"
				} else if info.Err == http.ErrAbortHandler && info.Status == 0 {
					requestDone.Add(1)
				}
			},
		}))
	func() {
		defer func() {
			if v := recover(); v != http.ErrAbortHandler {
				t.Errorf("ServeHTTP panicked with %v, want http.ErrAbortHandler", v)
			}
		}()
		serving.Store(true)
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", authflow.PathPrefix+seedID, nil))
	}()
	serving.Store(false)
	if storeDone.Load() != 1 || requestDone.Load() != 1 {
		t.Errorf("while serving, StoreDone called %d times and RequestDone %d times with the abort, want once each",
			storeDone.Load(), requestDone.Load())
	}
	// The time limit is 1 ms: a timer left running fires well within this
	// wait. A correct handler never sends, whatever the wait.
	select {
	case hook := <-late:
		t.Errorf("%s called by the store's timer after ServeHTTP returned", hook)
	case <-time.After(200 * time.Millisecond):
	}
}

// TestClientStartHooksReturningNil checks that a client's Start hook that
// returns nil is taken to have returned the context it was given, rather
// than crash the call: the flow is fetched, with the request ID of the
// caller's context, and the Done hooks get a context.
func TestClientStartHooksReturningNil(t *testing.T) {
	t.Parallel()
	h := newHandler(t, memoryStore(t, examples.Authflow()), authflow.AllowAll{},
		authflow.WithLogger(slog.New(slog.DiscardHandler)))
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	id := examples.Authflow().ID
	for _, which := range []string{"FetchStart", "AttemptStart"} {
		t.Run(which, func(t *testing.T) {
			var doneIDs []string
			hooks := authflow.ClientHooks{
				AttemptDone: func(ctx context.Context, info authflow.AttemptInfo) {
					doneIDs = append(doneIDs, authflow.RequestID(ctx))
				},
				FetchDone: func(ctx context.Context, info authflow.FetchInfo) {
					doneIDs = append(doneIDs, authflow.RequestID(ctx))
				},
			}
			switch which {
			case "FetchStart":
				hooks.FetchStart = func(context.Context, ids.AuthflowID) context.Context { return nil }
			case "AttemptStart":
				hooks.AttemptStart = func(context.Context, int) context.Context { return nil }
			}
			c, err := authflow.NewClient(srv.URL, authflow.WithClientHooks(hooks))
			if err != nil {
				t.Fatal(err)
			}
			ctx := authflow.ContextWithRequestID(context.Background(), "caller-id")
			if _, err := c.FetchAuthflow(ctx, id); err != nil {
				t.Fatalf("FetchAuthflow: %v", err)
			}
			if len(doneIDs) != 2 || doneIDs[0] != "caller-id" || doneIDs[1] != "caller-id" {
				t.Errorf("the Done hooks' contexts carry the request IDs %q, want the caller's twice", doneIDs)
			}
		})
	}
}
