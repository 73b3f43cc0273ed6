package authflow

import (
	"context"
	"net/http"
	"time"

	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/ids"
)

// HandlerHooks observe the handler that [NewHandler] makes, for metrics and
// traces, without this module depending on any library of them. Every field
// may be nil; a handler without hooks does no work for them. A hook is
// called on the request's goroutine, from many requests at once: it must be
// safe for concurrent use, and it should return quickly. The exception is a
// store that passes its time limit ([WithStoreTimeout]): StoreDone and
// RequestDone are then called, once each, on the goroutine of the timer
// that answers the request, while the store may still be running.
//
// The Start hooks return the context for what follows, so that a tracer can
// start a span in one and end it in the matching Done hook: they must return
// the context they are given or one derived from it. One that returns nil is
// taken to have returned the context it was given.
//
// A hook that panics is handled as a panic in the Store: in StoreStart or
// StoreDone, it is logged and answered 500 unexpected, and RequestDone is
// still called. A panic in RequestStart or RequestDone goes on to net/http's
// server, which logs it and drops the connection (RequestDone is then not
// called, or was called already). On the timer's goroutine, where no server
// would recover it, a panic is logged (unless the logger is what panics) and
// what follows still runs: the 500 is sent, and RequestDone is called after
// a StoreDone that panicked. A panic with [http.ErrAbortHandler] in the
// Authorizer, the Store, StoreStart or StoreDone aborts the request, as
// net/http defines: StoreDone (once StoreStart has returned) and RequestDone
// are called first, with that error and status 0.
type HandlerHooks struct {
	// RequestStart is called when a request arrives, after its request ID is
	// chosen (ctx carries it: see [RequestID]) and before it is
	// authenticated. The context it returns is the request's from then on:
	// the Authorizer, the Store and the other hooks get it.
	RequestStart func(ctx context.Context, r *http.Request) context.Context

	// StoreStart is called just before the Store is asked for the flow id.
	// The context it returns is the one the Store gets (with the store's
	// time limit applied to it).
	StoreStart func(ctx context.Context, id ids.AuthflowID) context.Context

	// StoreDone is called when the Store has answered (a panic counts as
	// an error), or when its time limit passed first, with the context
	// StoreStart returned (the request's when StoreStart is nil).
	StoreDone func(ctx context.Context, info StoreInfo)

	// RequestDone is called once for every request, after its response is
	// written, with the context RequestStart returned (the request's, with
	// its request ID, when RequestStart is nil).
	RequestDone func(ctx context.Context, info RequestInfo)
}

// WithHandlerHooks makes the handler call hooks as [HandlerHooks] describes.
func WithHandlerHooks(hooks HandlerHooks) HandlerOption {
	return handlerOptionFunc(func(h *handler) { h.hooks = hooks })
}

// StoreInfo describes one call of the Store by the handler, for
// [HandlerHooks].StoreDone.
type StoreInfo struct {
	AuthflowID ids.AuthflowID
	Duration   time.Duration // from the call until the Store answered or its time limit passed
	// Err is what the Store returned (a panic is an error too) or, past its
	// time limit, an error for which errors.Is(err, context.DeadlineExceeded)
	// holds; nil if it found the flow.
	Err error
}

// RequestInfo describes how a request was answered, for
// [HandlerHooks].RequestDone.
type RequestInfo struct {
	RequestID  string
	AuthflowID ids.AuthflowID // zero unless the path held a valid authflow ID
	Status     int            // the HTTP status sent; 0 if the request was aborted (see [HandlerHooks])
	Code       apierrors.Code // the error code sent; "" with status 200
	StoreTime  time.Duration  // the time spent in the Store; zero if it was not called
	Duration   time.Duration  // from RequestStart until the response was written
	// Err is why the request failed, as the handler saw it: the error it
	// sent, or, behind a 500, the detail it logged and did not send. It is
	// nil with status 200.
	Err error
}

// ClientHooks observe a [Client], for metrics and traces, without this
// module depending on any library of them. Every field may be nil; a client
// without hooks does no work for them. The hooks are called on the goroutine
// of the call, from many calls at once: they must be safe for concurrent
// use, and they should return quickly.
//
// The Start hooks return the context for what follows, so that a tracer can
// start a span in one and end it in the matching Done hook: they must return
// the context they are given or one derived from it. One that returns nil is
// taken to have returned the context it was given. A hook that panics
// panics the call, as code of the caller's would.
type ClientHooks struct {
	// FetchStart is called when [Client.FetchAuthflow] starts, before it
	// checks anything. The context it returns is the one of the call from
	// then on: the client takes the request ID from it (see [RequestID]),
	// and it is the one the attempts start from.
	FetchStart func(ctx context.Context, id ids.AuthflowID) context.Context

	// AttemptStart is called before each attempt, numbered from 1. The
	// context it returns is the one of the attempt's HTTP request, so that
	// a transport that traces requests sees them as its children.
	AttemptStart func(ctx context.Context, attempt int) context.Context

	// AttemptDone is called after each attempt, with the context
	// AttemptStart returned.
	AttemptDone func(ctx context.Context, info AttemptInfo)

	// FetchDone is called once for every call, when [Client.FetchAuthflow]
	// returns, even when it sent nothing, with the context FetchStart
	// returned.
	FetchDone func(ctx context.Context, info FetchInfo)
}

// WithClientHooks makes the client call hooks as [ClientHooks] describes.
// The default is no hooks.
func WithClientHooks(hooks ClientHooks) ClientOption {
	return clientOptionFunc(func(c *clientConfig) { c.hooks = hooks })
}

// AttemptInfo describes one attempt of a call, for
// [ClientHooks].AttemptDone.
type AttemptInfo struct {
	Attempt   int           // numbered from 1
	RequestID string        // the X-Request-Id sent
	Status    int           // the HTTP status received; 0 if no response was
	Duration  time.Duration // from sending the request until its body was read, or it failed
	Err       error         // why the attempt failed; nil if it returned the flow
	// Retry reports whether the client retries: it waits for Wait (which
	// may be zero: the backoff's jitter is full), then makes another
	// attempt. A context that ends during the wait ends the call then,
	// without another attempt.
	Retry bool
	Wait  time.Duration // zero unless Retry
}

// FetchInfo describes a whole call of [Client.FetchAuthflow], for
// [ClientHooks].FetchDone.
type FetchInfo struct {
	AuthflowID ids.AuthflowID
	RequestID  string        // the X-Request-Id sent on each attempt; "" if the call sent none
	Attempts   int           // how many requests were made
	Duration   time.Duration // the whole call, waits included
	Err        error         // what the call returned; nil if it returned the flow
}
