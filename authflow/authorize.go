package authflow

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/ids"
)

// An Authorizer decides who may fetch what. The handler calls it twice:
//
//   - Authenticate, first of all, before the path's ID is even parsed, so
//     that a caller without valid credentials learns nothing. It returns the
//     context for the rest of the request: r.Context(), or a context derived
//     from it that carries the caller's identity for Authorize and the Store.
//   - Authorize, after the Store has found the flow and before the flow is
//     validated or anything of it is sent, to decide per object (OWASP API1,
//     broken object-level authorization): may this caller see this flow?
//     A refusal with [apierrors.NotPermitted] (403) tells the caller that
//     the flow exists, since a missing one is 404; refuse with
//     [apierrors.NotFound] to hide that too.
//
// To refuse, return an [*apierrors.Error]: [apierrors.NotAuthenticated] (no
// credentials) or [apierrors.BadAuthToken] (malformed or unknown ones) from
// Authenticate, [apierrors.NotPermitted] from either. Its code, status and
// message are sent to the client, so the message must hold no internal
// detail; a 401 also carries a WWW-Authenticate challenge. Any other error is
// a server failure: logged, and answered 500 with a generic message.
//
// The flow Authorize is given belongs to the request ([Store] hands out
// flows that are the caller's): Authorize may change it, to redact a field
// say, and the handler then validates and sends the flow as Authorize left
// it; nothing it changes reaches another request. An Authorizer is called
// from many goroutines at once and must be safe for concurrent use.
//
// [AuthorizerFuncs] makes an Authorizer of two functions.
type Authorizer interface {
	Authenticate(r *http.Request) (context.Context, error)
	Authorize(ctx context.Context, flow *Authflow) error
}

// AllowAll is the Authorizer that lets every request see every flow:
// NewHandler(store, authflow.AllowAll{}). It is for demos, tests, and
// services whose middleware in front of the handler already authenticates
// and authorizes; saying so explicitly is the point.
type AllowAll struct{}

// Authenticate implements [Authorizer]: it lets every request in.
func (AllowAll) Authenticate(r *http.Request) (context.Context, error) { return r.Context(), nil }

// Authorize implements [Authorizer]: it lets every caller see every flow.
func (AllowAll) Authorize(context.Context, *Authflow) error { return nil }

// AuthorizerFuncs makes an [Authorizer] of two functions, as
// [http.HandlerFunc] makes a handler of one. The handler calls
// AuthenticateFunc as Authenticate, first of all, before the path is looked
// at; and AuthorizeFunc as Authorize, on the flow the Store found, before it
// is validated or sent, with the context AuthenticateFunc returned (see
// [Authorizer] for what each may return).
//
// A nil function lets every request through at its step: a service whose
// own middleware authenticates sets AuthorizeFunc alone, one with no rule
// per flow sets AuthenticateFunc alone. With neither, it is [AllowAll]
// (write AllowAll when that is what you mean). The functions are called from
// many goroutines at once and must be safe for concurrent use.
type AuthorizerFuncs struct {
	// AuthenticateFunc decides whether the request may go on, and returns
	// its context from then on: see [Authorizer]. A nil context means
	// r.Context().
	AuthenticateFunc func(r *http.Request) (context.Context, error)
	// AuthorizeFunc decides whether the caller may see flow.
	AuthorizeFunc func(ctx context.Context, flow *Authflow) error
}

// Authenticate implements [Authorizer]: it calls AuthenticateFunc, if set.
func (a AuthorizerFuncs) Authenticate(r *http.Request) (context.Context, error) {
	if a.AuthenticateFunc == nil {
		return r.Context(), nil
	}
	return a.AuthenticateFunc(r)
}

// Authorize implements [Authorizer]: it calls AuthorizeFunc, if set.
func (a AuthorizerFuncs) Authorize(ctx context.Context, flow *Authflow) error {
	if a.AuthorizeFunc == nil {
		return nil
	}
	return a.AuthorizeFunc(ctx, flow)
}

