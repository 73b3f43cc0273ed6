package authflow

// Tests of the client against servers that misbehave: redirects that try to
// take the credentials elsewhere, failures that call for retries or forbid
// them, and responses built to cost the client memory. They are in the
// package itself so as to replace the client's sleep and jitter; package
// examples, which imports this one, is out of reach, so the seed response
// is written out here.

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/ids"
	"github.com/authflow-dev/authflow-go/internal/race"
)

// hostileSeedID is the ID of the flow in hostileSeedJSON.
const hostileSeedID = "013xrzp12g3nqk8nqprv12gz6v99a2v4"

// hostileSeedJSON is the fetch response for the seed's example flow.
const hostileSeedJSON = `{"status":"success","summary":{"account_id":"013xrzp12g3nqk8n505tp6wqnscpdy8q",` +
	`"device_id":"013xrzp12g3nqk8nyvk0xwzcb2gzp8z1","domain_id":"013xrzp12g3nqk8nz2ccx5vt2j6f6hjz",` +
	`"factor_names":["password","totp"],` +
	`"first_seen":{"asn":4764,"at":1234567890,"city":"Melbourne","country_code":"AU",` +
	`"ja4_fingerprint":"q13d0314h3_55b375c5d22e_61e396c58b1f","lat_long":[-37.8159,144.9669],` +
	`"region_code":"VIC","remote_ip":"127.0.0.1","timezone":"Australia/Melbourne","user_agent":"Mozilla/5.0"},` +
	`"id":"013xrzp12g3nqk8nqprv12gz6v99a2v4",` +
	`"last_seen":{"asn":4764,"at":1234567890,"city":"Melbourne","country_code":"AU",` +
	`"ja4_fingerprint":"q13d0314h3_55b375c5d22e_61e396c58b1f","lat_long":[-37.8159,144.9669],` +
	`"region_code":"VIC","remote_ip":"127.0.0.1","timezone":"Australia/Melbourne","user_agent":"Mozilla/5.0"},` +
	`"plan_name":"basic","pool_id":"013xrzp12g3nqk8n6z7f3q8wqgbmh3n9","required_email":"user@example.com",` +
	`"return_url":"https://example.com/welcome","session_id":"013xrzp12g3nqk8n55ng0qwnq3t8fedc",` +
	`"status":"new","title":"My Authflow","type":"authflow"}}`

// hostileFetchPath is the path the client asks for the seed flow.
const hostileFetchPath = PathPrefix + hostileSeedID

// serveSeed answers with the seed flow.
func serveSeed(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(hostileSeedJSON))
}

// serveStatus answers with an API error with the given status, whose
// message names the attempt, and headers.
func serveStatus(w http.ResponseWriter, status, attempt int, header ...string) {
	for i := 0; i+1 < len(header); i += 2 {
		w.Header().Set(header[i], header[i+1])
	}
	w.Header().Set("X-Request-Id", "req-"+strconv.Itoa(attempt))
	w.WriteHeader(status)
	_, _ = w.Write([]byte(`{"status":"error","code":"unexpected","message":"attempt ` + strconv.Itoa(attempt) + `"}`))
}

// startServer starts a loopback server that answers with h.
func startServer(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// A sleepLog stands for the client's sleep: it records each wait and
// returns at once.
type sleepLog struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (l *sleepLog) sleep(ctx context.Context, d time.Duration) error {
	l.mu.Lock()
	l.waits = append(l.waits, d)
	l.mu.Unlock()
	return ctx.Err()
}

func (l *sleepLog) all() []time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]time.Duration(nil), l.waits...)
}

// maxJitter makes the client's jitter always draw its ceiling.
func maxJitter(n int64) int64 { return n - 1 }

// noJitter makes the client's jitter always draw 0.
func noJitter(int64) int64 { return 0 }

// quickClient returns a client of url with the default retry policy whose
// waits are recorded in the returned log, not slept, and whose jitter draws
// its ceiling: the waits are then 1 s, 2 s, 4 s.
func quickClient(t *testing.T, url string, opts ...ClientOption) (*Client, *sleepLog) {
	t.Helper()
	c, err := NewClient(url, opts...)
	if err != nil {
		t.Fatal(err)
	}
	log := new(sleepLog)
	c.sleep, c.randN = log.sleep, maxJitter
	return c, log
}

var seedAuthflowID = ids.MustParse[ids.Authflow](hostileSeedID)

// apiError returns the *apierrors.Error in err's chain, failing the test
// when there is none.
func apiError(t *testing.T, err error) *apierrors.Error {
	t.Helper()
	e, ok := err.(*apierrors.Error)
	if !ok {
		t.Fatalf("error %v (%T) is not an *apierrors.Error", err, err)
	}
	return e
}

