package authflow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/ids"
	"github.com/authflow-dev/authflow-go/internal/safetext"
)

// PathPrefix is the path under which the endpoint lives: a request for
// PathPrefix + "{authflow_id}" fetches that flow. Mount the handler there
// (mux.Handle(authflow.PathPrefix, h)) or at the root of a server.
const PathPrefix = "/api/v1/authflow/"

// A HandlerOption configures [NewHandler]. Options are made by the With…
// functions of this package; the interface is sealed.
type HandlerOption interface {
	applyHandler(*handler)
}

type handlerOptionFunc func(*handler)

func (f handlerOptionFunc) applyHandler(h *handler) { f(h) }

// WithLogger sets the logger for the failures the handler hides from
// clients: store errors, panics (with their stack), invalid flows; and for
// failed authentications. Each record names the request ID and, for a
// failure, the authflow ID and the error, never the flow's data nor the
// request's credentials; [NewHandler] says how many lines it writes. The
// default is [slog.Default]; a nil logger discards.
func WithLogger(l *slog.Logger) HandlerOption {
	return handlerOptionFunc(func(h *handler) {
		if l == nil {
			l = slog.New(slog.DiscardHandler)
		}
		h.log = l
	})
}

// WithStoreTimeout sets how long the store may take to answer one request.
// The default is [DefaultStoreTimeout]. Past it the store's context is
// cancelled and the request is answered 500 at once, even if the store
// ignores its context: the client has its answer, while the store keeps the
// request's goroutine (and its connection) until it returns, and its answer
// is dropped. d must be positive: NewHandler fails otherwise.
func WithStoreTimeout(d time.Duration) HandlerOption {
	return handlerOptionFunc(func(h *handler) { h.storeTimeout = d })
}

// DefaultStoreTimeout is how long the handler lets a store take, unless
// [WithStoreTimeout] says otherwise.
const DefaultStoreTimeout = 5 * time.Second

// WithRealm sets the realm of the WWW-Authenticate challenge on 401
// responses. The default is "authflow". NewHandler fails if realm holds a
// double quote, a backslash or a control character, which a quoted-string
// cannot carry unescaped.
func WithRealm(realm string) HandlerOption {
	return handlerOptionFunc(func(h *handler) { h.realm = realm })
}

