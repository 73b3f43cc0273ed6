package authflow

// Tests of the client's hooks: what each hook is told, in which order, and
// with which context. They are in the package itself so as to replace the
// client's sleep and jitter, which makes the waits exact.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/ids"
)

// hookKey is the type of the context keys the recording hooks set.
type hookKey string

// A hookLog records what a client's hooks are told, and checks that each
// gets the context its Start hook returned.
type hookLog struct {
	t        *testing.T
	mu       sync.Mutex
	events   []string // one line a call, in order
	attempts []AttemptInfo
	fetches  []FetchInfo
	// requestID, when not "", is what FetchStart puts in the context.
	requestID string
	// onAttemptDone, when not nil, runs in AttemptDone.
	onAttemptDone func(AttemptInfo)
}

func (l *hookLog) add(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, fmt.Sprintf(format, args...))
}

func (l *hookLog) hooks() ClientHooks {
	return ClientHooks{
		FetchStart: func(ctx context.Context, id ids.AuthflowID) context.Context {
			l.add("FetchStart %s", id)
			if l.requestID != "" {
				ctx = ContextWithRequestID(ctx, l.requestID)
			}
			return context.WithValue(ctx, hookKey("fetch"), id)
		},
		AttemptStart: func(ctx context.Context, n int) context.Context {
			l.add("AttemptStart %d", n)
			if ctx.Value(hookKey("fetch")) == nil {
				l.t.Errorf("attempt %d: AttemptStart did not get the context FetchStart returned", n)
			}
			return context.WithValue(ctx, hookKey("attempt"), n)
		},
		AttemptDone: func(ctx context.Context, info AttemptInfo) {
			l.add("AttemptDone %d", info.Attempt)
			if got := ctx.Value(hookKey("attempt")); got != info.Attempt {
				l.t.Errorf("attempt %d: AttemptDone got the context of attempt %v", info.Attempt, got)
			}
			l.mu.Lock()
			l.attempts = append(l.attempts, info)
			l.mu.Unlock()
			if l.onAttemptDone != nil {
				l.onAttemptDone(info)
			}
		},
		FetchDone: func(ctx context.Context, info FetchInfo) {
			l.add("FetchDone")
			if ctx.Value(hookKey("fetch")) == nil {
				l.t.Error("FetchDone did not get the context FetchStart returned")
			}
			l.mu.Lock()
			l.fetches = append(l.fetches, info)
			l.mu.Unlock()
		},
	}
}

// attemptContexts is a transport that records, for each request, the
// attempt number its context carries.
type attemptContexts struct {
	mu   sync.Mutex
	seen []any
}

