package authflow_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authflow-dev/authflow-go/authflow"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/ids"
)

// newIDPattern is what a request ID the handler makes looks like.
var newIDPattern = regexp.MustCompile(`^[0-9a-hjkmnp-tv-z]{26}$`)

// logLines decodes the JSON lines of a log.
func logLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		lines = append(lines, m)
	}
	return lines
}

// idRecorder is an Authorizer that records the request ID each of its
// methods sees, and refuses every flow with an error that is not an API
// error: the handler answers 500 and logs a line.
type idRecorder struct {
	mu                      sync.Mutex
	authenticate, authorize []string
}

func (a *idRecorder) Authenticate(r *http.Request) (context.Context, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.authenticate = append(a.authenticate, authflow.RequestID(r.Context()))
	return r.Context(), nil
}

func (a *idRecorder) Authorize(ctx context.Context, _ *authflow.Authflow) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.authorize = append(a.authorize, authflow.RequestID(ctx))
	return errors.New("refused, for the test")
}

// TestServeRequestID checks which request ID the handler takes: the
// response's X-Request-Id, the log line's request_id, and the ID that the
// Authorizer, the Store and the hooks read from their context are one and
// the same; the caller's when it sent exactly one plain ID (or an outer
// middleware put one in the context), else a new one of 26 characters,
// another for each request.
func TestServeRequestID(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", authflow.MaxRequestIDLen)
	cases := []struct {
		name   string
		header []string // X-Request-Id values sent
		ctxID  string   // put in the context by a middleware, if not ""
		want   string   // "" for a new one
	}{
		{name: "none"},
		{name: "plain", header: []string{"req-42_a.B"}, want: "req-42_a.B"},
		{name: "longest plain", header: []string{long}, want: long},
		{name: "too long", header: []string{long + "a"}},
		{name: "empty", header: []string{""}},
		{name: "control characters", header: []string{"abc\x00def"}},
		{name: "newline", header: []string{"abc\r\nX-Evil: 1"}},
		{name: "escape", header: []string{"\x1b[31mred"}},
		{name: "spaces", header: []string{"a b"}},
		{name: "two headers", header: []string{"one", "two"}},
		{name: "two equal headers", header: []string{"one", "one"}},
		{name: "non-ASCII", header: []string{"réq"}},
		{name: "quote", header: []string{`a"b`}},
		{name: "context", ctxID: "from-middleware", want: "from-middleware"},
		{name: "context over header", ctxID: "from-middleware", header: []string{"from-header"}, want: "from-middleware"},
		{name: "hostile context, plain header", ctxID: "bad id", header: []string{"from-header"}, want: "from-header"},
		{name: "hostile context, no header", ctxID: strings.Repeat("x", authflow.MaxRequestIDLen+1)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var storeSaw, startSaw, doneSaw []string
			var mu sync.Mutex
			store := storeFunc(func(ctx context.Context, id ids.AuthflowID) (*authflow.Authflow, error) {
				mu.Lock()
				defer mu.Unlock()
				storeSaw = append(storeSaw, authflow.RequestID(ctx))
				return examples.Authflow(), nil
			})
			authz := &idRecorder{}
			logs := &logBuffer{}
			hooks := authflow.HandlerHooks{
				RequestStart: func(ctx context.Context, r *http.Request) context.Context {
					startSaw = append(startSaw, authflow.RequestID(ctx))
					return ctx
				},
				RequestDone: func(ctx context.Context, info authflow.RequestInfo) {
					doneSaw = append(doneSaw, authflow.RequestID(ctx), info.RequestID)
				},
			}
			var h http.Handler = newHandler(t, store, authz, authflow.WithHandlerHooks(hooks),
				authflow.WithLogger(slog.New(slog.NewJSONHandler(logs, nil))))
			if tc.ctxID != "" {
				inner := h
				h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					inner.ServeHTTP(w, r.WithContext(authflow.ContextWithRequestID(r.Context(), tc.ctxID)))
				})
			}
			var got [2]string
			for i := range got {
				req := httptest.NewRequest("GET", authflow.PathPrefix+seedID, nil)
				if tc.header != nil {
					req.Header["X-Request-Id"] = tc.header
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusInternalServerError {
					t.Fatalf("status %d, want the 500 of the refusing authorizer", rec.Code)
				}
				v := rec.Header().Values("X-Request-Id")
				if len(v) != 1 {
					t.Fatalf("X-Request-Id: %q, want one", v)
				}
				got[i] = v[0]
			}
			for i, id := range got {
				if tc.want != "" && id != tc.want {
					t.Errorf("request %d: X-Request-Id %q, want %q", i, id, tc.want)
				}
				if tc.want == "" && !newIDPattern.MatchString(id) {
					t.Errorf("request %d: X-Request-Id %q, want a new one of 26 characters", i, id)
				}
			}
			if tc.want == "" && got[0] == got[1] {
				t.Errorf("two requests got the same new ID %q", got[0])
			}
			lines := logLines(t, logs.String())
			if len(lines) != 2 {
				t.Fatalf("%d log lines, want 2:\n%s", len(lines), logs)
			}
			for i, id := range got {
				seen := map[string]string{
					"log":          lines[i]["request_id"].(string),
					"Authenticate": authz.authenticate[i],
					"Authorize":    authz.authorize[i],
					"store":        storeSaw[i],
					"RequestStart": startSaw[i],
					"RequestDone":  doneSaw[2*i],
					"RequestInfo":  doneSaw[2*i+1],
				}
				for where, saw := range seen {
					if saw != id {
						t.Errorf("request %d: %s saw request ID %q, the response says %q", i, where, saw, id)
					}
				}
			}
		})
	}
}

