package authflow

import (
	"net/http"

	apierrors "github.com/authflow-dev/authflow-go/errors"
)

// The WWW-Authenticate challenges of a 401 that [WriteError] sends, unless
// the response already has one: those of a handler with the default realm.
const (
	defaultChallenge        = `Bearer realm="authflow"`
	defaultChallengeInvalid = `Bearer realm="authflow", error="invalid_token"`
)

// WriteError writes err as the API's error response, exactly as the handler
// that [NewHandler] makes writes its own (with the default realm), so that a
// service's middleware or handlers in front of or beside it answer in the
// same shape:
//
//   - If the outermost API error in err's chain is one its maker chose to
//     send (an [*apierrors.Error] made by [apierrors.New] or
//     [apierrors.Wrap], or a bare [apierrors.Code], sent with the code's
//     description), the status is its code's ([apierrors.Code.HTTPStatus])
//     and the body its envelope:
//     {"status":"error","code":"not_found","message":"no such resource"}.
//   - Anything else, nil included, is answered 500 unexpected with the
//     generic message "internal server error": err's text is never sent,
//     and WriteError does not log it (log it before, if it matters). A report
//     of refused values ([apierrors.Invalid], as this module's decoding and
//     validation make them) counts as anything else: it may describe the
//     server's own data. To refuse the client's input with a 400, make the
//     error with apierrors.New(apierrors.InvalidValue, message). So does an
//     error that an API answered, or that a [Client] returned after it sent
//     a request (its Attempts or StatusCode is not 0): it is another server's answer, and may name
//     that server; pass on what you mean to, such as
//     errors.Is(err, apierrors.NotFound), as an error of your own.
//
// It sets Content-Type: application/json, Cache-Control: no-store,
// X-Content-Type-Options: nosniff and Content-Length, replacing any value
// they had. It sets X-Request-Id unless w already has one: the request ID
// r's context carries ([RequestID]; inside the handler, the request's), else
// the request's own X-Request-Id if it sent one that is short and plain (at
// most [MaxRequestIDLen] characters of A-Z a-z 0-9 . _ -), else a new one.
// A 401 carries a WWW-Authenticate challenge, `Bearer realm="authflow"`,
// with `error="invalid_token"` added for [apierrors.BadAuthToken]; a
// challenge already set on w is kept, which is how a service with a realm of
// its own answers. A HEAD request gets the headers and no body.
//
// Call it before anything else is written to w; it writes the header and
// the body, and the response is then complete.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	writeAPIError(w, r, sendable(err), defaultChallenge, defaultChallengeInvalid)
}

// writeAPIError writes e with its own status and envelope, and the 500 with
// the generic message if e is nil. A 401 gets challenge, or
// challengeInvalid for bad_authtoken, unless w has a challenge already. The
// handler's error answers and WriteError all come here.
func writeAPIError(w http.ResponseWriter, r *http.Request, e *apierrors.Error, challenge, challengeInvalid string) {
	if e == nil {
		writeErrorBody(w, r, http.StatusInternalServerError, []byte(bodyInternal))
		return
	}
	status := e.Code().HTTPStatus()
	if status == http.StatusUnauthorized && len(w.Header()["Www-Authenticate"]) == 0 {
		if e.Code() == apierrors.BadAuthToken {
			challenge = challengeInvalid
		}
		w.Header()["Www-Authenticate"] = []string{challenge}
	}
	writeErrorBody(w, r, status, e.AppendJSON(nil))
}

// writeErrorBody writes an error answer: the headers every response
// carries, an X-Request-Id unless w has one, then the status and body.
func writeErrorBody(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	hdr := w.Header()
	reqID := "" // keep the X-Request-Id that w has
	if len(hdr["X-Request-Id"]) == 0 {
		reqID = requestIDFor(r)
	}
	setHeaders(hdr, reqID)
	writeBody(w, r, status, body)
}