func TestClientRetryCounts(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name     string
		statuses []int // the answers, in order; 200 is the seed
		ok       bool
		requests int
		waits    []time.Duration
	}{
		{"503 503 200", []int{503, 503, 200}, true, 3, []time.Duration{time.Second, 2 * time.Second}},
		{"500 four times", []int{500, 500, 500, 500, 200}, false, 4, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}},
		{"429 then 200", []int{429, 200}, true, 2, []time.Duration{time.Second}},
		{"502 then 200", []int{502, 200}, true, 2, []time.Duration{time.Second}},
		{"504 then 200", []int{504, 200}, true, 2, []time.Duration{time.Second}},
		{"400", []int{400, 200}, false, 1, nil},
		{"401", []int{401, 200}, false, 1, nil},
		{"403", []int{403, 200}, false, 1, nil},
		{"404", []int{404, 200}, false, 1, nil},
		{"408", []int{408, 200}, false, 1, nil},
		{"409", []int{409, 200}, false, 1, nil},
		{"501", []int{501, 200}, false, 1, nil},
		{"505", []int{505, 200}, false, 1, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var requests atomic.Int32
			srv := startServer(t, func(w http.ResponseWriter, r *http.Request) {
				n := int(requests.Add(1))
				if status := tt.statuses[min(n, len(tt.statuses))-1]; status != 200 {
					serveStatus(w, status, n)
					return
				}
				serveSeed(w)
			})
			c, log := quickClient(t, srv.URL)
			flow, err := c.FetchAuthflow(context.Background(), seedAuthflowID)
			if got := int(requests.Load()); got != tt.requests {
				t.Errorf("%d requests, want %d", got, tt.requests)
			}
			if got := log.all(); !equalDurations(got, tt.waits) {
				t.Errorf("waits %v, want %v", got, tt.waits)
			}
			if tt.ok {
				if err != nil || flow.ID != seedAuthflowID {
					t.Fatalf("FetchAuthflow = %v, %v", flow, err)
				}
				return
			}
			if err == nil {
				t.Fatal("FetchAuthflow succeeded")
			}
			// The last response's API error, whole, behind the count.
			e := apiError(t, err)
			last := tt.statuses[tt.requests-1]
			if e.StatusCode() != last || e.RequestID() != "req-"+strconv.Itoa(tt.requests) ||
				e.Message() != "attempt "+strconv.Itoa(tt.requests) {
				t.Errorf("status %d, request ID %q, message %q; want the last response's", e.StatusCode(), e.RequestID(), e.Message())
			}
			if !errors.Is(err, apierrors.Unexpected) || apierrors.CodeOf(err) != apierrors.Unexpected {
				t.Errorf("errors.Is(err, Unexpected) = false or CodeOf = %q", apierrors.CodeOf(err))
			}
			if e.Attempts() != tt.requests {
				t.Errorf("Attempts() = %d, want %d", e.Attempts(), tt.requests)
			}
			want := "unexpected: attempt " + strconv.Itoa(tt.requests)
			if tt.requests > 1 {
				want += " (after " + strconv.Itoa(tt.requests) + " attempts)"
			}
			if err.Error() != want {
				t.Errorf("error %q, want %q", err, want)
			}
		})
	}
}

