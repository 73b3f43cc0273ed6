package authflow

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/ids"
	"github.com/authflow-dev/authflow-go/internal/safetext"
)

// Version is this library's version, sent in the client's User-Agent.
const Version = "0.1.0"

// userAgent is the client's User-Agent header, before the products
// [WithUserAgent] appends.
const userAgent = "authflow-go/" + Version

// Client defaults.
const (
	// DefaultTimeout bounds each attempt of a call (connect, send, read)
	// when the caller supplies no *http.Client.
	DefaultTimeout = 30 * time.Second
	// DefaultMaxBodySize caps the size of a response body the client reads.
	DefaultMaxBodySize = 1 << 20
	// DefaultMaxHeaderSize caps the size of the response headers the
	// client's own transport reads, when the caller supplies no
	// *http.Client.
	DefaultMaxHeaderSize = 64 << 10
)

// A Client calls an Authflow API's fetch endpoint. It is safe for
// concurrent use; make one with [NewClient] and reuse it.
//
// Printed with any verb of package fmt, or logged with log/slog, a Client
// shows its base URL and whether it sends a bearer token, never the token
// (see [Client.String] and [Client.LogValue]); so does a copy of one (*c),
// which is why those methods have value receivers.
type Client struct {
	base      string // scheme://host[/path], no trailing slash
	http      *http.Client
	auth      string // the Authorization header value, or ""
	userAgent string // the User-Agent header value
	maxBody   int64
	validate  bool
	retry     RetryPolicy
	hooks     ClientHooks

	// Stand-ins for time and chance, which tests replace.
	sleep func(ctx context.Context, d time.Duration) error
	randN func(n int64) int64
}

// A ClientOption configures [NewClient]. Options are made by the With…
// functions of this package; the interface is sealed.
type ClientOption interface {
	applyClient(*clientConfig)
}

type clientConfig struct {
	http     *http.Client
	timeout  time.Duration
	token    string
	maxBody  int64
	validate bool
	retry    RetryPolicy
	hooks    ClientHooks
	products []string // what WithUserAgent appends, in order
}

type clientOptionFunc func(*clientConfig)

func (f clientOptionFunc) applyClient(c *clientConfig) { f(c) }

// WithHTTPClient makes the client send its requests with a copy of hc, whose
// Transport, Jar, Timeout and redirect policy then apply; hc itself is not
// changed, nor are later changes to its fields seen. The copy's redirect
// policy first applies the client's own rules (credentials go only to the
// base URL's origin; a redirect from https to http, or to a scheme other
// than http and https, is refused), then hc's CheckRedirect, or, when hc has
// none, net/http's default limit of 10 redirects.
//
// hc's Transport brings its own limits: http.DefaultTransport, for one,
// reads response headers up to 10 MiB, where the client's own transport
// stops at [DefaultMaxHeaderSize].
//
// The default is a client of its own with [DefaultTimeout] over a transport
// like http.DefaultTransport (proxies from the environment, HTTP/2) whose
// response headers are capped at [DefaultMaxHeaderSize].
func WithHTTPClient(hc *http.Client) ClientOption {
	return clientOptionFunc(func(c *clientConfig) { c.http = hc })
}

// WithTimeout sets the timeout of each attempt (connect, send, read) made by
// the client's own *http.Client (the default is [DefaultTimeout]). It has no
// effect together with [WithHTTPClient], whose own Timeout applies; the
// context given to a call bounds the whole call, retries included.
func WithTimeout(d time.Duration) ClientOption {
	return clientOptionFunc(func(c *clientConfig) { c.timeout = d })
}

