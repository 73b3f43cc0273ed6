package authflow

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
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
// the presented token is. It panics if token is empty, which would accept
// nothing useful and is surely a configuration mistake.
func BearerToken(token string) Authorizer {
	if token == "" {
		panic("authflow: BearerToken needs a non-empty token (use AllowAll for no authentication)")
	}
	return &domainTokens{tokens: []tokenEntry{{hash: sha256.Sum256([]byte(token))}}, anyDomain: true}
}

// DomainTokens returns an Authorizer for services whose callers each act for
// one domain: a request must carry "Authorization: Bearer <token>" with one
// of the map's tokens, and it may then see only the flows whose DomainID is
// that token's domain; any other flow is refused with
// [apierrors.NotPermitted] (403, which tells the caller that the flow
// exists: a missing one is 404). The authenticated domain is available to the
// Store through [CallerDomain]. Tokens are compared in constant time, and all
// of them on every request, so timing does not reveal which token nearly
// matched. It panics if the map is empty or holds an empty token.
func DomainTokens(tokens map[string]ids.DomainID) Authorizer {
	if len(tokens) == 0 {
		panic("authflow: DomainTokens needs at least one token (use AllowAll for no authentication)")
	}
	a := &domainTokens{}
	for tok, domain := range tokens {
		if tok == "" {
			panic("authflow: DomainTokens: empty token")
		}
		a.tokens = append(a.tokens, tokenEntry{hash: sha256.Sum256([]byte(tok)), domain: domain})
	}
	return a
}

// domainTokens implements BearerToken and DomainTokens.
type domainTokens struct {
	tokens    []tokenEntry // read-only after construction
	anyDomain bool         // BearerToken: every flow is visible
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
	if a.anyDomain {
		return nil
	}
	domain, ok := CallerDomain(ctx)
	if !ok || domain != flow.DomainID {
		return errOtherDomain
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
