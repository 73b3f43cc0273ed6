package authflow_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/authflow-dev/authflow-go/authflow"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/ids"
)

// fake starts a server that answers every request with h.
func fake(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// noRetry turns retrying off, for tests of what one response makes of a
// call.
var noRetry = authflow.WithRetry(authflow.RetryPolicy{})

// fetchSeed calls FetchAuthflow for the seed ID with a client of url.
func fetchSeed(t *testing.T, url string, opts ...authflow.ClientOption) (*authflow.Authflow, error) {
	t.Helper()
	c, err := authflow.NewClient(url, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c.FetchAuthflow(context.Background(), ids.MustParse[ids.Authflow](seedID))
}

// wantAPIError asserts err is an *apierrors.Error, at the top, with the code and status,
// whose message holds each of the substrings. The status is that of an API
// error read from the response, and 0 for the errors the client makes
// about a response it cannot use, which name the status in their message.
func wantAPIError(t *testing.T, err error, code apierrors.Code, status int, substrings ...string) *apierrors.Error {
	t.Helper()
	e, ok := err.(*apierrors.Error)
	if !ok {
		t.Fatalf("error %v (%T) is not an *apierrors.Error", err, err)
	}
	if e.Code() != code || e.StatusCode() != status {
		t.Errorf("error = code %q status %d, want %q %d (%v)", e.Code(), e.StatusCode(), code, status, err)
	}
	if apierrors.CodeOf(err) != code || !errors.Is(err, code) {
		t.Errorf("CodeOf(err) = %q, errors.Is(err, %q) = %v", apierrors.CodeOf(err), code, errors.Is(err, code))
	}
	for _, s := range substrings {
		if !strings.Contains(e.Message(), s) {
			t.Errorf("message %q lacks %q", e.Message(), s)
		}
	}
	return e
}

func TestClientRequest(t *testing.T) {
	t.Parallel()
	var got atomic.Pointer[http.Request]
	url := fake(t, func(w http.ResponseWriter, r *http.Request) {
		got.Store(r)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(examples.FetchResponseJSON())
	})
	if _, err := fetchSeed(t, url+"/prefix/", authflow.WithBearerToken("tok")); err != nil {
		t.Fatal(err)
	}
	r := got.Load()
	if r.Method != "GET" || r.URL.Path != "/prefix/api/v1/authflow/"+seedID {
		t.Errorf("request = %s %s", r.Method, r.URL.Path)
	}
	for k, want := range map[string]string{
		"Authorization": "Bearer tok",
		"User-Agent":    "authflow-go/" + authflow.Version,
		"Accept":        "application/json",
	} {
		if v := r.Header.Get(k); v != want {
			t.Errorf("%s = %q, want %q", k, v, want)
		}
	}
}

func TestClientFailures(t *testing.T) {
	t.Parallel()
	seedJSON := examples.FetchResponseJSON()

	t.Run("HTML 502 from a proxy", func(t *testing.T) {
		t.Parallel()
		url := fake(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Retry-After", "30")
			w.Header().Set("X-Request-Id", "proxy-7")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte("<html><body><h1>502 Bad Gateway</h1></body></html>"))
		})
		_, err := fetchSeed(t, url, noRetry)
		e := wantAPIError(t, err, apierrors.Unexpected, 502, "HTTP 502 Bad Gateway")
		if e.RetryAfter() != 30*time.Second || e.RequestID() != "proxy-7" {
			t.Errorf("RetryAfter %v, RequestID %q; want 30s, proxy-7", e.RetryAfter(), e.RequestID())
		}
		if strings.Contains(e.Error(), "<html>") {
			t.Errorf("the error holds the page: %v", e)
		}
	})

	t.Run("API error envelope", func(t *testing.T) {
		t.Parallel()
		url := fake(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Request-Id", "req-123")
			w.Header().Set("Retry-After", "120")
			w.WriteHeader(http.StatusConflict)
			_, _ = w.Write([]byte(`{"status":"error","code":"invalid_action","message":"flow is locked"}`))
		})
		_, err := fetchSeed(t, url)
		e := wantAPIError(t, err, apierrors.InvalidAction, 409, "flow is locked")
		if e.Message() != "flow is locked" || e.RequestID() != "req-123" || e.RetryAfter() != 2*time.Minute {
			t.Errorf("message %q, RequestID %q, RetryAfter %v; want the response's", e.Message(), e.RequestID(), e.RetryAfter())
		}
		if e.IsReport() || len(e.Problems()) != 0 {
			t.Errorf("a server's error read as a report: %v %+v", e.IsReport(), e.Problems())
		}
	})

	t.Run("API error without the headers", func(t *testing.T) {
		t.Parallel()
		url := fake(t, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"status":"error","code":"not_found","message":"no such resource"}`))
		})
		_, err := fetchSeed(t, url)
		e := wantAPIError(t, err, apierrors.NotFound, 404, "no such resource")
		if e.RequestID() != "" || e.RetryAfter() != 0 {
			t.Errorf("RequestID %q, RetryAfter %v; want none", e.RequestID(), e.RetryAfter())
		}
	})

	t.Run("Retry-After as an HTTP date", func(t *testing.T) {
		t.Parallel()
		url := fake(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat))
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"status":"error","code":"unexpected","message":"maintenance"}`))
		})
		_, err := fetchSeed(t, url)
		e := wantAPIError(t, err, apierrors.Unexpected, 503, "maintenance")
		if d := e.RetryAfter(); d < 58*time.Minute || d > time.Hour {
			t.Errorf("RetryAfter %v, want about an hour", d)
		}
	})

	t.Run("unknown error code is kept", func(t *testing.T) {
		t.Parallel()
		url := fake(t, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"status":"error","code":"rate_limited","message":"slow down"}`))
		})
		_, err := fetchSeed(t, url, noRetry)
		wantAPIError(t, err, apierrors.Code("rate_limited"), 429, "slow down")
	})

	t.Run("oversized body", func(t *testing.T) {
		t.Parallel()
		var written atomic.Int64
		url := fake(t, func(w http.ResponseWriter, r *http.Request) {
			chunk := bytes.Repeat([]byte(" "), 64<<10)
			for i := 0; i < 256; i++ { // 16 MiB, far past the cap
				n, err := w.Write(chunk)
				written.Add(int64(n))
				if err != nil {
					return
				}
			}
		})
		_, err := fetchSeed(t, url, authflow.WithMaxBodySize(1<<20))
		wantAPIError(t, err, apierrors.Unexpected, 0, "HTTP 200 OK: ", "larger than 1048576 bytes")
	})

	t.Run("declared length over the cap", func(t *testing.T) {
		t.Parallel()
		url := fake(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "2000000")
			_, _ = w.Write(bytes.Repeat([]byte(" "), 2000000))
		})
		_, err := fetchSeed(t, url)
		wantAPIError(t, err, apierrors.Unexpected, 0, "HTTP 200 OK: ", "larger than 1048576 bytes")
	})

	t.Run("body just under the cap is read", func(t *testing.T) {
		t.Parallel()
		body := append(bytes.Repeat([]byte(" "), 4096-len(seedJSON)), seedJSON...)
		url := fake(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(body) })
		if _, err := fetchSeed(t, url, authflow.WithMaxBodySize(4096)); err != nil {
			t.Errorf("a 4096-byte body with a 4096-byte cap: %v", err)
		}
		if _, err := fetchSeed(t, url, authflow.WithMaxBodySize(4095)); err == nil {
			t.Errorf("a 4096-byte body with a 4095-byte cap was accepted")
		}
	})

	t.Run("slow server past the timeout", func(t *testing.T) {
		t.Parallel()
		release := make(chan struct{})
		url := fake(t, func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		})
		defer close(release)
		start := time.Now()
		_, err := fetchSeed(t, url, authflow.WithTimeout(200*time.Millisecond), noRetry)
		if err == nil || !strings.Contains(err.Error(), "Timeout") {
			t.Errorf("error = %v, want a timeout", err)
		}
		var ne interface{ Timeout() bool }
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Errorf("error %v does not report Timeout()", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %v", d)
		}
	})

	t.Run("200 whose body is not JSON", func(t *testing.T) {
		t.Parallel()
		url := fake(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("<html>ok</html>")) })
		_, err := fetchSeed(t, url)
		wantAPIError(t, err, apierrors.Unexpected, 0, "HTTP 200 OK: ", "invalid response body")
	})

	t.Run("200 whose flow is invalid", func(t *testing.T) {
		t.Parallel()
		body := bytes.Replace(seedJSON, []byte(`"country_code":"AU"`), []byte(`"country_code":"au"`), 1)
		url := fake(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(body) })
		_, err := fetchSeed(t, url)
		e := wantAPIError(t, err, apierrors.Unexpected, 0, "HTTP 200 OK: ", "invalid authflow in the response", "first_seen.country_code: must match")
		// The validation error is the cause, for logs; only the outermost
		// API error counts, so the call's error is never also an
		// invalid_value, which would read as the caller's own mistake.
		if cause := e.Unwrap(); cause == nil || !strings.Contains(cause.Error(), "invalid_value: first_seen.country_code") {
			t.Errorf("cause = %v, want the validation error", cause)
		}
		if errors.Is(err, apierrors.InvalidValue) {
			t.Error("errors.Is(err, InvalidValue) = true: the inner code is not hidden")
		}

		// WithoutValidation takes it as it is.
		flow, err := fetchSeed(t, url, authflow.WithoutValidation())
		if err != nil || flow.FirstSeen.CountryCode != "au" {
			t.Errorf("WithoutValidation: %v, %v", flow, err)
		}
	})

	t.Run("200 refused by the strict decoder", func(t *testing.T) {
		t.Parallel()
		body := bytes.Replace(seedJSON, []byte(`"title":"My Authflow"`), []byte(`"title":"My Authflow","title":"Other"`), 1)
		url := fake(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(body) })
		_, err := fetchSeed(t, url, authflow.WithoutValidation())
		wantAPIError(t, err, apierrors.Unexpected, 0, "HTTP 200 OK: ", "invalid response body", "summary.title: repeats a key")
		if errors.Is(err, apierrors.InvalidValue) {
			t.Error("errors.Is(err, InvalidValue) = true: the inner code is not hidden")
		}
	})

	t.Run("200 with another type", func(t *testing.T) {
		t.Parallel()
		body := bytes.Replace(seedJSON, []byte(`"type":"authflow"`), []byte(`"type":"session"`), 1)
		url := fake(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(body) })
		_, err := fetchSeed(t, url)
		wantAPIError(t, err, apierrors.Unexpected, 0, "HTTP 200 OK: ", "invalid response body", `summary.type: must be "authflow", not "session"`)
		if errors.Is(err, apierrors.UnexpectedRefType) {
			t.Error("errors.Is(err, UnexpectedRefType) = true: the inner code is not hidden")
		}
	})

	t.Run("200 with another flow", func(t *testing.T) {
		t.Parallel()
		body := bytes.Replace(seedJSON, []byte(seedID), []byte("013xrzp12g3nqk8nyvk0xwzcb2gzp8z1"), 1)
		url := fake(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(body) })
		_, err := fetchSeed(t, url)
		wantAPIError(t, err, apierrors.Unexpected, 0, "HTTP 200 OK: ", "013xrzp12g3nqk8nyvk0xwzcb2gzp8z1")
	})

	t.Run("error status with an empty body", func(t *testing.T) {
		t.Parallel()
		url := fake(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
		_, err := fetchSeed(t, url, noRetry)
		wantAPIError(t, err, apierrors.Unexpected, 503, "HTTP 503 Service Unavailable")
	})

	t.Run("error envelope with a status other than error", func(t *testing.T) {
		t.Parallel()
		url := fake(t, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"status":"success","code":"not_found","message":"no"}`))
		})
		_, err := fetchSeed(t, url, noRetry)
		wantAPIError(t, err, apierrors.Unexpected, 500, "HTTP 500 Internal Server Error: not an API error envelope")
		if errors.Is(err, apierrors.NotFound) {
			t.Error("errors.Is(err, NotFound) = true for a body that is not an error envelope")
		}
	})
}

