package authflowotel_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	_ "modernc.org/sqlite" // the "sqlite" driver

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/authflow/sqlstore"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/examples/otel/authflowotel"
	"github.com/authflow-dev/authflow-go/ids"
)

// missingID is an authflow ID that the store does not hold.
const missingID = "013xrzp12g3nqk8nyvk0xwzcb2gzp8z1"

// stack is the whole path of a fetch: a client with the package's hooks,
// an HTTP server running the handler with its hooks over an SQLite Store
// with its hooks, and the SDK's in-memory span recorder and metric reader.
type stack struct {
	spans   *tracetest.SpanRecorder
	metrics *sdkmetric.ManualReader
	db      *sql.DB
	srv     *httptest.Server
	client  *authflow.Client
}

// newStack builds a stack whose server sends middleware's answer instead of
// the handler's while middleware returns true, and wraps the handler in
// wrap, which gets the stack's tracer provider.
func newStack(t *testing.T, middleware func(http.ResponseWriter) bool, wrap func(trace.TracerProvider, http.Handler) http.Handler) *stack {
	t.Helper()
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	metrics := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(metrics))
	ctx := context.Background()
	t.Cleanup(func() { _ = tp.Shutdown(ctx); _ = mp.Shutdown(ctx) })

	db, err := sql.Open("sqlite", "file::memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1) // each connection to :memory: is a database of its own

	// The schema and the fixture, through a Store without hooks: they make
	// no span, and the test sees the fetches' alone.
	setup, err := sqlstore.New(db, sqlstore.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	if err := setup.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := setup.Put(ctx, examples.Authflow()); err != nil {
		t.Fatal(err)
	}

	storeHooks, err := authflowotel.StoreHooks(sqlstore.SQLite, tp, mp)
	if err != nil {
		t.Fatal(err)
	}
	store, err := sqlstore.New(db, sqlstore.SQLite, sqlstore.WithHooks(storeHooks))
	if err != nil {
		t.Fatal(err)
	}
	handlerHooks, err := authflowotel.HandlerHooks(tp, mp)
	if err != nil {
		t.Fatal(err)
	}
	h, err := authflow.NewHandler(store, authflow.AllowAll{},
		authflow.WithHandlerHooks(handlerHooks), authflow.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	if wrap != nil {
		h = wrap(tp, h)
	}
	mux := http.NewServeMux()
	mux.Handle(authflow.PathPrefix, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if middleware != nil && middleware(w) {
			return
		}
		h.ServeHTTP(w, r)
	}))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	clientHooks, err := authflowotel.ClientHooks(tp, mp)
	if err != nil {
		t.Fatal(err)
	}
	client, err := authflow.NewClient(srv.URL,
		authflow.WithClientHooks(clientHooks),
		authflow.WithHTTPClient(&http.Client{Transport: authflowotel.Transport(srv.Client().Transport)}),
		// The policy's own waits are random, up to 1ms here: the longer
		// Retry-After of the test's 503 (1s) sets the wait exactly.
		authflow.WithRetry(authflow.RetryPolicy{MaxRetries: 1, InitialDelay: time.Millisecond, MaxDelay: 2 * time.Second}))
	if err != nil {
		t.Fatal(err)
	}
	return &stack{spans: spans, metrics: metrics, db: db, srv: srv, client: client}
}

// finish waits for the server's requests to complete, so that their spans
// have ended and their measurements are recorded.
func (s *stack) finish() { s.srv.Close() }