// TestClientErrorShape checks that every error FetchAuthflow returns is an
// *apierrors.Error at the top, whatever failed and however many attempts
// were made, with the count of attempts, and that a failure without a
// response keeps its cause reachable.
func TestClientErrorShape(t *testing.T) {
	t.Parallel()
	refused, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refusedURL := "http://" + refused.Addr().String()
	_ = refused.Close()
	hang := make(chan struct{})
	t.Cleanup(func() { close(hang) })

	for _, tt := range []struct {
		name     string
		url      string // when not "", instead of a server running h
		h        http.HandlerFunc
		timeout  time.Duration // of the call's context, when not 0
		zeroID   bool          // fetch the zero ID, not the seed's
		reqID    string        // the context's request ID, when not ""
		code     apierrors.Code
		status   int
		attempts int
		text     string // err.Error()'s prefix
		cause    error  // reached by errors.Is, when not nil
	}{
		{name: "404", h: func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(404)
			_, _ = w.Write([]byte(`{"status":"error","code":"not_found","message":"no such resource"}`))
		}, code: apierrors.NotFound, status: 404, attempts: 1, text: "not_found: no such resource"},
		{name: "retried 503", h: func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(503)
			_, _ = w.Write([]byte(`{"status":"error","code":"unexpected","message":"busy"}`))
		}, code: apierrors.Unexpected, status: 503, attempts: 4, text: "unexpected: busy (after 4 attempts)"},
		{name: "retried connection failure", url: refusedURL, code: apierrors.Unknown, attempts: 4,
			text: "unknown: no response: Get ", cause: syscall.ECONNREFUSED},
		{name: "a proxy's HTML 502", h: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			_, _ = w.Write([]byte("<html><body><h1>502 Bad Gateway</h1></body></html>"))
		}, code: apierrors.Unexpected, status: 502, attempts: 4,
			text: "unexpected: HTTP 502 Bad Gateway: not an API error envelope (after 4 attempts)"},
		{name: "context deadline during an attempt", h: func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-hang:
			case <-r.Context().Done():
			}
		}, timeout: 100 * time.Millisecond, code: apierrors.Unknown, attempts: 1, text: "unknown: no response: Get ", cause: context.DeadlineExceeded},
		{name: "zero ID", h: func(w http.ResponseWriter, r *http.Request) { t.Error("zero ID: a request was sent") },
			zeroID: true, code: apierrors.RequiredValue, attempts: 0, text: "required_value: authflow_id: required"},
		{name: "a request ID that is not plain", h: func(w http.ResponseWriter, r *http.Request) { t.Error("bad request ID: a request was sent") },
			reqID: "not plain", code: apierrors.InvalidValue, attempts: 0, text: "invalid_value: X-Request-Id: "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			url := tt.url
			if url == "" {
				url = startServer(t, tt.h).URL
			}
			c, _ := quickClient(t, url)
			ctx := context.Background()
			if tt.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			if tt.reqID != "" {
				ctx = ContextWithRequestID(ctx, tt.reqID)
			}
			id := seedAuthflowID
			if tt.zeroID {
				id = ids.AuthflowID{}
			}
			_, err := c.FetchAuthflow(ctx, id)
			e, ok := err.(*apierrors.Error)
			if !ok {
				t.Fatalf("error %v (%T) is not an *apierrors.Error", err, err)
			}
			if e.Code() != tt.code || e.StatusCode() != tt.status || e.Attempts() != tt.attempts {
				t.Errorf("code %q, status %d, %d attempts; want %q, %d, %d", e.Code(), e.StatusCode(), e.Attempts(), tt.code, tt.status, tt.attempts)
			}
			if !strings.HasPrefix(err.Error(), tt.text) {
				t.Errorf("error %q, want it to begin %q", err, tt.text)
			}
			if tt.cause != nil && !errors.Is(err, tt.cause) {
				t.Errorf("errors.Is(err, %v) = false for %v", tt.cause, err)
			}
		})
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestClientRetryAfter(t *testing.T) {
	t.Parallel()

	// respond answers 1 with status and Retry-After, then the seed.
	respond := func(t *testing.T, status int, retryAfter func() string) (*httptest.Server, *atomic.Int32) {
		var requests atomic.Int32
		srv := startServer(t, func(w http.ResponseWriter, r *http.Request) {
			if n := int(requests.Add(1)); n == 1 {
				serveStatus(w, status, n, "Retry-After", retryAfter())
				return
			}
			serveSeed(w)
		})
		return srv, &requests
	}

	t.Run("seconds, honoured over a shorter jitter", func(t *testing.T) {
		t.Parallel()
		srv, requests := respond(t, 429, func() string { return "1" })
		c, log := quickClient(t, srv.URL)
		c.randN = noJitter
		if _, err := c.FetchAuthflow(context.Background(), seedAuthflowID); err != nil {
			t.Fatal(err)
		}
		if got := log.all(); requests.Load() != 2 || len(got) != 1 || got[0] != time.Second {
			t.Errorf("%d requests, waits %v; want 2 requests and a 1s wait", requests.Load(), got)
		}
	})

	t.Run("seconds, in real time", func(t *testing.T) {
		t.Parallel()
		var mu sync.Mutex
		var at []time.Time
		var requests atomic.Int32
		srv := startServer(t, func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			at = append(at, time.Now())
			mu.Unlock()
			if n := int(requests.Add(1)); n == 1 {
				serveStatus(w, 503, n, "Retry-After", "1")
				return
			}
			serveSeed(w)
		})
		c, err := NewClient(srv.URL, WithRetry(RetryPolicy{MaxRetries: 1, InitialDelay: time.Millisecond, MaxDelay: 5 * time.Second}))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.FetchAuthflow(context.Background(), seedAuthflowID); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(at) != 2 || at[1].Sub(at[0]) < 990*time.Millisecond {
			t.Errorf("requests at %v; want two, a second apart", at)
		}
	})

	t.Run("HTTP date", func(t *testing.T) {
		t.Parallel()
		srv, _ := respond(t, 503, func() string { return time.Now().Add(3 * time.Second).UTC().Format(http.TimeFormat) })
		c, log := quickClient(t, srv.URL)
		c.randN = noJitter
		if _, err := c.FetchAuthflow(context.Background(), seedAuthflowID); err != nil {
			t.Fatal(err)
		}
		// The date has whole seconds: the wait is over 1 s and at most 3 s.
		if got := log.all(); len(got) != 1 || got[0] <= time.Second || got[0] > 3*time.Second {
			t.Errorf("waits %v, want one of about 2-3 s", got)
		}
	})

	t.Run("longer than the cap ends the retries", func(t *testing.T) {
		t.Parallel()
		srv, requests := respond(t, 503, func() string { return "31" })
		c, log := quickClient(t, srv.URL)
		_, err := c.FetchAuthflow(context.Background(), seedAuthflowID)
		if requests.Load() != 1 || len(log.all()) != 0 {
			t.Errorf("%d requests, waits %v; want 1 and none", requests.Load(), log.all())
		}
		e := apiError(t, err)
		if err != error(e) || e.StatusCode() != 503 || e.RetryAfter() != 31*time.Second {
			t.Errorf("error %v: status %d, RetryAfter %v; want the 503 itself", err, e.StatusCode(), e.RetryAfter())
		}
	})

	t.Run("kept on the error after the last attempt", func(t *testing.T) {
		t.Parallel()
		var requests atomic.Int32
		srv := startServer(t, func(w http.ResponseWriter, r *http.Request) {
			n := int(requests.Add(1))
			serveStatus(w, 503, n, "Retry-After", strconv.Itoa(n))
		})
		c, log := quickClient(t, srv.URL)
		c.randN = noJitter
		_, err := c.FetchAuthflow(context.Background(), seedAuthflowID)
		want := []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}
		if got := log.all(); !equalDurations(got, want) {
			t.Errorf("waits %v, want %v", got, want)
		}
		e := apiError(t, err)
		if e.StatusCode() != 503 || e.RetryAfter() != 4*time.Second || e.RequestID() != "req-4" || !errors.Is(err, apierrors.Unexpected) {
			t.Errorf("status %d, RetryAfter %v, RequestID %q; want the 4th response's", e.StatusCode(), e.RetryAfter(), e.RequestID())
		}
		if err.Error() != "unexpected: attempt 4 (after 4 attempts)" || e.Attempts() != 4 {
			t.Errorf("error %q, %d attempts", err, e.Attempts())
		}
	})

	t.Run("equal to the cap is waited for", func(t *testing.T) {
		t.Parallel()
		srv, requests := respond(t, 503, func() string { return "30" })
		c, log := quickClient(t, srv.URL)
		if _, err := c.FetchAuthflow(context.Background(), seedAuthflowID); err != nil {
			t.Fatal(err)
		}
		if got := log.all(); requests.Load() != 2 || len(got) != 1 || got[0] != 30*time.Second {
			t.Errorf("%d requests, waits %v", requests.Load(), got)
		}
	})
}

