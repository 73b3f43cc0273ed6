package authflowtest

import (
	"net/http"
	"strconv"
	"time"

	"github.com/authflow-dev/authflow-go/authflow"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/ids"
)

// A Fault is how the server answers a request instead of serving it, as a
// failing API, the network in front of it, or a newer or broken API,
// would. It is a plain value:
// set the fields that matter and queue it with [Server.Inject] or
// [Server.InjectFor]. A request that a fault answers never reaches the
// handler, so faults apply before authentication, as a proxy's would.
//
// The server first waits for Latency, then answers with the first that
// applies of:
//
//   - Drop: it closes the connection without answering.
//   - Body: Body as it is, with the headers the handler sends (Content-Type:
//     application/json), with Status, 200 when Status is 0.
//   - HTML: an HTML error page (Content-Type: text/html), as a proxy sends,
//     with Status, 502 when Status is 0.
//   - Status or Code: the API's error envelope
//     {"status":"error","code":…,"message":…} with the headers the handler
//     sends (a 401 with its WWW-Authenticate challenge).
//   - none of these (Latency alone): the handler serves the request, late.
//
// A Body or an error envelope carries the request's X-Request-Id back, when
// it sent one, as the handler does with the IDs the client sends; an HTML
// page, like a proxy's, carries none.
//
// RetryAfter adds a Retry-After header to a Body, an HTML page or an
// error.
type Fault struct {
	// Status is the HTTP status to answer, from 400 to 599, or from 200
	// with a Body. When it is 0, it is the status of Code (by Code's
	// HTTPStatus method), 502 for an HTML page, or 200 for a Body.
	Status int
	// Code is the error envelope's code. When it is empty, it is the
	// API's code for Status: bad_request for 400, not_authenticated for 401,
	// not_permitted for 403, not_found for 404, invalid_action for 409,
	// not_implemented for 501, and unexpected for any other status.
	Code apierrors.Code
	// Message is the error envelope's message; when empty, the code's
	// description (by Code's Description method).
	Message string
	// RetryAfter, when positive, is sent as a Retry-After header, in whole
	// seconds, rounded up.
	RetryAfter time.Duration
	// Latency is how long the server waits before it answers. A request
	// whose client goes away meanwhile, or whose server closes, ends
	// without an answer.
	Latency time.Duration
	// Drop makes the server close the connection without answering, as a
	// server that crashed or a load balancer that cut it does. Go's
	// transport itself sends a request again, once, when a connection it
	// reused closes so: the second try reaches the server as another
	// request, and takes another fault if one is queued.
	Drop bool
	// HTML makes the server answer with a proxy's HTML error page instead
	// of the API's envelope.
	HTML bool
	// Body, when not empty, is the body the server answers with, sent as
	// it is: what a newer server, or a broken one, sends that this
	// version's handler never would, such as a flow with a status this
	// version does not know, or an impossible latitude. It goes with no
	// Code, Message or HTML; for one of the API's errors, set Status or
	// Code instead.
	Body string
}

// Inject queues f for the next n requests the server receives, whatever
// their path or method. Faults apply in the order they were queued: each
// request takes the first queued fault that applies to it. Inject panics
// if n is less than 1 or f is not a fault (see [Fault]): the zero Fault, a
// Status outside 400 to 599 (200 to 599 with a Body), a Message or
// RetryAfter without a Status, Code, HTML page or Body to carry it, or a
// Body with a Code, a Message or HTML.
func (s *Server) Inject(f Fault, n int) {
	s.queue(f, n, "")
}

// InjectFor queues f, as [Server.Inject] does, for the next n requests for
// the authflow id: those whose path is that of id's endpoint. Other
// requests pass it by.
func (s *Server) InjectFor(id ids.AuthflowID, f Fault, n int) {
	s.queue(f, n, authflow.PathPrefix+id.String())
}

// A queuedFault is a fault and what is left of it.
type queuedFault struct {
	fault Fault
	path  string // the path it applies to; "" for any
	left  int    // requests it still answers
}

func (s *Server) queue(f Fault, n int, path string) {
	if n < 1 {
		panic("authflowtest: a fault must be injected for at least 1 request, not " + strconv.Itoa(n))
	}
	if msg := f.problem(); msg != "" {
		panic("authflowtest: " + msg)
	}
	s.mu.Lock()
	s.faults = append(s.faults, queuedFault{fault: f, path: path, left: n})
	s.mu.Unlock()
}

// takeFault returns the first queued fault that applies to a request for
// path, counting it as used. s.mu must be held.
func (s *Server) takeFault(path string) (Fault, bool) {
	for i := range s.faults {
		q := &s.faults[i]
		if q.path != "" && q.path != path {
			continue
		}
		f := q.fault
		if q.left--; q.left == 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		return f, true
	}
	return Fault{}, false
}

