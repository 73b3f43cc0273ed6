package authflowotel_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/examples/otel/authflowotel"
)

// BenchmarkHandler serves a fetch from a memory store without hooks, and
// with this package's hooks on the SDK (every span sampled and recorded,
// then dropped; the metrics aggregated): what tracing and measuring every
// request costs the handler.
func BenchmarkHandler(b *testing.B) {
	store, err := authflow.NewMemoryStore(examples.Authflow())
	if err != nil {
		b.Fatal(err)
	}
	hooks, err := authflowotel.HandlerHooks(
		sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample())),
		sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader())))
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		opts []authflow.HandlerOption
	}{
		{"none", nil},
		{"otel", []authflow.HandlerOption{authflow.WithHandlerHooks(hooks)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			h, err := authflow.NewHandler(store, authflow.AllowAll{}, bc.opts...)
			if err != nil {
				b.Fatal(err)
			}
			req := httptest.NewRequest(http.MethodGet, authflow.PathPrefix+examples.AuthflowID, nil)
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d", w.Code)
				}
			}
		})
	}
}