// WithBearerToken makes the client send "Authorization: Bearer <token>" to
// the base URL's origin (scheme, host and port), and never to another one a
// redirect leads to. The default is to send no Authorization header, as
// does WithBearerToken("").
//
// The token must be printable ASCII without spaces: letters, digits and the
// punctuation from '!' to '~' (bytes 0x21 to 0x7E), a superset of the
// characters a bearer token is made of. [NewClient] refuses any other
// byte: a control character (a line break, NUL, DEL) cannot be sent in a
// header at all, spaces and tabs are no part of a bearer token (and at
// either end are dropped on the way), and bytes beyond ASCII have no agreed
// meaning in a header. A token read from
// a file with its final line break is the usual case. The token is never
// included in errors, nor in what a [Client] prints or logs.
func WithBearerToken(token string) ClientOption {
	return clientOptionFunc(func(c *clientConfig) { c.token = token })
}

// WithUserAgent appends product to the User-Agent header the client sends,
// after the library's own, so that an API's operators can tell which
// application calls: WithUserAgent("myapp/1.2") sends
// "authflow-go/0.1.0 myapp/1.2". Given more than once, the products follow
// one another in the order given.
//
// product is a product identifier as HTTP defines it: a name, optionally
// followed by "/" and a version, each made of one or more letters, digits
// and characters of !#$%&'*+-.^_`|~ (HTTP's token characters). [NewClient]
// refuses any other text, such as an empty one, one with a space or a
// comment in parentheses. The default is "authflow-go/" + [Version] alone.
func WithUserAgent(product string) ClientOption {
	return clientOptionFunc(func(c *clientConfig) { c.products = append(c.products, product) })
}

// WithMaxBodySize caps the response bodies the client reads, in bytes (the
// default is [DefaultMaxBodySize], 1 MiB). A larger body fails the call
// without being read whole.
func WithMaxBodySize(n int64) ClientOption {
	return clientOptionFunc(func(c *clientConfig) { c.maxBody = n })
}

// WithoutValidation makes the client return the flows it decodes without
// checking them against the API's rules (see [Client.FetchAuthflow]), for
// a server that sends values this version refuses. The decoder still
// refuses what it cannot represent (a malformed ID, say), and the flow must
// still be the one asked for. The default is to check.
func WithoutValidation() ClientOption {
	return clientOptionFunc(func(c *clientConfig) { c.validate = false })
}