func TestClientRetryDeadline(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name       string
		retryAfter string
		policy     RetryPolicy
	}{
		{"Retry-After past the deadline", "5", defaultRetryPolicy},
		{"backoff past the deadline", "", RetryPolicy{MaxRetries: 3, InitialDelay: 10 * time.Second, MaxDelay: 10 * time.Second}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var requests atomic.Int32
			srv := startServer(t, func(w http.ResponseWriter, r *http.Request) {
				serveStatus(w, 503, int(requests.Add(1)), "Retry-After", tt.retryAfter)
			})
			c, log := quickClient(t, srv.URL, WithRetry(tt.policy))
			// The real sleep, so that a wait that was started would show.
			c.sleep = func(ctx context.Context, d time.Duration) error {
				_ = log.sleep(ctx, d)
				return sleep(ctx, d)
			}
			const budget = 2 * time.Second
			ctx, cancel := context.WithTimeout(context.Background(), budget)
			defer cancel()
			start := time.Now()
			_, err := c.FetchAuthflow(ctx, seedAuthflowID)
			if d := time.Since(start); d >= budget {
				t.Errorf("returned after %v, not before the %v deadline", d, budget)
			}
			if requests.Load() != 1 || len(log.all()) != 0 {
				t.Errorf("%d requests, waits %v; want 1 and none", requests.Load(), log.all())
			}
			if e := apiError(t, err); e.StatusCode() != 503 || errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("error %v, want the 503", err)
			}
		})
	}
}

func TestClientRetryCanceledDuringWait(t *testing.T) {
	t.Parallel()
	srv := startServer(t, func(w http.ResponseWriter, r *http.Request) {
		serveStatus(w, 503, 1)
	})
	c, err := NewClient(srv.URL, WithRetry(RetryPolicy{MaxRetries: 3, InitialDelay: time.Minute, MaxDelay: time.Minute}))
	if err != nil {
		t.Fatal(err)
	}
	// The context ends once the client waits (a minute) to retry, however
	// slowly the machine runs.
	ctx, cancel := context.WithCancel(context.Background())
	c.sleep = func(ctx context.Context, d time.Duration) error {
		time.AfterFunc(10*time.Millisecond, cancel)
		return sleep(ctx, d)
	}
	start := time.Now()
	_, err = c.FetchAuthflow(ctx, seedAuthflowID)
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v", d)
	}
	// The call ended with the context: code Unknown, no status, the
	// cancellation as the cause, the last attempt's error in the message.
	e := apiError(t, err)
	if !errors.Is(err, context.Canceled) || e.Code() != apierrors.Unknown || e.StatusCode() != 0 || e.Attempts() != 1 {
		t.Errorf("error %v: code %q, status %d, %d attempts; want the cancellation as an Unknown error after 1 attempt", err, e.Code(), e.StatusCode(), e.Attempts())
	}
	if want := "unknown: waiting to retry: context canceled; the last attempt failed with unexpected: attempt 1"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