// NewHandler returns the http.Handler of GET /api/v1/authflow/{authflow_id}
// over store, with authz deciding who may see what. It works in this order,
// and answers:
//
//  1. authz.Authenticate, first of all, before the path or the ID's syntax
//     is looked at: 401 not_authenticated or bad_authtoken (with
//     WWW-Authenticate) or 403 not_permitted as it decides. Failed
//     authentications are logged with the request ID and the code, never
//     the credentials nor the caller's address.
//  2. The route, matched on the path as it was sent (its escaped form): any
//     other path, including one whose prefix is percent-encoded, is 404
//     not_found; a method other than GET or HEAD is 405 bad_request with
//     Allow: GET, HEAD.
//  3. The ID: one that is not a canonical authflow ID is 400 invalid_value.
//  4. The store, within its time limit ([WithStoreTimeout]): see [Store] for
//     what its errors answer. A panic, a time limit passed, no flow or a flow
//     with another ID is 500 unexpected.
//  5. authz.Authorize on the flow found, before the flow is validated: a
//     caller it refuses learns nothing of the flow's content or validity.
//     It does learn that the flow exists when the refusal is 403
//     not_permitted, as [DomainTokens] answers, since a missing flow is 404
//     not_found; an Authorizer that must hide that too refuses with
//     [apierrors.NotFound].
//  6. Validation: a flow that fails [Authflow.Validate] is 500 unexpected.
//  7. 200 {"status":"success","summary":{…}} (HEAD: the headers alone).
//
// Every response is JSON, with Content-Type: application/json,
// Cache-Control: no-store and X-Content-Type-Options: nosniff, each with
// values of its own. A 500 carries a generic message; its detail goes to
// the log, one line with each detail cut at 1 KiB, never to the client.
//
// Every response, whatever its status, carries an X-Request-Id header: the
// ID that the request's context carries (see [ContextWithRequestID]) if it
// is plain, else the request's own X-Request-Id if it sent exactly one and
// it is plain, else a new one of 26 characters; plain is 1 to
// [MaxRequestIDLen] characters of A-Z a-z 0-9 . _ -. The context that
// Authenticate gets (in its request), the one the store and Authorize get,
// and those of the hooks ([WithHandlerHooks]) carry that ID: see
// [RequestID]. Every line the handler logs carries it as "request_id".
//
// The log is bounded in volume: at most 5 lines a second about failed
// authentications, and at most 10 a second about requests answered 500
// (store errors, time-outs, panics, invalid stored flows, requests whose
// client went away). Past that, lines are left out, and the next line
// logged of the same kind says how many in its "suppressed" attribute. No
// line holds the flow's data, the credentials or the caller's address; a
// store's error text is logged as it is, escaped and cut at 1 KiB.
//
// The request's context (as returned by Authenticate) is passed to the store,
// so a client that goes away cancels the fetch. The handler is safe for
// concurrent use.
//
// NewHandler fails if store or authz is nil (pass [AllowAll] explicitly for
// a handler without authorization), if authz is a [BearerToken] or
// [DomainTokens] given a token no request can carry, or if an option's
// value is out of range.
func NewHandler(store Store, authz Authorizer, opts ...HandlerOption) (http.Handler, error) {
	if store == nil {
		return nil, errors.New("authflow: NewHandler: nil Store (pass your storage, or a MemoryStore for tests)")
	}
	if authz == nil {
		return nil, errors.New("authflow: NewHandler: nil Authorizer (pass AllowAll explicitly to serve without authorization)")
	}
	if err := configError(authz); err != nil {
		return nil, err
	}
	h := &handler{store: store, authz: authz, log: slog.Default(), realm: "authflow", storeTimeout: DefaultStoreTimeout}
	for _, o := range opts {
		o.applyHandler(h)
	}
	if h.storeTimeout <= 0 {
		return nil, fmt.Errorf("authflow: NewHandler: WithStoreTimeout(%v): the time limit must be positive", h.storeTimeout)
	}
	if strings.ContainsFunc(h.realm, func(r rune) bool { return r == '"' || r == '\\' || r < 0x20 || r == 0x7f }) {
		return nil, fmt.Errorf("authflow: NewHandler: WithRealm(%q): the realm must not hold quotes, backslashes or control characters", h.realm)
	}
	h.challenge = `Bearer realm="` + h.realm + `"`
	h.challengeInvalid = `Bearer realm="` + h.realm + `", error="invalid_token"`
	h.authLog.limit = authLogPerSecond
	h.failLog.limit = failureLogPerSecond
	h.hooked = h.hooks.RequestStart != nil || h.hooks.StoreStart != nil || h.hooks.StoreDone != nil || h.hooks.RequestDone != nil
	if h.hooked {
		h.epoch = time.Now()
	}
	return h, nil
}

type handler struct {
	store        Store
	authz        Authorizer
	log          *slog.Logger
	realm        string
	storeTimeout time.Duration

	// WWW-Authenticate values.
	challenge, challengeInvalid string

	authLog rateLimit // failed authentications logged
	failLog rateLimit // failures answered 500 logged

	hooks  HandlerHooks
	hooked bool      // a hook is set
	epoch  time.Time // when the handler was made: see clock
}

// clock returns the time since the handler was made, on the monotonic
// clock: the hooks' times are differences of two readings. One reading
// costs half of time.Now, which also reads the wall clock: with no-op
// hooks, that half was 2% of a request's time.
func (h *handler) clock() time.Duration { return time.Since(h.epoch) }

