package authflow_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authflow-dev/authflow-go/authflow"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/ids"
	"github.com/authflow-dev/authflow-go/internal/race"
)

// TestServeAuthorizesBeforeValidating checks the order of work: a caller of
// another domain asking for an invalid flow learns that it may not see it
// (403), not that the flow is broken (500).
func TestServeAuthorizesBeforeValidating(t *testing.T) {
	t.Parallel()
	bad := examples.Authflow()
	bad.PlanName = "" // fails validation
	other := ids.MustParse[ids.Domain]("013xrzp12g3nqk8nz2ccx5vt2j6f6hj0")
	url, logs := server(t, memoryStore(t, bad), authflow.DomainTokens(map[string]ids.DomainID{"other": other, "own": bad.DomainID}))
	r := do(t, "GET", url+authflow.PathPrefix+seedID, http.Header{"Authorization": {"Bearer other"}})
	checkError(t, r, http.StatusForbidden, apierrors.NotPermitted)
	if strings.Contains(logs.String(), "validate") {
		t.Errorf("the flow was validated for a caller who may not see it:\n%s", logs)
	}
	r = do(t, "GET", url+authflow.PathPrefix+seedID, http.Header{"Authorization": {"Bearer own"}})
	checkError(t, r, http.StatusInternalServerError, apierrors.Unexpected)
}

// TestServeMatchesTheEscapedPath checks that a path whose prefix is
// percent-encoded is not the endpoint, as a proxy that matches raw paths
// sees it, while the store is never asked.
func TestServeMatchesTheEscapedPath(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	store := storeFunc(func(ctx context.Context, id ids.AuthflowID) (*authflow.Authflow, error) {
		calls.Add(1)
		return examples.Authflow(), nil
	})
	url, _ := server(t, store, authflow.AllowAll{})
	for _, path := range []string{
		"/api%2Fv1%2Fauthflow%2F" + seedID,
		"/api/v1/authflow%2F" + seedID,
		"/api/v1%2Fauthflow/" + seedID,
		"/%61pi/v1/authflow/" + seedID,
	} {
		checkError(t, do(t, "GET", url+path, nil), http.StatusNotFound, apierrors.NotFound)
	}
	// An escaped byte in the ID makes it no canonical ID.
	checkError(t, do(t, "GET", url+authflow.PathPrefix+"%30"+seedID[1:], nil), http.StatusBadRequest, apierrors.InvalidValue)
	if calls.Load() != 0 {
		t.Errorf("the store was called %d times", calls.Load())
	}
	checkCommonHeaders(t, do(t, "GET", url+authflow.PathPrefix+seedID, nil).header)
}

// TestServeHeadersAreNotShared runs a middleware that edits the header values
// of each response in place after the handler set them, as some do: no other
// response may change, and -race sees no shared memory.
func TestServeHeadersAreNotShared(t *testing.T) {
	t.Parallel()
	h := newHandler(t, memoryStore(t, examples.Authflow()), authflow.AllowAll{})
	tamper := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		for _, k := range []string{"Content-Type", "Cache-Control", "X-Content-Type-Options"} {
			if v := w.Header()[k]; len(v) > 0 {
				v[0] = "tampered"
			}
		}
	})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				rec := httptest.NewRecorder()
				req := httptest.NewRequest("GET", authflow.PathPrefix+seedID, nil)
				// The recorder snapshots the headers when the handler writes.
				tamper.ServeHTTP(rec, req)
				checkCommonHeaders(t, rec.Result().Header)
			}
		})
	}
	wg.Wait()
}

// TestServeStoreTimeLimit checks that a store that ignores its context is
// answered 500 at the time limit, and that its context was cancelled.
func TestServeStoreTimeLimit(t *testing.T) {
	t.Parallel()
	cancelled := make(chan struct{})
	release := make(chan struct{})
	store := storeFunc(func(ctx context.Context, id ids.AuthflowID) (*authflow.Authflow, error) {
		go func() {
			<-ctx.Done()
			close(cancelled)
		}()
		<-release // ignores ctx
		return examples.Authflow(), nil
	})
	logs := &logBuffer{}
	h := newHandler(t, store, authflow.AllowAll{},
		authflow.WithStoreTimeout(50*time.Millisecond), authflow.WithLogger(slog.New(slog.NewTextHandler(logs, nil))))
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close) // runs after the store is released: it waits for the handler
	t.Cleanup(func() { close(release) })

	start := time.Now()
	r := do(t, "GET", srv.URL+authflow.PathPrefix+seedID, nil)
	elapsed := time.Since(start)
	checkError(t, r, http.StatusInternalServerError, apierrors.Unexpected)
	if elapsed > 2*time.Second {
		t.Errorf("answered after %v, want about the 50ms limit", elapsed)
	}
	select {
	case <-cancelled:
	case <-time.After(2 * time.Second):
		t.Error("the store's context was not cancelled")
	}
	if !strings.Contains(logs.String(), "time limit") {
		t.Errorf("the log does not say the store ran out of time:\n%s", logs)
	}
}