// TestFetchTree fetches a flow through the whole stack once with a retry
// (the first attempt meets a 503 before the handler) and fetches a missing
// one, and checks the span tree and the metrics.
func TestFetchTree(t *testing.T) {
	var unavailable atomic.Bool
	unavailable.Store(true)
	s := newStack(t, func(w http.ResponseWriter) bool {
		if !unavailable.CompareAndSwap(true, false) {
			return false
		}
		w.Header().Set("Retry-After", "1")
		http.Error(w, "overloaded", http.StatusServiceUnavailable)
		return true
	}, nil)

	ctx := context.Background()
	flow, err := s.client.FetchAuthflow(ctx, ids.MustParse[ids.Authflow](examples.AuthflowID))
	if err != nil {
		t.Fatal(err)
	}
	if flow.ID.String() != examples.AuthflowID {
		t.Fatalf("fetched %s", flow.ID)
	}
	_, err = s.client.FetchAuthflow(ctx, ids.MustParse[ids.Authflow](missingID))
	if apiErr := (*apierrors.Error)(nil); !errors.As(err, &apiErr) || apiErr.StatusCode() != http.StatusNotFound {
		t.Fatalf("fetching a missing flow: %v, want a 404", err)
	}
	s.finish()

	const (
		get    = "GET /api/v1/authflow/{authflow_id}"
		method = " http.request.method=GET"
		route  = " http.route=/api/v1/authflow/{authflow_id}"
		tmpl   = " url.template=/api/v1/authflow/{authflow_id}"
		query  = "fetch authflows client db.collection.name=authflows db.operation.name=fetch db.system.name=sqlite"
		found  = " authflow.id=" + examples.AuthflowID
		absent = " authflow.id=" + missingID
	)
	want := []string{ // attributes sorted by key
		// The client's span, its two attempts, and under the second the
		// server's spans: the request ID is the same across a call.
		"authflow.Client.FetchAuthflow internal authflow.attempts=2" + found + " authflow.request_id=<1>",
		"  " + get + " client authflow.attempt=1 authflow.request_id=<1> authflow.retry.wait=1 error.type=unexpected" + method + " http.response.status_code=503" + tmpl + " ERROR",
		"  " + get + " client authflow.attempt=2 authflow.request_id=<1>" + method + " http.request.resend_count=1 http.response.status_code=200" + tmpl,
		"    " + get + " server" + found + " authflow.request_id=<1>" + method + " http.response.status_code=200" + route,
		"      authflow.Store.FetchAuthflow internal" + found,
		"        " + query,
		// A flow not found: an error for the client, an answer for the
		// server and the store.
		"authflow.Client.FetchAuthflow internal authflow.attempts=1" + absent + " authflow.request_id=<2> error.type=not_found ERROR",
		"  " + get + " client authflow.attempt=1 authflow.request_id=<2> error.type=not_found" + method + " http.response.status_code=404" + tmpl + " ERROR",
		"    " + get + " server" + absent + " authflow.request_id=<2> error.type=not_found" + method + " http.response.status_code=404" + route,
		"      authflow.Store.FetchAuthflow internal" + absent + " error.type=not_found",
		"        " + query + " error.type=not_found",
	}
	if diff := cmp.Diff(want, spanTree(t, s.spans.Ended())); diff != "" {
		t.Errorf("span tree (-want +got):\n%s", diff)
	}

	// One series per outcome, with its count.
	wantMetrics := []string{
		"authflow.client.attempts{error.type=not_found http.response.status_code=404} 1",
		"authflow.client.attempts{error.type=unexpected http.response.status_code=503} 1",
		"authflow.client.attempts{http.response.status_code=200} 1",
		"authflow.client.fetch.duration{error.type=not_found} count 1",
		"authflow.client.fetch.duration{} count 1",
		"authflow.client.retries{} 1",
		"authflow.server.request.duration{error.type=not_found http.response.status_code=404} count 1",
		"authflow.server.request.duration{http.response.status_code=200} count 1",
		"authflow.server.store.duration{error.type=not_found} count 1",
		"authflow.server.store.duration{} count 1",
		"db.client.operation.duration{db.collection.name=authflows db.operation.name=fetch db.system.name=sqlite error.type=not_found} count 1",
		"db.client.operation.duration{db.collection.name=authflows db.operation.name=fetch db.system.name=sqlite} count 1",
	}
	got, sums := collect(t, s.metrics)
	if diff := cmp.Diff(wantMetrics, got); diff != "" {
		t.Errorf("metrics (-want +got):\n%s", diff)
	}
	// The call that retried waited 1 s for it, and its duration says so.
	if sum := sums["authflow.client.fetch.duration{}"]; sum < 1 {
		t.Errorf("the retried call took %gs, want at least the 1s it waited", sum)
	}
}