func TestNewClientRefuses(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		url  string
		opts []authflow.ClientOption
	}{
		{"", nil},
		{"api.example.com", nil},
		{"ftp://api.example.com", nil},
		{"http://", nil},
		{"https://api.example.com/?q=1", nil},
		{"https://user:pass@api.example.com", nil},
		{"user:pass@api.example.com", nil},            // no scheme: "user" is taken for one
		{"//user:pass@api.example.com", nil},          // no scheme
		{"https://user:pass@api.example.com:x/", nil}, // invalid port: url.Parse fails
		{"https://api.example.com/pass\x7f", nil},     // a control character: url.Parse fails
		{"https://api.example.com", []authflow.ClientOption{authflow.WithMaxBodySize(0)}},
		{"https://api.example.com", []authflow.ClientOption{authflow.WithTimeout(-1)}},
		{"https://api.example.com", []authflow.ClientOption{authflow.WithBearerToken("a\r\nX-Evil: 1")}},
		{"https://api.example.com", []authflow.ClientOption{authflow.WithRetry(authflow.RetryPolicy{MaxRetries: -1})}},
		{"https://api.example.com", []authflow.ClientOption{authflow.WithRetry(authflow.RetryPolicy{MaxRetries: 1, InitialDelay: -1})}},
		{"https://api.example.com", []authflow.ClientOption{authflow.WithRetry(authflow.RetryPolicy{MaxRetries: 1, InitialDelay: 2 * time.Second, MaxDelay: time.Second})}},
	} {
		_, err := authflow.NewClient(tt.url, tt.opts...)
		if tt.url == "" && (err == nil || err.Error() != "authflow: NewClient: the base URL is empty") {
			t.Errorf("NewClient(\"\"): %v, want the error that says the base URL is empty", err)
		}
		if err == nil {
			t.Errorf("NewClient(%q) succeeded", tt.url)
		} else if strings.Contains(err.Error(), "pass") && strings.Contains(tt.url, "pass") {
			t.Errorf("NewClient error leaks the password: %v", err)
		}
	}
}

