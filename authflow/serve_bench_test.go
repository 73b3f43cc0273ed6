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

// handlers returns the handlers each benchmark compares, by name: the
// handler, the handler with hooks that do nothing, and the baseline.
func handlers(b *testing.B) []struct {
	name string
	h    http.Handler
} {
	return []struct {
		name string
		h    http.Handler
	}{
		{"impl=handler", newHandler(b, memoryStore(b, examples.Authflow()), authflow.AllowAll{})},
		{"impl=handler-noop-hooks", newHandler(b, memoryStore(b, examples.Authflow()), authflow.AllowAll{},
			authflow.WithHandlerHooks(noopHooks))},
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

// noopHooks sets every handler hook to a function that does nothing (the
// Start hooks return their context).
var noopHooks = authflow.HandlerHooks{
	RequestStart: func(ctx context.Context, _ *http.Request) context.Context { return ctx },
	StoreStart:   func(ctx context.Context, _ ids.AuthflowID) context.Context { return ctx },
	StoreDone:    func(context.Context, authflow.StoreInfo) {},
	RequestDone:  func(context.Context, authflow.RequestInfo) {},
}

// BenchmarkServeHooks serves the seed flow through httptest.Recorder, as
// BenchmarkServeInProcess does, with no hooks and with hooks that do
// nothing: what the hooks' calls, clock readings and bookkeeping cost. The
// request sends no X-Request-Id (the handler makes one) or a plain one.
func BenchmarkServeHooks(b *testing.B) {
	for _, hc := range []struct {
		name string
		opts []authflow.HandlerOption
	}{
		{"hooks=none", nil},
		{"hooks=noop", []authflow.HandlerOption{authflow.WithHandlerHooks(noopHooks)}},
	} {
		h := newHandler(b, memoryStore(b, examples.Authflow()), authflow.AllowAll{}, hc.opts...)
		for _, id := range []string{"", "caller-request-id-0001"} {
			name := hc.name + "/id=new"
			if id != "" {
				name = hc.name + "/id=sent"
			}
			b.Run(name, func(b *testing.B) {
				req := httptest.NewRequest(http.MethodGet, "/api/v1/authflow/"+seedID, nil)
				if id != "" {
					req.Header.Set("X-Request-Id", id)
				}
				b.ReportAllocs()
				for b.Loop() {
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Fatalf("status %d", rec.Code)
					}
				}
			})
		}
	}
}

// BenchmarkServeHooksPaired serves the seed flow with no-op hooks beside
// the same handler without hooks, in turns within one benchmark (see
// paired), so that a noisy machine slows both alike: ns/op is the time
// with no-op hooks, naive-ns/op the time without hooks, x-naive their
// ratio.
func BenchmarkServeHooksPaired(b *testing.B) {
	store := memoryStore(b, examples.Authflow())
	none := newHandler(b, store, authflow.AllowAll{})
	noop := newHandler(b, store, authflow.AllowAll{}, authflow.WithHandlerHooks(noopHooks))
	req := httptest.NewRequest(http.MethodGet, "/api/v1/authflow/"+seedID, nil)
	serve := func(h http.Handler) func() {
		return func() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d", rec.Code)
			}
		}
	}
	paired(b, 4, serve(noop), serve(none))
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
