package authflow_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authflow-dev/authflow-go/internal/testutil"

	"github.com/google/go-cmp/cmp"

	"github.com/authflow-dev/authflow-go/authflow"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/ids"
)

const seedID = "013xrzp12g3nqk8nqprv12gz6v99a2v4"

// storeFunc adapts a function to authflow.Store.
type storeFunc func(ctx context.Context, id ids.AuthflowID) (*authflow.Authflow, error)

func (f storeFunc) FetchAuthflow(ctx context.Context, id ids.AuthflowID) (*authflow.Authflow, error) {
	return f(ctx, id)
}

// logBuffer is a concurrency-safe sink for the handler's log.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// memoryStore returns a MemoryStore of flows, failing the test if
// NewMemoryStore fails.
func memoryStore(tb testing.TB, flows ...*authflow.Authflow) *authflow.MemoryStore {
	tb.Helper()
	s, err := authflow.NewMemoryStore(flows...)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// newHandler returns NewHandler's handler, failing the test if NewHandler
// fails.
func newHandler(tb testing.TB, store authflow.Store, authz authflow.Authorizer, opts ...authflow.HandlerOption) http.Handler {
	tb.Helper()
	h, err := authflow.NewHandler(store, authz, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

// server starts the handler over real TCP and returns its URL and log.
func server(t *testing.T, store authflow.Store, authz authflow.Authorizer) (string, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	h := newHandler(t, store, authz, authflow.WithLogger(slog.New(slog.NewJSONHandler(logs, nil))))
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL, logs
}

// response is what a test reads of an HTTP answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends a raw request, for what the client never sends (other methods,
// paths, malformed IDs).
func do(t *testing.T, method, url string, header http.Header) response {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{resp.StatusCode, resp.Header, body}
}

// checkCommonHeaders asserts the headers the API's contract puts on every
// response.
func checkCommonHeaders(t *testing.T, h http.Header) {
	t.Helper()
	for k, want := range map[string]string{
		"Content-Type":           "application/json",
		"Cache-Control":          "no-store",
		"X-Content-Type-Options": "nosniff",
	} {
		if got := h.Values(k); len(got) != 1 || got[0] != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
}

// checkError asserts an error response: status, code, envelope shape.
func checkError(t *testing.T, r response, status int, code apierrors.Code) {
	t.Helper()
	checkCommonHeaders(t, r.header)
	if r.status != status {
		t.Errorf("status = %d, want %d (body %s)", r.status, status, r.body)
	}
	var env map[string]any
	if err := json.Unmarshal(r.body, &env); err != nil {
		t.Fatalf("body %q is not JSON: %v", r.body, err)
	}
	if len(env) != 3 || env["status"] != "error" || env["code"] != string(code) {
		t.Errorf("body = %s, want an error envelope with code %q", r.body, code)
	}
	if msg, _ := env["message"].(string); msg == "" {
		t.Errorf("body %s has no message", r.body)
	}
}

func TestServeFound(t *testing.T) {
	t.Parallel()
	seed := examples.Authflow()
	url, _ := server(t, memoryStore(t, seed), authflow.AllowAll{})

	r := do(t, http.MethodGet, url+"/api/v1/authflow/"+seedID, nil)
	checkCommonHeaders(t, r.header)
	if r.status != http.StatusOK {
		t.Fatalf("status = %d, body %s", r.status, r.body)
	}
	// The body is the seed envelope, byte for byte as the golden file has it.
	if want := examples.FetchResponseJSON(); !bytes.Equal(r.body, want) {
		t.Errorf("body differs from the golden seed envelope:\n%s", cmp.Diff(string(want), string(r.body)))
	}
	if got := r.header.Get("Content-Length"); got != fmt.Sprint(len(r.body)) {
		t.Errorf("Content-Length = %s, body is %d bytes", got, len(r.body))
	}

	// HEAD: the same status and headers, no body.
	h := do(t, http.MethodHead, url+"/api/v1/authflow/"+seedID, nil)
	checkCommonHeaders(t, h.header)
	if h.status != http.StatusOK || len(h.body) != 0 || h.header.Get("Content-Length") != fmt.Sprint(len(r.body)) {
		t.Errorf("HEAD: status %d, %d body bytes, Content-Length %s", h.status, len(h.body), h.header.Get("Content-Length"))
	}
}

func TestServeErrors(t *testing.T) {
	t.Parallel()
	seed := examples.Authflow()
	invalid := examples.Authflow()
	invalid.ID = ids.MustParse[ids.Authflow]("0000000000000000000000000000000e")
	invalid.PlanName = ""
	other := examples.Authflow()
	other.ID = ids.MustParse[ids.Authflow]("013xrzp12g3nqk8n505tp6wqnscpdy8q")

	store := storeFunc(func(ctx context.Context, id ids.AuthflowID) (*authflow.Authflow, error) {
		switch id.String() {
		case seedID:
			return seed.Clone(), nil
		case "0000000000000000000000000000000a":
			return nil, apierrors.New(apierrors.InvalidAction, "flow is being migrated")
		case "0000000000000000000000000000000b":
			return nil, apierrors.New(apierrors.NotImplemented, "not on this shard")
		case "0000000000000000000000000000000c":
			return nil, errors.New("dial tcp 10.1.2.3:5432: connection refused (secret-dsn)")
		case "0000000000000000000000000000000d":
			panic("store bug: nil map (secret-detail)")
		case "0000000000000000000000000000000e":
			return invalid, nil
		case "0000000000000000000000000000000f":
			return other, nil
		case "0000000000000000000000000000000g":
			return nil, nil
		case "0000000000000000000000000000000h":
			return nil, fmt.Errorf("lookup: %w", apierrors.NotFound)
		case "0000000000000000000000000000000j":
			return nil, apierrors.New("", "no code (secret-detail)")
		case "0000000000000000000000000000000k":
			return nil, apierrors.New(apierrors.InvalidAction, "locked")
		case "0000000000000000000000000000000m":
			// A report about the store's own data: a row it cannot decode.
			_, err := authflow.DecodeAuthflow([]byte(`{"type":"authflow","id":"secret-row-detail"}`))
			return nil, fmt.Errorf("decoding row 7 (secret-detail): %w", err)
		case "0000000000000000000000000000000n":
			return nil, fmt.Errorf("x: %w", apierrors.New(apierrors.NotPermitted, "this flow is sealed"))
		case "0000000000000000000000000000000p":
			// A report, bare, as decoding gave it.
			_, err := authflow.DecodeAuthflow([]byte(`{"type":"session"}`))
			return nil, err
		case "0000000000000000000000000000000q":
			// The outermost API error is the store's own: the report it
			// wraps is the cause, not what is sent.
			_, err := authflow.DecodeAuthflow([]byte(`{"type":"authflow","id":"secret-row-detail"}`))
			return nil, apierrors.Wrap(apierrors.NotFound, "no such authflow", err)
		}
		return nil, apierrors.NotFound
	})
	url, logs := server(t, store, authflow.AllowAll{})
	base := url + "/api/v1/authflow/"

	tests := []struct {
		name   string
		method string
		path   string
		status int
		code   apierrors.Code
		logged string // a substring the log must hold; "" for nothing logged
	}{
		{"not found", "GET", base + "013xrzp12g3nqk8nyvk0xwzcb2gzp8z1", 404, apierrors.NotFound, ""},
		{"wrapped not found", "GET", base + "0000000000000000000000000000000h", 404, apierrors.NotFound, ""},
		{"store API error wrapped by fmt", "GET", base + "0000000000000000000000000000000n", 403, apierrors.NotPermitted, ""},
		{"store API error wrapping a report", "GET", base + "0000000000000000000000000000000q", 404, apierrors.NotFound, ""},
		{"short ID", "GET", base + "013xrzp12g3nqk8nqprv12gz6v99a2v", 400, apierrors.InvalidValue, ""},
		{"uppercase ID", "GET", base + strings.ToUpper(seedID), 400, apierrors.InvalidValue, ""},
		{"ID with l", "GET", base + "013xrzp12g3nqk8nqprv12gz6v99a2vl", 400, apierrors.InvalidValue, ""},
		{"ID above 7", "GET", base + "813xrzp12g3nqk8nqprv12gz6v99a2v4", 400, apierrors.InvalidValue, ""},
		{"store API error 409", "GET", base + "0000000000000000000000000000000a", 409, apierrors.InvalidAction, ""},
		{"store API error 501", "GET", base + "0000000000000000000000000000000b", 501, apierrors.NotImplemented, ""},
		{"store API error 409, short", "GET", base + "0000000000000000000000000000000k", 409, apierrors.InvalidAction, ""},
		{"store failure", "GET", base + "0000000000000000000000000000000c", 500, apierrors.Unexpected, "connection refused"},
		{"store panic", "GET", base + "0000000000000000000000000000000d", 500, apierrors.Unexpected, "goroutine"},
		{"invalid flow", "GET", base + "0000000000000000000000000000000e", 500, apierrors.Unexpected, "plan_name"},
		{"flow with another ID", "GET", base + "0000000000000000000000000000000f", 500, apierrors.Unexpected, "013xrzp12g3nqk8n505tp6wqnscpdy8q"},
		{"nil flow and nil error", "GET", base + "0000000000000000000000000000000g", 500, apierrors.Unexpected, "neither"},
		{"API error without a code", "GET", base + "0000000000000000000000000000000j", 500, apierrors.Unexpected, "no code"},
		{"store's decode report, wrapped", "GET", base + "0000000000000000000000000000000m", 500, apierrors.Unexpected, "decoding row 7"},
		{"store's decode report, bare", "GET", base + "0000000000000000000000000000000p", 500, apierrors.Unexpected, "unexpected_ref_type"},
		{"POST", "POST", base + seedID, 405, apierrors.BadRequest, ""},
		{"PUT", "PUT", base + seedID, 405, apierrors.BadRequest, ""},
		{"DELETE", "DELETE", base + seedID, 405, apierrors.BadRequest, ""},
		{"root path", "GET", url + "/", 404, apierrors.NotFound, ""},
		{"no ID", "GET", base, 404, apierrors.NotFound, ""},
		{"trailing slash", "GET", base + seedID + "/", 404, apierrors.NotFound, ""},
		{"deeper path", "GET", base + seedID + "/sessions", 404, apierrors.NotFound, ""},
		{"other API", "GET", url + "/api/v2/authflow/" + seedID, 404, apierrors.NotFound, ""},
		{"POST elsewhere", "POST", url + "/elsewhere", 404, apierrors.NotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := logs.String()
			r := do(t, tt.method, tt.path, nil)
			checkError(t, r, tt.status, tt.code)
			if tt.status == 405 {
				if got := r.header.Get("Allow"); got != "GET, HEAD" {
					t.Errorf("Allow = %q, want %q", got, "GET, HEAD")
				}
			}
			if tt.status == 500 {
				// Nothing internal reaches the client.
				if want := `{"status":"error","code":"unexpected","message":"internal server error"}`; string(r.body) != want {
					t.Errorf("500 body = %s, want the generic %s", r.body, want)
				}
			}
			if bytes.Contains(r.body, []byte("secret")) {
				t.Errorf("response leaks internal detail: %s", r.body)
			}
			newLogs := strings.TrimPrefix(logs.String(), before)
			if tt.logged != "" && !strings.Contains(newLogs, tt.logged) {
				t.Errorf("log lacks %q:\n%s", tt.logged, newLogs)
			}
		})
	}

	// The server survived the panic and still serves.
	if r := do(t, "GET", base+seedID, nil); r.status != 200 {
		t.Errorf("after the panic: status %d", r.status)
	}
	// The store's API errors pass through whole; a bare code is sent with
	// its description.
	for id, want := range map[string]string{
		"0000000000000000000000000000000a": `{"status":"error","code":"invalid_action","message":"flow is being migrated"}`,
		"0000000000000000000000000000000k": `{"status":"error","code":"invalid_action","message":"locked"}`,
		"0000000000000000000000000000000n": `{"status":"error","code":"not_permitted","message":"this flow is sealed"}`,
		"0000000000000000000000000000000q": `{"status":"error","code":"not_found","message":"no such authflow"}`,
		"0000000000000000000000000000000h": `{"status":"error","code":"not_found","message":"no such resource"}`,
		"013xrzp12g3nqk8nyvk0xwzcb2gzp8z1": `{"status":"error","code":"not_found","message":"no such resource"}`,
	} {
		if r := do(t, "GET", base+id, nil); string(r.body) != want {
			t.Errorf("%s: body %s, want %s", id, r.body, want)
		}
	}
	if got := apierrors.NotFound.Description(); got != "no such resource" {
		t.Errorf("NotFound.Description() = %q", got)
	}
	// The handler's own 404 for a path is not the store's.
	r := do(t, "GET", url+"/", nil)
	if want := `{"status":"error","code":"not_found","message":"no such endpoint: the path is /api/v1/authflow/{authflow_id}"}`; string(r.body) != want {
		t.Errorf("404 body = %s, want %s", r.body, want)
	}
	r = do(t, "POST", base+seedID, nil)
	if want := `{"status":"error","code":"bad_request","message":"method not allowed: use GET or HEAD"}`; string(r.body) != want {
		t.Errorf("405 body = %s, want %s", r.body, want)
	}
	// The 400 says what is wrong with the ID, and echoes none of it.
	r = do(t, "GET", base+"013XRZP12G3NQK8NQPRV12GZ6V99A2V4", nil)
	if want := `{"status":"error","code":"invalid_value","message":"authflow_id: not a canonical authflow ID: uppercase character at index 3"}`; string(r.body) != want {
		t.Errorf("400 body = %s, want %s", r.body, want)
	}
	for path, want := range map[string]string{
		"013xrzp12g3nqk8nqprv12gz6v99a2v":  "length 31, want 32",
		"813xrzp12g3nqk8nqprv12gz6v99a2v4": "first character above 7",
		"013xrzp12g3nqk8nqprv12gz6v99a2vl": "invalid character at index 31",
	} {
		r := do(t, "GET", base+path, nil)
		if want := `{"status":"error","code":"invalid_value","message":"authflow_id: not a canonical authflow ID: ` + want + `"}`; string(r.body) != want {
			t.Errorf("400 body = %s, want %s", r.body, want)
		}
	}
}

// TestInvalidIDProblem checks the 400 for a malformed ID as a client reads
// it, and that its problem has the rule of a malformed ID, pfid.
func TestInvalidIDProblem(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	newHandler(t, memoryStore(t), authflow.AllowAll{}).ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/authflow/nope", nil))
	e := apierrors.FromResponse(rec.Code, rec.Header(), rec.Body.Bytes())
	if e.Code() != apierrors.InvalidValue || e.StatusCode() != 400 || e.Message() != "authflow_id: not a canonical authflow ID: length 4, want 32" {
		t.Errorf("got %v (status %d)", e, e.StatusCode())
	}
	if strings.Contains(rec.Body.String(), "nope") {
		t.Errorf("the 400 echoes the ID: %s", rec.Body)
	}
}

func TestServeAuthorization(t *testing.T) {
	t.Parallel()
	seed := examples.Authflow() // domain 013xrzp12g3nqk8nz2ccx5vt2j6f6hjz
	otherDomain := ids.MustParse[ids.Domain]("013xrzp12g3nqk8n6z7f3q8wqgbmh3n9")
	fetched := 0
	var mu sync.Mutex
	store := storeFunc(func(ctx context.Context, id ids.AuthflowID) (*authflow.Authflow, error) {
		mu.Lock()
		fetched++
		mu.Unlock()
		if d, ok := authflow.CallerDomain(ctx); !ok || d.IsZero() {
			t.Errorf("the store's context lacks the caller's domain")
		}
		if id != seed.ID {
			return nil, apierrors.NotFound
		}
		return seed.Clone(), nil
	})
	authz := authflow.DomainTokens(map[string]ids.DomainID{
		"token-of-seed-domain":  seed.DomainID,
		"token-of-other-domain": otherDomain,
	})
	url, logs := server(t, store, authz)
	base := url + "/api/v1/authflow/"
	bearer := func(tok string) http.Header { return http.Header{"Authorization": {tok}} }

	tests := []struct {
		name      string
		method    string
		path      string
		header    http.Header
		status    int
		code      apierrors.Code
		challenge string
	}{
		{"no credentials", "GET", base + seedID, nil, 401, apierrors.NotAuthenticated, `Bearer realm="authflow"`},
		{"unknown token", "GET", base + seedID, bearer("Bearer nope"), 401, apierrors.BadAuthToken, `Bearer realm="authflow", error="invalid_token"`},
		{"token prefix", "GET", base + seedID, bearer("Bearer token-of-seed"), 401, apierrors.BadAuthToken, `Bearer realm="authflow", error="invalid_token"`},
		{"basic scheme", "GET", base + seedID, bearer("Basic dXNlcjpwYXNz"), 401, apierrors.BadAuthToken, `Bearer realm="authflow", error="invalid_token"`},
		{"empty bearer", "GET", base + seedID, bearer("Bearer "), 401, apierrors.BadAuthToken, `Bearer realm="authflow", error="invalid_token"`},
		{"two headers", "GET", base + seedID, http.Header{"Authorization": {"Bearer token-of-seed-domain", "Bearer x"}}, 401, apierrors.BadAuthToken, `Bearer realm="authflow", error="invalid_token"`},
		// Credentials come before anything else: the caller learns nothing.
		{"no credentials, bad ID", "GET", base + "nope", nil, 401, apierrors.NotAuthenticated, `Bearer realm="authflow"`},
		{"no credentials, bad path", "GET", url + "/etc/passwd", nil, 401, apierrors.NotAuthenticated, `Bearer realm="authflow"`},
		{"no credentials, POST", "POST", base + seedID, nil, 401, apierrors.NotAuthenticated, `Bearer realm="authflow"`},
		{"bad token, unknown flow", "GET", base + "013xrzp12g3nqk8nyvk0xwzcb2gzp8z1", bearer("Bearer nope"), 401, apierrors.BadAuthToken, `Bearer realm="authflow", error="invalid_token"`},
		// Object-level authorization: another domain's flow is refused.
		{"other domain's flow", "GET", base + seedID, bearer("Bearer token-of-other-domain"), 403, apierrors.NotPermitted, ""},
		{"own domain, bad ID", "GET", base + "nope", bearer("Bearer token-of-seed-domain"), 400, apierrors.InvalidValue, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, tt.method, tt.path, tt.header)
			checkError(t, r, tt.status, tt.code)
			if got := r.header.Get("Www-Authenticate"); got != tt.challenge {
				t.Errorf("WWW-Authenticate = %q, want %q", got, tt.challenge)
			}
		})
	}
	mu.Lock()
	if fetched != 1 {
		t.Errorf("the store was called %d times; only the authenticated, well-formed request may reach it", fetched)
	}
	mu.Unlock()

	// The right token, case-insensitive scheme: 200.
	r := do(t, "GET", base+seedID, bearer("bearer token-of-seed-domain"))
	if r.status != 200 {
		t.Errorf("own domain: status %d, body %s", r.status, r.body)
	}
	if strings.Contains(logs.String(), "token-of") {
		t.Errorf("a token reached the log:\n%s", logs)
	}
}

func TestServeCancelledContext(t *testing.T) {
	t.Parallel()
	entered := make(chan struct{})
	sawCancel := make(chan error, 1)
	store := storeFunc(func(ctx context.Context, id ids.AuthflowID) (*authflow.Authflow, error) {
		close(entered)
		select {
		case <-ctx.Done():
			sawCancel <- ctx.Err()
			return nil, ctx.Err()
		case <-time.After(10 * time.Second):
			sawCancel <- nil
			return nil, errors.New("the request's context was not passed to the store")
		}
	})
	url, _ := server(t, store, authflow.AllowAll{})
	c, err := authflow.NewClient(url)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-entered; cancel() }()
	_, err = c.FetchAuthflow(ctx, ids.MustParse[ids.Authflow](seedID))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("client error = %v, want context.Canceled", err)
	}
	if got := <-sawCancel; !errors.Is(got, context.Canceled) {
		t.Errorf("store saw %v, want context.Canceled", got)
	}
}