func TestClientRefusesZeroID(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	url := fake(t, func(w http.ResponseWriter, r *http.Request) { hits.Add(1) })
	c, err := authflow.NewClient(url)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.FetchAuthflow(context.Background(), ids.AuthflowID{})
	e := wantAPIError(t, err, apierrors.RequiredValue, 0, "authflow_id")
	if e.Message() != "authflow_id: required" || e.IsReport() || e.Attempts() != 0 {
		t.Errorf("message %q, IsReport %v, %d attempts; want no attempt", e.Message(), e.IsReport(), e.Attempts())
	}
	if hits.Load() != 0 {
		t.Errorf("a request was sent for the zero ID")
	}
}

func TestClientServerText(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("x", 1_000_000)
	for _, tt := range []struct {
		name, code, message string
	}{
		{"line break", "not_found", "no such flow\nlevel=INFO msg=forged"},
		{"terminal escape", "not_found", "\x1b[31mred\x1b[0m and \x07bell"},
		{"control characters in the code", "evil\r\ncode", "x"},
		{"1 MB message", "not_found", huge},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body, err := json.Marshal(map[string]string{"status": "error", "code": tt.code, "message": tt.message})
			if err != nil {
				t.Fatal(err)
			}
			url := fake(t, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusNotFound)
				_, _ = w.Write(body)
			})
			_, err = fetchSeed(t, url)
			e := wantAPIError(t, err, apierrors.Code(tt.code), 404)
			if e.Message() != tt.message {
				t.Errorf("Message() = %.80q…, want the server's text unchanged", e.Message())
			}
			text := err.Error()
			for i := 0; i < len(text); i++ {
				if c := text[i]; c < ' ' || c == 0x7f {
					t.Fatalf("Error() holds the control character %q: %.200q", c, text)
				}
			}
			if !utf8.ValidString(text) {
				t.Errorf("Error() is not valid UTF-8: %.200q", text)
			}
			if len(text) > 4<<10 {
				t.Errorf("Error() is %d bytes", len(text))
			}
		})
	}
}

