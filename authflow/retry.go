package authflow

import (
	"context"
	"crypto/tls"
	"errors"
	"math/rand/v2"
	"net/http"
	"time"

	apierrors "github.com/authflow-dev/authflow-go/errors"
)

// Retry defaults, those of the Authflow API's own SDKs.
const (
	// DefaultMaxRetries is the number of times the client retries a fetch
	// after its first attempt.
	DefaultMaxRetries = 3
	// DefaultRetryDelay is the longest wait before the first retry; the
	// longest wait doubles with each retry after it.
	DefaultRetryDelay = time.Second
	// DefaultMaxRetryDelay caps the wait before a retry.
	DefaultMaxRetryDelay = 30 * time.Second
)

// A RetryPolicy says how often and after how long the client retries a
// fetch; give one to [WithRetry].
//
// A fetch changes nothing on the server, so the client retries it when the
// failure may pass: after a transport failure before any byte of a response
// arrived (the connection was refused or dropped, or the client's timeout
// passed while it waited for the response), and after the HTTP statuses
// 429, 500, 502, 503 and 504. It never retries after any other status, nor
// once a response has begun to arrive (a body that breaks off half-way, a
// malformed response), nor after a refused redirect or certificate, nor
// once the context is done.
//
// The wait before retry n (counting from 0) is drawn uniformly at random
// from [0, min(MaxDelay, InitialDelay×2ⁿ)] ("full jitter"), so that
// clients that failed together do not retry together. When the response
// asked for a longer wait with its Retry-After header (a number of seconds
// or an HTTP date), the client waits that long instead; a Retry-After
// longer than MaxDelay ends the retries, and the call returns that
// response's error at once.
//
// The context given to [Client.FetchAuthflow] bounds the whole call, waits
// included: a wait that would not end before the context's deadline is not
// started, and the call returns the last attempt's error instead.
//
// The zero RetryPolicy makes no retries.
type RetryPolicy struct {
	// MaxRetries is the number of retries after the first attempt: a call
	// sends at most MaxRetries+1 requests. 0 turns retrying off.
	MaxRetries int
	// InitialDelay is the longest wait before the first retry. It doubles
	// for each retry after it, up to MaxDelay.
	InitialDelay time.Duration
	// MaxDelay caps the wait before any retry, and the Retry-After the
	// client agrees to wait for. It must be at least InitialDelay.
	MaxDelay time.Duration
}

// defaultRetryPolicy is the policy of a client made without [WithRetry].
var defaultRetryPolicy = RetryPolicy{
	MaxRetries:   DefaultMaxRetries,
	InitialDelay: DefaultRetryDelay,
	MaxDelay:     DefaultMaxRetryDelay,
}

// WithRetry sets how the client retries a failed fetch; [RetryPolicy] says
// when it does. The default is RetryPolicy{MaxRetries: [DefaultMaxRetries],
// InitialDelay: [DefaultRetryDelay], MaxDelay: [DefaultMaxRetryDelay]}: up
// to 4 attempts, the waits at most 1 s, 2 s and 4 s. WithRetry(RetryPolicy{})
// turns retrying off.
func WithRetry(p RetryPolicy) ClientOption {
	return clientOptionFunc(func(c *clientConfig) { c.retry = p })
}

// check reports what is wrong with p, or nil.
func (p RetryPolicy) check() error {
	switch {
	case p.MaxRetries < 0:
		return errors.New("authflow: NewClient: the number of retries must not be negative")
	case p.InitialDelay < 0:
		return errors.New("authflow: NewClient: the initial retry delay must not be negative")
	case p.MaxDelay < p.InitialDelay:
		return errors.New("authflow: NewClient: the maximum retry delay must be at least the initial delay")
	}
	return nil
}

// ceiling returns the longest wait before retry n (from 0):
// min(MaxDelay, InitialDelay×2ⁿ), without overflow.
func (p RetryPolicy) ceiling(n int) time.Duration {
	d := p.InitialDelay
	for ; n > 0 && d > 0 && d < p.MaxDelay; n-- {
		if d > p.MaxDelay/2 {
			return p.MaxDelay
		}
		d *= 2
	}
	return min(d, p.MaxDelay)
}

// retryableStatus reports whether a response with the HTTP status code may
// be followed by a retry: too many requests, or a failure of the server or
// of a gateway in front of it that may pass.
func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// permanent reports whether a transport failure will recur however often
// the request is retried: a redirect the client refused, or a certificate
// that failed verification.
func permanent(err error) bool {
	var re *redirectError
	var ce *tls.CertificateVerificationError
	return errors.As(err, &re) || errors.As(err, &ce)
}

// nextWait returns how long to wait before retry n (from 0) after err, and
// false when the client must not retry: the server asked, with Retry-After,
// for a longer wait than the policy allows, or the wait would not end
// before ctx's deadline.
func (c *Client) nextWait(ctx context.Context, n int, err *apierrors.Error) (time.Duration, bool) {
	asked := err.RetryAfter()
	if asked > c.retry.MaxDelay {
		return 0, false
	}
	wait := asked
	if ceil := c.retry.ceiling(n); ceil > 0 {
		wait = max(wait, time.Duration(c.randN(int64(ceil)+1)))
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) <= wait {
		return 0, false
	}
	return wait, true
}

// randInt64N is the client's source of jitter: a uniform value in [0, n).
func randInt64N(n int64) int64 { return rand.Int64N(n) }

// sleep waits for d, or until ctx is done, when it returns ctx's error.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
