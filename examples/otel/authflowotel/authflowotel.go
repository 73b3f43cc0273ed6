package authflowotel

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/authflow/sqlstore"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/ids"
)

// scope names the instrumentation scope of the tracers and meters.
const scope = "github.com/authflow-dev/authflow-go/examples/otel/authflowotel"

// route is the endpoint's path pattern, as OpenTelemetry's http.route and
// url.template have it.
const route = "/api/v1/authflow/{authflow_id}"

// Attributes of this package.
const (
	attrAuthflowID   = attribute.Key("authflow.id")
	attrRequestID    = attribute.Key("authflow.request_id")
	attrAttempt      = attribute.Key("authflow.attempt")
	attrAttempts     = attribute.Key("authflow.attempts")
	attrRetryWait    = attribute.Key("authflow.retry.wait")
	attrStoreAttempt = attribute.Key("authflow.sqlstore.attempt")
)

// Bucket boundaries in seconds: OpenTelemetry's advice for HTTP durations,
// and for database operations.
var (
	httpBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}
	dbBuckets   = []float64{0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10}
)

// providers returns the tracer and meter of this package from tp and mp, or
// an error naming the one missing.
func providers(fn string, tp trace.TracerProvider, mp metric.MeterProvider) (trace.Tracer, metric.Meter, error) {
	if tp == nil {
		return nil, nil, fmt.Errorf("authflowotel: %s: nil TracerProvider", fn)
	}
	if mp == nil {
		return nil, nil, fmt.Errorf("authflowotel: %s: nil MeterProvider", fn)
	}
	return tp.Tracer(scope, trace.WithInstrumentationVersion(authflow.Version)),
		mp.Meter(scope, metric.WithInstrumentationVersion(authflow.Version)), nil
}

// ownSpanKey marks a request context whose span the handler's hooks started
// (and so end).
type ownSpanKey struct{}

// HandlerHooks returns hooks for [authflow.WithHandlerHooks] that trace each
// request, and its call of the Store, with tp and measure them with mp, as
// the package's documentation describes.
func HandlerHooks(tp trace.TracerProvider, mp metric.MeterProvider) (authflow.HandlerHooks, error) {
	tracer, meter, err := providers("HandlerHooks", tp, mp)
	if err != nil {
		return authflow.HandlerHooks{}, err
	}
	requests, err := meter.Float64Histogram("authflow.server.request.duration",
		metric.WithUnit("s"), metric.WithExplicitBucketBoundaries(httpBuckets...),
		metric.WithDescription("Duration of the authflow handler's requests."))
	if err != nil {
		return authflow.HandlerHooks{}, err
	}
	stores, err := meter.Float64Histogram("authflow.server.store.duration",
		metric.WithUnit("s"), metric.WithExplicitBucketBoundaries(httpBuckets...),
		metric.WithDescription("Duration of the authflow handler's calls of its Store."))
	if err != nil {
		return authflow.HandlerHooks{}, err
	}
	traceContext := propagation.TraceContext{}

	return authflow.HandlerHooks{
		RequestStart: func(ctx context.Context, r *http.Request) context.Context {
			requestID := attrRequestID.String(authflow.RequestID(ctx))
			if sc := trace.SpanContextFromContext(ctx); sc.IsValid() && !sc.IsRemote() {
				// A middleware (otelhttp's, say) already traces the request.
				trace.SpanFromContext(ctx).SetAttributes(requestID)
				return ctx
			}
			method := knownMethod(r.Method)
			ctx = traceContext.Extract(ctx, propagation.HeaderCarrier(r.Header))
			ctx, span := tracer.Start(ctx, method+" "+route,
				trace.WithSpanKind(trace.SpanKindServer),
				trace.WithAttributes(semconv.HTTPRequestMethodKey.String(method), semconv.HTTPRoute(route), requestID))
			return context.WithValue(ctx, ownSpanKey{}, span)
		},
		StoreStart: func(ctx context.Context, id ids.AuthflowID) context.Context {
			ctx, _ = tracer.Start(ctx, "authflow.Store.FetchAuthflow", trace.WithAttributes(attrAuthflowID.String(id.String())))
			return ctx
		},
		StoreDone: func(ctx context.Context, info authflow.StoreInfo) {
			var attrs []attribute.KeyValue
			if info.Err != nil {
				attrs = append(attrs, semconv.ErrorTypeKey.String(errorType(info.Err)))
			}
			stores.Record(ctx, info.Duration.Seconds(), metric.WithAttributes(attrs...))
			endSpan(trace.SpanFromContext(ctx), attrs, failed(info.Err), info.Err)
		},
		RequestDone: func(ctx context.Context, info authflow.RequestInfo) {
			attrs := []attribute.KeyValue{semconv.HTTPResponseStatusCode(info.Status)}
			if info.Code != "" {
				attrs = append(attrs, semconv.ErrorTypeKey.String(codeType(info.Code)))
			}
			requests.Record(ctx, info.Duration.Seconds(), metric.WithAttributes(attrs...))

			span := trace.SpanFromContext(ctx)
			if !info.AuthflowID.IsZero() {
				span.SetAttributes(attrAuthflowID.String(info.AuthflowID.String()))
			}
			if _, own := ctx.Value(ownSpanKey{}).(trace.Span); own {
				endSpan(span, attrs, info.Status >= 500, info.Err)
				return
			}
			span.SetAttributes(attrs...) // the middleware's span: it ends it
			if info.Status >= 500 {
				span.SetStatus(codes.Error, errorText(info.Err))
			}
		},
	}, nil
}