func TestClientRetryTransport(t *testing.T) {
	t.Parallel()

	t.Run("dropped connection, then 200", func(t *testing.T) {
		t.Parallel()
		var requests atomic.Int32
		srv := startServer(t, func(w http.ResponseWriter, r *http.Request) {
			if requests.Add(1) == 1 {
				conn, _, err := http.NewResponseController(w).Hijack()
				if err != nil {
					t.Error(err)
					return
				}
				_ = conn.Close()
				return
			}
			serveSeed(w)
		})
		c, log := quickClient(t, srv.URL)
		if _, err := c.FetchAuthflow(context.Background(), seedAuthflowID); err != nil {
			t.Fatal(err)
		}
		if requests.Load() != 2 || len(log.all()) != 1 {
			t.Errorf("%d requests, waits %v; want 2 and one", requests.Load(), log.all())
		}
	})

	t.Run("connection refused", func(t *testing.T) {
		t.Parallel()
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		_ = l.Close()
		c, log := quickClient(t, "http://"+addr)
		_, err = c.FetchAuthflow(context.Background(), seedAuthflowID)
		if !errors.Is(err, syscall.ECONNREFUSED) || !strings.Contains(err.Error(), "after 4 attempts") {
			t.Errorf("error %v, want a refused connection after 4 attempts", err)
		}
		if len(log.all()) != 3 {
			t.Errorf("waits %v, want 3", log.all())
		}
	})

	t.Run("timeout awaiting headers, then 200", func(t *testing.T) {
		t.Parallel()
		var requests atomic.Int32
		release := make(chan struct{})
		t.Cleanup(func() { close(release) })
		srv := startServer(t, func(w http.ResponseWriter, r *http.Request) {
			if requests.Add(1) == 1 {
				select {
				case <-release:
				case <-r.Context().Done():
				}
				return
			}
			serveSeed(w)
		})
		c, _ := quickClient(t, srv.URL, WithTimeout(200*time.Millisecond))
		if _, err := c.FetchAuthflow(context.Background(), seedAuthflowID); err != nil {
			t.Fatal(err)
		}
		if requests.Load() != 2 {
			t.Errorf("%d requests, want 2", requests.Load())
		}
	})

	t.Run("body broken off after the headers", func(t *testing.T) {
		t.Parallel()
		var requests atomic.Int32
		srv := startServer(t, func(w http.ResponseWriter, r *http.Request) {
			requests.Add(1)
			w.Header().Set("Content-Length", strconv.Itoa(len(hostileSeedJSON)))
			_, _ = w.Write([]byte(hostileSeedJSON[:100]))
			_ = http.NewResponseController(w).Flush()
			panic(http.ErrAbortHandler)
		})
		c, log := quickClient(t, srv.URL)
		_, err := c.FetchAuthflow(context.Background(), seedAuthflowID)
		if e := apiError(t, err); e.Code() != apierrors.Unknown || e.Attempts() != 1 ||
			!strings.HasPrefix(err.Error(), "unknown: HTTP 200: reading the body: ") || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("error %v, want a read error after one attempt", err)
		}
		if requests.Load() != 1 || len(log.all()) != 0 {
			t.Errorf("%d requests, waits %v; want 1 and none", requests.Load(), log.all())
		}
	})

	t.Run("retried on one connection", func(t *testing.T) {
		t.Parallel()
		var requests atomic.Int32
		var mu sync.Mutex
		remotes := map[string]bool{}
		srv := startServer(t, func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			remotes[r.RemoteAddr] = true
			mu.Unlock()
			if n := int(requests.Add(1)); n < 4 {
				serveStatus(w, 503, n)
				return
			}
			serveSeed(w)
		})
		c, _ := quickClient(t, srv.URL)
		if _, err := c.FetchAuthflow(context.Background(), seedAuthflowID); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(remotes) != 1 {
			t.Errorf("4 requests over %d connections, want 1: %v", len(remotes), remotes)
		}
	})
}