// TestServeRequestIDOnEveryResponse checks that every answer the handler
// makes carries the caller's plain X-Request-Id, and that each line it logs
// carries it too.
func TestServeRequestIDOnEveryResponse(t *testing.T) {
	t.Parallel()
	panicky := storeFunc(func(ctx context.Context, id ids.AuthflowID) (*authflow.Authflow, error) { panic("boom") })
	slow := storeFunc(func(ctx context.Context, id ids.AuthflowID) (*authflow.Authflow, error) {
		<-ctx.Done() // returns only once the timer has answered
		return nil, ctx.Err()
	})
	failing := storeFunc(func(ctx context.Context, id ids.AuthflowID) (*authflow.Authflow, error) {
		return nil, errors.New("database down")
	})
	seedStore := memoryStore(t, examples.Authflow())
	tokens := authflow.BearerToken("right")
	cases := []struct {
		name          string
		store         authflow.Store
		authz         authflow.Authorizer
		method, path  string
		token         string
		status, lines int
	}{
		{"200", seedStore, authflow.AllowAll{}, "GET", authflow.PathPrefix + seedID, "", 200, 0},
		{"HEAD", seedStore, authflow.AllowAll{}, "HEAD", authflow.PathPrefix + seedID, "", 200, 0},
		{"400", seedStore, authflow.AllowAll{}, "GET", authflow.PathPrefix + "nope", "", 400, 0},
		{"401", seedStore, tokens, "GET", authflow.PathPrefix + seedID, "wrong", 401, 1},
		{"404 flow", seedStore, authflow.AllowAll{}, "GET", authflow.PathPrefix + "013xrzp12g3nqk8nyvk0xwzcb2gzp8z1", "", 404, 0},
		{"404 path", seedStore, authflow.AllowAll{}, "GET", "/other", "", 404, 0},
		{"405", seedStore, authflow.AllowAll{}, "POST", authflow.PathPrefix + seedID, "", 405, 0},
		{"500 store error", failing, authflow.AllowAll{}, "GET", authflow.PathPrefix + seedID, "", 500, 1},
		{"500 HEAD", failing, authflow.AllowAll{}, "HEAD", authflow.PathPrefix + seedID, "", 500, 1},
		{"500 store panic", panicky, authflow.AllowAll{}, "GET", authflow.PathPrefix + seedID, "", 500, 1},
		{"500 authorizer panic", seedStore, panicAuthz{}, "GET", authflow.PathPrefix + seedID, "", 500, 1},
		{"500 time limit", slow, authflow.AllowAll{}, "GET", authflow.PathPrefix + seedID, "", 500, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			logs := &logBuffer{}
			h := newHandler(t, tc.store, tc.authz, authflow.WithStoreTimeout(20*time.Millisecond),
				authflow.WithLogger(slog.New(slog.NewJSONHandler(logs, nil))))
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)
			hdr := http.Header{"X-Request-Id": {"caller-7"}}
			if tc.token != "" {
				hdr.Set("Authorization", "Bearer "+tc.token)
			}
			r := do(t, tc.method, srv.URL+tc.path, hdr)
			if r.status != tc.status {
				t.Errorf("status %d, want %d", r.status, tc.status)
			}
			if v := r.header.Values("X-Request-Id"); len(v) != 1 || v[0] != "caller-7" {
				t.Errorf("X-Request-Id: %q, want [caller-7]", v)
			}
			lines := logLines(t, logs.String())
			if len(lines) != tc.lines {
				t.Fatalf("%d log lines, want %d:\n%s", len(lines), tc.lines, logs)
			}
			for _, l := range lines {
				if l["request_id"] != "caller-7" {
					t.Errorf("log line without the request ID: %v", l)
				}
			}
		})
	}
}