// How many lines a handler logs in a second, at most, of each kind; it
// counts the others and says on the next line it logs how many it left out
// ("suppressed"). A store that fails on every request thus costs at most
// failureLogPerSecond lines a second however many requests it fails.
const (
	// authLogPerSecond bounds the lines about failed authentications.
	authLogPerSecond = 5
	// failureLogPerSecond bounds the lines about requests answered 500:
	// store errors, time-outs, panics, invalid stored flows, and requests
	// whose client went away.
	failureLogPerSecond = 10
)

// A rateLimit lets at most limit events through in each second, counting
// the rest.
type rateLimit struct {
	limit int
	now   func() time.Time // the clock, for tests; nil for time.Now

	mu         sync.Mutex
	second     int64 // the Unix second being counted
	n          int   // events in that second
	suppressed int   // events not let through since the last one that was
}

// allow reports whether an event now may be logged and, if so, how many
// were suppressed before it. It reads the clock under its lock, so that
// the events it counts come in the clock's order: a time read before the
// lock and stale by the time it is counted would start its second's count
// again.
func (l *rateLimit) allow() (ok bool, suppressed int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var now time.Time
	if l.now != nil {
		now = l.now()
	} else {
		now = time.Now()
	}
	if s := now.Unix(); s != l.second {
		l.second, l.n = s, 0
	}
	if l.n >= l.limit {
		l.suppressed++
		return false, 0
	}
	l.n++
	suppressed, l.suppressed = l.suppressed, 0
	return true, suppressed
}

// setHeaders sets the headers every response carries, and X-Request-Id to
// reqID unless it is "", with values of its own (one allocation): a
// middleware that changes one in place changes no other response.
func setHeaders(hdr http.Header, reqID string) {
	v := new([4]string)
	*v = [4]string{"application/json", "no-store", "nosniff", reqID}
	hdr["Content-Type"] = v[0:1:1]
	hdr["Cache-Control"] = v[1:2:2]
	hdr["X-Content-Type-Options"] = v[2:3:3]
	if reqID != "" {
		hdr["X-Request-Id"] = v[3:4:4]
	}
}

// The bodies of the answers the handler itself makes, pre-encoded. Their
// messages go to clients.
const (
	bodyPathNotFound = `{"status":"error","code":"not_found","message":"no such endpoint: the path is /api/v1/authflow/{authflow_id}"}`
	bodyMethod       = `{"status":"error","code":"bad_request","message":"method not allowed: use GET or HEAD"}`
	bodyInternal     = `{"status":"error","code":"unexpected","message":"internal server error"}`
)

// bufPool recycles response buffers. Buffers that grew past maxPooled are
// dropped so that one huge flow does not pin memory.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

const maxPooled = 64 << 10

// ServeHTTP implements http.Handler.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := requestIDFor(r)
	hdr := w.Header()
	setHeaders(hdr, reqID)
	ctx := r.Context()
	if RequestID(ctx) != reqID {
		ctx = context.WithValue(ctx, requestIDKey{}, reqID)
	}
	if !h.hooked {
		if ctx != r.Context() {
			r = r.WithContext(ctx)
		}
		h.serve(w, r, requestState{})
		return
	}
	rs := requestState{id: reqID, start: h.clock()}
	if h.hooks.RequestStart != nil {
		if c := h.hooks.RequestStart(ctx, r); c != nil {
			ctx = c
		}
	}
	rs.ctx = ctx
	if ctx != r.Context() {
		r = r.WithContext(ctx)
	}
	if out := h.serve(w, r, rs); out.Status != 0 {
		h.requestDone(rs, out)
	}
}

// A requestState is what the hooks need of one request; its zero value
// when no hook is set. It is passed by value, so that the store's timer
// holds a copy rather than making it escape to the heap.
type requestState struct {
	ctx   context.Context // the one RequestStart returned
	id    string          // the request ID
	start time.Duration   // h.clock() when the request arrived
}

