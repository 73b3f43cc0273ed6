package authflow_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/authflow-dev/authflow-go/authflow"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/ids"
)

// TestDomainTokensOtherDomainsNotFound checks that, with the option, a flow
// of another domain is answered exactly as a flow that does not exist, and
// that without it the answer stays 403.
func TestDomainTokensOtherDomainsNotFound(t *testing.T) {
	t.Parallel()
	seed := examples.Authflow()
	other := ids.MustParse[ids.Domain]("013xrzp12g3nqk8n6z7f3q8wqgbmh3n9")
	tokens := map[string]ids.DomainID{"own": seed.DomainID, "other": other}
	const missing = "013xrzp12g3nqk8nyvk0xwzcb2gzp8z1"

	get := func(h http.Handler, method, token, id string) recorded {
		r := httptest.NewRequest(method, authflow.PathPrefix+id, nil)
		r.Header.Set("Authorization", "Bearer "+token)
		got := record(h, r)
		if got.Status >= 400 && len(got.Header["X-Request-Id"]) != 1 {
			t.Errorf("%s %s: X-Request-Id %q, want one", method, id, got.Header["X-Request-Id"])
		}
		delete(got.Header, "X-Request-Id") // a new one each time
		return got
	}
	stores := map[string]authflow.Store{
		"MemoryStore": memoryStore(t, seed),
		"a Store of its own": storeFunc(func(_ context.Context, id ids.AuthflowID) (*authflow.Authflow, error) {
			if id != seed.ID {
				return nil, apierrors.NotFound
			}
			return seed.Clone(), nil
		}),
	}
	for name, store := range stores {
		hidden := newHandler(t, store, authflow.DomainTokens(tokens, authflow.WithOtherDomainsNotFound()), authflow.WithLogger(nil))
		for _, method := range []string{"GET", "HEAD"} {
			othersFlow, noFlow := get(hidden, method, "other", seed.ID.String()), get(hidden, method, "other", missing)
			if othersFlow.Status != http.StatusNotFound {
				t.Errorf("%s %s: another domain's flow: status %d, want 404", name, method, othersFlow.Status)
			}
			if diff := cmp.Diff(noFlow, othersFlow); diff != "" {
				t.Errorf("%s %s: another domain's flow is told from a missing one (-missing +other domain's):\n%s", name, method, diff)
			}
			if own := get(hidden, method, "own", seed.ID.String()); own.Status != http.StatusOK {
				t.Errorf("%s %s: own flow: status %d", name, method, own.Status)
			}
		}

		plain := newHandler(t, store, authflow.DomainTokens(tokens), authflow.WithLogger(nil))
		got := get(plain, "GET", "other", seed.ID.String())
		if want := `{"status":"error","code":"not_permitted","message":"not permitted to see this authflow"}`; got.Status != http.StatusForbidden || got.Body != want {
			t.Errorf("%s: default: %d %s, want 403 %s", name, got.Status, got.Body, want)
		}
	}
}