// problem says what makes f not a fault, or "".
func (f Fault) problem() string {
	switch {
	case f == Fault{}:
		return "the zero Fault changes nothing: set Status, Code, Latency, Drop, HTML or Body"
	case f.Body != "" && (f.Code != "" || f.Message != "" || f.HTML):
		return "a Fault's Body goes with no Code, Message or HTML"
	case f.Body != "" && f.Status != 0 && (f.Status < 200 || f.Status > 599):
		return "a Fault's Status must be from 200 to 599 with a Body, not " + strconv.Itoa(f.Status)
	case f.Body == "" && f.Status != 0 && (f.Status < 400 || f.Status > 599):
		return "a Fault's Status must be from 400 to 599, not " + strconv.Itoa(f.Status)
	case f.Status == 0 && f.Code == "" && !f.HTML && f.Body == "" && (f.Message != "" || f.RetryAfter > 0):
		return "a Fault with a Message or a RetryAfter needs a Status, a Code, HTML or a Body"
	case f.Latency < 0 || f.RetryAfter < 0:
		return "a Fault's Latency and RetryAfter must not be negative"
	}
	return ""
}

// answer answers r as f says, after its latency.
func (f Fault) answer(w http.ResponseWriter, r *http.Request, h http.Handler) {
	switch {
	case f.Drop:
		drop(w)
	case f.Body != "":
		status := f.Status
		if status == 0 {
			status = http.StatusOK
		}
		f.writeJSON(w, r, status, []byte(f.Body))
	case f.HTML:
		status := f.Status
		if status == 0 {
			status = http.StatusBadGateway
		}
		f.setRetryAfter(w.Header())
		w.Header()["Content-Type"] = []string{"text/html"}
		w.WriteHeader(status)
		if r.Method != http.MethodHead {
			_, _ = w.Write(htmlPage(status))
		}
	case f.Status != 0 || f.Code != "":
		f.writeError(w, r)
	default:
		h.ServeHTTP(w, r)
	}
}

// drop closes the request's connection without a response.
func drop(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	// Not HTTP/1 (or hijacked already): net/http aborts the response and
	// closes the stream or connection.
	panic(http.ErrAbortHandler)
}

// writeError writes f's error envelope with the handler's headers.
func (f Fault) writeError(w http.ResponseWriter, r *http.Request) {
	code, status := f.Code, f.Status
	if code == "" {
		code = codeFor(status)
	}
	if status == 0 {
		status = code.HTTPStatus()
	}
	msg := f.Message
	if msg == "" {
		msg = code.Description()
	}
	if status == http.StatusUnauthorized {
		challenge := `Bearer realm="authflow"`
		if code == apierrors.BadAuthToken {
			challenge += `, error="invalid_token"`
		}
		w.Header()["Www-Authenticate"] = []string{challenge}
	}
	f.writeJSON(w, r, status, apierrors.New(code, msg).AppendJSON(nil))
}

// writeJSON writes body with status and the handler's headers for a JSON
// body, and f's Retry-After.
func (f Fault) writeJSON(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	hdr := w.Header()
	hdr["Content-Type"] = []string{"application/json"}
	hdr["Cache-Control"] = []string{"no-store"}
	hdr["X-Content-Type-Options"] = []string{"nosniff"}
	if id := r.Header["X-Request-Id"]; len(id) == 1 {
		hdr["X-Request-Id"] = id
	}
	f.setRetryAfter(hdr)
	hdr["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// setRetryAfter sets the Retry-After header, in whole seconds rounded up,
// when f has one.
func (f Fault) setRetryAfter(hdr http.Header) {
	if f.RetryAfter > 0 {
		secs := (f.RetryAfter + time.Second - 1) / time.Second
		hdr["Retry-After"] = []string{strconv.FormatInt(int64(secs), 10)}
	}
}

// codeFor returns the API's code for an HTTP status.
func codeFor(status int) apierrors.Code {
	switch status {
	case http.StatusBadRequest:
		return apierrors.BadRequest
	case http.StatusUnauthorized:
		return apierrors.NotAuthenticated
	case http.StatusForbidden:
		return apierrors.NotPermitted
	case http.StatusNotFound:
		return apierrors.NotFound
	case http.StatusConflict:
		return apierrors.InvalidAction
	case http.StatusNotImplemented:
		return apierrors.NotImplemented
	}
	return apierrors.Unexpected
}

// htmlPage returns the HTML error page of a proxy for status.
func htmlPage(status int) []byte {
	line := strconv.Itoa(status) + " " + http.StatusText(status)
	return []byte("<html>\r\n<head><title>" + line + "</title></head>\r\n<body>\r\n<center><h1>" + line +
		"</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
}