// ClientHooks returns hooks for [authflow.WithClientHooks] that trace each
// call of [authflow.Client.FetchAuthflow] and each of its attempts with tp,
// and measure them with mp, as the package's documentation describes.
func ClientHooks(tp trace.TracerProvider, mp metric.MeterProvider) (authflow.ClientHooks, error) {
	tracer, meter, err := providers("ClientHooks", tp, mp)
	if err != nil {
		return authflow.ClientHooks{}, err
	}
	fetches, err := meter.Float64Histogram("authflow.client.fetch.duration",
		metric.WithUnit("s"), metric.WithExplicitBucketBoundaries(httpBuckets...),
		metric.WithDescription("Duration of the calls of the authflow client's FetchAuthflow, waits before retries included."))
	if err != nil {
		return authflow.ClientHooks{}, err
	}
	attempts, err := meter.Int64Counter("authflow.client.attempts",
		metric.WithUnit("{attempt}"), metric.WithDescription("Requests the authflow client sent."))
	if err != nil {
		return authflow.ClientHooks{}, err
	}
	retries, err := meter.Int64Counter("authflow.client.retries",
		metric.WithUnit("{retry}"), metric.WithDescription("Requests the authflow client sent after a call's first."))
	if err != nil {
		return authflow.ClientHooks{}, err
	}

	return authflow.ClientHooks{
		FetchStart: func(ctx context.Context, id ids.AuthflowID) context.Context {
			ctx, _ = tracer.Start(ctx, "authflow.Client.FetchAuthflow", trace.WithAttributes(attrAuthflowID.String(id.String())))
			return ctx
		},
		AttemptStart: func(ctx context.Context, attempt int) context.Context {
			attrs := []attribute.KeyValue{semconv.HTTPRequestMethodGet, semconv.URLTemplate(route), attrAttempt.Int(attempt)}
			if attempt > 1 {
				retries.Add(ctx, 1)
				attrs = append(attrs, semconv.HTTPRequestResendCount(attempt-1))
			}
			ctx, _ = tracer.Start(ctx, "GET "+route, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
			return ctx
		},
		AttemptDone: func(ctx context.Context, info authflow.AttemptInfo) {
			var attrs []attribute.KeyValue
			if info.Status != 0 {
				attrs = append(attrs, semconv.HTTPResponseStatusCode(info.Status))
			}
			if info.Err != nil {
				attrs = append(attrs, semconv.ErrorTypeKey.String(errorType(info.Err)))
			}
			attempts.Add(ctx, 1, metric.WithAttributes(attrs...))

			span := trace.SpanFromContext(ctx)
			span.SetAttributes(attrRequestID.String(info.RequestID))
			if info.Wait > 0 {
				span.SetAttributes(attrRetryWait.Float64(info.Wait.Seconds()))
			}
			endSpan(span, attrs, info.Err != nil, info.Err)
		},
		FetchDone: func(ctx context.Context, info authflow.FetchInfo) {
			var attrs []attribute.KeyValue
			if info.Err != nil {
				attrs = append(attrs, semconv.ErrorTypeKey.String(errorType(info.Err)))
			}
			fetches.Record(ctx, info.Duration.Seconds(), metric.WithAttributes(attrs...))

			span := trace.SpanFromContext(ctx)
			span.SetAttributes(attrRequestID.String(info.RequestID), attrAttempts.Int(info.Attempts))
			endSpan(span, attrs, info.Err != nil, info.Err)
		},
	}, nil
}

// StoreHooks returns hooks for [sqlstore.WithHooks] that trace each
// statement of a Store of the given dialect with tp, and measure them with
// mp, as the package's documentation describes. A span holds what the
// statement is for and its table, never its values.
func StoreHooks(dialect sqlstore.Dialect, tp trace.TracerProvider, mp metric.MeterProvider) (sqlstore.Hooks, error) {
	var system attribute.KeyValue
	switch dialect {
	case sqlstore.Postgres:
		system = semconv.DBSystemNamePostgreSQL
	case sqlstore.SQLite:
		system = semconv.DBSystemNameSQLite
	default:
		return sqlstore.Hooks{}, fmt.Errorf("authflowotel: StoreHooks: unknown dialect %v", dialect)
	}
	tracer, meter, err := providers("StoreHooks", tp, mp)
	if err != nil {
		return sqlstore.Hooks{}, err
	}
	statements, err := meter.Float64Histogram("db.client.operation.duration",
		metric.WithUnit("s"), metric.WithExplicitBucketBoundaries(dbBuckets...),
		metric.WithDescription("Duration of the SQL store's statements."))
	if err != nil {
		return sqlstore.Hooks{}, err
	}
	statementAttrs := func(st sqlstore.Statement) []attribute.KeyValue {
		return []attribute.KeyValue{system, semconv.DBOperationName(st.Op), semconv.DBCollectionName(st.Table)}
	}

	return sqlstore.Hooks{
		StatementStart: func(ctx context.Context, st sqlstore.Statement) context.Context {
			attrs := statementAttrs(st)
			if st.Attempt > 1 {
				attrs = append(attrs, attrStoreAttempt.Int(st.Attempt))
			}
			ctx, _ = tracer.Start(ctx, st.Op+" "+st.Table, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
			return ctx
		},
		StatementDone: func(ctx context.Context, st sqlstore.Statement, info sqlstore.StatementInfo) {
			var attrs []attribute.KeyValue
			if info.Err != nil {
				attrs = append(attrs, semconv.ErrorTypeKey.String(errorType(info.Err)))
			}
			statements.Record(ctx, info.Duration.Seconds(), metric.WithAttributes(append(statementAttrs(st), attrs...)...))
			endSpan(trace.SpanFromContext(ctx), attrs, failed(info.Err), info.Err)
		},
	}, nil
}

// Transport returns an [http.RoundTripper] that sends each request through
// base (through [http.DefaultTransport] when base is nil) with the W3C trace
// context of the request's context in its traceparent header, so that the
// server's spans join the trace of the client's attempt. It changes nothing
// else, and starts no span.
func Transport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return traceContextTransport{base}
}

type traceContextTransport struct{ base http.RoundTripper }

func (t traceContextTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if trace.SpanContextFromContext(r.Context()).IsValid() {
		r = r.Clone(r.Context()) // a RoundTripper must not change the request it is given
		propagation.TraceContext{}.Inject(r.Context(), propagation.HeaderCarrier(r.Header))
	}
	return t.base.RoundTrip(r)
}

// endSpan sets attrs on span and ends it, with an error status when failed.
func endSpan(span trace.Span, attrs []attribute.KeyValue, failed bool, err error) {
	span.SetAttributes(attrs...)
	if failed {
		span.SetStatus(codes.Error, errorText(err))
	}
	span.End()
}

// failed reports whether err is a failure of the work rather than an answer:
// a flow that is not found is an answer.
func failed(err error) bool {
	return err != nil && !errors.Is(err, apierrors.NotFound)
}

// errorType returns the error.type of err: "timeout" or "canceled" when a
// context's end caused it, else its API error code (see codeType).
func errorType(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	return codeType(apierrors.CodeOf(err))
}

// codeType returns c if it is one of the API's codes, else "_OTHER", as
// OpenTelemetry's conventions ask: a server may send any code, and a
// metric must not get a series for each.
func codeType(c apierrors.Code) string {
	switch c {
	case apierrors.BadRequest, apierrors.InvalidValue, apierrors.RequiredValue, apierrors.UnexpectedRefType,
		apierrors.BadAuthToken, apierrors.NotAuthenticated, apierrors.NotPermitted, apierrors.NotFound,
		apierrors.InvalidAction, apierrors.Unexpected, apierrors.Unknown, apierrors.NotImplemented:
		return string(c)
	}
	return "_OTHER"
}

// maxErrorText bounds the error text a span's status carries: a store's
// error, or a panic's stack, can be of any length.
const maxErrorText = 256

// errorText returns err's text, cut at maxErrorText bytes (at a character
// boundary, with "…" added), or "" for nil.
func errorText(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	if len(s) <= maxErrorText {
		return s
	}
	return strings.ToValidUTF8(s[:maxErrorText], "") + "…"
}

// knownMethod returns method if it is one of HTTP's, else "_OTHER", as
// OpenTelemetry's conventions ask, so that a hostile method cannot make
// span names without bound.
func knownMethod(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return method
	}
	return "_OTHER"
}