// The errors the bearer-token authorizers return, shared by every request:
// an [apierrors.Error] cannot be changed once made. Their messages go to
// clients.
var (
	errNoCredentials = apierrors.New(apierrors.NotAuthenticated, "credentials required: send Authorization: Bearer <token>")
	errBadToken      = apierrors.New(apierrors.BadAuthToken, "invalid bearer token")
	errOtherDomain   = apierrors.New(apierrors.NotPermitted, "not permitted to see this authflow")
)

// BearerToken returns an Authorizer that accepts a request if and only if it
// carries "Authorization: Bearer <token>" with exactly the given token, and
// then lets it see every flow. The comparison takes the same time whatever
// the presented token is.
//
// A token that is empty or not printable ASCII without spaces ('!' to '~'),
// which is what a bearer token is made of, is a configuration mistake (a
// token read from a file, say, with its final newline). Then
// [NewHandler] fails with an error that says so (and does not hold the
// token), and the Authorizer, used elsewhere, refuses every request with
// that error, which is not an API error: a server failure.
func BearerToken(token string) Authorizer {
	return &domainTokens{
		tokens:    []tokenEntry{{hash: sha256.Sum256([]byte(token))}},
		anyDomain: true,
		err:       checkToken("BearerToken", token, ""),
	}
}

// DomainTokens returns an Authorizer for services whose callers each act for
// one domain: a request must carry "Authorization: Bearer <token>" with one
// of the map's tokens, and it may then see only the flows whose DomainID is
// that token's domain. Any other flow is refused with
// [apierrors.NotPermitted] (403, which tells the caller that the flow
// exists: a missing one is 404), or as missing with
// [WithOtherDomainsNotFound]. The authenticated domain is available to the
// Store through [CallerDomain]. Tokens are compared in constant time, and all
// of them on every request, so timing does not reveal which token nearly
// matched.
//
// An empty map, or a token that no request can carry (see [BearerToken]),
// is a configuration mistake: [NewHandler] fails with an error that names
// the token's domain (never the token), and the Authorizer, used elsewhere,
// refuses every request with that error.
func DomainTokens(tokens map[string]ids.DomainID, opts ...DomainTokensOption) Authorizer {
	a := &domainTokens{otherDomain: errOtherDomain}
	for _, o := range opts {
		o.applyDomainTokens(a)
	}
	if len(tokens) == 0 {
		a.err = errors.New("authflow: DomainTokens: no tokens (pass AllowAll explicitly to serve without authentication)")
	}
	for tok, domain := range tokens {
		a.tokens = append(a.tokens, tokenEntry{hash: sha256.Sum256([]byte(tok)), domain: domain})
		// Of several bad tokens, report the one of the least domain, so
		// that the error does not change from run to run.
		if err := checkToken("DomainTokens", tok, "the token of domain "+domain.String()); err != nil &&
			(a.err == nil || err.Error() < a.err.Error()) {
			a.err = err
		}
	}
	return a
}

// A DomainTokensOption configures [DomainTokens]. Options are made by the
// With… functions of this package; the interface is sealed.
type DomainTokensOption interface {
	applyDomainTokens(*domainTokens)
}

type domainTokensOptionFunc func(*domainTokens)

func (f domainTokensOptionFunc) applyDomainTokens(a *domainTokens) { f(a) }

// WithOtherDomainsNotFound makes [DomainTokens] refuse a flow of another
// domain as if it did not exist: with the bare [apierrors.NotFound], which
// the handler answers 404 not_found "no such resource", the very response
// (status, headers and body, all but X-Request-Id) of a flow that the Store
// does not have, provided the Store answers a missing flow with the bare
// apierrors.NotFound too, as [MemoryStore] and this module's SQL store do.
// A caller then cannot tell another domain's flow from a missing one by
// the answer (OWASP's advice for object-level authorization); the time
// the answer takes may still differ, as the Store finds one and not the
// other. The default is 403 not_permitted, which tells a caller holding
// the wrong token why it is refused.
func WithOtherDomainsNotFound() DomainTokensOption {
	return domainTokensOptionFunc(func(a *domainTokens) { a.otherDomain = apierrors.NotFound })
}

// checkToken returns the error of a token that no request can carry, which
// names fn and what (the token, or which one) but not the token itself.
func checkToken(fn, token, what string) error {
	if what == "" {
		what = "the token"
	}
	problem := tokenProblem(token)
	switch {
	case problem == "":
		return nil
	case token == "":
		return errors.New("authflow: " + fn + ": " + what + " is empty (pass AllowAll explicitly to serve without authentication)")
	}
	return errors.New("authflow: " + fn + ": " + what + " " + problem + tokenRule)
}