func TestClientKeepsResponseDetails(t *testing.T) {
	t.Parallel()
	url := fake(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7")
		w.Header().Set("X-Request-Id", "req-abc")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`{"status":"error","code":"not_permitted","message":"not yours"}`))
	})
	_, err := fetchSeed(t, url)
	e := wantAPIError(t, err, apierrors.NotPermitted, 403, "not yours")
	if e.RetryAfter() != 7*time.Second || e.RequestID() != "req-abc" {
		t.Errorf("RetryAfter %v, RequestID %q; want 7s, req-abc", e.RetryAfter(), e.RequestID())
	}
}

// TestClientTolerance checks the rules the client applies to what it
// receives: those of Validate, but for a status this version does not know.
func TestClientTolerance(t *testing.T) {
	t.Parallel()
	seedJSON := string(examples.FetchResponseJSON())
	serve := func(t *testing.T, body string) string {
		t.Helper()
		if body == seedJSON {
			t.Fatal("the edit changed nothing")
		}
		return fake(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(body)) })
	}

	t.Run("unknown status", func(t *testing.T) {
		t.Parallel()
		url := serve(t, strings.Replace(seedJSON, `"status":"new"`, `"status":"expired"`, 1))
		flow, err := fetchSeed(t, url)
		if err != nil || flow.Status != "expired" || flow.Status.IsKnown() {
			t.Fatalf("FetchAuthflow = %v, %v; want the flow with status expired", flow, err)
		}
		if err := flow.Validate(); !errors.Is(err, apierrors.InvalidValue) {
			t.Errorf("Validate() = %v; the strict rules still refuse it", err)
		}
	})

	for _, tt := range []struct {
		name, old, new string
		substrings     []string
	}{
		{"malformed ID", `"account_id":"013xrzp12g3nqk8n505tp6wqnscpdy8q"`, `"account_id":"013xrzp12g3nqk8n505tp6wqnscpdy8Q"`,
			[]string{"invalid response body", "summary.account_id"}},
		{"missing plan_name", `"plan_name":"basic",`, ``,
			[]string{"invalid authflow in the response", "plan_name: is required"}},
		{"empty plan_name", `"plan_name":"basic"`, `"plan_name":""`,
			[]string{"invalid authflow in the response", "plan_name: is required"}},
		{"latitude 91", `"lat_long":[-37.8159,144.9669]`, `"lat_long":[91,144.9669]`,
			[]string{"first_seen.lat_long"}},
		{"empty status", `"status":"new"`, `"status":""`,
			[]string{"invalid authflow in the response", "status: is required"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			url := serve(t, strings.Replace(seedJSON, tt.old, tt.new, 1))
			flow, err := fetchSeed(t, url)
			if flow != nil {
				t.Errorf("FetchAuthflow returned a flow: %+v", flow)
			}
			wantAPIError(t, err, apierrors.Unexpected, 0, append([]string{"HTTP 200 OK: "}, tt.substrings...)...)
		})
	}
}

