package authflowtest_test

// The client's retry and error handling, tested against the authflowtest
// server: the real handler, with faults injected.

import (
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/authflow/authflowtest"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/ids"
	"github.com/authflow-dev/authflow-go/internal/testutil"
)

// fetchSeed fetches the seed flow with c and reports how long it took.
func fetchSeed(ctx context.Context, c *authflow.Client) (*authflow.Authflow, time.Duration, error) {
	start := time.Now()
	flow, err := c.FetchAuthflow(ctx, examples.Authflow().ID)
	return flow, time.Since(start), err
}

// wantRequests fails the test unless srv received n requests.
func wantRequests(t *testing.T, srv *authflowtest.Server, n int) {
	t.Helper()
	if got := len(srv.Requests()); got != n {
		t.Errorf("the server received %d requests, want %d", got, n)
	}
}

func TestClientRetriesA503AfterItsRetryAfter(t *testing.T) {
	t.Parallel()
	srv := authflowtest.NewServer(t)
	srv.Inject(authflowtest.Fault{Status: 503, RetryAfter: time.Second}, 1)
	flow, took, err := fetchSeed(context.Background(), srv.Client())
	if err != nil {
		t.Fatalf("FetchAuthflow: %v, want the flow after one retry", err)
	}
	if flow.ID != examples.Authflow().ID {
		t.Errorf("got flow %s", flow.ID)
	}
	if took < time.Second {
		t.Errorf("the retry came after %v, before the Retry-After of 1s", took)
	}
	wantRequests(t, srv, 2)
}

func TestClientRetriesUpToItsLimit(t *testing.T) {
	t.Parallel()
	srv := authflowtest.NewServer(t)
	srv.Inject(authflowtest.Fault{Status: 503, Message: "down for maintenance"}, 10)
	_, _, err := fetchSeed(context.Background(), srv.Client())
	e := testutil.APIError(t, err)
	if e.Code() != apierrors.Unexpected || e.StatusCode() != 503 || e.Message() != "down for maintenance" {
		t.Errorf("error %v: code %s, status %d, message %q; want the last response's", err, e.Code(), e.StatusCode(), e.Message())
	}
	if !strings.Contains(err.Error(), "after 4 attempts") {
		t.Errorf("error %q does not say how many attempts were made", err)
	}
	wantRequests(t, srv, 1+authflow.DefaultMaxRetries)
}

func TestClientRetriesOnlyRetryableStatuses(t *testing.T) {
	t.Parallel()
	for _, status := range []int{429, 500, 502, 503, 504} {
		t.Run("retries "+strconv.Itoa(status), func(t *testing.T) {
			t.Parallel()
			srv := authflowtest.NewServer(t)
			srv.Inject(authflowtest.Fault{Status: status}, 1)
			if _, _, err := fetchSeed(context.Background(), srv.Client()); err != nil {
				t.Errorf("FetchAuthflow after one %d: %v, want the flow", status, err)
			}
			wantRequests(t, srv, 2)
		})
	}
	for _, code := range []apierrors.Code{
		apierrors.BadRequest, apierrors.InvalidValue, apierrors.BadAuthToken, apierrors.NotAuthenticated,
		apierrors.NotPermitted, apierrors.NotFound, apierrors.InvalidAction, apierrors.NotImplemented,
	} {
		t.Run("does not retry "+string(code), func(t *testing.T) {
			t.Parallel()
			srv := authflowtest.NewServer(t)
			srv.Inject(authflowtest.Fault{Code: code}, 1)
			_, _, err := fetchSeed(context.Background(), srv.Client())
			if !errors.Is(err, code) {
				t.Errorf("err = %v, want %s", err, code)
			}
			if e := testutil.APIError(t, err); e.StatusCode() != code.HTTPStatus() {
				t.Errorf("StatusCode() = %d, want %d", e.StatusCode(), code.HTTPStatus())
			}
			wantRequests(t, srv, 1)
		})
	}
}

