// Package authflowotel turns the hooks of the authflow handler, client and
// SQL store into OpenTelemetry spans and metrics. It lives in a module of its
// own, so that the authflow module itself does not depend on OpenTelemetry.
//
//	hh, err := authflowotel.HandlerHooks(tp, mp)
//	h, err := authflow.NewHandler(store, authz, authflow.WithHandlerHooks(hh))
//
//	sh, err := authflowotel.StoreHooks(sqlstore.Postgres, tp, mp)
//	store, err := sqlstore.New(db, sqlstore.Postgres, sqlstore.WithHooks(sh))
//
//	ch, err := authflowotel.ClientHooks(tp, mp)
//	c, err := authflow.NewClient(baseURL, authflow.WithClientHooks(ch),
//		authflow.WithHTTPClient(&http.Client{Transport: authflowotel.Transport(nil)}))
//
// The tracer and meter providers are passed in (the SDK's, or
// otel.GetTracerProvider() and otel.GetMeterProvider() for the global ones).
// Attribute names follow OpenTelemetry's semantic conventions where one fits
// (http.response.status_code, db.operation.name, error.type); those of this
// package start with "authflow.". Durations are in seconds.
//
// # The spans of one fetch
//
// A call of [authflow.Client.FetchAuthflow] through a server that uses all
// three sets of hooks makes one trace:
//
//	authflow.Client.FetchAuthflow                  internal
//	  GET /api/v1/authflow/{authflow_id}           client: one per attempt
//	    GET /api/v1/authflow/{authflow_id}         server
//	      authflow.Store.FetchAuthflow             internal
//	        fetch authflows                        client: one per SQL statement
//
// The client's spans: one for the call, with the flow's ID, the request ID
// sent and the number of attempts; under it one per attempt, with its number,
// its request ID, the status received and, when the client waits before the
// retry that follows it, that wait (authflow.retry.wait, in seconds). A
// retry's span also has http.request.resend_count.
//
// The server span is a child of the W3C trace context that the request's
// traceparent header carries, if any: the client's attempt, when the client's
// transport is [Transport] (or another that sends it, such as otelhttp's with
// the W3C propagator). When a middleware such as otelhttp's handler has
// already started a span for the request, the hooks start none of their own:
// they set their attributes on that span and put the store's span under it,
// so that a request never has two server spans. Either way the server span
// gets the request ID, the status and the error code sent, and an error
// status for a 5xx.
//
// # Errors
//
// error.type is the API error code ("not_found", "unexpected", …), or
// "timeout" or "canceled" when a context's deadline or cancellation ended the
// work; a code the API does not define (a server may send any) is "_OTHER",
// so that a metric gets no series for each. A span ends with an error status
// when its work failed: a flow that is not found is an answer, not a failure,
// except for the client, for which any error is one (as OpenTelemetry's
// conventions have it for a 4xx).
//
// # Metrics
//
// Every histogram counts its calls too, one series per outcome:
//
//   - authflow.server.request.duration: the handler's requests, by
//     http.response.status_code and error.type.
//   - authflow.server.store.duration: the handler's calls of its Store, by
//     error.type.
//   - authflow.client.fetch.duration: the calls of FetchAuthflow, waits
//     included, by error.type.
//   - authflow.client.attempts (a counter): the requests the client sent, by
//     http.response.status_code (none when no response came) and error.type.
//   - authflow.client.retries (a counter): the attempts after a call's first.
//   - db.client.operation.duration: the SQL store's statements, by
//     db.system.name, db.operation.name, db.collection.name and error.type.
package authflowotel