// TestClientRefusesLenientErrorEnvelopes: an error envelope that only a
// lenient decoder would read (a repeated key, a key that differs from a
// known one only in case, invalid UTF-8) is reported as any body the
// client cannot read: code unexpected, with the HTTP status, and nothing of
// what the server claimed.
func TestClientRefusesLenientErrorEnvelopes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body string
		code       apierrors.Code // what the client reports
		status     int
	}{
		{"an envelope", `{"status":"error","code":"not_found","message":"no such flow"}`, apierrors.NotFound, 404},
		{"an unknown code", `{"status":"error","code":"gone_fishing","message":"m"}`, "gone_fishing", 404},
		{"code twice", `{"status":"error","code":"not_found","code":"not_permitted","message":"m"}`, apierrors.Unexpected, 404},
		{"status twice", `{"status":"error","status":"error","code":"not_found"}`, apierrors.Unexpected, 404},
		{`"Code"`, `{"status":"error","Code":"not_permitted","code":"not_found"}`, apierrors.Unexpected, 404},
		{`"MESSAGE"`, `{"status":"error","code":"not_found","MESSAGE":"m"}`, apierrors.Unexpected, 404},
		{"invalid UTF-8", "{\"status\":\"error\",\"code\":\"not_found\",\"message\":\"\xff\"}", apierrors.Unexpected, 404},
		{"a lone surrogate", `{"status":"error","code":"not_found","message":"\ud800"}`, apierrors.Unexpected, 404},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			url := fake(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusNotFound)
				_, _ = w.Write([]byte(c.body))
			})
			_, err := fetchSeed(t, url, noRetry)
			var want []string
			if c.code == apierrors.Unexpected {
				want = []string{"HTTP 404 Not Found: not an API error envelope"}
			}
			e := wantAPIError(t, err, c.code, c.status, want...)
			if c.code == apierrors.Unexpected && (strings.Contains(e.Error(), "not_permitted") || strings.Contains(e.Error(), "no such flow")) {
				t.Errorf("Error() = %q repeats what the refused body claimed", e.Error())
			}
		})
	}
}