func TestClientDoesNotRetryA404(t *testing.T) {
	t.Parallel()
	srv := authflowtest.NewServer(t)
	unknown := ids.MustParse[ids.Authflow]("013xrzp12g3nqk8nzzzzzzzzzzzzzzzz")
	_, err := srv.Client().FetchAuthflow(context.Background(), unknown)
	if !errors.Is(err, apierrors.NotFound) {
		t.Fatalf("err = %v, want not_found", err)
	}
	if e := testutil.APIError(t, err); e.StatusCode() != 404 || e.Message() != "no such resource" {
		t.Errorf("StatusCode %d, Message %q; want the handler's 404", e.StatusCode(), e.Message())
	}
	if strings.Contains(err.Error(), "attempts") {
		t.Errorf("error %q speaks of attempts: a 404 is never retried", err)
	}
	wantRequests(t, srv, 1)
}

func TestClientGivesUpWhenRetryAfterIsTooLong(t *testing.T) {
	t.Parallel()
	srv := authflowtest.NewServer(t)
	srv.Inject(authflowtest.Fault{Status: 503, RetryAfter: 2 * authflow.DefaultMaxRetryDelay}, 1)
	_, took, err := fetchSeed(context.Background(), srv.Client())
	e := testutil.APIError(t, err)
	if e.StatusCode() != 503 || e.RetryAfter() != 2*authflow.DefaultMaxRetryDelay {
		t.Errorf("StatusCode %d, RetryAfter %v; want 503 and the header's %v", e.StatusCode(), e.RetryAfter(), 2*authflow.DefaultMaxRetryDelay)
	}
	if took > 5*time.Second {
		t.Errorf("took %v: the client waited", took)
	}
	wantRequests(t, srv, 1)
}

func TestClientStopsWhenTheWaitWouldPassTheDeadline(t *testing.T) {
	t.Parallel()
	srv := authflowtest.NewServer(t)
	srv.Inject(authflowtest.Fault{Status: 503, RetryAfter: 2 * time.Second}, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, took, err := fetchSeed(ctx, srv.Client())
	if e := testutil.APIError(t, err); e.StatusCode() != 503 {
		t.Errorf("err = %v, want the 503", err)
	}
	if took >= 500*time.Millisecond {
		t.Errorf("took %v: the client started a wait that would pass its deadline", took)
	}
	wantRequests(t, srv, 1)
}

func TestClientHTML502(t *testing.T) {
	t.Parallel()
	t.Run("retried", func(t *testing.T) {
		t.Parallel()
		srv := authflowtest.NewServer(t)
		srv.Inject(authflowtest.Fault{HTML: true}, 1)
		if _, _, err := fetchSeed(context.Background(), srv.Client()); err != nil {
			t.Errorf("FetchAuthflow after one HTML 502: %v, want the flow", err)
		}
		wantRequests(t, srv, 2)
	})
	t.Run("an API error, without the page", func(t *testing.T) {
		t.Parallel()
		srv := authflowtest.NewServer(t)
		srv.Inject(authflowtest.Fault{HTML: true, RetryAfter: time.Hour}, 1)
		_, _, err := fetchSeed(context.Background(), srv.Client())
		e := testutil.APIError(t, err)
		if e.Code() != apierrors.Unexpected || e.StatusCode() != 502 || e.RetryAfter() != time.Hour {
			t.Errorf("code %s, status %d, RetryAfter %v; want unexpected, 502, 1h", e.Code(), e.StatusCode(), e.RetryAfter())
		}
		if msg := e.Message(); !strings.HasPrefix(msg, "HTTP 502 Bad Gateway: not an API error envelope") {
			t.Errorf("message %q, want it to name the status and what the body is not", msg)
		}
		if strings.Contains(err.Error(), "<") {
			t.Errorf("the error holds the page: %v", err)
		}
		wantRequests(t, srv, 1) // an hour is past the client's cap
	})
}

func TestClientDroppedConnection(t *testing.T) {
	t.Parallel()
	t.Run("retried", func(t *testing.T) {
		t.Parallel()
		srv := authflowtest.NewServer(t)
		srv.Inject(authflowtest.Fault{Drop: true}, 1)
		if _, _, err := fetchSeed(context.Background(), srv.Client()); err != nil {
			t.Errorf("FetchAuthflow after a dropped connection: %v, want the flow", err)
		}
		wantRequests(t, srv, 2)
	})
	t.Run("every attempt dropped", func(t *testing.T) {
		t.Parallel()
		srv := authflowtest.NewServer(t)
		srv.Inject(authflowtest.Fault{Drop: true}, 100)
		_, _, err := fetchSeed(context.Background(), srv.Client())
		if err == nil {
			t.Fatal("FetchAuthflow succeeded with every connection dropped")
		}
		// An API error at the top, with no status and code unknown: a
		// transport failure is not read as the server's answer.
		if e, ok := err.(*apierrors.Error); !ok || e.Code() != apierrors.Unknown || e.StatusCode() != 0 || e.Attempts() != 4 {
			t.Errorf("err = %v (%T), want an *apierrors.Error with code unknown, no status, after 4 attempts", err, err)
		}
		if !errors.Is(err, io.EOF) && !strings.Contains(err.Error(), "connection reset") {
			t.Errorf("err = %v, want the closed connection", err)
		}
		if !strings.Contains(err.Error(), "after 4 attempts") {
			t.Errorf("err = %v, want 4 attempts", err)
		}
		// Each attempt on a new connection: Go's transport does not send
		// the request again by itself.
		wantRequests(t, srv, 1+authflow.DefaultMaxRetries)
	})
}

func TestClientLatencyAndTheContext(t *testing.T) {
	t.Parallel()
	t.Run("deadline passes", func(t *testing.T) {
		t.Parallel()
		srv := authflowtest.NewServer(t)
		srv.Inject(authflowtest.Fault{Latency: time.Minute}, 1)
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, took, err := fetchSeed(ctx, srv.Client())
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want the context's deadline", err)
		}
		if took > 5*time.Second {
			t.Errorf("took %v, past the context's deadline of 100ms", took)
		}
		wantRequests(t, srv, 1) // a call whose context is done is not retried
	})
	t.Run("within the deadline", func(t *testing.T) {
		t.Parallel()
		srv := authflowtest.NewServer(t)
		srv.Inject(authflowtest.Fault{Latency: 50 * time.Millisecond}, 1)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		flow, took, err := fetchSeed(ctx, srv.Client())
		if err != nil || flow.ID != examples.Authflow().ID {
			t.Fatalf("FetchAuthflow: %v, %v; want the seed", flow, err)
		}
		if took < 50*time.Millisecond {
			t.Errorf("took %v, less than the latency", took)
		}
	})
	t.Run("attempt timeout, then a retry", func(t *testing.T) {
		t.Parallel()
		srv := authflowtest.NewServer(t)
		srv.Inject(authflowtest.Fault{Latency: time.Minute}, 1)
		flow, _, err := fetchSeed(context.Background(), srv.Client(authflow.WithTimeout(200*time.Millisecond)))
		if err != nil || flow.ID != examples.Authflow().ID {
			t.Fatalf("FetchAuthflow: %v, %v; want the seed on the second attempt", flow, err)
		}
		wantRequests(t, srv, 2)
	})
}