func TestRetryPolicyCeiling(t *testing.T) {
	t.Parallel()
	p := RetryPolicy{MaxRetries: 6, InitialDelay: time.Second, MaxDelay: 3 * time.Second}
	want := []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second, 3 * time.Second}
	for n, w := range want {
		if got := p.ceiling(n); got != w {
			t.Errorf("ceiling(%d) = %v, want %v", n, got, w)
		}
	}
	huge := RetryPolicy{MaxRetries: 1000, InitialDelay: time.Nanosecond, MaxDelay: 1<<63 - 1}
	if got := huge.ceiling(1000); got != huge.MaxDelay {
		t.Errorf("ceiling(1000) = %v, want the cap", got)
	}
	if got := (RetryPolicy{MaxRetries: 5}).ceiling(4); got != 0 {
		t.Errorf("zero delays: ceiling = %v", got)
	}

	// The default jitter stays within [0, ceiling].
	c, err := NewClient("http://127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	for n := range 4 {
		ceil := c.retry.ceiling(n)
		for range 200 {
			if d, ok := c.nextWait(context.Background(), n, apierrors.New(apierrors.Unexpected, "x")); !ok || d < 0 || d > ceil {
				t.Fatalf("nextWait(%d) = %v, %v; want within [0, %v]", n, d, ok, ceil)
			}
		}
	}
}

// A redirectWorld is three loopback servers, a and b over http and s over
// https, that record every request and answer as a case's route says.
type redirectWorld struct {
	a, b, s *httptest.Server
	route   func(w *redirectWorld, server, path string) string // a Location, or "" for the seed

	mu   sync.Mutex
	hits []string // "server host-name path-head authorization"
}

func newRedirectWorld(t *testing.T, route func(w *redirectWorld, server, path string) string) *redirectWorld {
	w := &redirectWorld{route: route}
	handler := func(name string) http.HandlerFunc {
		return func(rw http.ResponseWriter, r *http.Request) {
			host, _, _ := net.SplitHostPort(r.Host)
			auth := r.Header.Get("Authorization")
			if auth == "" {
				auth = "-"
			}
			head := "/" + strings.SplitN(strings.TrimPrefix(r.URL.Path, "/"), "/", 2)[0]
			w.mu.Lock()
			w.hits = append(w.hits, name+" "+host+" "+head+" "+auth)
			w.mu.Unlock()
			if loc := w.route(w, name, r.URL.Path); loc != "" {
				http.Redirect(rw, r, loc, http.StatusFound)
				return
			}
			serveSeed(rw)
		}
	}
	w.a = httptest.NewServer(handler("a"))
	w.b = httptest.NewServer(handler("b"))
	w.s = httptest.NewTLSServer(handler("s"))
	t.Cleanup(func() { w.a.Close(); w.b.Close(); w.s.Close() })
	return w
}

func (w *redirectWorld) allHits() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.hits...)
}

// moved is the path the servers answer with the seed.
const moved = "/moved/" + hostileSeedID

// trustTest returns a transport like the client's own that trusts the
// certificate of the httptest TLS servers.
func trustTest(s *httptest.Server) *http.Transport {
	tr := defaultTransport().(*http.Transport).Clone()
	tr.TLSClientConfig = s.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	return tr
}