// TestNewClientRefusesUnsendableTokens: a token with a byte that cannot
// go in a header, or would not arrive as sent, is refused by NewClient,
// with an error that says why and never quotes the token; the bytes a
// token may hold reach the server as they are.
func TestNewClientRefusesUnsendableTokens(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t"
	for _, tt := range []struct {
		name, token, why string
	}{
		{"NUL", secret + "\x00x", "holds a control character"},
		{"DEL", secret + "\x7fx", "holds a control character"},
		{"escape", secret + "\x1bx", "holds a control character"},
		{"CR LF inside", secret + "\r\nX-Evil: 1", "holds a line break"},
		{"final line break", secret + "\n", "ends with a space, a tab or a line break"},
		{"final CR LF", secret + "\r\n", "ends with a space, a tab or a line break"},
		{"final space", secret + " ", "ends with a space, a tab or a line break"},
		{"leading space", " " + secret, "holds a space or a tab"},
		{"space inside", secret + " x", "holds a space or a tab"},
		{"tab inside", secret + "\tx", "holds a space or a tab"},
		{"non-ASCII", secret + "é", "holds a byte beyond ASCII"},
		{"invalid UTF-8", secret + "\xff", "holds a byte beyond ASCII"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := authflow.NewClient("https://api.example.com", authflow.WithBearerToken(tt.token))
			if err == nil {
				t.Fatalf("NewClient accepted the token %q: %v", tt.token, c)
			}
			want := "authflow: NewClient: the bearer token " + tt.why + ": a token must be printable ASCII without spaces ('!' to '~')"
			if err.Error() != want {
				t.Errorf("error %q, want %q", err, want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("the error quotes the token: %v", err)
			}
		})
	}

	t.Run("every printable byte is sent as it is", func(t *testing.T) {
		t.Parallel()
		var token strings.Builder
		for b := byte('!'); b <= '~'; b++ {
			token.WriteByte(b)
		}
		var got atomic.Value
		url := fake(t, func(w http.ResponseWriter, r *http.Request) {
			got.Store(r.Header.Get("Authorization"))
			_, _ = w.Write(examples.FetchResponseJSON())
		})
		if _, err := fetchSeed(t, url, authflow.WithBearerToken(token.String())); err != nil {
			t.Fatal(err)
		}
		if got.Load() != "Bearer "+token.String() {
			t.Errorf("Authorization %q, want Bearer %s", got.Load(), token.String())
		}
	})
}