// panicAuthz lets everyone in, and panics on every flow.
type panicAuthz struct{}

func (panicAuthz) Authenticate(r *http.Request) (context.Context, error) { return r.Context(), nil }
func (panicAuthz) Authorize(context.Context, *authflow.Authflow) error   { panic("authorizer bug") }

// freshAuthz authenticates with a context of its own, not derived from the
// request's.
type freshAuthz struct{ authflow.AllowAll }

func (freshAuthz) Authenticate(*http.Request) (context.Context, error) {
	return context.Background(), nil
}

// TestServeRequestIDAuthenticatorContext checks that the store still sees
// the request ID when Authenticate returns a context that does not derive
// from the request's.
func TestServeRequestIDAuthenticatorContext(t *testing.T) {
	t.Parallel()
	var saw string
	store := storeFunc(func(ctx context.Context, id ids.AuthflowID) (*authflow.Authflow, error) {
		saw = authflow.RequestID(ctx)
		return examples.Authflow(), nil
	})
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", authflow.PathPrefix+seedID, nil)
	req.Header.Set("X-Request-Id", "abc")
	newHandler(t, store, freshAuthz{}).ServeHTTP(rec, req)
	if rec.Code != 200 || saw != "abc" {
		t.Errorf("status %d, the store saw request ID %q; want 200, abc", rec.Code, saw)
	}
}

// failureLinesPerSecond is failureLogPerSecond in handler.go: how many
// lines about failures a handler writes in a second.
const failureLinesPerSecond = 10