// requestDone completes info and calls RequestDone.
func (h *handler) requestDone(rs requestState, info RequestInfo) {
	info.RequestID = rs.id
	info.Duration = h.clock() - rs.start
	if h.hooks.RequestDone != nil {
		h.hooks.RequestDone(rs.ctx, info)
	}
}

// serve answers r, whose context carries its request ID, and returns what
// it answered, for RequestDone: all but RequestID and Duration. Status 0
// means that the store's timer answered (and called the hooks).
func (h *handler) serve(w http.ResponseWriter, r *http.Request, rs requestState) (out RequestInfo) {
	ctx := r.Context()
	var id ids.AuthflowID
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler { // net/http's way to abort: let it through
				if h.hooked {
					h.requestDone(rs, RequestInfo{AuthflowID: id, Err: http.ErrAbortHandler})
				}
				panic(v)
			}
			h.logFailure(ctx, slog.LevelError, "panic while serving a request", id,
				fmt.Sprint(v), string(debug.Stack()))
			writeConst(w, r, http.StatusInternalServerError, bodyInternal)
			out.Status, out.Code, out.Err = http.StatusInternalServerError, apierrors.Unexpected, fmt.Errorf("panic: %v", v)
		}
		out.AuthflowID = id
	}()

	// 1. Authenticate, before anything of the request is looked at.
	actx, err := h.authz.Authenticate(r)
	if err != nil {
		h.authFailed(r, err)
		return h.fail(w, r, id, err, "authentication")
	}
	if actx != nil && actx != ctx {
		if RequestID(actx) != RequestID(ctx) { // an Authorizer that started afresh
			actx = context.WithValue(actx, requestIDKey{}, RequestID(ctx))
		}
		ctx = actx
	}

	// 2. Route, on the path as it was sent: an escaped byte in the prefix
	// (/api%2Fv1%2Fauthflow%2F…) is another path, as a proxy matching raw
	// paths sees it.
	raw, ok := strings.CutPrefix(r.URL.EscapedPath(), PathPrefix)
	if !ok || raw == "" || strings.IndexByte(raw, '/') >= 0 {
		writeConst(w, r, http.StatusNotFound, bodyPathNotFound)
		return RequestInfo{Status: http.StatusNotFound, Code: apierrors.NotFound, Err: apierrors.NotFound}
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header()["Allow"] = []string{"GET, HEAD"}
		writeConst(w, r, http.StatusMethodNotAllowed, bodyMethod)
		return RequestInfo{Status: http.StatusMethodNotAllowed, Code: apierrors.BadRequest, Err: apierrors.BadRequest}
	}

	// 3. Parse the ID.
	id, err = ids.ParseAuthflowID(raw)
	if err != nil {
		e := invalidID(err)
		h.writeError(w, r, e)
		return RequestInfo{Status: e.Code().HTTPStatus(), Code: e.Code(), Err: e}
	}

	// 4. Fetch, within the store's time limit.
	flow, stored, storeTime, err, answered := h.fetch(w, r, ctx, id, rs)
	defer func() { out.StoreTime = storeTime }()
	switch {
	case answered:
		return RequestInfo{} // the time limit passed, and was answered
	case err != nil:
		return h.fail(w, r, id, err, "the fetch")
	case flow == nil:
		return h.fail(w, r, id, errors.New("store returned neither a flow nor an error"), "the fetch")
	case flow.ID != id:
		return h.fail(w, r, id, errors.New("store returned the flow "+flow.ID.String()), "the fetch")
	}

	// 5. Authorize the flow, before it is validated: a caller refused here
	// learns nothing of its content or validity.
	if err := h.authz.Authorize(ctx, flow); err != nil {
		return h.fail(w, r, id, err, "authorization")
	}

	// 6. Validate: a flow that breaks a rule is the server's failure. And 7,
	// encode. A MemoryStore's flow that the authorizer left as it was is
	// both already.
	bp := bufPool.Get().(*[]byte)
	var body []byte
	if stored.summary != nil && flow.equal(stored.flow) {
		body = append(append(append((*bp)[:0], envelopeStart...), stored.summary...), envelopeEnd)
	} else {
		if err := flow.Validate(); err != nil {
			bufPool.Put(bp)
			return h.fail(w, r, id, serverFault{err}, "the validation of the stored flow")
		}
		if body, err = AppendFetchResponse((*bp)[:0], flow); err != nil {
			bufPool.Put(bp)
			return h.fail(w, r, id, serverFault{err}, "encoding")
		}
	}
	writeBody(w, r, http.StatusOK, body)
	if cap(body) <= maxPooled {
		*bp = body
		bufPool.Put(bp)
	}
	return RequestInfo{Status: http.StatusOK}
}