// TestAuthorizerConfigErrors checks that a token no request can carry makes
// NewHandler fail with an error that names the mistake and not the token,
// and that the Authorizer, used outside a handler, refuses every request.
func TestAuthorizerConfigErrors(t *testing.T) {
	t.Parallel()
	store := memoryStore(t, examples.Authflow())
	d1 := ids.MustParse[ids.Domain]("013xrzp12g3nqk8n6z7f3q8wqgbmh3n9")
	d2 := examples.Authflow().DomainID // 013xrzp12g3nqk8nz2ccx5vt2j6f6hjz, after d1
	tests := []struct {
		name   string
		authz  authflow.Authorizer
		token  string // presented to the Authorizer used outside a handler
		want   string // the whole error
		secret string // must not be in the error
	}{
		{"BearerToken empty", authflow.BearerToken(""), "",
			"authflow: BearerToken: the token is empty (pass AllowAll explicitly to serve without authentication)", ""},
		{"BearerToken newline", authflow.BearerToken("s3cret-value\n"), "s3cret-value",
			"authflow: BearerToken: the token ends with a space, a tab or a line break: a token must be printable ASCII without spaces ('!' to '~')", "s3cret"},
		{"BearerToken leading space", authflow.BearerToken(" s3cret-value"), "s3cret-value", "", "s3cret"},
		{"BearerToken trailing tab", authflow.BearerToken("s3cret-value\t"), "s3cret-value", "", "s3cret"},
		{"BearerToken NUL", authflow.BearerToken("s3cret\x00value"), "s3cret", "", "s3cret"},
		{"BearerToken DEL", authflow.BearerToken("s3cret\x7fvalue"), "s3cret", "", "s3cret"},
		{"BearerToken inner space", authflow.BearerToken("s3cret value"), "s3cret", "authflow: BearerToken: the token holds a space or a tab", "s3cret"},
		{"BearerToken non-ASCII", authflow.BearerToken("s3creté"), "s3cret", "authflow: BearerToken: the token holds a byte beyond ASCII", "s3cret"},
		{"DomainTokens nil", authflow.DomainTokens(nil), "x",
			"authflow: DomainTokens: no tokens (pass AllowAll explicitly to serve without authentication)", ""},
		{"DomainTokens empty map", authflow.DomainTokens(map[string]ids.DomainID{}), "x", "", ""},
		{"DomainTokens empty token", authflow.DomainTokens(map[string]ids.DomainID{"good-one": d1, "": d2}), "good-one",
			"authflow: DomainTokens: the token of domain 013xrzp12g3nqk8nz2ccx5vt2j6f6hjz is empty", "good-one"},
		{"DomainTokens two bad: the least domain's", authflow.DomainTokens(map[string]ids.DomainID{"s3cret\r\n": d2, " s3cret": d1, "good-one": d2}), "good-one",
			"authflow: DomainTokens: the token of domain 013xrzp12g3nqk8n6z7f3q8wqgbmh3n9 holds a space or a tab", "s3cret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h, err := authflow.NewHandler(store, tt.authz)
			if err == nil || h != nil {
				t.Fatalf("NewHandler: %v, %v; want an error", h, err)
			}
			if !strings.HasPrefix(err.Error(), "authflow: ") || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("NewHandler: %q, want %q", err, tt.want)
			}
			if tt.secret != "" && strings.Contains(err.Error(), tt.secret) {
				t.Errorf("NewHandler's error holds the token: %q", err)
			}

			// Used elsewhere, it refuses everything with the same error,
			// which WriteError answers 500.
			r := httptest.NewRequest("GET", "/", nil)
			r.Header.Set("Authorization", "Bearer "+tt.token)
			ctx, authnErr := tt.authz.Authenticate(r)
			if authnErr == nil || authnErr.Error() != err.Error() || ctx != nil {
				t.Errorf("Authenticate: %v, %v; want nil, %v", ctx, authnErr, err)
			}
			if authzErr := tt.authz.Authorize(context.Background(), examples.Authflow()); authzErr == nil || authzErr.Error() != err.Error() {
				t.Errorf("Authorize: %v; want %v", authzErr, err)
			}
			rec := httptest.NewRecorder()
			authflow.WriteError(rec, r, authnErr)
			if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "token") {
				t.Errorf("WriteError of it: %d %s; want the generic 500", rec.Code, rec.Body)
			}
		})
	}

	// Tokens of printable ASCII are accepted, whatever their length.
	for _, tok := range []string{"t", "a-Z_0.9~+/=", "!\"#$%&'()*,:;<>?@[\\]^`{|}", strings.Repeat("x", 4096)} {
		h, err := authflow.NewHandler(store, authflow.BearerToken(tok), authflow.WithLogger(nil))
		if err != nil {
			t.Errorf("BearerToken(%q): %v", tok, err)
			continue
		}
		r := httptest.NewRequest("GET", authflow.PathPrefix+seedID, nil)
		r.Header.Set("Authorization", "Bearer "+tok)
		if got := record(h, r); got.Status != http.StatusOK {
			t.Errorf("BearerToken(%q): status %d", tok, got.Status)
		}
	}
	if _, err := authflow.NewHandler(store, authflow.DomainTokens(map[string]ids.DomainID{"a": d1, "b": d2})); err != nil {
		t.Errorf("DomainTokens of two good tokens: %v", err)
	}
}