// TestFetchTreeUnderMiddlewareSpan checks that the handler's hooks start no
// span of their own when a middleware (otelhttp's, say) already traces the
// request: they set their attributes on its span and put the store's under
// it.
func TestFetchTreeUnderMiddlewareSpan(t *testing.T) {
	s := newStack(t, nil, func(tp trace.TracerProvider, h http.Handler) http.Handler {
		// What otelhttp's handler does: a server span, child of the
		// caller's trace context.
		tracer := tp.Tracer("middleware")
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := propagation.TraceContext{}.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
			ctx, span := tracer.Start(ctx, "middleware", trace.WithSpanKind(trace.SpanKindServer))
			defer span.End()
			h.ServeHTTP(w, r.WithContext(ctx))
		})
	})

	if _, err := s.client.FetchAuthflow(context.Background(), ids.MustParse[ids.Authflow](examples.AuthflowID)); err != nil {
		t.Fatal(err)
	}
	s.finish()

	want := []string{
		"authflow.Client.FetchAuthflow internal authflow.attempts=1 authflow.id=" + examples.AuthflowID + " authflow.request_id=<1>",
		"  GET /api/v1/authflow/{authflow_id} client authflow.attempt=1 authflow.request_id=<1> http.request.method=GET http.response.status_code=200 url.template=/api/v1/authflow/{authflow_id}",
		"    middleware server authflow.id=" + examples.AuthflowID + " authflow.request_id=<1> http.response.status_code=200",
		"      authflow.Store.FetchAuthflow internal authflow.id=" + examples.AuthflowID,
		"        fetch authflows client db.collection.name=authflows db.operation.name=fetch db.system.name=sqlite",
	}
	if diff := cmp.Diff(want, spanTree(t, s.spans.Ended())); diff != "" {
		t.Errorf("span tree (-want +got):\n%s", diff)
	}
}

// TestServerError checks that a 5xx ends the server span with an error
// status, and the spans of the store and its statement too, whose failure
// caused it. The server answers such a failure "unexpected"; the store's
// error, not one of the API's, is "unknown" (apierrors.CodeOf).
func TestServerError(t *testing.T) {
	s := newStack(t, nil, nil)
	s.db.Close() // every statement fails from now on: the handler answers 500

	// A plain request, not the client's, which would retry a 500.
	resp, err := http.Get(s.srv.URL + authflow.PathPrefix + examples.AuthflowID)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", resp.StatusCode)
	}
	s.finish()

	want := []string{
		"GET /api/v1/authflow/{authflow_id} server authflow.id=" + examples.AuthflowID + " authflow.request_id=<1> error.type=unexpected http.request.method=GET http.response.status_code=500 http.route=/api/v1/authflow/{authflow_id} ERROR",
		"  authflow.Store.FetchAuthflow internal authflow.id=" + examples.AuthflowID + " error.type=unknown ERROR",
		"    fetch authflows client db.collection.name=authflows db.operation.name=fetch db.system.name=sqlite error.type=unknown ERROR",
	}
	if diff := cmp.Diff(want, spanTree(t, s.spans.Ended())); diff != "" {
		t.Errorf("span tree (-want +got):\n%s", diff)
	}
	wantMetrics := []string{
		"authflow.server.request.duration{error.type=unexpected http.response.status_code=500} count 1",
		"authflow.server.store.duration{error.type=unknown} count 1",
		"db.client.operation.duration{db.collection.name=authflows db.operation.name=fetch db.system.name=sqlite error.type=unknown} count 1",
	}
	if got, _ := collect(t, s.metrics); !cmp.Equal(wantMetrics, got) {
		t.Errorf("metrics (-want +got):\n%s", cmp.Diff(wantMetrics, got))
	}
}

// stuckStore is a Store that answers only when its context ends.
type stuckStore struct{}

func (stuckStore) FetchAuthflow(ctx context.Context, _ ids.AuthflowID) (*authflow.Authflow, error) {
	<-ctx.Done()
	return nil, context.Cause(ctx)
}