// errStoreTimeout reports a store that did not answer within its time
// limit. It is a [context.DeadlineExceeded], so that a hook tells a time-out
// from the store's own failures with errors.Is.
var errStoreTimeout error = storeTimeout{}

type storeTimeout struct{}

func (storeTimeout) Error() string { return "the store did not answer within its time limit" }
func (storeTimeout) Unwrap() error { return context.DeadlineExceeded }

// fetch calls the store, on this goroutine, with a context that ends at the
// store's time limit. If the limit passes first, a timer cancels that
// context and answers the request 500 then and there (calling StoreDone and
// RequestDone), and answered is true once the store returns: a store that
// ignores its context holds its goroutine, not the client. A panic in the
// store is returned as an error.
//
// Calling the store here rather than on a goroutine of its own spares each
// request a goroutine's start and the wake-up of another thread, which cost
// more than the rest of the handler's work.
//
// From a [MemoryStore] it also returns the stored entry, whose JSON the
// handler serves when the authorizer leaves the flow's copy as it was:
// under load that spares a third of the server's time per request.
func (h *handler) fetch(w http.ResponseWriter, r *http.Request, ctx context.Context, id ids.AuthflowID, rs requestState) (flow *Authflow, stored memoryEntry, storeTime time.Duration, err error, answered bool) {
	// No variable the timer reads changes once it is made: its closure
	// holds copies, and the hooks cost no allocation.
	sctx := ctx // the hooks' context, without the time limit
	if h.hooks.StoreStart != nil {
		if c := h.hooks.StoreStart(ctx, id); c != nil {
			sctx = c
		}
	}
	began := h.storeClock()
	ctx, cancel := context.WithCancelCause(sctx)
	defer cancel(nil)
	var (
		mu       sync.Mutex
		returned bool // the store returned: this goroutine answers
		timedOut bool // the timer answered
	)
	timer := time.AfterFunc(h.storeTimeout, func() {
		mu.Lock()
		defer mu.Unlock()
		if returned {
			return
		}
		timedOut = true
		cancel(errStoreTimeout)
		// No server recovers a panic on this goroutine: each step that runs
		// code of others (the logger, the ResponseWriter, the hooks) is
		// guarded, so that one that panics ends neither the process nor the
		// steps after it.
		h.onTimer(r.Context(), id, func() {
			h.logFailure(r.Context(), slog.LevelError, "request failed during the fetch", id, errStoreTimeout.Error(), "")
		})
		h.onTimer(r.Context(), id, func() {
			writeConst(w, r, http.StatusInternalServerError, bodyInternal)
			_ = http.NewResponseController(w).Flush() // the client has its answer now
		})
		if h.hooked {
			d := h.clock() - began
			h.onTimer(r.Context(), id, func() { h.storeDone(sctx, id, d, errStoreTimeout) })
			h.onTimer(r.Context(), id, func() {
				h.requestDone(rs, RequestInfo{AuthflowID: id, Status: http.StatusInternalServerError,
					Code: apierrors.Unexpected, StoreTime: d, Err: errStoreTimeout})
			})
		}
	})
	defer func() {
		v := recover()
		switch {
		case v == http.ErrAbortHandler:
			flow, stored, err = nil, memoryEntry{}, http.ErrAbortHandler
		case v != nil:
			flow, stored, err = nil, memoryEntry{}, fmt.Errorf("store panicked: %v\n%s", v, debug.Stack())
		}
		timer.Stop()
		mu.Lock()
		returned = true
		answered = timedOut
		mu.Unlock()
		if h.hooked && !answered {
			storeTime = h.clock() - began
			h.storeDone(sctx, id, storeTime, err)
		}
		// An abort goes on to net/http, once the timer is stopped, unless
		// the timer has answered: the store's answer is then dropped.
		if v == http.ErrAbortHandler && !answered {
			panic(v)
		}
	}()
	if m, ok := h.store.(*MemoryStore); ok {
		if stored, err = m.lookup(ctx, id); err == nil {
			flow = stored.flow.Clone()
		}
		return flow, stored, 0, err, false
	}
	flow, err = h.store.FetchAuthflow(ctx, id)
	return flow, stored, 0, err, false
}

