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
// clients: store errors, panics (with their stack), invalid flows. Each
// record names the authflow ID and the error, never the flow's data nor the
// request's credentials. The default is [slog.Default]; a nil logger
// discards.
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
//     authentications are logged, at most five a second, with the remote
//     address and never the credentials.
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

	hooks HandlerHooks
}

// authLogPerSecond is how many failed authentications a handler logs in a
// second; it counts the others and says how many it left out.
const authLogPerSecond = 5

// A rateLimit lets at most limit events through in each second, counting
// the rest.
type rateLimit struct {
	limit int

	mu         sync.Mutex
	second     int64 // the Unix second being counted
	n          int   // events in that second
	suppressed int   // events not let through since the last one that was
}

// allow reports whether an event at now may be logged and, if so, how many
// were suppressed before it.
func (l *rateLimit) allow(now time.Time) (ok bool, suppressed int) {
	l.mu.Lock()
	defer l.mu.Unlock()
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

// headers sets the headers every response carries, with values of its own:
// a middleware that changes one in place changes no other response.
func setHeaders(hdr http.Header) {
	v := new([3]string)
	*v = [3]string{"application/json", "no-store", "nosniff"}
	hdr["Content-Type"] = v[0:1:1]
	hdr["Cache-Control"] = v[1:2:2]
	hdr["X-Content-Type-Options"] = v[2:3:3]
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
	setHeaders(w.Header())
	ctx := r.Context()
	var id ids.AuthflowID
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler { // net/http's way to abort: let it through
				panic(v)
			}
			h.logFailure(ctx, slog.LevelError, "panic while serving a request", id,
				fmt.Sprint(v), string(debug.Stack()))
			writeConst(w, r, http.StatusInternalServerError, bodyInternal)
		}
	}()

	// 1. Authenticate, before anything of the request is looked at.
	actx, err := h.authz.Authenticate(r)
	if err != nil {
		h.authFailed(r, err)
		h.fail(w, r, id, err, "authenticate")
		return
	}
	if actx != nil {
		ctx = actx
	}

	// 2. Route, on the path as it was sent: an escaped byte in the prefix
	// (/api%2Fv1%2Fauthflow%2F…) is another path, as a proxy matching raw
	// paths sees it.
	raw, ok := strings.CutPrefix(r.URL.EscapedPath(), PathPrefix)
	if !ok || raw == "" || strings.IndexByte(raw, '/') >= 0 {
		writeConst(w, r, http.StatusNotFound, bodyPathNotFound)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header()["Allow"] = []string{"GET, HEAD"}
		writeConst(w, r, http.StatusMethodNotAllowed, bodyMethod)
		return
	}

	// 3. Parse the ID.
	id, err = ids.ParseAuthflowID(raw)
	if err != nil {
		h.writeError(w, r, invalidID(err))
		return
	}

	// 4. Fetch, within the store's time limit.
	flow, stored, err, answered := h.fetch(w, r, ctx, id)
	switch {
	case answered:
		return // the time limit passed, and was answered
	case err != nil:
		h.fail(w, r, id, err, "fetch")
		return
	case flow == nil:
		h.fail(w, r, id, errors.New("store returned neither a flow nor an error"), "fetch")
		return
	case flow.ID != id:
		h.fail(w, r, id, errors.New("store returned the flow "+flow.ID.String()), "fetch")
		return
	}

	// 5. Authorize the flow, before it is validated: a caller refused here
	// learns nothing of its content or validity.
	if err := h.authz.Authorize(ctx, flow); err != nil {
		h.fail(w, r, id, err, "authorize")
		return
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
			h.fail(w, r, id, serverFault{err}, "validate the stored flow")
			return
		}
		if body, err = AppendFetchResponse((*bp)[:0], flow); err != nil {
			bufPool.Put(bp)
			h.fail(w, r, id, serverFault{err}, "encode")
			return
		}
	}
	writeBody(w, r, http.StatusOK, body)
	if cap(body) <= maxPooled {
		*bp = body
		bufPool.Put(bp)
	}
}

// errStoreTimeout reports a store that did not answer within its time
// limit.
var errStoreTimeout = errors.New("the store did not answer within its time limit")