// TestServeLogsAreBounded checks that a store's huge, multi-line error costs
// one short log line, and that nothing of it is sent.
func TestServeLogsAreBounded(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("secret line\n\x1b[31m", 10<<20/16)
	store := storeFunc(func(ctx context.Context, id ids.AuthflowID) (*authflow.Authflow, error) {
		return nil, errors.New(huge)
	})
	url, logs := server(t, store, authflow.AllowAll{})
	r := do(t, "GET", url+authflow.PathPrefix+seedID, nil)
	checkError(t, r, http.StatusInternalServerError, apierrors.Unexpected)
	if strings.Contains(string(r.body), "secret") {
		t.Errorf("the store's error reached the client: %s", r.body)
	}
	out := logs.String()
	if n := strings.Count(out, "\n"); n != 1 {
		t.Errorf("%d log lines, want 1", n)
	}
	if len(out) > 2048 || strings.Contains(out, "\x1b") {
		t.Errorf("log line of %d bytes (want under 2 KiB, no escape characters): %.200q…", len(out), out)
	}
}

// TestServeLogsFailedAuthentications checks that failed authentications are
// logged with the request ID, at a bounded rate, never with the token nor
// the caller's address.
func TestServeLogsFailedAuthentications(t *testing.T) {
	t.Parallel()
	url, logs := server(t, memoryStore(t, examples.Authflow()), authflow.BearerToken("right-token"))
	first := time.Now().Unix()
	for i := range 200 {
		do(t, "GET", url+authflow.PathPrefix+seedID, http.Header{"Authorization": {"Bearer wrong-token-" + string(rune('a'+i%26))}})
	}
	do(t, "GET", url+authflow.PathPrefix+seedID, nil) // no credentials
	// The next second's first failure says how many were left out.
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
	do(t, "GET", url+authflow.PathPrefix+seedID, nil)
	seconds := time.Now().Unix() - first + 1
	out := logs.String()
	lines := strings.Count(out, "\n")
	if lines == 0 || int64(lines) > 5*seconds { // 5 a second
		t.Errorf("%d log lines for 202 failed authentications in %d seconds, want 1 to %d:\n%s", lines, seconds, 5*seconds, out)
	}
	if strings.Contains(out, "wrong-token") || strings.Contains(out, "right-token") {
		t.Errorf("a token reached the log:\n%s", out)
	}
	if strings.Contains(out, "127.0.0.1") || strings.Contains(out, "remote_addr") {
		t.Errorf("the caller's address (personal data) reached the log:\n%s", out)
	}
	if !strings.Contains(out, `"code":"bad_authtoken"`) || strings.Count(out, `"request_id":"`) != lines {
		t.Errorf("the log does not name the code, and the request ID on every line:\n%s", out)
	}
	if !regexp.MustCompile(`"suppressed":[1-9]`).MatchString(out) {
		t.Errorf("the log does not count the lines it left out:\n%s", out)
	}
}

// TestServeHostileStoredFlow checks what one stored flow of 250,000 repeated
// factor names costs a request: a 500, one short log line, and memory in
// proportion to the flow (the store's copy of it, and a table of its names).
// Not parallel: it measures allocations.
func TestServeHostileStoredFlow(t *testing.T) {
	if race.Enabled {
		t.Skip("the race detector changes allocations")
	}
	flow := examples.Authflow()
	flow.FactorNames = make(authflow.FactorNames, 250_000)
	for i := range flow.FactorNames {
		flow.FactorNames[i] = "a"
	}
	logs := &logBuffer{}
	h := newHandler(t, memoryStore(t, flow), authflow.AllowAll{},
		authflow.WithLogger(slog.New(slog.NewTextHandler(logs, nil))))
	serve := func() *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", authflow.PathPrefix+seedID, nil))
		return rec
	}
	serve() // warm up
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	rec := serve()
	runtime.ReadMemStats(&after)
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", rec.Code)
	}
	// The store copies the flow (4 MB of names); the check's table is 2 MiB.
	if n := after.TotalAlloc - before.TotalAlloc; n > 12<<20 {
		t.Errorf("one request allocated %d bytes, want under 12 MiB", n)
	}
	if out := logs.String(); strings.Count(out, "\n") != 2 || len(out) > 4096 {
		t.Errorf("two requests logged %d bytes in %d lines, want 2 short lines", len(out), strings.Count(out, "\n"))
	}
}