// onTimer runs f on the goroutine of the store's timer, where no server
// recovers a panic: a panic in f is logged, unless the logger is what
// panics, rather than ending the process.
func (h *handler) onTimer(ctx context.Context, id ids.AuthflowID, f func()) {
	defer func() {
		if v := recover(); v != nil {
			defer func() { _ = recover() }() // the logger's own panic: nothing left to tell
			h.logFailure(ctx, slog.LevelError, "panic after the store's time limit", id, fmt.Sprint(v), string(debug.Stack()))
		}
	}()
	f()
}

// storeClock returns h.clock() when a hook is set, else 0.
func (h *handler) storeClock() time.Duration {
	if !h.hooked {
		return 0
	}
	return h.clock()
}

// storeDone calls StoreDone.
func (h *handler) storeDone(ctx context.Context, id ids.AuthflowID, d time.Duration, err error) {
	if h.hooks.StoreDone != nil {
		h.hooks.StoreDone(ctx, StoreInfo{AuthflowID: id, Duration: d, Err: err})
	}
}

// authFailed logs a failed authentication, at most authLogPerSecond a
// second: the request ID and the code, never the credentials nor the
// caller's address.
func (h *handler) authFailed(r *http.Request, err error) {
	ok, suppressed := h.authLog.allow()
	if !ok {
		return
	}
	h.log.LogAttrs(r.Context(), slog.LevelWarn, "authflow: authentication failed",
		slog.String("request_id", RequestID(r.Context())),
		slog.String("code", string(apierrors.CodeOf(err))),
		slog.Int("suppressed", suppressed))
}

// invalidID turns a parse error of the path's ID into the 400 the client
// sees: what is wrong and where, without echoing the input back.
func invalidID(err error) *apierrors.Error {
	var pe *ids.ParseError
	msg := "authflow_id: not a canonical authflow ID"
	if errors.As(err, &pe) {
		switch {
		case errors.Is(err, ids.ErrLength):
			msg += ": length " + strconv.Itoa(pe.Length) + ", want 32"
		case errors.Is(err, ids.ErrUppercase):
			msg += ": uppercase character at index " + strconv.Itoa(pe.Index)
		case errors.Is(err, ids.ErrOverflow):
			msg += ": first character above 7"
		default:
			msg += ": invalid character at index " + strconv.Itoa(pe.Index)
		}
	}
	return apierrors.Invalid(apierrors.Problem{Path: "authflow_id", Rule: apierrors.RulePFID, Message: msg[len("authflow_id: "):]})
}

// serverFault marks an error that must be answered 500 even if it is an
// *apierrors.Error (a flow's validation error, say, describes the server's
// data, not the client's request).
type serverFault struct{ err error }

