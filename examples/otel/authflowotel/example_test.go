package authflowotel_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	_ "modernc.org/sqlite" // the "sqlite" driver

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/authflow/sqlstore"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/examples/otel/authflowotel"
	"github.com/authflow-dev/authflow-go/ids"
)

// Trace and measure a fetch end to end: the client, the handler and its SQL
// store each get their hooks. The SDK's in-memory exporter and manual reader
// stand for a real exporter here.
func Example() {
	ctx := context.Background()
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	defer tp.Shutdown(ctx)
	metrics := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(metrics))
	defer mp.Shutdown(ctx)

	// The server: a handler over an SQLite store.
	db, err := sql.Open("sqlite", "file::memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // each connection to :memory: is a database of its own
	storeHooks, err := authflowotel.StoreHooks(sqlstore.SQLite, tp, mp)
	if err != nil {
		log.Fatal(err)
	}
	store, err := sqlstore.New(db, sqlstore.SQLite, sqlstore.WithHooks(storeHooks))
	if err != nil {
		log.Fatal(err)
	}
	if err := store.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	if err := store.Put(ctx, examples.Authflow()); err != nil {
		log.Fatal(err)
	}
	handlerHooks, err := authflowotel.HandlerHooks(tp, mp)
	if err != nil {
		log.Fatal(err)
	}
	h, err := authflow.NewHandler(store, authflow.AllowAll{}, authflow.WithHandlerHooks(handlerHooks))
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(h)

	// The client: its transport sends the trace context to the server.
	clientHooks, err := authflowotel.ClientHooks(tp, mp)
	if err != nil {
		log.Fatal(err)
	}
	client, err := authflow.NewClient(srv.URL,
		authflow.WithClientHooks(clientHooks),
		authflow.WithHTTPClient(&http.Client{Transport: authflowotel.Transport(nil)}))
	if err != nil {
		log.Fatal(err)
	}

	spans.Reset() // leave out the migration's statements and the put
	if _, err := client.FetchAuthflow(ctx, ids.MustParse[ids.Authflow](examples.AuthflowID)); err != nil {
		log.Fatal(err)
	}
	srv.Close() // wait for the server's spans to end

	// The spans, as a tree: here each has one child at most.
	stubs := spans.GetSpans()
	parent := make(map[string]string)
	for _, s := range stubs {
		if s.Parent.IsValid() {
			parent[s.SpanContext.SpanID().String()] = s.Parent.SpanID().String()
		}
	}
	depth := func(s tracetest.SpanStub) int {
		d := 0
		for id := s.SpanContext.SpanID().String(); parent[id] != ""; id = parent[id] {
			d++
		}
		return d
	}
	slices.SortFunc(stubs, func(a, b tracetest.SpanStub) int { return depth(a) - depth(b) })
	for _, s := range stubs {
		fmt.Printf("%s%s (%s)\n", strings.Repeat("  ", depth(s)), s.Name, s.SpanKind)
	}

	// The handler's requests, by outcome.
	var rm metricdata.ResourceMetrics
	if err := metrics.Collect(ctx, &rm); err != nil {
		log.Fatal(err)
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name == "authflow.server.request.duration" {
				for _, dp := range m.Data.(metricdata.Histogram[float64]).DataPoints {
					status, _ := dp.Attributes.Value("http.response.status_code")
					fmt.Println(m.Name, "status", status.AsInt64(), "count", dp.Count)
				}
			}
		}
	}
	// Output:
	// authflow.Client.FetchAuthflow (internal)
	//   GET /api/v1/authflow/{authflow_id} (client)
	//     GET /api/v1/authflow/{authflow_id} (server)
	//       authflow.Store.FetchAuthflow (internal)
	//         fetch authflows (client)
	// authflow.server.request.duration status 200 count 1
}