func TestClientRedirects(t *testing.T) {
	t.Parallel()
	at := func(s *httptest.Server, path string) string { return s.URL + path }
	for _, tt := range []struct {
		name     string
		base     func(w *redirectWorld) string
		route    func(w *redirectWorld, server, path string) string
		wantErr  string
		wantHits []string
	}{{
		name: "same origin keeps the token",
		base: func(w *redirectWorld) string { return w.a.URL },
		route: func(w *redirectWorld, server, path string) string {
			if path == hostileFetchPath {
				return moved
			}
			return ""
		},
		wantHits: []string{"a 127.0.0.1 /api Bearer tok", "a 127.0.0.1 /moved Bearer tok"},
	}, {
		name: "same host, other port: no token",
		base: func(w *redirectWorld) string { return w.a.URL },
		route: func(w *redirectWorld, server, path string) string {
			if server == "a" {
				return at(w.b, moved)
			}
			return ""
		},
		wantHits: []string{"a 127.0.0.1 /api Bearer tok", "b 127.0.0.1 /moved -"},
	}, {
		name: "other host name: no token",
		base: func(w *redirectWorld) string { return w.a.URL },
		route: func(w *redirectWorld, server, path string) string {
			if path == hostileFetchPath {
				return strings.Replace(at(w.a, moved), "127.0.0.1", "localhost", 1)
			}
			return ""
		},
		wantHits: []string{"a 127.0.0.1 /api Bearer tok", "a localhost /moved -"},
	}, {
		name: "http to https on the same host: no token",
		base: func(w *redirectWorld) string { return w.a.URL },
		route: func(w *redirectWorld, server, path string) string {
			if server == "a" {
				return at(w.s, moved)
			}
			return ""
		},
		wantHits: []string{"a 127.0.0.1 /api Bearer tok", "s 127.0.0.1 /moved -"},
	}, {
		name: "https, same origin keeps the token",
		base: func(w *redirectWorld) string { return w.s.URL },
		route: func(w *redirectWorld, server, path string) string {
			if path == hostileFetchPath {
				return moved
			}
			return ""
		},
		wantHits: []string{"s 127.0.0.1 /api Bearer tok", "s 127.0.0.1 /moved Bearer tok"},
	}, {
		name: "https to http is refused",
		base: func(w *redirectWorld) string { return w.s.URL },
		route: func(w *redirectWorld, server, path string) string {
			if server == "s" {
				return at(w.b, moved)
			}
			return ""
		},
		wantErr:  "refused a redirect from https to http",
		wantHits: []string{"s 127.0.0.1 /api Bearer tok"},
	}, {
		name: "https to http on the same host and port is refused",
		base: func(w *redirectWorld) string { return w.s.URL },
		route: func(w *redirectWorld, server, path string) string {
			if path == hostileFetchPath {
				return strings.Replace(at(w.s, moved), "https:", "http:", 1)
			}
			return ""
		},
		wantErr:  "refused a redirect from https to http",
		wantHits: []string{"s 127.0.0.1 /api Bearer tok"},
	}, {
		name: "another scheme is refused",
		base: func(w *redirectWorld) string { return w.a.URL },
		route: func(w *redirectWorld, server, path string) string {
			return "ftp://127.0.0.1/x"
		},
		wantErr:  "refused a redirect to a scheme other than http and https",
		wantHits: []string{"a 127.0.0.1 /api Bearer tok"},
	}, {
		name: "back to the base origin through another",
		base: func(w *redirectWorld) string { return w.a.URL },
		route: func(w *redirectWorld, server, path string) string {
			switch {
			case server == "a" && path == hostileFetchPath:
				return at(w.b, "/via")
			case server == "b":
				return at(w.a, moved)
			}
			return ""
		},
		wantHits: []string{"a 127.0.0.1 /api Bearer tok", "b 127.0.0.1 /via -", "a 127.0.0.1 /moved Bearer tok"},
	}, {
		name: "a loop stops after 10 redirects",
		base: func(w *redirectWorld) string { return w.a.URL },
		route: func(w *redirectWorld, server, path string) string {
			return path // itself, forever
		},
		wantErr:  "stopped after 10 redirects",
		wantHits: repeat("a 127.0.0.1 /api Bearer tok", 10),
	}} {
		for _, kind := range []string{"default client", "WithHTTPClient"} {
			t.Run(tt.name+"/"+kind, func(t *testing.T) {
				t.Parallel()
				w := newRedirectWorld(t, tt.route)
				var hc *http.Client
				opts := []ClientOption{WithBearerToken("tok")}
				if kind == "WithHTTPClient" {
					hc = &http.Client{Transport: trustTest(w.s)}
					opts = append(opts, WithHTTPClient(hc))
				}
				c, log := quickClient(t, tt.base(w), opts...)
				if hc == nil {
					c.http.Transport = trustTest(w.s) // the client's own policy, the test's CA
				} else if c.http == hc {
					t.Fatal("the client uses the caller's *http.Client itself")
				}

				flow, err := c.FetchAuthflow(context.Background(), seedAuthflowID)
				wantErr, wantHits := tt.wantErr, tt.wantHits
				switch {
				case wantErr == "" && err != nil:
					t.Errorf("FetchAuthflow: %v", err)
				case wantErr == "" && flow.ID != seedAuthflowID:
					t.Errorf("flow %v", flow.ID)
				case wantErr != "" && (err == nil || !strings.Contains(err.Error(), wantErr)):
					t.Errorf("error %v, want %q", err, wantErr)
				}
				if err != nil && strings.Contains(err.Error(), "attempts") || len(log.all()) != 0 {
					t.Errorf("a refused redirect was retried: %v, waits %v", err, log.all())
				}
				if got := w.allHits(); strings.Join(got, "\n") != strings.Join(wantHits, "\n") {
					t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantHits, "\n"))
				}
				if hc != nil && hc.CheckRedirect != nil {
					t.Error("the caller's *http.Client was changed")
				}
			})
		}
	}
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func TestClientRedirectCallerPolicy(t *testing.T) {
	t.Parallel()
	errNo := errors.New("the caller's policy says no")
	w := newRedirectWorld(t, func(w *redirectWorld, server, path string) string {
		if server == "a" {
			return w.b.URL + "/b"
		}
		return w.a.URL + "/a"
	})
	var sawToken atomic.Bool
	hc := &http.Client{CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if req.URL.Host == w.b.Listener.Addr().String() && req.Header.Get("Authorization") != "" {
			sawToken.Store(true)
		}
		if len(via) >= 3 {
			return errNo
		}
		return nil
	}}
	c, log := quickClient(t, w.a.URL, WithBearerToken("tok"), WithHTTPClient(hc))
	_, err := c.FetchAuthflow(context.Background(), seedAuthflowID)
	if !errors.Is(err, errNo) || strings.Contains(err.Error(), "attempts") || len(log.all()) != 0 {
		t.Errorf("error %v, waits %v; want the caller's error, not retried", err, log.all())
	}
	if sawToken.Load() {
		t.Error("the caller's policy saw the token on its way to another origin")
	}
	want := []string{"a 127.0.0.1 /api Bearer tok", "b 127.0.0.1 /b -", "a 127.0.0.1 /a Bearer tok"}
	if got := w.allHits(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if hc.CheckRedirect == nil {
		t.Error("the caller's *http.Client was changed")
	}

	// ErrUseLastResponse hands the redirect back: an error that is not the
	// API's, and no second request.
	hc2 := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	c, _ = quickClient(t, w.b.URL, WithHTTPClient(hc2))
	_, err = c.FetchAuthflow(context.Background(), seedAuthflowID)
	if e := apiError(t, err); e.StatusCode() != http.StatusFound || e.Code() != apierrors.Unexpected {
		t.Errorf("error %v, want a 302 that is not an API error", err)
	}
}