// tokenRule ends the errors of tokenProblem's findings.
const tokenRule = ": a token must be printable ASCII without spaces ('!' to '~')"

// tokenProblem says, without quoting it, why token cannot be a bearer
// token, or returns "". The client and the authorizers share this rule: a
// token is printable ASCII without spaces ('!' to '~'), which a header
// carries as it is and which the token68 syntax of bearer credentials never
// exceeds.
func tokenProblem(token string) string {
	if token == "" {
		return "is empty"
	}
	if strings.TrimRight(token, " \t\r\n") != token {
		return "ends with a space, a tab or a line break" // as a token read from a file often does
	}
	for i := 0; i < len(token); i++ {
		switch b := token[i]; {
		case '!' <= b && b <= '~':
		case b == ' ' || b == '\t':
			return "holds a space or a tab"
		case b == '\r' || b == '\n':
			return "holds a line break"
		case b < ' ' || b == 0x7f:
			return "holds a control character"
		default:
			return "holds a byte beyond ASCII"
		}
	}
	return ""
}

// configError returns the configuration error authz carries, if it is one
// of BearerToken's or DomainTokens's: NewHandler fails with it.
func configError(authz Authorizer) error {
	if a, ok := authz.(*domainTokens); ok {
		return a.err
	}
	return nil
}

// domainTokens implements BearerToken and DomainTokens.
type domainTokens struct {
	tokens      []tokenEntry // read-only after construction
	anyDomain   bool         // BearerToken: every flow is visible
	otherDomain error        // the refusal of another domain's flow
	err         error        // the configuration error: every request is refused with it
}

// tokenEntry holds the SHA-256 of an accepted token: comparing fixed-length
// digests hides the tokens' lengths as well as their contents.
type tokenEntry struct {
	hash   [sha256.Size]byte
	domain ids.DomainID
}

// callerDomainKey is the context key of the authenticated domain.
type callerDomainKey struct{}

// CallerDomain returns the domain that [DomainTokens] authenticated the
// request for, from the context the handler passes to the Store.
func CallerDomain(ctx context.Context) (ids.DomainID, bool) {
	d, ok := ctx.Value(callerDomainKey{}).(ids.DomainID)
	return d, ok
}

// Authenticate implements [Authorizer].
func (a *domainTokens) Authenticate(r *http.Request) (context.Context, error) {
	if a.err != nil {
		return nil, a.err
	}
	token, err := bearerToken(r)
	if err != nil {
		return nil, err
	}
	presented := sha256.Sum256([]byte(token))
	match := -1
	for i := range a.tokens {
		if subtle.ConstantTimeCompare(presented[:], a.tokens[i].hash[:]) == 1 {
			match = i
		}
	}
	if match < 0 {
		return nil, errBadToken
	}
	if a.anyDomain {
		return r.Context(), nil
	}
	return context.WithValue(r.Context(), callerDomainKey{}, a.tokens[match].domain), nil
}

// Authorize implements [Authorizer]: the flow must belong to the caller's
// domain, unless the authorizer is a plain BearerToken.
func (a *domainTokens) Authorize(ctx context.Context, flow *Authflow) error {
	if a.err != nil {
		return a.err
	}
	if a.anyDomain {
		return nil
	}
	domain, ok := CallerDomain(ctx)
	if !ok || domain != flow.DomainID {
		return a.otherDomain
	}
	return nil
}

// bearerToken extracts the token of an "Authorization: Bearer <token>"
// header (RFC 6750 §2.1; the scheme is case-insensitive).
func bearerToken(r *http.Request) (string, error) {
	values := r.Header["Authorization"]
	switch len(values) {
	case 0:
		return "", errNoCredentials
	case 1:
	default:
		return "", errBadToken // several Authorization headers: ambiguous
	}
	scheme, token, ok := strings.Cut(values[0], " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", errBadToken
	}
	token = strings.TrimLeft(token, " ")
	if token == "" {
		return "", errBadToken
	}
	return token, nil
}