// TestServeOutage plays a database outage under load: a store that fails
// every request, called from 16 goroutines for 10 seconds. The log holds at
// most failureLinesPerSecond lines in each second, and the suppressed
// counts account for every failure that was not logged.
//
// Not parallel: its load takes every core for 10 seconds, which would
// starve the package's tests that wait on timers.
func TestServeOutage(t *testing.T) {
	const (
		workers  = 16
		duration = 10 * time.Second
	)
	store := storeFunc(func(ctx context.Context, id ids.AuthflowID) (*authflow.Authflow, error) {
		return nil, errors.New("connection refused")
	})
	logs := &logBuffer{}
	h := newHandler(t, store, authflow.AllowAll{}, authflow.WithLogger(slog.New(slog.NewJSONHandler(logs, nil))))
	serve := func() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", authflow.PathPrefix+seedID, nil))
		if rec.Code != http.StatusInternalServerError {
			t.Errorf("status %d, want 500", rec.Code)
		}
	}

	var failures atomic.Int64
	first := time.Now().Unix()
	stop := time.Now().Add(duration)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for time.Now().Before(stop) {
				serve()
				failures.Add(1)
			}
		})
	}
	wg.Wait()
	last := time.Now().Unix()
	// One more failure in a second of its own: it is logged, and reports
	// what the outage left pending.
	for time.Now().Unix() == last {
		time.Sleep(10 * time.Millisecond)
	}
	serve()
	failures.Add(1)

	lines := logLines(t, logs.String())
	seconds := last - first + 1
	if max := failureLinesPerSecond*int(seconds) + 1; len(lines) > max {
		t.Errorf("%d log lines in %d seconds, want at most %d", len(lines), seconds, max)
	}
	var suppressed int64
	for _, l := range lines {
		n, ok := l["suppressed"].(float64)
		if !ok || l["request_id"] == "" || l["error"] != "connection refused" {
			t.Fatalf("log line without a suppressed count, request ID or error: %v", l)
		}
		suppressed += int64(n)
	}
	if int64(len(lines))+suppressed != failures.Load() {
		t.Errorf("%d lines + %d suppressed != %d failures", len(lines), suppressed, failures.Load())
	}
	if suppressed == 0 {
		t.Errorf("%d failures in %v, none suppressed: no load", failures.Load(), duration)
	}
	t.Logf("%d failures in %d seconds: %d lines, %d suppressed", failures.Load(), seconds, len(lines), suppressed)
}

// ctxKey marks the context a hook returned.
type ctxKey struct{}

// hookLog records the hooks' calls of one handler.
type hookLog struct {
	mu     sync.Mutex
	calls  []string // "RequestStart", "StoreStart", "StoreDone", "RequestDone", in order
	store  []authflow.StoreInfo
	done   []authflow.RequestInfo
	doneCh chan struct{} // receives on each RequestDone
	marks  []string      // what each Done hook's ctx carries of its Start hook
}

func newHookLog() *hookLog { return &hookLog{doneCh: make(chan struct{}, 10)} }

func (l *hookLog) hooks() authflow.HandlerHooks {
	add := func(s string) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.calls = append(l.calls, s)
	}
	mark := func(ctx context.Context) {
		l.mu.Lock()
		defer l.mu.Unlock()
		m, _ := ctx.Value(ctxKey{}).(string)
		l.marks = append(l.marks, m)
	}
	return authflow.HandlerHooks{
		RequestStart: func(ctx context.Context, r *http.Request) context.Context {
			add("RequestStart")
			return context.WithValue(ctx, ctxKey{}, "request")
		},
		StoreStart: func(ctx context.Context, id ids.AuthflowID) context.Context {
			add("StoreStart")
			mark(ctx)
			return context.WithValue(ctx, ctxKey{}, "store")
		},
		StoreDone: func(ctx context.Context, info authflow.StoreInfo) {
			add("StoreDone")
			mark(ctx)
			l.mu.Lock()
			l.store = append(l.store, info)
			l.mu.Unlock()
		},
		RequestDone: func(ctx context.Context, info authflow.RequestInfo) {
			add("RequestDone")
			mark(ctx)
			l.mu.Lock()
			l.done = append(l.done, info)
			l.mu.Unlock()
			l.doneCh <- struct{}{}
		},
	}
}

