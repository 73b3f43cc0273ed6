package authflow

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/ids"
)

// Version is this library's version, sent in the client's User-Agent.
const Version = "0.1.0"

// userAgent is the client's User-Agent header.
const userAgent = "authflow-go/" + Version

// Client defaults.
const (
	// DefaultTimeout bounds a whole request (connect, send, read) when the
	// caller supplies no *http.Client.
	DefaultTimeout = 30 * time.Second
	// DefaultMaxBodySize caps the size of a response body the client reads.
	DefaultMaxBodySize = 1 << 20
)

// A Client calls an Authflow API's fetch endpoint. It is safe for
// concurrent use; make one with [NewClient] and reuse it.
type Client struct {
	base     string // scheme://host[/path], no trailing slash
	http     *http.Client
	auth     string // the Authorization header value, or ""
	maxBody  int64
	validate bool
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
}

type clientOptionFunc func(*clientConfig)

func (f clientOptionFunc) applyClient(c *clientConfig) { f(c) }

// WithHTTPClient makes the client send its requests with hc, whose
// Transport, Timeout and redirect policy then apply. The default is a client
// of its own with [DefaultTimeout] over http.DefaultTransport.
func WithHTTPClient(hc *http.Client) ClientOption {
	return clientOptionFunc(func(c *clientConfig) { c.http = hc })
}

// WithTimeout sets the timeout of the client's own *http.Client (the default
// is [DefaultTimeout]). It has no effect together with [WithHTTPClient],
// whose own Timeout applies; use the context for per-call deadlines.
func WithTimeout(d time.Duration) ClientOption {
	return clientOptionFunc(func(c *clientConfig) { c.timeout = d })
}

// WithBearerToken makes the client send "Authorization: Bearer <token>".
// The token is never included in errors.
func WithBearerToken(token string) ClientOption {
	return clientOptionFunc(func(c *clientConfig) { c.token = token })
}

// WithMaxBodySize caps the response bodies the client reads, in bytes (the
// default is [DefaultMaxBodySize], 1 MiB). A larger body fails the call
// without being read whole.
func WithMaxBodySize(n int64) ClientOption {
	return clientOptionFunc(func(c *clientConfig) { c.maxBody = n })
}

// WithoutValidation makes the client return the flows it decodes without
// validating them, for forward compatibility with a server that has grown
// values this version refuses (a new status, say). By default a flow that
// fails [Authflow.Validate] is an error.
func WithoutValidation() ClientOption {
	return clientOptionFunc(func(c *clientConfig) { c.validate = false })
}

// NewClient returns a client of the API at baseURL, such as
// "https://api.example.com" (the endpoint's path is appended to it, so a
// base with a path prefix works too). It fails if baseURL is not an absolute
// http or https URL, or if an option is out of range.
func NewClient(baseURL string, opts ...ClientOption) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("authflow: NewClient: invalid base URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("authflow: NewClient: base URL %q must be an absolute http or https URL", baseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("authflow: NewClient: base URL %q must have no query, fragment or user info", u.Redacted())
	}
	cfg := clientConfig{timeout: DefaultTimeout, maxBody: DefaultMaxBodySize, validate: true}
	for _, o := range opts {
		o.applyClient(&cfg)
	}
	if cfg.maxBody <= 0 {
		return nil, errors.New("authflow: NewClient: the maximum body size must be positive")
	}
	if cfg.http == nil {
		if cfg.timeout <= 0 {
			return nil, errors.New("authflow: NewClient: the timeout must be positive")
		}
		cfg.http = &http.Client{Timeout: cfg.timeout}
	}
	if strings.ContainsAny(cfg.token, "\r\n") {
		return nil, errors.New("authflow: NewClient: the bearer token holds a line break")
	}
	c := &Client{
		base:     strings.TrimSuffix(u.String(), "/"),
		http:     cfg.http,
		maxBody:  cfg.maxBody,
		validate: cfg.validate,
	}
	if cfg.token != "" {
		c.auth = "Bearer " + cfg.token
	}
	return c, nil
}

// FetchAuthflow fetches the flow with the given ID.
//
// An error the API answers with is returned as an [*apierrors.Error] with
// its code and message, and the HTTP status in its StatusCode; test it with
// errors.Is (errors.Is(err, apierrors.NotFound)) or errors.As. A response
// that is not the API's (a proxy's HTML 502, say) becomes code
// [apierrors.Unexpected] with the status in the message; so does a 200 whose
// body is not a valid flow for id, or a body larger than the client's cap.
// Transport failures and the context's cancellation are returned as they
// come from net/http, wrapped. A zero id fails at once, with code
// [apierrors.RequiredValue], and sends nothing.
func (c *Client) FetchAuthflow(ctx context.Context, id ids.AuthflowID) (*Authflow, error) {
	if id.IsZero() {
		return nil, apierrors.New(apierrors.RequiredValue, "authflow_id: required")
	}
	var buf [len(PathPrefix) + ids.EncodedLen]byte
	path := append(append(buf[:0], PathPrefix...), id.String()...)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+string(path), nil)
	if err != nil {
		return nil, fmt.Errorf("authflow: FetchAuthflow: %w", err)
	}
	req.Header["Accept"] = []string{"application/json"}
	req.Header["User-Agent"] = []string{userAgent}
	if c.auth != "" {
		req.Header["Authorization"] = []string{c.auth}
	}

	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("authflow: FetchAuthflow %s: %w", id, err)
	}
	defer resp.Body.Close()

	body, err := readBody(resp.Body, resp.ContentLength, c.maxBody)
	if err != nil {
		// Drain a little so the connection may be reused, but never much.
		_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
		if errors.Is(err, errTooLarge) {
			return nil, responseError(resp.StatusCode, "response body larger than "+strconv.FormatInt(c.maxBody, 10)+" bytes", nil)
		}
		return nil, fmt.Errorf("authflow: FetchAuthflow %s: reading the response: %w", id, err)
	}

	if resp.StatusCode != http.StatusOK {
		return nil, apierrors.FromResponse(resp.StatusCode, resp.Header, body)
	}
	flow, err := DecodeFetchResponse(body)
	if err != nil {
		return nil, responseError(resp.StatusCode, "invalid response body", err)
	}
	if flow.ID != id {
		return nil, responseError(resp.StatusCode, "the response holds the authflow "+flow.ID.String()+", not "+id.String(), nil)
	}
	if c.validate {
		if err := flow.validate(true); err != nil {
			return nil, responseError(resp.StatusCode, "invalid authflow in the response", err)
		}
	}
	return flow, nil
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
