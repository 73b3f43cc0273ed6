package authflow_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/ids"
)

// preEncoded is the baseline the handler is measured against: an
// http.HandlerFunc that writes the seed envelope's bytes, encoded once, with
// the same headers, and does nothing else.
func preEncoded() http.Handler {
	body := examples.FetchResponseJSON()
	length := []string{strconv.Itoa(len(body))}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Content-Type"] = []string{"application/json"}
		h["Cache-Control"] = []string{"no-store"}
		h["X-Content-Type-Options"] = []string{"nosniff"}
		h["Content-Length"] = length
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	})
}

// handlers returns the two handlers each benchmark compares, by name.
func handlers(b *testing.B) []struct {
	name string
	h    http.Handler
} {
	return []struct {
		name string
		h    http.Handler
	}{
		{"impl=handler", newHandler(b, memoryStore(b, examples.Authflow()), authflow.AllowAll{})},
		{"impl=preencoded", preEncoded()},
	}
}

// BenchmarkServeInProcess serves the seed flow through httptest.Recorder:
// the handler's own cost (fetch from a MemoryStore, validate, encode) beside
// writing pre-encoded bytes.
func BenchmarkServeInProcess(b *testing.B) {
	for _, hh := range handlers(b) {
		b.Run(hh.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "/api/v1/authflow/"+seedID, nil)
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				hh.h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
	}
}

// BenchmarkServeLoopback serves the seed flow over loopback TCP to parallel
// clients (b.RunParallel against httptest.NewServer): what the handler costs
// once HTTP and the network stack are counted.
func BenchmarkServeLoopback(b *testing.B) {
	for _, hh := range handlers(b) {
		b.Run(hh.name, func(b *testing.B) {
			srv := httptest.NewServer(hh.h)
			defer srv.Close()
			tr := &http.Transport{MaxIdleConnsPerHost: 64}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr}
			url := srv.URL + "/api/v1/authflow/" + seedID
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
				for pb.Next() {
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						b.Errorf("status %d", resp.StatusCode)
						return
					}
				}
			})
		})
	}
}

// BenchmarkClientFetch measures the client end to end against the handler,
// decoding and validating each response: over loopback (net=loopback), and
// through a transport that calls the handler in the process (net=none),
// which leaves out the network stack's cost and noise so that the client's
// own cost shows. Each runs without hooks, and with hooks that do nothing
// (hooks=noop), whose difference is the hooks' own cost.
func BenchmarkClientFetch(b *testing.B) {
	seed := examples.Authflow()
	h := newHandler(b, memoryStore(b, seed), authflow.AllowAll{})
	srv := httptest.NewServer(h)
	defer srv.Close()
	noop := authflow.ClientHooks{
		FetchStart:   func(ctx context.Context, _ ids.AuthflowID) context.Context { return ctx },
		AttemptStart: func(ctx context.Context, _ int) context.Context { return ctx },
		AttemptDone:  func(context.Context, authflow.AttemptInfo) {},
		FetchDone:    func(context.Context, authflow.FetchInfo) {},
	}
	for _, net := range []struct {
		name string
		opts []authflow.ClientOption
	}{
		{"net=loopback", nil},
		{"net=none", []authflow.ClientOption{authflow.WithHTTPClient(&http.Client{Transport: inProcess{h}})}},
	} {
		for _, hooks := range []struct {
			name string
			opts []authflow.ClientOption
		}{
			{"hooks=none", nil},
			{"hooks=noop", []authflow.ClientOption{authflow.WithClientHooks(noop)}},
		} {
			b.Run(net.name+"/"+hooks.name, func(b *testing.B) {
				c, err := authflow.NewClient(srv.URL, append(net.opts, hooks.opts...)...)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := c.FetchAuthflow(context.Background(), seed.ID); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// inProcess is a transport that serves each request with its handler in
// the calling goroutine, through an httptest.ResponseRecorder.
type inProcess struct{ h http.Handler }

func (t inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}