// TestServeHooks checks when the hooks are called and what they are told:
// RequestStart, then StoreStart and StoreDone around the store (only when
// the store is called), then RequestDone once, with the status, the code,
// the error and the times; each Done hook with the context of its Start
// hook; the store and the authorizer with the context RequestStart and
// StoreStart returned.
func TestServeHooks(t *testing.T) {
	t.Parallel()
	seed := examples.Authflow()
	const storeDelay = 5 * time.Millisecond
	sleepy := storeFunc(func(ctx context.Context, id ids.AuthflowID) (*authflow.Authflow, error) {
		if ctx.Value(ctxKey{}) != "store" {
			return nil, errors.New("the store did not get StoreStart's context")
		}
		time.Sleep(storeDelay)
		return seed.Clone(), nil
	})
	failing := storeFunc(func(ctx context.Context, id ids.AuthflowID) (*authflow.Authflow, error) {
		return nil, errors.New("database down")
	})
	panicky := storeFunc(func(ctx context.Context, id ids.AuthflowID) (*authflow.Authflow, error) { panic("boom") })
	notFound := storeFunc(func(ctx context.Context, id ids.AuthflowID) (*authflow.Authflow, error) {
		return nil, apierrors.NotFound
	})
	withStore := []string{"RequestStart", "StoreStart", "StoreDone", "RequestDone"}
	without := []string{"RequestStart", "RequestDone"}
	cases := []struct {
		name       string
		store      authflow.Store
		authz      authflow.Authorizer
		method     string
		path       string
		status     int
		code       apierrors.Code
		storeErr   bool
		calls      []string
		wantAuthID bool
	}{
		{"memory store", memoryStore(t, seed), authflow.AllowAll{}, "GET", seedID, 200, "", false, withStore, true},
		{"store", sleepy, checkCtx{}, "GET", seedID, 200, "", false, withStore, true},
		{"HEAD", sleepy, checkCtx{}, "HEAD", seedID, 200, "", false, withStore, true},
		{"store error", failing, authflow.AllowAll{}, "GET", seedID, 500, apierrors.Unexpected, true, withStore, true},
		{"store panic", panicky, authflow.AllowAll{}, "GET", seedID, 500, apierrors.Unexpected, true, withStore, true},
		{"store's 404", notFound, authflow.AllowAll{}, "GET", seedID, 404, apierrors.NotFound, true, withStore, true},
		{"authorizer panic", memoryStore(t, seed), panicAuthz{}, "GET", seedID, 500, apierrors.Unexpected, false, withStore, true},
		{"401", memoryStore(t, seed), authflow.BearerToken("x"), "GET", seedID, 401, apierrors.NotAuthenticated, false, without, false},
		{"bad ID", memoryStore(t, seed), authflow.AllowAll{}, "GET", "nope", 400, apierrors.InvalidValue, false, without, false},
		{"405", memoryStore(t, seed), authflow.AllowAll{}, "DELETE", seedID, 405, apierrors.BadRequest, false, without, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hl := newHookLog()
			h := newHandler(t, tc.store, tc.authz, authflow.WithHandlerHooks(hl.hooks()),
				authflow.WithLogger(slog.New(slog.DiscardHandler)))
			rec := httptest.NewRecorder()
			start := time.Now()
			h.ServeHTTP(rec, httptest.NewRequest(tc.method, authflow.PathPrefix+tc.path, nil))
			elapsed := time.Since(start)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if strings.Join(hl.calls, " ") != strings.Join(tc.calls, " ") {
				t.Errorf("hooks called: %v, want %v", hl.calls, tc.calls)
			}
			// StoreStart and RequestDone see RequestStart's context, StoreDone
			// StoreStart's.
			wantMarks := "request"
			if len(tc.calls) == 4 {
				wantMarks = "request store request"
			}
			if got := strings.Join(hl.marks, " "); got != wantMarks {
				t.Errorf("the hooks got the contexts of %q, want %q", got, wantMarks)
			}
			if len(hl.done) != 1 {
				t.Fatalf("RequestDone called %d times", len(hl.done))
			}
			info := hl.done[0]
			if info.Status != tc.status || info.Code != tc.code || (info.Err == nil) != (tc.status == 200) {
				t.Errorf("RequestInfo: status %d, code %q, err %v; want %d, %q, an error unless 200", info.Status, info.Code, info.Err, tc.status, tc.code)
			}
			if info.RequestID != rec.Header().Get("X-Request-Id") || info.RequestID == "" {
				t.Errorf("RequestInfo.RequestID %q, response's %q", info.RequestID, rec.Header().Get("X-Request-Id"))
			}
			if (info.AuthflowID == ids.AuthflowID{}) == tc.wantAuthID {
				t.Errorf("RequestInfo.AuthflowID = %v", info.AuthflowID)
			}
			if info.Duration <= 0 || info.Duration > elapsed || info.StoreTime > info.Duration {
				t.Errorf("Duration %v, StoreTime %v; ServeHTTP took %v", info.Duration, info.StoreTime, elapsed)
			}
			if len(hl.store) == 0 {
				if info.StoreTime != 0 {
					t.Errorf("StoreTime %v without a store call", info.StoreTime)
				}
				return
			}
			s := hl.store[0]
			if s.AuthflowID.String() != seedID || (s.Err != nil) != tc.storeErr || s.Duration != info.StoreTime || s.Duration <= 0 {
				t.Errorf("StoreInfo %+v; RequestInfo.StoreTime %v", s, info.StoreTime)
			}
			if _, slow := tc.authz.(checkCtx); slow && s.Duration < storeDelay {
				t.Errorf("StoreInfo.Duration %v, want at least the store's %v", s.Duration, storeDelay)
			}
		})
	}
}