// NewClient returns a client of the API at baseURL, such as
// "https://api.example.com" (the endpoint's path is appended to it, so a
// base with a path prefix works too). It fails if baseURL is not an absolute
// http or https URL, if an option is out of range, if the bearer token holds
// a byte that [WithBearerToken] refuses (the error does not quote the
// token), or if a product given to [WithUserAgent] is not one.
//
// Unless told otherwise by options, the client sends no credentials and
// the User-Agent "authflow-go/" + [Version], retries failed calls as
// [RetryPolicy] describes (up to [DefaultMaxRetries] times), bounds each
// attempt with [DefaultTimeout], reads at most [DefaultMaxBodySize] bytes
// of body and [DefaultMaxHeaderSize] bytes of headers, checks each flow it
// receives as [Client.FetchAuthflow] describes, and calls no hooks. Each
// request carries an X-Request-Id header as FetchAuthflow describes.
func NewClient(baseURL string, opts ...ClientOption) (*Client, error) {
	// The errors never quote baseURL, which may hold a password where a
	// URL cannot (in a path, or as user:password@host without a scheme).
	if baseURL == "" {
		return nil, errors.New("authflow: NewClient: the base URL is empty")
	}
	u, err := url.Parse(baseURL)
	if err != nil {
		if ue, ok := err.(*url.Error); ok {
			err = ue.Err // without the URL it quotes
		}
		return nil, fmt.Errorf("authflow: NewClient: invalid base URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("authflow: NewClient: the base URL must be an absolute http or https URL, such as https://api.example.com")
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("authflow: NewClient: base URL %q must have no query, fragment or user info", u.Redacted())
	}
	cfg := clientConfig{timeout: DefaultTimeout, maxBody: DefaultMaxBodySize, validate: true, retry: defaultRetryPolicy}
	for _, o := range opts {
		o.applyClient(&cfg)
	}
	if cfg.maxBody <= 0 {
		return nil, errors.New("authflow: NewClient: the maximum body size must be positive")
	}
	if err := cfg.retry.check(); err != nil {
		return nil, err
	}
	hc := cfg.http
	if hc == nil {
		if cfg.timeout <= 0 {
			return nil, errors.New("authflow: NewClient: the timeout must be positive")
		}
		hc = &http.Client{Timeout: cfg.timeout, Transport: defaultTransport()}
	}
	if cfg.token != "" {
		if problem := tokenProblem(cfg.token); problem != "" {
			return nil, errors.New("authflow: NewClient: the bearer token " + problem + tokenRule)
		}
	}
	ua := userAgent
	for _, p := range cfg.products {
		if !isProduct(p) {
			return nil, errors.New(`authflow: NewClient: WithUserAgent("` + safetext.Bounded(p, 64) +
				`"): not a product such as "myapp/1.2": a name, optionally "/" and a version, ` +
				"each of letters, digits and !#$%&'*+-.^_`|~")
		}
		ua += " " + p
	}
	c := &Client{
		base:      strings.TrimSuffix(u.String(), "/"),
		http:      guardRedirects(hc, originOf(u)),
		userAgent: ua,
		maxBody:   cfg.maxBody,
		validate:  cfg.validate,
		retry:     cfg.retry,
		hooks:     cfg.hooks,
		sleep:     sleep,
		randN:     randInt64N,
	}
	if cfg.token != "" {
		c.auth = "Bearer " + cfg.token
	}
	return c, nil
}

// isProduct reports whether p is an HTTP product identifier:
// token ["/" token].
func isProduct(p string) bool {
	name, version, versioned := strings.Cut(p, "/")
	return isToken(name) && (!versioned || isToken(version))
}

// isToken reports whether s is an HTTP token: one or more of the letters,
// digits and !#$%&'*+-.^_`|~.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// String describes c for logs and messages: its base URL, and whether it
// sends a bearer token, never the token itself, as in
// "authflow.Client(https://api.example.com, bearer token)" or
// "authflow.Client(https://api.example.com)".
func (c Client) String() string {
	if c.auth == "" {
		return "authflow.Client(" + c.base + ")"
	}
	return "authflow.Client(" + c.base + ", bearer token)"
}

// Format implements fmt.Formatter: every verb (%v, %+v, %#v, %s, %d…)
// prints what [Client.String] returns, so that no verb prints the
// client's fields, its credentials among them.
func (c Client) Format(f fmt.State, _ rune) {
	_, _ = io.WriteString(f, c.String())
}

// LogValue implements slog.LogValuer: a client is logged as a group of its
// base URL (base_url) and whether it sends a bearer token (bearer_token),
// never the token itself.
func (c Client) LogValue() slog.Value {
	return slog.GroupValue(slog.String("base_url", c.base), slog.Bool("bearer_token", c.auth != ""))
}

// defaultTransport is the transport of the clients made without
// [WithHTTPClient], shared so that they share idle connections: a clone of
// http.DefaultTransport with the response headers capped.
var defaultTransport = sync.OnceValue(func() http.RoundTripper {
	var t *http.Transport
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		t = dt.Clone()
	} else {
		// A program replaced http.DefaultTransport: start from net/http's
		// own defaults rather than wrap what it put there.
		t = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          100,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   10 * time.Second,
			ExpectContinueTimeout: time.Second,
		}
	}
	t.MaxResponseHeaderBytes = DefaultMaxHeaderSize
	return t
})

// An origin is a URL's scheme, host and port, which decide where
// credentials may go.
type origin struct{ scheme, host, port string }

// originOf returns u's origin, lowercased, with the scheme's default port
// made explicit.
func originOf(u *url.URL) origin {
	o := origin{scheme: strings.ToLower(u.Scheme), host: strings.ToLower(u.Hostname()), port: u.Port()}
	if o.port == "" {
		switch o.scheme {
		case "http":
			o.port = "80"
		case "https":
			o.port = "443"
		}
	}
	return o
}

