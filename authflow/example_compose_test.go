package authflow_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"

	"github.com/authflow-dev/authflow-go/authflow"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/ids"
)

// printResponse prints a recorded response: status, headers in order, body.
func printResponse(rec *httptest.ResponseRecorder) {
	fmt.Println(rec.Code)
	for _, k := range slices.Sorted(maps.Keys(rec.Header())) {
		fmt.Printf("%s: %s\n", k, strings.Join(rec.Header()[k], ", "))
	}
	fmt.Println(rec.Body)
}

// A middleware of the service's own answers in the API's shape: the same
// status, headers and body as the handler's own answers.
func ExampleWriteError() {
	requireAPIKey := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.Header.Get("X-Api-Key") {
			case "":
				authflow.WriteError(w, r, apierrors.New(apierrors.NotAuthenticated, "send your key in X-Api-Key"))
			case "k3y":
				next.ServeHTTP(w, r)
			case "billing":
				// A realm of the service's own: a challenge set before is kept.
				w.Header().Set("WWW-Authenticate", `ApiKey realm="billing"`)
				authflow.WriteError(w, r, apierrors.New(apierrors.BadAuthToken, "this key is for billing"))
			default:
				// Not an API error: answered 500, its text never sent.
				authflow.WriteError(w, r, errors.New("key service at 10.0.0.7 unreachable"))
			}
		})
	}
	h := requireAPIKey(http.NotFoundHandler())

	for _, key := range []string{"", "billing", "other"} {
		r := httptest.NewRequest("GET", "/api/v1/authflow/013xrzp12g3nqk8nqprv12gz6v99a2v4", nil)
		r.Header.Set("X-Request-Id", "req-1")
		r.Header.Set("X-Api-Key", key)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		printResponse(rec)
	}
	// Output:
	// 401
	// Cache-Control: no-store
	// Content-Length: 84
	// Content-Type: application/json
	// Www-Authenticate: Bearer realm="authflow"
	// X-Content-Type-Options: nosniff
	// X-Request-Id: req-1
	// {"status":"error","code":"not_authenticated","message":"send your key in X-Api-Key"}
	// 401
	// Cache-Control: no-store
	// Content-Length: 77
	// Content-Type: application/json
	// Www-Authenticate: ApiKey realm="billing"
	// X-Content-Type-Options: nosniff
	// X-Request-Id: req-1
	// {"status":"error","code":"bad_authtoken","message":"this key is for billing"}
	// 500
	// Cache-Control: no-store
	// Content-Length: 72
	// Content-Type: application/json
	// X-Content-Type-Options: nosniff
	// X-Request-Id: req-1
	// {"status":"error","code":"unexpected","message":"internal server error"}
}

// user stands for the identity a service's own middleware establishes.
type user struct{ accountID ids.AccountID }

type userKey struct{}

// Authorize each flow by a rule of the service's own, behind a middleware
// that has already authenticated the caller: AuthenticateFunc is left nil.
func ExampleAuthorizerFuncs() {
	seed := examples.Authflow()
	store, err := authflow.NewMemoryStore(seed)
	if err != nil {
		panic(err)
	}
	authz := authflow.AuthorizerFuncs{
		// Called on the flow the Store found, before it is validated or
		// sent, with the request's context.
		AuthorizeFunc: func(ctx context.Context, flow *authflow.Authflow) error {
			u, ok := ctx.Value(userKey{}).(user)
			if !ok || u.accountID != flow.AccountID {
				return apierrors.NotFound // as if it did not exist
			}
			return nil
		},
	}
	api, err := authflow.NewHandler(store, authz)
	if err != nil {
		panic(err)
	}
	// The service's middleware: the user from its session, say.
	withUser := func(u user) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			api.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey{}, u)))
		})
	}

	owner := user{accountID: seed.AccountID}
	stranger := user{accountID: ids.MustParse[ids.Account]("013xrzp12g3nqk8nz2ccx5vt2j6f6hjz")}
	for _, u := range []user{owner, stranger} {
		rec := httptest.NewRecorder()
		withUser(u).ServeHTTP(rec, httptest.NewRequest("GET", authflow.PathPrefix+seed.ID.String(), nil))
		fmt.Println(rec.Code)
	}
	// Output:
	// 200
	// 404
}

// Answer another domain's flow as missing: the caller cannot tell one from
// the other.
func ExampleWithOtherDomainsNotFound() {
	seed := examples.Authflow()
	store, err := authflow.NewMemoryStore(seed)
	if err != nil {
		panic(err)
	}
	authz := authflow.DomainTokens(map[string]ids.DomainID{
		"token-of-another-domain": ids.MustParse[ids.Domain]("013xrzp12g3nqk8n6z7f3q8wqgbmh3n9"),
	}, authflow.WithOtherDomainsNotFound())
	h, err := authflow.NewHandler(store, authz)
	if err != nil {
		panic(err)
	}

	for _, id := range []string{seed.ID.String(), "013xrzp12g3nqk8nyvk0xwzcb2gzp8z1"} { // another domain's, missing
		r := httptest.NewRequest("GET", authflow.PathPrefix+id, nil)
		r.Header.Set("Authorization", "Bearer token-of-another-domain")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		fmt.Println(rec.Code, rec.Body)
	}
	// Output:
	// 404 {"status":"error","code":"not_found","message":"no such resource"}
	// 404 {"status":"error","code":"not_found","message":"no such resource"}
}

// A token no request can carry, such as one read from a file with its
// final newline, is reported by NewHandler, without the token.
func ExampleBearerToken() {
	store, err := authflow.NewMemoryStore(examples.Authflow())
	if err != nil {
		panic(err)
	}
	token := "s3cret\n" // os.ReadFile("/run/secrets/api-token"), say
	_, err = authflow.NewHandler(store, authflow.BearerToken(token))
	fmt.Println(err)

	h, err := authflow.NewHandler(store, authflow.BearerToken(strings.TrimSpace(token)))
	if err != nil {
		panic(err)
	}
	r := httptest.NewRequest("GET", authflow.PathPrefix+"013xrzp12g3nqk8nqprv12gz6v99a2v4", nil)
	r.Header.Set("Authorization", "Bearer s3cret")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	fmt.Println(rec.Code)
	// Output:
	// authflow: BearerToken: the token ends with a space, a tab or a line break: a token must be printable ASCII without spaces ('!' to '~')
	// 200
}