// TestClientDoesNotPrintItsToken prints and logs a client every way a
// program might, and finds its base URL in each, never its token.
func TestClientDoesNotPrintItsToken(t *testing.T) {
	t.Parallel()
	const token = "s3cr3t-t0ken"
	c, err := authflow.NewClient("https://api.example.com/v2", authflow.WithBearerToken(token))
	if err != nil {
		t.Fatal(err)
	}
	anonymous, err := authflow.NewClient("https://api.example.com/v2")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.String(), "authflow.Client(https://api.example.com/v2, bearer token)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got, want := anonymous.String(), "authflow.Client(https://api.example.com/v2)"; got != want {
		t.Errorf("String() without a token = %q, want %q", got, want)
	}

	printed := map[string]string{}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%T %p"} {
		printed["fmt "+verb] = fmt.Sprintf(verb, c)
		printed["fmt "+verb+" in a struct"] = fmt.Sprintf(verb, struct{ Client *authflow.Client }{c})
		// A Client value, as a program that dereferences the pointer, or
		// holds a copy, prints it.
		printed["fmt "+verb+" of a value"] = fmt.Sprintf(verb, *c)
		printed["fmt "+verb+" of a value in a struct"] = fmt.Sprintf(verb, struct{ Client authflow.Client }{*c})
	}
	for _, h := range []struct {
		name string
		new  func(io.Writer) slog.Handler
	}{
		{"text", func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, nil) }},
		{"JSON", func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, nil) }},
	} {
		var b bytes.Buffer
		slog.New(h.new(&b)).Info("calling", "client", c)
		printed["slog "+h.name] = b.String()
		b.Reset()
		slog.New(h.new(&b)).Info("calling", "config", struct{ Client *authflow.Client }{c})
		printed["slog "+h.name+" in a struct"] = b.String()
		b.Reset()
		slog.New(h.new(&b)).Info("calling", "client", *c)
		printed["slog "+h.name+" of a value"] = b.String()
	}
	for how, out := range printed {
		if strings.Contains(out, token) || strings.Contains(out, fmt.Sprintf("%x", token)) {
			t.Errorf("%s reveals the token: %s", how, out)
		}
	}
	for how, want := range map[string]string{
		"fmt %v":               "authflow.Client(https://api.example.com/v2, bearer token)",
		"fmt %+v":              "authflow.Client(https://api.example.com/v2, bearer token)",
		"fmt %#v":              "authflow.Client(https://api.example.com/v2, bearer token)",
		"fmt %d":               "authflow.Client(https://api.example.com/v2, bearer token)",
		"slog text":            `client.base_url=https://api.example.com/v2 client.bearer_token=true`,
		"slog JSON":            `"client":{"base_url":"https://api.example.com/v2","bearer_token":true}`,
		"fmt %v in a struct":   "{authflow.Client(https://api.example.com/v2, bearer token)}",
		"fmt %v of a value":    "authflow.Client(https://api.example.com/v2, bearer token)",
		"slog text of a value": `client.base_url=https://api.example.com/v2 client.bearer_token=true`,
	} {
		if !strings.Contains(printed[how], want) {
			t.Errorf("%s = %q, want it to hold %q", how, printed[how], want)
		}
	}
}

func TestClientUserAgent(t *testing.T) {
	t.Parallel()
	var got atomic.Value
	url := fake(t, func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.Header.Get("User-Agent"))
		_, _ = w.Write(examples.FetchResponseJSON())
	})
	for _, tt := range []struct {
		products []string
		want     string
	}{
		{nil, "authflow-go/" + authflow.Version},
		{[]string{"myapp/1.2"}, "authflow-go/" + authflow.Version + " myapp/1.2"},
		{[]string{"myapp/1.2", "plugin"}, "authflow-go/" + authflow.Version + " myapp/1.2 plugin"},
		{[]string{"!#$%&'*+-.^_`|~09AZaz/v1.2-rc.1+build"}, "authflow-go/" + authflow.Version + " !#$%&'*+-.^_`|~09AZaz/v1.2-rc.1+build"},
	} {
		var opts []authflow.ClientOption
		for _, p := range tt.products {
			opts = append(opts, authflow.WithUserAgent(p))
		}
		if _, err := fetchSeed(t, url, opts...); err != nil {
			t.Fatal(err)
		}
		if got.Load() != tt.want {
			t.Errorf("WithUserAgent %q: User-Agent %q, want %q", tt.products, got.Load(), tt.want)
		}
	}

	for _, product := range []string{
		"", "/", "myapp/", "/1.2", "my app/1.2", "myapp/1.2 (linux)", "myapp/1/2", "myapp 1.2",
		"naïve/1", "a\r\nX-Evil: 1", "(comment)", "a,b", `"q"`,
	} {
		_, err := authflow.NewClient("https://api.example.com", authflow.WithUserAgent("ok/1"), authflow.WithUserAgent(product))
		if err == nil {
			t.Errorf("NewClient accepted WithUserAgent(%q)", product)
			continue
		}
		if !strings.HasPrefix(err.Error(), "authflow: NewClient: WithUserAgent(") || !strings.Contains(err.Error(), `not a product such as "myapp/1.2"`) {
			t.Errorf("WithUserAgent(%q): error %q, want one that names WithUserAgent and says what a product is", product, err)
		}
		if strings.ContainsAny(err.Error(), "\r\n") {
			t.Errorf("WithUserAgent(%q): the error holds a line break: %q", product, err)
		}
	}
	_, err := authflow.NewClient("https://api.example.com", authflow.WithUserAgent(strings.Repeat("x", 10000)+" y"))
	if err == nil || len(err.Error()) > 300 {
		t.Errorf("WithUserAgent of 10 kB: error of %d bytes, want one refusal of bounded length", len(fmt.Sprint(err)))
	}
}