// errInsecureRedirect and errRedirectScheme are the redirects the client
// refuses whatever the caller's policy.
var (
	errInsecureRedirect = errors.New("authflow: refused a redirect from https to http")
	errRedirectScheme   = errors.New("authflow: refused a redirect to a scheme other than http and https")
)

// A redirectError is an error of the client's redirect policy, or of the
// caller's: with the same text and chain, marked so that it is not retried.
type redirectError struct{ err error }

func (e *redirectError) Error() string { return e.err.Error() }
func (e *redirectError) Unwrap() error { return e.err }

// guardRedirects returns a shallow copy of hc whose redirect policy keeps
// the Authorization header to base, refuses a redirect from https to http
// or to another scheme, and then applies hc's own policy.
//
// net/http copies the headers of the first request to each redirect whose
// host name is the same as the first's or a subdomain of it, whatever the
// port and the scheme; the header is removed here from a request to any
// other origin than base's.
func guardRedirects(hc *http.Client, base origin) *http.Client {
	guarded := *hc
	next := hc.CheckRedirect
	guarded.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		to := strings.ToLower(req.URL.Scheme)
		switch {
		case to != "http" && to != "https":
			return &redirectError{errRedirectScheme}
		case to == "http" && strings.EqualFold(via[len(via)-1].URL.Scheme, "https"):
			return &redirectError{errInsecureRedirect}
		}
		if originOf(req.URL) != base {
			req.Header.Del("Authorization")
		}
		var err error
		if next != nil {
			err = next(req, via)
		} else if len(via) >= 10 {
			err = errors.New("stopped after 10 redirects")
		}
		// net/http compares ErrUseLastResponse with ==: it stays as it is.
		if err == nil || err == http.ErrUseLastResponse {
			return err
		}
		return &redirectError{err}
	}
	return &guarded
}

// FetchAuthflow fetches the flow with the given ID.
//
// Every error it returns is an [*apierrors.Error], so err.(*apierrors.Error)
// holds whatever failed, and its [apierrors.Error.Attempts] says how many
// requests the call made (0 when it sent none):
//
//   - An error the API answers with keeps its code and message, the HTTP
//     status in StatusCode, and the response's Retry-After and X-Request-Id
//     headers in RetryAfter and RequestID; test it with errors.Is
//     (errors.Is(err, apierrors.NotFound)) or [apierrors.CodeOf].
//   - A response that is not the API's (a proxy's HTML 502, say) has code
//     [apierrors.Unexpected], with the status in StatusCode and in the
//     message. So has a 200 whose body is not a valid flow for id, or a body
//     larger than the client's cap, except that its StatusCode is 0 (the
//     message names the status); errors.Unwrap gives the decoder's or the
//     validation's report, when one refused the body.
//   - A failure with no usable response (a transport failure, a body that
//     breaks off, the context's end) has code [apierrors.Unknown] and
//     StatusCode 0, and wraps the failure as net/http returned it:
//     errors.Is(err, context.DeadlineExceeded) and errors.As into a
//     *net.OpError, say, reach it.
//   - A zero id fails at once, with code [apierrors.RequiredValue], and
//     sends nothing. So does a context whose request ID is not plain (see
//     below), with code [apierrors.InvalidValue].
//
// A failed call is retried as the client's [RetryPolicy] says, within ctx,
// and the error returned is the last attempt's. A call whose context ends
// during a wait before a retry returns an error with code
// [apierrors.Unknown] that wraps the context's error; its message quotes
// the last attempt's error.
//
// Every attempt of a call sends the same X-Request-Id header, so that the
// API's operators find all the attempts of one call under one ID: the
// request ID ctx carries ([RequestID]: one given to [ContextWithRequestID],
// or that of the request a handler made by [NewHandler] is serving), or,
// when it carries none, a new one. A request ID in ctx that is not plain
// (1 to [MaxRequestIDLen] characters of A-Z, a-z, 0-9, '.', '_' and '-')
// fails the call at once, rather than be sent changed or be replaced by an
// ID the caller does not know.
//
// Unless [WithoutValidation] was given, the flow received is checked with
// every rule [Authflow.Validate] checks but one: a non-empty status this
// version does not know is accepted and kept as it is, so that a client
// keeps working when the API adds one (an unknown error code, likewise, is
// kept as it is). Open sets are checked by shape only, as by Validate: a
// well-formed time zone that no time zone database holds yet, or a JA4
// fingerprint naming a TLS version that does not exist yet, is accepted.
// What is broken is still refused, such as a malformed ID, a missing
// required value, a duplicate or empty factor name, or an impossible
// latitude or longitude. The flow must also have the ID asked for; that
// check and the decoder's own stay on with WithoutValidation.
//
// The client's [ClientHooks], when it has any, see the call and each of
// its attempts.
func (c *Client) FetchAuthflow(ctx context.Context, id ids.AuthflowID) (*Authflow, error) {
	start, end := c.hooks.FetchStart, c.hooks.FetchDone
	if start == nil && end == nil {
		flow, _, _, err := c.fetchAuthflow(ctx, id)
		if err != nil {
			return nil, err
		}
		return flow, nil
	}
	var t0 time.Time
	if end != nil {
		t0 = time.Now()
	}
	if start != nil {
		if c := start(ctx, id); c != nil {
			ctx = c
		}
	}
	flow, requestID, attempts, err := c.fetchAuthflow(ctx, id)
	if end != nil {
		info := FetchInfo{AuthflowID: id, RequestID: requestID, Attempts: attempts, Duration: time.Since(t0)}
		if err != nil {
			info.Err = err
		}
		end(ctx, info)
	}
	if err != nil {
		return nil, err
	}
	return flow, nil
}