// checkCtx lets everyone in, and refuses a flow unless its context is the
// one RequestStart returned.
type checkCtx struct{ authflow.AllowAll }

func (checkCtx) Authorize(ctx context.Context, _ *authflow.Authflow) error {
	if ctx.Value(ctxKey{}) != "request" {
		return errors.New("Authorize did not get RequestStart's context")
	}
	return nil
}

// TestServeHooksTimeLimit checks that when the store passes its time limit
// StoreDone and RequestDone are called once each, with 500 unexpected, as
// the 500 is sent, while the store still runs; and never again when the
// store returns.
func TestServeHooksTimeLimit(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	returned := make(chan struct{})
	store := storeFunc(func(ctx context.Context, id ids.AuthflowID) (*authflow.Authflow, error) {
		defer close(returned)
		<-release // ignores ctx
		return examples.Authflow(), nil
	})
	hl := newHookLog()
	h := newHandler(t, store, authflow.AllowAll{}, authflow.WithStoreTimeout(20*time.Millisecond),
		authflow.WithHandlerHooks(hl.hooks()), authflow.WithLogger(slog.New(slog.DiscardHandler)))
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	r := do(t, "GET", srv.URL+authflow.PathPrefix+seedID, nil)
	checkError(t, r, http.StatusInternalServerError, apierrors.Unexpected)
	<-hl.doneCh // RequestDone came with the response, the store still runs
	hl.mu.Lock()
	calls := strings.Join(hl.calls, " ")
	info, s := hl.done[0], hl.store[0]
	hl.mu.Unlock()
	if calls != "RequestStart StoreStart StoreDone RequestDone" {
		t.Errorf("hooks called: %s", calls)
	}
	if info.Status != 500 || info.Code != apierrors.Unexpected || info.Err == nil || !strings.Contains(info.Err.Error(), "time limit") {
		t.Errorf("RequestInfo %+v, want 500 unexpected, the time limit", info)
	}
	if !errors.Is(s.Err, context.DeadlineExceeded) || !errors.Is(info.Err, context.DeadlineExceeded) {
		t.Errorf("StoreInfo.Err %v, RequestInfo.Err %v; want both a context.DeadlineExceeded", s.Err, info.Err)
	}
	if s.Err == nil || info.StoreTime < 20*time.Millisecond || s.Duration != info.StoreTime {
		t.Errorf("StoreInfo %+v, RequestInfo.StoreTime %v", s, info.StoreTime)
	}
	close(release)
	<-returned
	srv.Close() // waits for the handler to return
	hl.mu.Lock()
	defer hl.mu.Unlock()
	if len(hl.calls) != 4 {
		t.Errorf("hooks called after the store returned: %v", hl.calls)
	}
}