// allocated returns the bytes allocated, by the whole process, while f
// ran.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// hostileBody returns the seed response, its factor names replaced by n
// copies of name.
func hostileBody(name string, n int) []byte {
	list := strings.Repeat(`"`+name+`",`, n)
	return []byte(strings.Replace(hostileSeedJSON, `["password","totp"]`, "["+list[:len(list)-1]+"]", 1))
}

// TestClientHostileBodyMemory checks what a 1 MiB body made to be costly
// to check costs the client: at most 8 MiB of allocations, and an error
// that lists at most 10 problems and stays short. It is not parallel: it
// measures the allocations of the whole process.
func TestClientHostileBodyMemory(t *testing.T) {
	if race.Enabled {
		t.Skip("the race detector changes allocations")
	}
	const bound = 8 << 20
	for _, tt := range []struct {
		name    string
		body    []byte
		problem string
		more    string
	}{
		{"250,000 duplicate names", hostileBody("a", 250_000), "factor_names[1]: repeats factor_names[0]", "; and 249989 more problems"},
		{"330,000 empty names", hostileBody("", 330_000), "factor_names[0]: is required", "; and 329990 more problems"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.body) > DefaultMaxBodySize {
				t.Fatalf("the body is %d bytes, over the cap", len(tt.body))
			}
			srv := startServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", strconv.Itoa(len(tt.body)))
				_, _ = w.Write(tt.body)
			})
			c, _ := quickClient(t, srv.URL)
			// A first call opens the connection and fills the validator's
			// caches; the second is measured.
			_, _ = c.FetchAuthflow(context.Background(), seedAuthflowID)
			var err error
			n := allocated(func() { _, err = c.FetchAuthflow(context.Background(), seedAuthflowID) })
			t.Logf("%d-byte body: %d bytes allocated (%.2f MiB, %.1f× the body)", len(tt.body), n, float64(n)/(1<<20), float64(n)/float64(len(tt.body)))
			e := apiError(t, err)
			msg := err.Error()
			if e.Code() != apierrors.Unexpected || !strings.Contains(msg, tt.problem) || !strings.HasSuffix(msg, tt.more) {
				t.Errorf("error %.300q…, want %q … %q", msg, tt.problem, tt.more)
			}
			if got := strings.Count(msg, "factor_names["); got > 2*apierrors.MaxProblems {
				t.Errorf("the error names %d entries", got)
			}
			if len(msg) >= 4<<10 {
				t.Errorf("Error() is %d bytes", len(msg))
			}
			t.Logf("Error(), %d bytes: %s", len(msg), msg)
			if n >= bound {
				t.Errorf("%d bytes allocated, want < %d", n, bound)
			}

		})
	}
}

// TestClientHugeHeader checks that the client's own transport refuses a
// response whose headers are 1 MB without reading them, and does not retry
// once a response has begun. Not parallel: it measures allocations.
func TestClientHugeHeader(t *testing.T) {
	huge := strings.Repeat("a", 1<<20)
	var requests atomic.Int32
	srv := startServer(t, func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header()["X-Huge"] = []string{huge}
		serveSeed(w)
	})
	c, log := quickClient(t, srv.URL)
	var err error
	n := allocated(func() { _, err = c.FetchAuthflow(context.Background(), seedAuthflowID) })
	t.Logf("1 MiB header: %d bytes allocated", n)
	if err == nil || !strings.Contains(err.Error(), "exceeded 65536 bytes") {
		t.Errorf("error %v, want the header cap", err)
	}
	if requests.Load() != 1 || len(log.all()) != 0 {
		t.Errorf("%d requests, waits %v; want 1 and none", requests.Load(), log.all())
	}
	if !race.Enabled && n >= 2<<20 {
		t.Errorf("%d bytes allocated, want < 2 MiB", n)
	}
}