func TestClientCredentials(t *testing.T) {
	t.Parallel()
	srv := authflowtest.NewServer(t)
	srv.RequireToken("t0ken")
	c, err := authflow.NewClient(srv.URL()) // sends none
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = fetchSeed(context.Background(), c)
	if !errors.Is(err, apierrors.NotAuthenticated) {
		t.Errorf("without a token: err = %v, want not_authenticated", err)
	}
	wantRequests(t, srv, 1) // a 401 is not retried

	if _, _, err := fetchSeed(context.Background(), srv.Client()); err != nil {
		t.Errorf("with the server's client: %v", err)
	}
	reqs := srv.Requests()
	if got := reqs[len(reqs)-1].Header.Get("Authorization"); got != "Bearer REDACTED" {
		t.Errorf("the client sent Authorization %q, recorded redacted", got)
	}
}

func TestClientKeepsAnUnknownCode(t *testing.T) {
	t.Parallel()
	srv := authflowtest.NewServer(t)
	srv.Inject(authflowtest.Fault{Status: 500, Code: "quota_exceeded", Message: "try tomorrow"}, 10)
	_, _, err := fetchSeed(context.Background(), srv.Client(authflow.WithRetry(authflow.RetryPolicy{})))
	if code := apierrors.CodeOf(err); code != "quota_exceeded" {
		t.Errorf("CodeOf(err) = %q, want the server's code kept", code)
	}
	wantRequests(t, srv, 1)
}