func TestClientAgainstHandler(t *testing.T) {
	t.Parallel()
	seed := examples.Authflow()
	url, _ := server(t, memoryStore(t, seed), authflow.BearerToken("s3cret"))
	c, err := authflow.NewClient(url, authflow.WithBearerToken("s3cret"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.FetchAuthflow(context.Background(), seed.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(seed, got, testutil.CmpOptions); diff != "" {
		t.Errorf("fetched flow differs (-want +got):\n%s", diff)
	}

	_, err = c.FetchAuthflow(context.Background(), ids.MustParse[ids.Authflow]("013xrzp12g3nqk8nyvk0xwzcb2gzp8z1"))
	var apiErr *apierrors.Error
	if !errors.Is(err, apierrors.NotFound) || !errors.As(err, &apiErr) || apiErr.StatusCode() != 404 ||
		apiErr.Message() != "no such resource" || apierrors.CodeOf(err) != apierrors.NotFound {
		t.Errorf("unknown flow: %v (status %v)", err, apiErr)
	}

	anon, _ := authflow.NewClient(url)
	_, err = anon.FetchAuthflow(context.Background(), seed.ID)
	if !errors.Is(err, apierrors.NotAuthenticated) || !errors.As(err, &apiErr) || apiErr.StatusCode() != 401 {
		t.Errorf("no token: %v", err)
	}
	wrong, _ := authflow.NewClient(url, authflow.WithBearerToken("guess"))
	_, err = wrong.FetchAuthflow(context.Background(), seed.ID)
	if !errors.Is(err, apierrors.BadAuthToken) || errors.Is(err, apierrors.NotAuthenticated) {
		t.Errorf("wrong token: %v", err)
	}
}

func TestServeConcurrently(t *testing.T) {
	t.Parallel()
	seed := examples.Authflow()
	url, logs := server(t, memoryStore(t, seed), authflow.AllowAll{})
	c, err := authflow.NewClient(url)
	if err != nil {
		t.Fatal(err)
	}
	const n = 1000
	var wg sync.WaitGroup
	errs := make(chan error, n)
	sem := make(chan struct{}, 64) // bounded: 64 in flight, 1,000 in all
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			got, err := c.FetchAuthflow(context.Background(), seed.ID)
			if err != nil {
				errs <- err
				return
			}
			if got.ID != seed.ID || got.Title != seed.Title {
				errs <- fmt.Errorf("got flow %v %q", got.ID, got.Title)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if s := logs.String(); s != "" {
		t.Errorf("the handler logged:\n%s", s)
	}
}

// TestNewHandlerRefusesBadArguments checks that NewHandler reports a nil
// store or authorizer and an option's bad value as an error naming the fix
// or the option, as NewClient does, and never panics.
func TestNewHandlerRefusesBadArguments(t *testing.T) {
	t.Parallel()
	store := memoryStore(t)
	for _, tc := range []struct {
		name  string
		store authflow.Store
		authz authflow.Authorizer
		opts  []authflow.HandlerOption
		want  string
	}{
		{"nil store", nil, authflow.AllowAll{}, nil, "nil Store (pass"},
		{"nil authorizer", store, nil, nil, "nil Authorizer (pass AllowAll"},
		{"zero store timeout", store, authflow.AllowAll{}, []authflow.HandlerOption{authflow.WithStoreTimeout(0)}, "WithStoreTimeout(0s): the time limit must be positive"},
		{"negative store timeout", store, authflow.AllowAll{}, []authflow.HandlerOption{authflow.WithStoreTimeout(-time.Second)}, "WithStoreTimeout(-1s)"},
		{"quote in realm", store, authflow.AllowAll{}, []authflow.HandlerOption{authflow.WithRealm(`a"b`)}, `WithRealm("a\"b"): the realm must not hold quotes`},
		{"backslash in realm", store, authflow.AllowAll{}, []authflow.HandlerOption{authflow.WithRealm(`a\b`)}, "WithRealm("},
		{"line break in realm", store, authflow.AllowAll{}, []authflow.HandlerOption{authflow.WithRealm("a\nb")}, "WithRealm("},
		{"DEL in realm", store, authflow.AllowAll{}, []authflow.HandlerOption{authflow.WithRealm("a\x7fb")}, "WithRealm("},
	} {
		h, err := authflow.NewHandler(tc.store, tc.authz, tc.opts...)
		if h != nil || err == nil || !strings.HasPrefix(err.Error(), "authflow: NewHandler: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: NewHandler = %v, %v; want an error holding %q", tc.name, h, err, tc.want)
		}
	}
	// The last value of an option counts, and good values pass.
	if _, err := authflow.NewHandler(store, authflow.AllowAll{}, authflow.WithStoreTimeout(0), authflow.WithStoreTimeout(time.Second), authflow.WithRealm("my realm")); err != nil {
		t.Errorf("good options: %v", err)
	}
}

// lenientImporter imports from export data, and stands in an empty package
// for one it cannot find (this module's own internal packages).
type lenientImporter struct{ types.Importer }

func (l lenientImporter) Import(path string) (*types.Package, error) {
	if p, err := l.Importer.Import(path); err == nil {
		return p, nil
	}
	p := types.NewPackage(path, filepath.Base(path))
	p.MarkComplete()
	return p, nil
}

// TestErrorsPackageStateCannotChangeResponses establishes that nothing a
// program can reach of package errors changes what the handler sends: the
// package exports no variables (only constants, types and functions), an
// Error's fields are unexported, the problems an Error gives out are a
// copy, and the API errors the handler's authorizers share between
// requests cannot be rewritten through their methods. It is not parallel:
// it tries to change state that other tests' handlers share, and restores
// it when done.
func TestErrorsPackageStateCannotChangeResponses(t *testing.T) {
	// Type-check package errors from its source, as the build would see it,
	// with the standard library's imports from export data. What it uses of
	// this module's internal packages is not needed to list its own
	// declarations: those imports are stood in for by empty packages, and
	// the errors that leaves are ignored.
	bp, err := build.Default.ImportDir(filepath.Join("..", "errors"), 0)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range bp.GoFiles {
		f, err := parser.ParseFile(fset, filepath.Join(bp.Dir, name), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	var typeErrs []error
	conf := types.Config{
		Importer: lenientImporter{importer.ForCompiler(fset, "gc", nil)},
		Error:    func(err error) { typeErrs = append(typeErrs, err) },
	}
	pkg, _ := conf.Check("github.com/authflow-dev/authflow-go/errors", fset, files, nil)
	for _, err := range typeErrs {
		if !strings.Contains(err.Error(), "internal/") && !strings.Contains(err.Error(), "safetext") && !strings.Contains(err.Error(), "jsonwire") {
			t.Fatalf("type-checking package errors: %v", err)
		}
	}
	scope := pkg.Scope()
	exported := 0
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		if !obj.Exported() {
			continue
		}
		exported++
		switch obj := obj.(type) {
		case *types.Var:
			t.Errorf("package errors exports the variable %s: any program could change it", name)
		case *types.Const, *types.Func:
		case *types.TypeName:
			if st, ok := obj.Type().Underlying().(*types.Struct); ok && name == "Error" {
				for i := range st.NumFields() {
					if f := st.Field(i); f.Exported() {
						t.Errorf("errors.Error has the exported field %s", f.Name())
					}
				}
			}
		default:
			t.Errorf("package errors exports %s, a %T", name, obj)
		}
	}
	if exported < 20 || scope.Lookup("NotFound") == nil || scope.Lookup("Error") == nil {
		t.Fatalf("the package scope lists %d exported names: not package errors?", exported)
	}

	// The answers, before anything is tried.
	seed := examples.Authflow()
	bearer := authflow.BearerToken("tok")
	domains := authflow.DomainTokens(map[string]ids.DomainID{"other": ids.MustParse[ids.Domain]("013xrzp12g3nqk8n6z7f3q8wqgbmh3n9")})
	store := memoryStore(t, seed)
	srvBearer := httptest.NewServer(newHandler(t, store, bearer, authflow.WithLogger(nil)))
	t.Cleanup(srvBearer.Close)
	srvDomains := httptest.NewServer(newHandler(t, store, domains, authflow.WithLogger(nil)))
	t.Cleanup(srvDomains.Close)
	auth := func(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }
	requests := []struct {
		url    string
		header http.Header
	}{
		{srvBearer.URL + authflow.PathPrefix + seedID, nil},                                     // 401 not_authenticated
		{srvBearer.URL + authflow.PathPrefix + seedID, auth("guess")},                           // 401 bad_authtoken
		{srvBearer.URL + authflow.PathPrefix + "013xrzp12g3nqk8nyvk0xwzcb2gzp8z1", auth("tok")}, // 404 not_found
		{srvBearer.URL + authflow.PathPrefix + "nope", auth("tok")},                             // 400 invalid_value
		{srvDomains.URL + authflow.PathPrefix + seedID, auth("other")},                          // 403 not_permitted
	}
	answers := func() []string {
		var out []string
		for _, rq := range requests {
			r := do(t, "GET", rq.url, rq.header)
			out = append(out, fmt.Sprint(r.status, " ", r.header.Get("Www-Authenticate"), " ", string(r.body)))
		}
		return out
	}
	before := answers()

	// Every API error a program can get hold of: those the authorizers
	// return (and the handler sends, the same values on every request), the
	// store's, and a report.
	var held []*apierrors.Error
	hold := func(err error) {
		t.Helper()
		held = append(held, testutil.APIError(t, err))
	}
	_, err = bearer.Authenticate(httptest.NewRequest("GET", "/", nil))
	hold(err)
	badToken := httptest.NewRequest("GET", "/", nil)
	badToken.Header.Set("Authorization", "Bearer guess")
	_, err = bearer.Authenticate(badToken)
	hold(err)
	other := httptest.NewRequest("GET", "/", nil)
	other.Header.Set("Authorization", "Bearer other")
	ctx, err := domains.Authenticate(other)
	if err != nil {
		t.Fatal(err)
	}
	hold(domains.Authorize(ctx, seed))
	_, err = store.FetchAuthflow(context.Background(), ids.MustParse[ids.Authflow]("013xrzp12g3nqk8nyvk0xwzcb2gzp8z1"))
	if err != error(apierrors.NotFound) {
		t.Errorf("MemoryStore: %v, want the bare code NotFound", err)
	}
	_, err = authflow.DecodeAuthflow([]byte(`{"type":"authflow","id":"x","status":1}`))
	hold(err)

	for _, e := range held {
		text, envelope := e.Error(), string(e.AppendJSON(nil))
		code, msg, problems := e.Code(), e.Message(), e.Problems()

		// The problems are a copy: changing them changes nothing.
		if ps := e.Problems(); len(ps) > 0 {
			ps[0].Path, ps[0].Rule, ps[0].Message = "tampered", "tampered", "tampered"
			_ = append(ps[:0], apierrors.Problem{Message: "tampered"})
		}
		if e.Code() != code || e.Message() != msg || e.Error() != text || string(e.AppendJSON(nil)) != envelope ||
			!cmp.Equal(e.Problems(), problems) {
			t.Errorf("an API error changed with its problems: %q became %q, %s", text, e.Error(), e.AppendJSON(nil))
		}

		// The one method that writes an Error, UnmarshalJSON, reads a new
		// one into it. Try it on each; the handler must not be sending the
		// very values its callers can reach. Each is put back as it was
		// when the test ends, so that a failure here fails no other test.
		t.Cleanup(func() {
			if e.Code() != code || e.Message() != msg {
				if err := e.UnmarshalJSON([]byte(envelope)); err != nil {
					t.Errorf("restoring %s: %v", envelope, err)
				}
			}
		})
		// It may refuse to: an Error made once is not to be changed.
		_ = e.UnmarshalJSON([]byte(`{"status":"error","code":"not_found","message":"tampered"}`))
	}

	if diff := cmp.Diff(before, answers()); diff != "" {
		t.Errorf("the handler's answers changed (-before +after):\n%s", diff)
	}
}