// fetch calls the store, on this goroutine, with a context that ends at the
// store's time limit. If the limit passes first, a timer cancels that
// context and answers the request 500 then and there, and answered is true
// once the store returns: a store that ignores its context holds its
// goroutine, not the client. A panic in the store is returned as an error.
//
// Calling the store here rather than on a goroutine of its own spares each
// request a goroutine's start and the wake-up of another thread, which cost
// more than the rest of the handler's work.
//
// From a [MemoryStore] it also returns the stored entry, whose JSON the
// handler serves when the authorizer leaves the flow's copy as it was:
// under load that spares a third of the server's time per request.
func (h *handler) fetch(w http.ResponseWriter, r *http.Request, ctx context.Context, id ids.AuthflowID) (flow *Authflow, stored memoryEntry, err error, answered bool) {
	ctx, cancel := context.WithCancelCause(ctx)
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
		h.logFailure(r.Context(), slog.LevelError, "request failed during fetch", id, errStoreTimeout.Error(), "")
		writeConst(w, r, http.StatusInternalServerError, bodyInternal)
		_ = http.NewResponseController(w).Flush() // the client has its answer now
	})
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			flow, stored, err = nil, memoryEntry{}, fmt.Errorf("store panicked: %v\n%s", v, debug.Stack())
		}
		timer.Stop()
		mu.Lock()
		returned = true
		answered = timedOut
		mu.Unlock()
	}()
	if m, ok := h.store.(*MemoryStore); ok {
		if stored, err = m.lookup(ctx, id); err == nil {
			flow = stored.flow.Clone()
		}
		return flow, stored, err, false
	}
	flow, err = h.store.FetchAuthflow(ctx, id)
	return flow, stored, err, false
}

// authFailed logs a failed authentication, at most authLogPerSecond a
// second: the remote address and the code, never the credentials.
func (h *handler) authFailed(r *http.Request, err error) {
	ok, suppressed := h.authLog.allow(time.Now())
	if !ok {
		return
	}
	h.log.LogAttrs(r.Context(), slog.LevelWarn, "authflow: authentication failed",
		slog.String("remote_addr", bounded(r.RemoteAddr)),
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
// generic message.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, id ids.AuthflowID, err error, during string) {
	if _, fault := err.(serverFault); !fault {
		if e := sendable(err); e != nil {
			h.writeError(w, r, e)
			return
		}
	}
	level := slog.LevelError
	if r.Context().Err() != nil {
		level = slog.LevelInfo // the client went away; nothing failed on our side
	}
	h.logFailure(r.Context(), level, "request failed during "+during, id, err.Error(), "")
	writeConst(w, r, http.StatusInternalServerError, bodyInternal)
}

// maxLogDetail bounds each detail a log record carries.
const maxLogDetail = 1024

// logFailure logs a failure answered 500: one record, whose detail (an
// error's text, a stack) is cut at maxLogDetail bytes with control
// characters escaped, so that a store's huge or hostile error costs one
// short line.
func (h *handler) logFailure(ctx context.Context, level slog.Level, what string, id ids.AuthflowID, detail, stack string) {
	attrs := []slog.Attr{slog.String("authflow_id", id.String()), slog.String("error", bounded(detail))}
	if stack != "" {
		attrs = append(attrs, slog.String("stack", bounded(stack)))
	}
	h.log.LogAttrs(ctx, level, "authflow: "+what+"; answered 500", attrs...)
}

// bounded returns s escaped and cut at maxLogDetail bytes, so that it stays
// one short line.
func bounded(s string) string { return safetext.Bounded(s, maxLogDetail) }

// sendable returns the API error that answers err, when the outermost API
// error in err's chain is one its maker chose to send: an [*apierrors.Error]
// made by New or Wrap, or a bare [apierrors.Code] (sent with the code's
// description). It returns nil for an error without one, and for a report
// of refused values (made by apierrors.Invalid, as this module's decoding
// and validation make them): from a store or an authorizer, such a report
// describes the server's own data, not the client's request.
func sendable(err error) *apierrors.Error {
	code := apierrors.CodeOf(err)
	var e *apierrors.Error
	if errors.As(err, &e) && e.Code() == code {
		if e.IsReport() || code == "" {
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