// TestStoreTimeout checks the spans and metrics of a request whose store
// passes its time limit: the handler's timer, not the request's goroutine,
// answers it and calls StoreDone and RequestDone. The handler's time-limit
// error is a context.DeadlineExceeded: its error.type is "timeout".
func TestStoreTimeout(t *testing.T) {
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	metrics := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(metrics))
	hooks, err := authflowotel.HandlerHooks(tp, mp)
	if err != nil {
		t.Fatal(err)
	}
	h, err := authflow.NewHandler(stuckStore{}, authflow.AllowAll{}, authflow.WithHandlerHooks(hooks),
		authflow.WithStoreTimeout(time.Millisecond), authflow.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, authflow.PathPrefix+examples.AuthflowID, nil))
	if w.Code != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", w.Code)
	}

	want := []string{
		"GET /api/v1/authflow/{authflow_id} server authflow.id=" + examples.AuthflowID + " authflow.request_id=<1> error.type=unexpected http.request.method=GET http.response.status_code=500 http.route=/api/v1/authflow/{authflow_id} ERROR",
		"  authflow.Store.FetchAuthflow internal authflow.id=" + examples.AuthflowID + " error.type=timeout ERROR",
	}
	if diff := cmp.Diff(want, spanTree(t, spans.Ended())); diff != "" {
		t.Errorf("span tree (-want +got):\n%s", diff)
	}
	wantMetrics := []string{
		"authflow.server.request.duration{error.type=unexpected http.response.status_code=500} count 1",
		"authflow.server.store.duration{error.type=timeout} count 1",
	}
	if got, _ := collect(t, metrics); !cmp.Equal(wantMetrics, got) {
		t.Errorf("metrics (-want +got):\n%s", cmp.Diff(wantMetrics, got))
	}
}

// TestUnknownCode checks that an error code the API does not define, which
// a server may send, becomes error.type "_OTHER": a hostile server cannot
// make a metric series for each code it invents.
func TestUnknownCode(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, `{"status":"error","code":"made_up_by_the_server","message":"no"}`)
	}))
	defer srv.Close()
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	metrics := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(metrics))
	hooks, err := authflowotel.ClientHooks(tp, mp)
	if err != nil {
		t.Fatal(err)
	}
	client, err := authflow.NewClient(srv.URL, authflow.WithClientHooks(hooks))
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.FetchAuthflow(context.Background(), ids.MustParse[ids.Authflow](examples.AuthflowID))
	if code := apierrors.CodeOf(err); code != "made_up_by_the_server" {
		t.Fatalf("error %v (code %q), want the server's code", err, code)
	}

	want := []string{
		"authflow.Client.FetchAuthflow internal authflow.attempts=1 authflow.id=" + examples.AuthflowID + " authflow.request_id=<1> error.type=_OTHER ERROR",
		"  GET /api/v1/authflow/{authflow_id} client authflow.attempt=1 authflow.request_id=<1> error.type=_OTHER http.request.method=GET http.response.status_code=403 url.template=/api/v1/authflow/{authflow_id} ERROR",
	}
	if diff := cmp.Diff(want, spanTree(t, spans.Ended())); diff != "" {
		t.Errorf("span tree (-want +got):\n%s", diff)
	}
	wantMetrics := []string{
		"authflow.client.attempts{error.type=_OTHER http.response.status_code=403} 1",
		"authflow.client.fetch.duration{error.type=_OTHER} count 1",
	}
	if got, _ := collect(t, metrics); !cmp.Equal(wantMetrics, got) {
		t.Errorf("metrics (-want +got):\n%s", cmp.Diff(wantMetrics, got))
	}
}

// TestBadArguments checks that each constructor names what is missing.
func TestBadArguments(t *testing.T) {
	tp := sdktrace.NewTracerProvider()
	mp := metricnoop.NewMeterProvider()
	_, errHandler := authflowotel.HandlerHooks(nil, mp)
	_, errClient := authflowotel.ClientHooks(tp, nil)
	_, errStore := authflowotel.StoreHooks(sqlstore.Dialect(9), tp, mp)
	got := []string{fmt.Sprint(errHandler), fmt.Sprint(errClient), fmt.Sprint(errStore)}
	want := []string{
		"authflowotel: HandlerHooks: nil TracerProvider",
		"authflowotel: ClientHooks: nil MeterProvider",
		"authflowotel: StoreHooks: unknown dialect Dialect(9)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

// TestTransport checks that the transport sends the trace context of the
// request's context, and leaves the request it was given as it was.
func TestTransport(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Get("Traceparent")
	}))
	defer srv.Close()

	ctx, span := sdktrace.NewTracerProvider().Tracer("test").Start(context.Background(), "call")
	defer span.End()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Transport: authflowotel.Transport(nil)}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()

	sc := span.SpanContext()
	if want := "00-" + sc.TraceID().String() + "-" + sc.SpanID().String() + "-01"; got != want {
		t.Errorf("traceparent %q, want %q", got, want)
	}
	if h := req.Header.Get("Traceparent"); h != "" {
		t.Errorf("the caller's request was changed: traceparent %q", h)
	}
}

