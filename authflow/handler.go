package authflow

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"

	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/ids"
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

// WithRealm sets the realm of the WWW-Authenticate challenge on 401
// responses. The default is "authflow". It panics if realm holds a double
// quote, a backslash or a control character, which a quoted-string cannot
// carry unescaped.
func WithRealm(realm string) HandlerOption {
	if strings.ContainsFunc(realm, func(r rune) bool { return r == '"' || r == '\\' || r < 0x20 || r == 0x7f }) {
		panic("authflow: WithRealm: realm must not contain quotes, backslashes or control characters")
	}
	return handlerOptionFunc(func(h *handler) { h.realm = realm })
}

// NewHandler returns the http.Handler of GET /api/v1/authflow/{authflow_id}
// over store, with authz deciding who may see what. It answers:
//
//   - Every response is JSON, with Content-Type: application/json,
//     Cache-Control: no-store and X-Content-Type-Options: nosniff.
//   - authz.Authenticate runs first of all, before the path or the ID's
//     syntax is looked at: 401 not_authenticated or bad_authtoken (with
//     WWW-Authenticate) or 403 not_permitted as it decides.
//   - A path other than /api/v1/authflow/{authflow_id} is 404 not_found; a
//     method other than GET or HEAD is 405 bad_request with Allow: GET, HEAD;
//     an ID that is not a canonical authflow ID is 400 invalid_value.
//   - The store's not-found error is 404 not_found; its other API errors
//     pass through with their own code and status; any other error, a panic,
//     or a flow that fails validation or carries another ID is 500
//     unexpected with a generic message, and the detail goes to the log.
//   - authz.Authorize then decides on the flow itself; if it allows, the
//     answer is 200 {"status":"success","summary":{…}} (HEAD: the headers
//     alone).
//
// The request's context (as returned by Authenticate) is passed to the store,
// so a client that goes away cancels the fetch. The handler is safe for
// concurrent use.
//
// NewHandler panics if store or authz is nil: pass [AllowAll] explicitly for
// a handler without authorization.
func NewHandler(store Store, authz Authorizer, opts ...HandlerOption) http.Handler {
	if store == nil {
		panic("authflow: NewHandler: nil Store (pass your storage, or NewMemoryStore for tests)")
	}
	if authz == nil {
		panic("authflow: NewHandler: nil Authorizer (pass AllowAll explicitly to serve without authorization)")
	}
	h := &handler{store: store, authz: authz, log: slog.Default(), realm: "authflow"}
	for _, o := range opts {
		o.applyHandler(h)
	}
	h.challenge = []string{`Bearer realm="` + h.realm + `"`}
	h.challengeInvalid = []string{`Bearer realm="` + h.realm + `", error="invalid_token"`}
	return h
}

type handler struct {
	store Store
	authz Authorizer
	log   *slog.Logger
	realm string

	// WWW-Authenticate values, built once.
	challenge, challengeInvalid []string
}

// Header values shared by every response. net/http only reads them; they are
// built once rather than per request.
var (
	hdrJSON    = []string{"application/json"}
	hdrNoStore = []string{"no-store"}
	hdrNosniff = []string{"nosniff"}
	hdrAllow   = []string{"GET, HEAD"}
)

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
	hdr := w.Header()
	hdr["Content-Type"] = hdrJSON
	hdr["Cache-Control"] = hdrNoStore
	hdr["X-Content-Type-Options"] = hdrNosniff

	ctx := r.Context()
	var id ids.AuthflowID
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler { // net/http's way to abort: let it through
				panic(v)
			}
			h.log.ErrorContext(ctx, "authflow: panic while serving a request; answered 500",
				"authflow_id", id.String(), "panic", v, "stack", string(debug.Stack()))
			writeConst(w, r, http.StatusInternalServerError, bodyInternal)
		}
	}()

	actx, err := h.authz.Authenticate(r)
	if err != nil {
		h.fail(w, r, id, err, "authenticate")
		return
	}
	if actx != nil {
		ctx = actx
	}

	raw, ok := strings.CutPrefix(r.URL.Path, PathPrefix)
	if !ok || raw == "" || strings.IndexByte(raw, '/') >= 0 {
		writeConst(w, r, http.StatusNotFound, bodyPathNotFound)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hdr["Allow"] = hdrAllow
		writeConst(w, r, http.StatusMethodNotAllowed, bodyMethod)
		return
	}
	id, err = ids.ParseAuthflowID(raw)
	if err != nil {
		h.writeError(w, r, invalidID(err))
		return
	}

	flow, err := h.store.FetchAuthflow(ctx, id)
	switch {
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
	if err := flow.Validate(); err != nil {
		// A server-side failure: the client asked for nothing wrong.
		h.fail(w, r, id, serverFault{err}, "validate the stored flow")
		return
	}
	if err := h.authz.Authorize(ctx, flow); err != nil {
		h.fail(w, r, id, err, "authorize")
		return
	}

	bp := bufPool.Get().(*[]byte)
	body, err := AppendFetchResponse((*bp)[:0], flow)
	if err != nil {
		bufPool.Put(bp)
		h.fail(w, r, id, serverFault{err}, "encode")
		return
	}
	writeBody(w, r, http.StatusOK, body)
	if cap(body) <= maxPooled {
		*bp = body
		bufPool.Put(bp)
	}
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

// fail answers err: an API error from the authorizer or the store passes
// through; anything else is logged and answered 500 with a generic message.
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
	h.log.Log(r.Context(), level, "authflow: request failed; answered 500",
		"during", during, "authflow_id", id.String(), "error", err.Error())
	writeConst(w, r, http.StatusInternalServerError, bodyInternal)
}

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

// writeError answers an API error with its own status and envelope.
func (h *handler) writeError(w http.ResponseWriter, r *http.Request, e *apierrors.Error) {
	status := e.Code().HTTPStatus()
	if status == http.StatusUnauthorized {
		if e.Code() == apierrors.BadAuthToken {
			w.Header()["Www-Authenticate"] = h.challengeInvalid
		} else {
			w.Header()["Www-Authenticate"] = h.challenge
		}
	}
	writeBody(w, r, status, e.AppendJSON(nil))
}

// writeConst writes a fixed body.
func writeConst(w http.ResponseWriter, r *http.Request, status int, body string) {
	w.Header()["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = io.WriteString(w, body)
	}
}

// writeBody writes the status, Content-Length and, except for HEAD, the body.
func writeBody(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	w.Header()["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}