// TestClientAcceptsOpenSets serves flows as a newer server would, with
// values of the API's open sets that this version has never seen, and
// checks that a client with its default checks keeps each value as it is,
// while it still refuses what is broken whatever the version.
func TestClientAcceptsOpenSets(t *testing.T) {
	t.Parallel()
	seed := string(examples.FetchResponseJSON())
	// edited returns the seed's fetch response with the first old replaced
	// by new, as a Fault that serves it.
	edited := func(t *testing.T, old, new string) authflowtest.Fault {
		t.Helper()
		body := strings.Replace(seed, old, new, 1)
		if body == seed {
			t.Fatalf("the seed response holds no %s", old)
		}
		return authflowtest.Fault{Body: body}
	}
	tests := []struct {
		name  string
		fault func(t *testing.T) authflowtest.Fault
		// Accepted: the value the flow keeps, and the one wanted.
		kept func(*authflow.Authflow) string
		want string
		// Refused, when kept is nil: the error's code, status and message.
		code    apierrors.Code
		status  int
		message string
	}{
		{
			name: "a zone that no tzdata has",
			fault: func(t *testing.T) authflowtest.Fault {
				return edited(t, `"Australia/Melbourne"`, `"Mars/Olympus_Mons"`)
			},
			kept: func(f *authflow.Authflow) string { return f.FirstSeen.Timezone },
			want: "Mars/Olympus_Mons",
		},
		{
			name:  "a JA4 with TLS version 14",
			fault: func(t *testing.T) authflowtest.Fault { return edited(t, `"q13d0314h3_`, `"t14d0314h3_`) },
			kept:  func(f *authflow.Authflow) string { return f.FirstSeen.JA4Fingerprint },
			want:  "t14d0314h3_55b375c5d22e_61e396c58b1f",
		},
		{
			name:  "an unknown status",
			fault: func(t *testing.T) authflowtest.Fault { return edited(t, `"status":"new"`, `"status":"expired"`) },
			kept:  func(f *authflow.Authflow) string { return string(f.Status) },
			want:  "expired",
		},
		{
			name: "an unknown error code",
			fault: func(*testing.T) authflowtest.Fault {
				return authflowtest.Fault{Status: 410, Code: "flow_expired", Message: "the flow expired"}
			},
			code: "flow_expired", status: 410, message: "the flow expired",
		},
		{
			name: "a malformed ID",
			fault: func(t *testing.T) authflowtest.Fault {
				return edited(t, `"account_id":"013xrzp12g3nqk8n505tp6wqnscpdy8q"`, `"account_id":"013xrzp12g3nqk8n505tp6wqnscpdy8Q"`)
			},
			code: apierrors.Unexpected, status: 0,
			message: `HTTP 200 OK: invalid response body: invalid_value: summary.account_id: invalid account ID: uppercase character 'Q' at index 31 in "013xrzp12g3nqk8n505tp6wqnscpdy8Q"`,
		},
		{
			name:  "an impossible latitude",
			fault: func(t *testing.T) authflowtest.Fault { return edited(t, `"lat_long":[-37.8159,`, `"lat_long":[91,`) },
			code:  apierrors.Unexpected, status: 0,
			message: "HTTP 200 OK: invalid authflow in the response: invalid_value: first_seen.lat_long[0]: must be a latitude from -90 to 90",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := authflowtest.NewServer(t)
			srv.InjectFor(examples.Authflow().ID, tt.fault(t), 1)
			c, err := authflow.NewClient(srv.URL())
			if err != nil {
				t.Fatal(err)
			}
			flow, err := c.FetchAuthflow(context.Background(), examples.Authflow().ID)
			wantRequests(t, srv, 1)
			if tt.kept != nil {
				if err != nil {
					t.Fatalf("FetchAuthflow: %v; want the flow", err)
				}
				if got := tt.kept(flow); got != tt.want {
					t.Errorf("the flow holds %q, want %q kept as it is", got, tt.want)
				}
				return
			}
			if flow != nil {
				t.Errorf("FetchAuthflow returned a flow: %+v", flow)
			}
			e, ok := err.(*apierrors.Error)
			if !ok {
				t.Fatalf("error %v (%T) is not an *apierrors.Error", err, err)
			}
			if e.Code() != tt.code || e.StatusCode() != tt.status || e.Message() != tt.message {
				t.Errorf("error = code %q, status %d, message %q;\nwant code %q, status %d, message %q",
					e.Code(), e.StatusCode(), e.Message(), tt.code, tt.status, tt.message)
			}
		})
	}
}
