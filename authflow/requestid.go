package authflow

import (
	"context"
	"math/rand/v2"
	"net/http"
)

// MaxRequestIDLen is the longest request ID the handler takes from a
// request's X-Request-Id header, and the client sends.
const MaxRequestIDLen = 128

// requestIDKey is the context key of a request ID.
type requestIDKey struct{}

// RequestID returns the request ID ctx carries, or "" if it carries none.
//
// In the [Authorizer] and the [Store] that the handler made by [NewHandler]
// calls, and in its hooks, it is the ID of the request being served: the
// one the response's X-Request-Id header holds and the handler's log lines
// carry. In a context made by [ContextWithRequestID], it is the ID given.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// ContextWithRequestID returns a copy of ctx that carries id as its request
// ID: [Client.FetchAuthflow] called with it sends id as X-Request-Id rather
// than an ID of its own. A handler's request context already carries the
// request's ID, so a service that calls the API while it serves a request of
// [NewHandler]'s passes the ID on without this.
func ContextWithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// plainRequestID reports whether id may be used as a request ID as it is:
// 1 to [MaxRequestIDLen] characters of A-Z a-z 0-9 . _ -.
func plainRequestID(id string) bool {
	if id == "" || len(id) > MaxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// requestIDAlphabet is Crockford's base32, lower case.
const requestIDAlphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// newRequestID returns a new request ID: 26 characters that encode 128
// random bits, so that two are the same with negligible chance. The bits
// come from math/rand/v2, whose generator is seeded from the operating
// system and costs a few nanoseconds: a request ID needs to be unique, not
// secret.
func newRequestID() string {
	var b [26]byte
	for half, r := range [2]uint64{rand.Uint64(), rand.Uint64()} {
		for i := range 13 { // 13 characters of 5 bits hold the 64
			b[half*13+i] = requestIDAlphabet[r&31]
			r >>= 5
		}
	}
	return string(b[:])
}

// requestIDFor returns the request ID of r: the one r's context carries
// (put there by an outer middleware with [ContextWithRequestID]) if it is
// plain, else r's X-Request-Id header if r sent exactly one and it is plain,
// else a new one.
func requestIDFor(r *http.Request) string {
	if id := RequestID(r.Context()); plainRequestID(id) {
		return id
	}
	if v := r.Header["X-Request-Id"]; len(v) == 1 && plainRequestID(v[0]) {
		return v[0]
	}
	return newRequestID()
}