type callerKey struct{}

// TestAuthorizerFuncs checks when each half is called, with what, and that
// a nil half lets every request through.
func TestAuthorizerFuncs(t *testing.T) {
	t.Parallel()
	seed := examples.Authflow()
	var calls []string
	var storeSaw any
	store := storeFunc(func(ctx context.Context, id ids.AuthflowID) (*authflow.Authflow, error) {
		calls = append(calls, "store")
		storeSaw = ctx.Value(callerKey{})
		if id != seed.ID {
			return nil, apierrors.NotFound
		}
		return seed.Clone(), nil
	})
	authenticate := func(r *http.Request) (context.Context, error) {
		calls = append(calls, "authenticate")
		caller := r.Header.Get("X-Caller")
		if caller == "" {
			return nil, apierrors.NotAuthenticated
		}
		return context.WithValue(r.Context(), callerKey{}, caller), nil
	}
	authorize := func(ctx context.Context, flow *authflow.Authflow) error {
		calls = append(calls, "authorize")
		if flow.ID != seed.ID {
			t.Errorf("Authorize got flow %v", flow.ID)
		}
		if ctx.Value(callerKey{}) != "alice" && ctx.Value(callerKey{}) != nil {
			return apierrors.New(apierrors.NotPermitted, "alice's only")
		}
		flow.Title = "redacted"
		return nil
	}
	tests := []struct {
		name   string
		authz  authflow.AuthorizerFuncs
		caller string
		path   string
		status int
		calls  string
		title  bool // the body shows the title Authorize set
	}{
		{"both, allowed", authflow.AuthorizerFuncs{AuthenticateFunc: authenticate, AuthorizeFunc: authorize}, "alice", seedID, 200, "authenticate store authorize", true},
		{"both, refused per flow", authflow.AuthorizerFuncs{AuthenticateFunc: authenticate, AuthorizeFunc: authorize}, "bob", seedID, 403, "authenticate store authorize", false},
		{"both, not authenticated", authflow.AuthorizerFuncs{AuthenticateFunc: authenticate, AuthorizeFunc: authorize}, "", seedID, 401, "authenticate", false},
		{"authenticate before the path", authflow.AuthorizerFuncs{AuthenticateFunc: authenticate, AuthorizeFunc: authorize}, "", "not-an-id", 401, "authenticate", false},
		{"authorize not called for a missing flow", authflow.AuthorizerFuncs{AuthenticateFunc: authenticate, AuthorizeFunc: authorize}, "alice", "013xrzp12g3nqk8nyvk0xwzcb2gzp8z1", 404, "authenticate store", false},
		{"authorize alone", authflow.AuthorizerFuncs{AuthorizeFunc: authorize}, "", seedID, 200, "store authorize", true},
		{"authenticate alone", authflow.AuthorizerFuncs{AuthenticateFunc: authenticate}, "bob", seedID, 200, "authenticate store", false},
		{"neither", authflow.AuthorizerFuncs{}, "", seedID, 200, "store", false},
	}
	for _, tt := range tests {
		calls, storeSaw = nil, nil
		h := newHandler(t, store, tt.authz, authflow.WithLogger(nil))
		r := httptest.NewRequest("GET", authflow.PathPrefix+tt.path, nil)
		if tt.caller != "" {
			r.Header.Set("X-Caller", tt.caller)
		}
		got := record(h, r)
		if got.Status != tt.status || strings.Join(calls, " ") != tt.calls {
			t.Errorf("%s: status %d, calls %q; want %d, %q", tt.name, got.Status, calls, tt.status, tt.calls)
		}
		if tt.title != strings.Contains(got.Body, `"title":"redacted"`) {
			t.Errorf("%s: body %s", tt.name, got.Body)
		}
		if tt.authz.AuthenticateFunc != nil && tt.status != 401 && storeSaw != tt.caller {
			t.Errorf("%s: the Store's context carries %v, want Authenticate's %q", tt.name, storeSaw, tt.caller)
		}
	}
}