// fetchAuthflow is FetchAuthflow but for its FetchStart and FetchDone
// hooks. It returns as well the request ID it sent ("" if none) and the
// number of attempts it made.
func (c *Client) fetchAuthflow(ctx context.Context, id ids.AuthflowID) (*Authflow, string, int, *apierrors.Error) {
	if id.IsZero() {
		return nil, "", 0, apierrors.New(apierrors.RequiredValue, "authflow_id: required")
	}
	requestID := RequestID(ctx)
	switch {
	case requestID == "":
		requestID = newRequestID()
	case !plainRequestID(requestID):
		return nil, "", 0, apierrors.New(apierrors.InvalidValue, "X-Request-Id: the context's request ID must be 1 to "+
			strconv.Itoa(MaxRequestIDLen)+" characters of A-Z, a-z, 0-9, '.', '_' and '-'")
	}
	var buf [len(PathPrefix) + ids.EncodedLen]byte
	target := c.base + string(append(append(buf[:0], PathPrefix...), id.String()...))
	attemptStart, attemptDone := c.hooks.AttemptStart, c.hooks.AttemptDone
	for n := 1; ; n++ {
		actx := ctx
		if attemptStart != nil {
			if c := attemptStart(ctx, n); c != nil {
				actx = c
			}
		}
		var t0 time.Time
		if attemptDone != nil {
			t0 = time.Now()
		}
		flow, status, retry, err := c.fetch(actx, target, id, requestID)
		var d time.Duration
		if attemptDone != nil {
			d = time.Since(t0)
		}
		var wait time.Duration
		again := err != nil && retry && n <= c.retry.MaxRetries
		if again {
			wait, again = c.nextWait(ctx, n-1, err)
		}
		if attemptDone != nil {
			info := AttemptInfo{Attempt: n, RequestID: requestID, Status: status, Duration: d, Retry: again, Wait: wait}
			if err != nil {
				info.Err = err
			}
			attemptDone(actx, info)
		}
		if err == nil {
			return flow, requestID, n, nil
		}
		if !again {
			return nil, requestID, n, err.WithAttempts(n)
		}
		if werr := c.sleep(ctx, wait); werr != nil {
			return nil, requestID, n, apierrors.Wrap(apierrors.Unknown, "waiting to retry: "+werr.Error()+"; the last attempt failed with "+err.Error(), werr).WithAttempts(n)
		}
	}
}