// spanTree renders spans as a tree, one line a span, children under their
// parent in the order they started: the name, the kind, the attributes
// sorted by key, and ERROR for an error status. Request IDs, random, become
// <1>, <2>… in the order they first appear. A child must be in its parent's
// trace.
func spanTree(t *testing.T, spans []sdktrace.ReadOnlySpan) []string {
	t.Helper()
	byID := make(map[trace.SpanID]sdktrace.ReadOnlySpan)
	for _, s := range spans {
		byID[s.SpanContext().SpanID()] = s
	}
	children := make(map[trace.SpanID][]sdktrace.ReadOnlySpan)
	var roots []sdktrace.ReadOnlySpan
	for _, s := range spans {
		parent, ok := byID[s.Parent().SpanID()]
		switch {
		case !s.Parent().IsValid():
			roots = append(roots, s)
		case !ok:
			t.Errorf("span %q has a parent that was not recorded", s.Name())
		default:
			if parent.SpanContext().TraceID() != s.SpanContext().TraceID() {
				t.Errorf("span %q is not in its parent's trace", s.Name())
			}
			children[parent.SpanContext().SpanID()] = append(children[parent.SpanContext().SpanID()], s)
		}
	}
	byStart := func(a, b sdktrace.ReadOnlySpan) int { return a.StartTime().Compare(b.StartTime()) }
	requestIDs := make(map[string]string)
	var lines []string
	var walk func(s sdktrace.ReadOnlySpan, depth int)
	walk = func(s sdktrace.ReadOnlySpan, depth int) {
		line := strings.Repeat("  ", depth) + s.Name() + " " + s.SpanKind().String()
		attrs := slices.Clone(s.Attributes())
		slices.SortFunc(attrs, func(a, b attribute.KeyValue) int { return strings.Compare(string(a.Key), string(b.Key)) })
		for _, a := range attrs {
			v := a.Value.String()
			if a.Key == "authflow.request_id" {
				if requestIDs[v] == "" {
					requestIDs[v] = fmt.Sprintf("<%d>", len(requestIDs)+1)
				}
				v = requestIDs[v]
			}
			line += " " + string(a.Key) + "=" + v
		}
		if s.Status().Code == codes.Error {
			line += " ERROR"
		}
		lines = append(lines, line)
		kids := children[s.SpanContext().SpanID()]
		slices.SortStableFunc(kids, byStart)
		for _, c := range kids {
			walk(c, depth+1)
		}
	}
	slices.SortStableFunc(roots, byStart)
	for _, r := range roots {
		walk(r, 0)
	}
	return lines
}

// collect reads every metric the reader holds: one line a series, sorted,
// "name{attributes} value" for a counter and "name{attributes} count N" for
// a histogram; and the sums of the histograms, by "name{attributes}".
func collect(t *testing.T, reader *sdkmetric.ManualReader) ([]string, map[string]float64) {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	series := func(name string, set attribute.Set) string {
		var attrs []string
		for _, a := range set.ToSlice() {
			attrs = append(attrs, string(a.Key)+"="+a.Value.String())
		}
		return name + "{" + strings.Join(attrs, " ") + "}"
	}
	var lines []string
	sums := make(map[string]float64)
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch data := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, dp := range data.DataPoints {
					lines = append(lines, fmt.Sprintf("%s %d", series(m.Name, dp.Attributes), dp.Value))
				}
			case metricdata.Histogram[float64]:
				for _, dp := range data.DataPoints {
					name := series(m.Name, dp.Attributes)
					lines = append(lines, fmt.Sprintf("%s count %d", name, dp.Count))
					sums[name] = dp.Sum
				}
			default:
				t.Errorf("metric %s: unexpected data %T", m.Name, m.Data)
			}
		}
	}
	slices.Sort(lines)
	return lines, sums
}
