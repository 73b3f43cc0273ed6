package authflow_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

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

// fetchSeed calls FetchAuthflow for the seed ID with a client of url.
func fetchSeed(t *testing.T, url string, opts ...authflow.ClientOption) (*authflow.Authflow, error) {
	t.Helper()
	c, err := authflow.NewClient(url, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c.FetchAuthflow(context.Background(), ids.MustParse[ids.Authflow](seedID))
}

// wantAPIError asserts err is an *apierrors.Error with the code and status,
// whose message holds each of the substrings.
func wantAPIError(t *testing.T, err error, code apierrors.Code, status int, substrings ...string) *apierrors.Error {
	t.Helper()
	var e *apierrors.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *apierrors.Error", err, err)
	}
	if e.Code != code || e.StatusCode != status {
		t.Errorf("error = code %q status %d, want %q %d (%v)", e.Code, e.StatusCode, code, status, err)
	}
	for _, s := range substrings {
		if !strings.Contains(e.Message, s) {
			t.Errorf("message %q lacks %q", e.Message, s)
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
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte("<html><body><h1>502 Bad Gateway</h1></body></html>"))
		})
		_, err := fetchSeed(t, url)
		wantAPIError(t, err, apierrors.Unexpected, 502, "HTTP 502 Bad Gateway")
	})

	t.Run("API error envelope", func(t *testing.T) {
		t.Parallel()
		url := fake(t, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusConflict)
			_, _ = w.Write([]byte(`{"status":"error","code":"invalid_action","message":"flow is locked"}`))
		})
		_, err := fetchSeed(t, url)
		wantAPIError(t, err, apierrors.InvalidAction, 409, "flow is locked")
	})

	t.Run("unknown error code is kept", func(t *testing.T) {
		t.Parallel()
		url := fake(t, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"status":"error","code":"rate_limited","message":"slow down"}`))
		})
		_, err := fetchSeed(t, url)
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
		wantAPIError(t, err, apierrors.Unexpected, 200, "larger than 1048576 bytes")
	})

	t.Run("declared length over the cap", func(t *testing.T) {
		t.Parallel()
		url := fake(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "2000000")
			_, _ = w.Write(bytes.Repeat([]byte(" "), 2000000))
		})
		_, err := fetchSeed(t, url)
		wantAPIError(t, err, apierrors.Unexpected, 200, "larger than 1048576 bytes")
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
		_, err := fetchSeed(t, url, authflow.WithTimeout(200*time.Millisecond))
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
		wantAPIError(t, err, apierrors.Unexpected, 200, "invalid response body")
	})

	t.Run("200 whose flow is invalid", func(t *testing.T) {
		t.Parallel()
		body := bytes.Replace(seedJSON, []byte(`"country_code":"AU"`), []byte(`"country_code":"au"`), 1)
		url := fake(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(body) })
		_, err := fetchSeed(t, url)
		e := wantAPIError(t, err, apierrors.Unexpected, 200, "country_code")
		var cause *apierrors.Error
		if !errors.As(e.Unwrap(), &cause) || cause.Code != apierrors.InvalidValue {
			t.Errorf("cause = %v, want the validation error", e.Unwrap())
		}

		// WithoutValidation takes it as it is.
		flow, err := fetchSeed(t, url, authflow.WithoutValidation())
		if err != nil || flow.FirstSeen.CountryCode != "au" {
			t.Errorf("WithoutValidation: %v, %v", flow, err)
		}
	})

	t.Run("200 with another flow", func(t *testing.T) {
		t.Parallel()
		body := bytes.Replace(seedJSON, []byte(seedID), []byte("013xrzp12g3nqk8nyvk0xwzcb2gzp8z1"), 1)
		url := fake(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(body) })
		_, err := fetchSeed(t, url)
		wantAPIError(t, err, apierrors.Unexpected, 200, "013xrzp12g3nqk8nyvk0xwzcb2gzp8z1")
	})

	t.Run("error status with an empty body", func(t *testing.T) {
		t.Parallel()
		url := fake(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
		_, err := fetchSeed(t, url)
		wantAPIError(t, err, apierrors.Unexpected, 503, "HTTP 503 Service Unavailable")
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
		{"https://api.example.com", []authflow.ClientOption{authflow.WithMaxBodySize(0)}},
		{"https://api.example.com", []authflow.ClientOption{authflow.WithTimeout(-1)}},
		{"https://api.example.com", []authflow.ClientOption{authflow.WithBearerToken("a\r\nX-Evil: 1")}},
	} {
		if _, err := authflow.NewClient(tt.url, tt.opts...); err == nil {
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
	wantAPIError(t, err, apierrors.RequiredValue, 0, "authflow_id")
	if hits.Load() != 0 {
		t.Errorf("a request was sent for the zero ID")
	}
}