// TestClientRequestIDs checks the X-Request-Id the client sends: the
// context's when it is plain, else a new one for each call, the same on
// each attempt of a call; a context whose ID is not plain fails the call
// before anything is sent.
func TestClientRequestIDs(t *testing.T) {
	t.Parallel()
	// serve starts a server that records the X-Request-Id of each request
	// and answers two 503s, then the flow, over and over.
	serve := func(t *testing.T) (url string, sent func() []string) {
		var (
			mu  sync.Mutex
			ids []string
		)
		url = fake(t, func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			ids = append(ids, r.Header.Get("X-Request-Id"))
			n := len(ids)
			mu.Unlock()
			if n%3 != 0 {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			_, _ = w.Write(examples.FetchResponseJSON())
		})
		return url, func() []string {
			mu.Lock()
			defer mu.Unlock()
			return append([]string(nil), ids...)
		}
	}
	quick := authflow.WithRetry(authflow.RetryPolicy{MaxRetries: 2, InitialDelay: time.Millisecond, MaxDelay: time.Millisecond})
	tooLong := strings.Repeat("a", authflow.MaxRequestIDLen+1)
	for _, tt := range []struct {
		name string
		id   string // in the context; "" for none
		want string // sent on each attempt; "" for a new one
		sent bool   // whether the call sends requests
	}{
		{name: "none: a new one", sent: true},
		{name: "plain", id: "caller-7._Z", want: "caller-7._Z", sent: true},
		{name: "longest plain", id: tooLong[1:], want: tooLong[1:], sent: true},
		{name: "too long", id: tooLong},
		{name: "a space", id: "a b"},
		{name: "a control character", id: "a\x00b"},
		{name: "a line break", id: "a\r\nX-Evil: 1"},
		{name: "non-ASCII", id: "é"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			url, sent := serve(t)
			c, err := authflow.NewClient(url, quick)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if tt.id != "" {
				ctx = authflow.ContextWithRequestID(ctx, tt.id)
			}
			var calls [][]string
			for range 2 {
				_, err := c.FetchAuthflow(ctx, ids.MustParse[ids.Authflow](seedID))
				if !tt.sent {
					e := wantAPIError(t, err, apierrors.InvalidValue, 0)
					want := "X-Request-Id: the context's request ID must be 1 to 128 characters of A-Z, a-z, 0-9, '.', '_' and '-'"
					if e.Message() != want || e.Attempts() != 0 {
						t.Errorf("error %q after %d attempts, want %q after none", e.Message(), e.Attempts(), want)
					}
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				all := sent()
				calls = append(calls, all[len(all)-3:])
			}
			if !tt.sent {
				if n := len(sent()); n != 0 {
					t.Errorf("%d requests sent, want none", n)
				}
				return
			}
			for i, attempts := range calls {
				for _, id := range attempts {
					if id != attempts[0] {
						t.Errorf("call %d sent the IDs %q, want one for all its attempts", i, attempts)
					}
				}
				if tt.want != "" && attempts[0] != tt.want {
					t.Errorf("call %d sent %q, want the context's %q", i, attempts[0], tt.want)
				}
				if tt.want == "" && (len(attempts[0]) != 26 || strings.Trim(attempts[0], "0123456789abcdefghjkmnpqrstvwxyz") != "") {
					t.Errorf("call %d sent %q, want a new ID of 26 characters of Crockford's base32", i, attempts[0])
				}
			}
			if (tt.want == "") == (calls[0][0] == calls[1][0]) {
				t.Errorf("two calls sent %q and %q: want a new ID for each call, or the context's for both", calls[0][0], calls[1][0])
			}
		})
	}
}