// fetch makes one attempt to fetch the flow id at target, with the request
// ID requestID. It returns the HTTP status received (0 if no response was)
// and, when it fails, whether the failure may pass with a retry.
func (c *Client) fetch(ctx context.Context, target string, id ids.AuthflowID, requestID string) (*Authflow, int, bool, *apierrors.Error) {
	// Whether any byte of a response arrived, which ends any chance of a
	// retry after a transport failure.
	var responded atomic.Bool
	trace := &httptrace.ClientTrace{GotFirstResponseByte: func() { responded.Store(true) }}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodGet, target, nil)
	if err != nil {
		return nil, 0, false, noResponse("no request", err)
	}
	req.Header["Accept"] = []string{"application/json"}
	req.Header["User-Agent"] = []string{c.userAgent}
	req.Header["X-Request-Id"] = []string{requestID}
	if c.auth != "" {
		req.Header["Authorization"] = []string{c.auth}
	}

	resp, err := c.http.Do(req)
	if err != nil {
		return nil, 0, ctx.Err() == nil && !responded.Load() && !permanent(err), noResponse("no response", err)
	}
	defer discard(resp.Body)
	status := resp.StatusCode

	body, err := readBody(resp.Body, resp.ContentLength, c.maxBody)
	if err != nil {
		if errors.Is(err, errTooLarge) {
			return nil, status, false, responseError(status, "response body larger than "+strconv.FormatInt(c.maxBody, 10)+" bytes", nil)
		}
		return nil, status, false, noResponse("HTTP "+strconv.Itoa(status)+": reading the body", err)
	}

	if status != http.StatusOK {
		return nil, status, retryableStatus(status), apierrors.FromResponse(status, resp.Header, body)
	}
	flow, err := DecodeFetchResponse(body)
	if err != nil {
		return nil, status, false, responseError(status, "invalid response body", err)
	}
	if flow.ID != id {
		return nil, status, false, responseError(status, "the response holds the authflow "+flow.ID.String()+", not "+id.String(), nil)
	}
	if c.validate {
		if err := flow.validate(true); err != nil {
			return nil, status, false, responseError(status, "invalid authflow in the response", err)
		}
	}
	return flow, status, false, nil
}

// maxDrain bounds what the client reads of a body it discards unread, so
// that the connection may be reused without reading much.
const maxDrain = 4 << 10

// discard drains at most maxDrain bytes of body and closes it.
func discard(body io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, body, maxDrain)
	_ = body.Close()
}

// errTooLarge reports a body over the client's cap.
var errTooLarge = errors.New("body too large")

// readBody reads at most max bytes of r, failing with errTooLarge if there is
// more, without reading it all. A declared length (-1 when unknown) over max
// fails at once; one within it sizes the buffer, so that a body is read
// with a single allocation.
func readBody(r io.Reader, length, max int64) ([]byte, error) {
	if length > max {
		return nil, errTooLarge
	}
	size := int64(512)
	if length >= 0 {
		size = length + 1 // room to see EOF without growing
	}
	b := make([]byte, 0, size)
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if int64(len(b)) > max {
			return nil, errTooLarge
		}
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // let append pick the next size
		}
	}
}

// noResponse reports a failure that left the client without a response it
// can read: code Unknown, what went wrong and err's text in the message, and
// err as the cause.
func noResponse(what string, err error) *apierrors.Error {
	return apierrors.Wrap(apierrors.Unknown, what+": "+err.Error(), err)
}

// responseError reports a response the client cannot use, with the HTTP
// status in the message and cause (never sent anywhere) for errors.Unwrap.
func responseError(status int, what string, cause error) *apierrors.Error {
	msg := "HTTP " + strconv.Itoa(status)
	if text := http.StatusText(status); text != "" {
		msg += " " + text
	}
	msg += ": " + what
	if cause != nil {
		msg += ": " + cause.Error()
	}
	return apierrors.Wrap(apierrors.Unexpected, msg, cause)
}