func (a *attemptContexts) RoundTrip(r *http.Request) (*http.Response, error) {
	a.mu.Lock()
	a.seen = append(a.seen, r.Context().Value(hookKey("attempt")))
	a.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

// wantAttempt is what an attempt's AttemptInfo must hold, but for its
// duration and request ID.
type wantAttempt struct {
	status int
	code   apierrors.Code // of Err; "" for a nil Err
	wait   time.Duration
}

func TestClientHooks(t *testing.T) {
	t.Parallel()
	refused, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refusedURL := "http://" + refused.Addr().String()
	_ = refused.Close()

	tests := []struct {
		name      string
		statuses  []int  // the server's answers, in turn; 200 is the seed
		url       string // when not "", instead of a server
		opts      []ClientOption
		zeroID    bool   // fetch the zero ID, not the seed's
		requestID string // FetchStart's, when not ""
		cancel    bool   // AttemptDone cancels the call's context
		attempts  []wantAttempt
		code      apierrors.Code // of the call's error; "" for none
	}{
		{
			name:     "two 503s, then the flow",
			statuses: []int{503, 503, 200},
			attempts: []wantAttempt{{503, apierrors.Unexpected, time.Second}, {503, apierrors.Unexpected, 2 * time.Second}, {200, "", 0}},
		},
		{
			name:     "a 404, not retried",
			statuses: []int{404},
			attempts: []wantAttempt{{404, apierrors.Unexpected, 0}}, // serveStatus's code
			code:     apierrors.Unexpected,
		},
		{
			name:     "more failures than retries",
			statuses: []int{500, 500},
			opts:     []ClientOption{WithRetry(RetryPolicy{MaxRetries: 1, InitialDelay: time.Second, MaxDelay: time.Minute})},
			attempts: []wantAttempt{{500, apierrors.Unexpected, time.Second}, {500, apierrors.Unexpected, 0}},
			code:     apierrors.Unexpected,
		},
		{
			name:     "connection refused",
			url:      refusedURL,
			opts:     []ClientOption{WithRetry(RetryPolicy{MaxRetries: 1, InitialDelay: time.Second, MaxDelay: time.Minute})},
			attempts: []wantAttempt{{0, apierrors.Unknown, time.Second}, {0, apierrors.Unknown, 0}},
			code:     apierrors.Unknown,
		},
		{
			name:     "the context ends during the wait",
			statuses: []int{503, 200},
			cancel:   true,
			attempts: []wantAttempt{{503, apierrors.Unexpected, time.Second}},
			code:     apierrors.Unknown,
		},
		{
			name:      "FetchStart gives the request ID",
			statuses:  []int{503, 200},
			requestID: "from-the-hook",
			attempts:  []wantAttempt{{503, apierrors.Unexpected, time.Second}, {200, "", 0}},
		},
		{
			name:     "the zero ID",
			zeroID:   true,
			url:      refusedURL,
			code:     apierrors.RequiredValue,
			attempts: nil,
		},
		{
			name:      "a request ID that is not plain",
			url:       refusedURL,
			requestID: "not plain",
			code:      apierrors.InvalidValue,
			attempts:  nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var (
				mu   sync.Mutex
				sent []string // the X-Request-Id of each request
			)
			url := tt.url
			if url == "" {
				url = startServer(t, func(w http.ResponseWriter, r *http.Request) {
					mu.Lock()
					sent = append(sent, r.Header.Get("X-Request-Id"))
					n := len(sent)
					mu.Unlock()
					if status := tt.statuses[n-1]; status != 200 {
						serveStatus(w, status, n)
						return
					}
					serveSeed(w)
				}).URL
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			log := &hookLog{t: t, requestID: tt.requestID}
			if tt.cancel {
				log.onAttemptDone = func(AttemptInfo) { cancel() }
			}
			transport := new(attemptContexts)
			opts := append([]ClientOption{WithClientHooks(log.hooks()), WithHTTPClient(&http.Client{Transport: transport})}, tt.opts...)
			c, sleeps := quickClient(t, url, opts...)
			id := seedAuthflowID
			if tt.zeroID {
				id = ids.AuthflowID{}
			}

			flow, err := c.FetchAuthflow(ctx, id)

			// The events, in order.
			want := []string{"FetchStart " + id.String()}
			for i := range tt.attempts {
				want = append(want, fmt.Sprintf("AttemptStart %d", i+1), fmt.Sprintf("AttemptDone %d", i+1))
			}
			want = append(want, "FetchDone")
			if got := strings.Join(log.events, "\n"); got != strings.Join(want, "\n") {
				t.Errorf("hooks called:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
			}

			// Each attempt.
			if len(log.attempts) != len(tt.attempts) {
				t.Fatalf("%d attempts reported, want %d", len(log.attempts), len(tt.attempts))
			}
			var waits []time.Duration
			requestID := ""
			for i, a := range log.attempts {
				w := tt.attempts[i]
				if a.Attempt != i+1 || a.Status != w.status || a.Wait != w.wait || apierrors.CodeOf(a.Err) != codeOrUnknown(w.code) || (a.Err == nil) != (w.code == "") {
					t.Errorf("attempt %d: %+v, want attempt %d, status %d, error code %q, wait %v", i+1, a, i+1, w.status, w.code, w.wait)
				}
				if wantRetry := i < len(tt.attempts)-1 || (tt.cancel && w.wait > 0); a.Retry != wantRetry {
					t.Errorf("attempt %d: Retry %v, want %v", i+1, a.Retry, wantRetry)
				}
				if a.Duration <= 0 {
					t.Errorf("attempt %d: duration %v, want it measured", i+1, a.Duration)
				}
				if w.wait > 0 {
					waits = append(waits, w.wait)
				}
				if i == 0 {
					requestID = a.RequestID
				} else if a.RequestID != requestID {
					t.Errorf("attempt %d: request ID %q, want the first attempt's %q", i+1, a.RequestID, requestID)
				}
			}
			if tt.code == apierrors.Unknown && tt.url != "" && !errors.Is(log.attempts[0].Err, syscall.ECONNREFUSED) {
				t.Errorf("attempt 1: Err = %v, want the refused connection", log.attempts[0].Err)
			}
			// The waits reported are the waits made.
			if got := sleeps.all(); !equalDurations(got, waits) {
				t.Errorf("the client waited %v, the hooks were told %v", got, waits)
			}
			// The request ID reported is the one sent, on every attempt.
			mu.Lock()
			for i, s := range sent {
				if s != requestID {
					t.Errorf("request %d sent X-Request-Id %q, the hooks were told %q", i+1, s, requestID)
				}
			}
			mu.Unlock()
			switch {
			case len(tt.attempts) == 0:
			case tt.requestID != "" && requestID != tt.requestID:
				t.Errorf("request ID %q, want FetchStart's %q", requestID, tt.requestID)
			case tt.requestID == "" && !plainRequestID(requestID):
				t.Errorf("request ID %q, want a new plain one", requestID)
			}
			// Each request's context is the one AttemptStart returned.
			for i, n := range transport.seen {
				if n != i+1 {
					t.Errorf("request %d: its context carries attempt %v, want %d", i+1, n, i+1)
				}
			}

			// The call.
			if len(log.fetches) != 1 {
				t.Fatalf("FetchDone called %d times, want once", len(log.fetches))
			}
			f := log.fetches[0]
			if f.AuthflowID != id || f.RequestID != requestID || f.Attempts != len(tt.attempts) {
				t.Errorf("FetchDone got %+v, want ID %s, request ID %q, %d attempts", f, id, requestID, len(tt.attempts))
			}
			var sum time.Duration
			for _, a := range log.attempts {
				sum += a.Duration
			}
			if f.Duration < sum {
				t.Errorf("FetchDone's duration %v, less than its attempts' %v", f.Duration, sum)
			}
			if tt.code == "" {
				if err != nil || flow == nil || f.Err != nil {
					t.Errorf("FetchAuthflow = %v, %v; FetchDone's Err %v; want the flow and no error", flow, err, f.Err)
				}
				return
			}
			e := apiError(t, err)
			if e.Code() != tt.code || e.Attempts() != len(tt.attempts) {
				t.Errorf("error %v: code %q after %d attempts, want %q after %d", e, e.Code(), e.Attempts(), tt.code, len(tt.attempts))
			}
			if f.Err != err {
				t.Errorf("FetchDone's Err %v, want the error returned, %v", f.Err, err)
			}
			if tt.cancel && !errors.Is(err, context.Canceled) {
				t.Errorf("error %v, want the context's", err)
			}
		})
	}
}

// codeOrUnknown is code, or Unknown, what CodeOf says of a nil error, for
// "".
func codeOrUnknown(code apierrors.Code) apierrors.Code {
	if code == "" {
		return apierrors.Unknown
	}
	return code
}

// TestClientHooksEachAlone: any hook works without the others.
func TestClientHooksEachAlone(t *testing.T) {
	t.Parallel()
	url := startServer(t, func(w http.ResponseWriter, r *http.Request) { serveSeed(w) }).URL
	var calls []string
	for _, hooks := range []ClientHooks{
		{FetchStart: func(ctx context.Context, _ ids.AuthflowID) context.Context {
			calls = append(calls, "FetchStart")
			return ctx
		}},
		{AttemptStart: func(ctx context.Context, n int) context.Context {
			calls = append(calls, fmt.Sprint("AttemptStart ", n))
			return ctx
		}},
		{AttemptDone: func(_ context.Context, a AttemptInfo) { calls = append(calls, fmt.Sprint("AttemptDone ", a.Status)) }},
		{FetchDone: func(_ context.Context, f FetchInfo) { calls = append(calls, fmt.Sprint("FetchDone ", f.Attempts)) }},
	} {
		c, _ := quickClient(t, url, WithClientHooks(hooks))
		if _, err := c.FetchAuthflow(context.Background(), seedAuthflowID); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := strings.Join(calls, ", "), "FetchStart, AttemptStart 1, AttemptDone 200, FetchDone 1"; got != want {
		t.Errorf("hooks called: %s; want %s", got, want)
	}
}