func (e serverFault) Error() string { return e.err.Error() }
func (e serverFault) Unwrap() error { return e.err }

// fail answers err: an API error that the authorizer or the store made on
// purpose passes through; anything else is logged and answered 500 with a
// generic message. It returns what it answered, as serve does.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, id ids.AuthflowID, err error, during string) RequestInfo {
	if _, fault := err.(serverFault); !fault {
		if e := sendable(err); e != nil {
			h.writeError(w, r, e)
			return RequestInfo{Status: e.Code().HTTPStatus(), Code: e.Code(), Err: e}
		}
	}
	level := slog.LevelError
	if r.Context().Err() != nil {
		level = slog.LevelInfo // the client went away; nothing failed on our side
	}
	h.logFailure(r.Context(), level, "request failed during "+during, id, err.Error(), "")
	writeConst(w, r, http.StatusInternalServerError, bodyInternal)
	return RequestInfo{Status: http.StatusInternalServerError, Code: apierrors.Unexpected, Err: err}
}

// maxLogDetail bounds each detail a log record carries.
const maxLogDetail = 1024

// logFailure logs a failure answered 500, at most failureLogPerSecond a
// second: one record with the request ID, whose detail (an error's text, a
// stack) is cut at maxLogDetail bytes with control characters escaped, so
// that a store's huge or hostile error costs one short line.
func (h *handler) logFailure(ctx context.Context, level slog.Level, what string, id ids.AuthflowID, detail, stack string) {
	ok, suppressed := h.failLog.allow()
	if !ok {
		return
	}
	attrs := make([]slog.Attr, 0, 5)
	attrs = append(attrs, slog.String("request_id", RequestID(ctx)), slog.String("authflow_id", id.String()),
		slog.String("error", bounded(detail)))
	if stack != "" {
		attrs = append(attrs, slog.String("stack", bounded(stack)))
	}
	attrs = append(attrs, slog.Int("suppressed", suppressed))
	h.log.LogAttrs(ctx, level, "authflow: "+what+"; answered 500", attrs...)
}

// bounded returns s escaped and cut at maxLogDetail bytes, so that it stays
// one short line.
func bounded(s string) string { return safetext.Bounded(s, maxLogDetail) }

// sendable returns the API error that answers err, when the outermost API
// error in err's chain is one its maker chose to send: an [*apierrors.Error]
// made by New or Wrap, or a bare [apierrors.Code] (sent with the code's
// description). It returns nil for an error without one; for a report of
// refused values (made by apierrors.Invalid, as this module's decoding and
// validation make them): from a store or an authorizer, such a report
// describes the server's own data, not the client's request; and for an
// error that an API answered, or that a client made while it called one
// (its Attempts or StatusCode is not 0): it describes another server, and
// its message may name that server's address.
func sendable(err error) *apierrors.Error {
	code := apierrors.CodeOf(err)
	var e *apierrors.Error
	if errors.As(err, &e) && e.Code() == code {
		if e.IsReport() || code == "" || e.Attempts() != 0 || e.StatusCode() != 0 {
			return nil
		}
		return e
	}
	var c apierrors.Code
	if errors.As(err, &c) && c == code && c != "" {
		return apierrors.New(c, c.Description())
	}
	return nil
}

// writeError answers an API error with its own status and envelope, as
// [WriteError] does, with the handler's realm.
func (h *handler) writeError(w http.ResponseWriter, r *http.Request, e *apierrors.Error) {
	writeAPIError(w, r, e, h.challenge, h.challengeInvalid)
}

// writeConst writes a fixed error body, as [WriteError] writes every error.
func writeConst(w http.ResponseWriter, r *http.Request, status int, body string) {
	writeErrorBody(w, r, status, []byte(body))
}

// writeBody writes the status, Content-Length and, except for HEAD, the body.
func writeBody(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	w.Header()["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}
