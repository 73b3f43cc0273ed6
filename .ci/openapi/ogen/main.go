// Command ogen checks, for .ci/openapi.sh, that a Go client that ogen
// generated from authflow/openapi.yaml has every operation of the
// description and reads what the demo server sends: each fixture flow, the
// 400, 401, 404 and 405 error envelopes with their headers, and HEAD's
// headers.
//
// It is built in a temporary module beside the generated package api; it is
// not part of this module.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"net/http"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/interaction"

	"ogencheck/api"
)

func main() {
	base := flag.String("url", "", "the demo server's base URL")
	token := flag.String("token", "", "the demo server's bearer token")
	flag.Parse()
	if err := check(context.Background(), *base, *token); err != nil {
		fmt.Fprintln(os.Stderr, "ogen check:", err)
		os.Exit(1)
	}
}

// bearer is the generated client's security source.
type bearer string

func (b bearer) BearerAuth(context.Context, api.OperationName) (api.BearerAuth, error) {
	return api.BearerAuth{Token: string(b)}, nil
}

// anonymous sends requests without their Authorization header: the
// generated client sends one to every operation, as the description
// requires.
type anonymous struct{}

func (anonymous) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Del("Authorization")
	return http.DefaultTransport.RoundTrip(r)
}

func check(ctx context.Context, base, token string) error {
	if err := everyOperation(); err != nil {
		return err
	}
	c, err := api.NewClient(base, bearer(token))
	if err != nil {
		return err
	}

	// Every fixture, into the generated types.
	for _, want := range examples.Flows() {
		res, err := c.FetchAuthflow(ctx, api.FetchAuthflowParams{AuthflowID: api.PFID(want.ID.String())})
		if err != nil {
			return fmt.Errorf("%s: %v", want.ID, err)
		}
		ok, isOK := res.(*api.AuthflowOKHeaders)
		if !isOK {
			return fmt.Errorf("%s: %T, want the flow", want.ID, res)
		}
		if ok.CacheControl != "no-store" || ok.XContentTypeOptions != "nosniff" {
			return fmt.Errorf("%s: headers Cache-Control %q, X-Content-Type-Options %q", want.ID, ok.CacheControl, ok.XContentTypeOptions)
		}
		got := ok.Response.Summary
		if string(got.ID) != want.ID.String() || string(got.Status) != string(want.Status) || got.Title != want.Title ||
			len(got.FactorNames) != len(want.FactorNames) || got.RequiredEmail.Null != (want.RequiredEmail == nil) {
			return fmt.Errorf("%s: decoded %+v", want.ID, got)
		}
		for _, pair := range []struct {
			got  api.NilInteractionDetails
			want *interaction.Details
		}{{got.FirstSeen, want.FirstSeen}, {got.LastSeen, want.LastSeen}} {
			if pair.got.Null != (pair.want == nil) {
				return fmt.Errorf("%s: decoded details null %v, want %v", want.ID, pair.got.Null, pair.want)
			}
			if pair.want == nil {
				continue
			}
			g, w := pair.got.Value, pair.want
			// at is a float64 here: the nearest double to the server's
			// decimal, which holds today's times to about 0.2 µs.
			at := float64(w.At.Unix()) + float64(w.At.Nanosecond())/1e9
			if g.RemoteIP != w.RemoteIP.String() || g.Timezone != w.Timezone || g.Ja4Fingerprint != w.JA4Fingerprint ||
				g.Asn != int64(w.ASN) || len(g.LatLong) != 2 || g.LatLong[0] != w.LatLong[0] || g.LatLong[1] != w.LatLong[1] ||
				math.Abs(float64(g.At)-at) > 1e-6 {
				return fmt.Errorf("%s: decoded details %+v, want %+v", want.ID, g, w)
			}
		}
		fmt.Printf("ogen: 200 %s %q: status %s, first_seen %s, last_seen %s\n", got.ID, got.Title, got.Status, seen(got.FirstSeen), seen(got.LastSeen))
	}

	// HEAD: the headers, and the length of the body GET sends.
	head, err := c.HeadAuthflow(ctx, api.HeadAuthflowParams{AuthflowID: api.PFID(examples.AuthflowID)})
	if err != nil {
		return fmt.Errorf("HEAD: %v", err)
	}
	h, isOK := head.(*api.HeadAuthflowOK)
	if !isOK || h.ContentLength != len(examples.FetchResponseJSON()) || h.CacheControl != "no-store" {
		return fmt.Errorf("HEAD: %#v, want 200 with Content-Length %d", head, len(examples.FetchResponseJSON()))
	}
	fmt.Printf("ogen: HEAD 200: Content-Length %d, Cache-Control %s\n", h.ContentLength, h.CacheControl)

	// The errors, into their typed envelopes.
	res, err := c.FetchAuthflow(ctx, api.FetchAuthflowParams{AuthflowID: "not-an-id"})
	if err != nil {
		return fmt.Errorf("malformed ID: %v", err)
	}
	bad, isBad := res.(*api.BadRequestHeaders)
	if !isBad || bad.Response.Code != "invalid_value" {
		return fmt.Errorf("malformed ID: %#v, want a 400 invalid_value", res)
	}
	fmt.Printf("ogen: 400 %s: %s\n", bad.Response.Code, bad.Response.Message)

	nobody, err := api.NewClient(base, bearer(token), api.WithClient(&http.Client{Transport: anonymous{}}))
	if err != nil {
		return err
	}
	res, err = nobody.FetchAuthflow(ctx, api.FetchAuthflowParams{AuthflowID: api.PFID(examples.AuthflowID)})
	if err != nil {
		return fmt.Errorf("no token: %v", err)
	}
	denied, isDenied := res.(*api.UnauthorizedHeaders)
	if !isDenied || denied.Response.Code != "not_authenticated" || !strings.HasPrefix(denied.WWWAuthenticate, "Bearer realm=") {
		return fmt.Errorf("no token: %#v, want a 401 not_authenticated with its challenge", res)
	}
	fmt.Printf("ogen: 401 %s, WWW-Authenticate: %s\n", denied.Response.Code, denied.WWWAuthenticate)

	res, err = c.FetchAuthflow(ctx, api.FetchAuthflowParams{AuthflowID: "013xrzp12g3nqk8nzzzzzzzzzzzzzzzz"})
	if err != nil {
		return fmt.Errorf("unknown ID: %v", err)
	}
	missing, isMissing := res.(*api.NotFoundHeaders)
	if !isMissing || missing.Response.Code != "not_found" {
		return fmt.Errorf("unknown ID: %#v, want a 404 not_found", res)
	}
	fmt.Printf("ogen: 404 %s: %s\n", missing.Response.Code, missing.Response.Message)

	opt, err := c.OptionsAuthflow(ctx, api.OptionsAuthflowParams{AuthflowID: api.PFID(examples.AuthflowID)})
	if err != nil {
		return fmt.Errorf("OPTIONS: %v", err)
	}
	refused, isRefused := opt.(*api.MethodNotAllowedHeaders)
	if !isRefused || refused.Allow != "GET, HEAD" || refused.Response.Code != "bad_request" {
		return fmt.Errorf("OPTIONS: %#v, want a 405 bad_request with Allow: GET, HEAD", opt)
	}
	fmt.Printf("ogen: 405 %s, Allow: %s\n", refused.Response.Code, refused.Allow)
	return nil
}

// everyOperation checks that the generated client has a method for each
// operation of the description: told to skip what it cannot generate, ogen
// drops operations without failing.
func everyOperation() error {
	client := reflect.TypeFor[*api.Client]()
	var names []string
	for _, m := range regexp.MustCompile(`(?m)^\s+operationId: (\w+)$`).FindAllStringSubmatch(string(authflow.OpenAPI()), -1) {
		name := strings.ToUpper(m[1][:1]) + m[1][1:]
		if _, ok := client.MethodByName(name); !ok {
			return fmt.Errorf("the generated client has no method %s for the operation %s", name, m[1])
		}
		names = append(names, name)
	}
	if len(names) == 0 {
		return errors.New("the description has no operationId")
	}
	fmt.Printf("ogen: the client has every operation of the description: %s\n", strings.Join(names, ", "))
	return nil
}

// seen says what a decoded snapshot holds, briefly.
func seen(d api.NilInteractionDetails) string {
	if d.Null {
		return "null"
	}
	return fmt.Sprintf("%s at %s in %s", d.Value.RemoteIP, strconv.FormatFloat(float64(d.Value.At), 'f', -1, 64), d.Value.Timezone)
}
