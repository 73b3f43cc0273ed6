// Command openapi checks, for .ci/openapi.sh, that a Go client that
// oapi-codegen generated from authflow/openapi.yaml reads what the demo
// server sends: every fixture flow decoded into the generated types and
// encoded again is the same flow to the nanosecond, the error statuses
// decode into their typed envelopes with their headers, and the server's
// /openapi.yaml is the description the module embeds.
//
// It is built in a temporary module beside the generated package client;
// it is not part of this module.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/interaction"

	"openapicheck/client"
)

func main() {
	base := flag.String("url", "", "the demo server's base URL")
	token := flag.String("token", "", "the demo server's bearer token")
	flag.Parse()
	if err := check(context.Background(), *base, *token); err != nil {
		fmt.Fprintln(os.Stderr, "openapi check:", err)
		os.Exit(1)
	}
}

func check(ctx context.Context, base, token string) error {
	bearer := client.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
		r.Header.Set("Authorization", "Bearer "+token)
		return nil
	})
	c, err := client.NewClientWithResponses(base, bearer)
	if err != nil {
		return err
	}

	// Every fixture, through the generated types and back.
	fractions := 0
	for _, want := range examples.Flows() {
		resp, err := c.FetchAuthflowWithResponse(ctx, want.ID.String())
		if err != nil {
			return err
		}
		if resp.JSON200 == nil || resp.Headers200 == nil {
			return fmt.Errorf("%s: HTTP %d %s, want the flow", want.ID, resp.StatusCode(), resp.Body)
		}
		if h := resp.Headers200; h.CacheControl != "no-store" || h.XContentTypeOptions != "nosniff" {
			return fmt.Errorf("%s: headers %+v", want.ID, h)
		}
		got := resp.JSON200.Summary
		if got.Id != want.ID.String() || got.Status != string(want.Status) || got.Title != want.Title {
			return fmt.Errorf("%s: decoded id %q, status %q, title %q", want.ID, got.Id, got.Status, got.Title)
		}
		// at, a json.Number, holds the server's digits: read as the module
		// reads them, they are the fixture's time to the nanosecond.
		for _, pair := range []struct {
			got  *client.InteractionDetails
			want *interaction.Details
		}{{got.FirstSeen, want.FirstSeen}, {got.LastSeen, want.LastSeen}} {
			if (pair.got == nil) != (pair.want == nil) {
				return fmt.Errorf("%s: decoded details %v, want %v", want.ID, pair.got, pair.want)
			}
			if pair.got == nil {
				continue
			}
			var at interaction.UnixTime
			if err := at.UnmarshalJSON([]byte(pair.got.At)); err != nil {
				return fmt.Errorf("%s: at %q: %v", want.ID, pair.got.At, err)
			}
			if !at.Equal(pair.want.At.Time) {
				return fmt.Errorf("%s: at %q is %v, want %v", want.ID, pair.got.At, at.Time, pair.want.At.Time)
			}
			if f, _ := pair.got.At.Float64(); !at.Equal(unixFloat(f).Time) {
				fractions++ // a float64 would have lost this one
			}
			if pair.got.LatLong[0] != pair.want.LatLong[0] || pair.got.LatLong[1] != pair.want.LatLong[1] || pair.got.Asn != int64(pair.want.ASN) {
				return fmt.Errorf("%s: lat_long %v, asn %d; want %v, %d", want.ID, pair.got.LatLong, pair.got.Asn, pair.want.LatLong, pair.want.ASN)
			}
		}
		// Encoded again from the generated types, it is the same document.
		again, err := json.Marshal(resp.JSON200)
		if err != nil {
			return err
		}
		flow, err := authflow.DecodeFetchResponse(again)
		if err != nil {
			return fmt.Errorf("%s: the generated types wrote %s: %v", want.ID, again, err)
		}
		wantJSON, _ := authflow.AppendFetchResponse(nil, want)
		gotJSON, _ := authflow.AppendFetchResponse(nil, flow)
		if !bytes.Equal(wantJSON, gotJSON) {
			return fmt.Errorf("%s: through the generated types:\n%s\nwant\n%s", want.ID, gotJSON, wantJSON)
		}
		fmt.Printf("ok   %s %s\n", want.ID, want.Title)
	}
	if fractions == 0 {
		return fmt.Errorf("no fixture has an at that a float64 cannot hold: the check proves nothing about precision")
	}
	fmt.Printf("ok   values of at that a float64 would have changed, kept to the nanosecond: %d\n", fractions)

	// The errors, into their typed envelopes.
	unknown, err := c.FetchAuthflowWithResponse(ctx, "013xrzp12g3nqk8nzzzzzzzzzzzzzzzz")
	if err != nil {
		return err
	}
	if unknown.JSON404 == nil || unknown.JSON404.Code != "not_found" || unknown.Headers404 == nil {
		return fmt.Errorf("unknown ID: HTTP %d %s, want a typed 404", unknown.StatusCode(), unknown.Body)
	}
	malformed, err := c.FetchAuthflowWithResponse(ctx, "not-an-id")
	if err != nil {
		return err
	}
	if malformed.JSON400 == nil || malformed.JSON400.Code != "invalid_value" {
		return fmt.Errorf("malformed ID: HTTP %d %s, want a typed 400 invalid_value", malformed.StatusCode(), malformed.Body)
	}
	anonymous, err := client.NewClientWithResponses(base)
	if err != nil {
		return err
	}
	denied, err := anonymous.FetchAuthflowWithResponse(ctx, examples.Flows()[0].ID.String())
	if err != nil {
		return err
	}
	if denied.JSON401 == nil || denied.JSON401.Code != "not_authenticated" || denied.Headers401 == nil || denied.Headers401.WWWAuthenticate == "" {
		return fmt.Errorf("no token: HTTP %d %s, want a typed 401 with its challenge", denied.StatusCode(), denied.Body)
	}
	head, err := c.HeadAuthflowWithResponse(ctx, examples.Flows()[0].ID.String())
	if err != nil {
		return err
	}
	if head.Headers200 == nil || len(head.Body) != 0 {
		return fmt.Errorf("HEAD: HTTP %d with %d bytes, want 200 and no body", head.StatusCode(), len(head.Body))
	}
	options, err := c.OptionsAuthflowWithResponse(ctx, examples.Flows()[0].ID.String())
	if err != nil {
		return err
	}
	if options.JSON405 == nil || options.Headers405 == nil || options.Headers405.Allow != "GET, HEAD" {
		return fmt.Errorf("OPTIONS: HTTP %d %s, want a typed 405 with Allow", options.StatusCode(), options.Body)
	}
	fmt.Println("ok   404, 400, 401, HEAD and 405 decoded into their typed responses")

	// The description the server serves is the module's.
	resp, err := http.Get(base + "/openapi.yaml")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	served, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != 200 || !bytes.Equal(served, authflow.OpenAPI()) {
		return fmt.Errorf("GET /openapi.yaml: HTTP %d, %d bytes, want the %d bytes of authflow.OpenAPI", resp.StatusCode, len(served), len(authflow.OpenAPI()))
	}
	fmt.Println("ok   /openapi.yaml is authflow.OpenAPI (" + strconv.Itoa(len(served)) + " bytes, " + resp.Header.Get("Content-Type") + ")")
	return nil
}

// unixFloat is the time a float64 of Unix seconds says.
func unixFloat(f float64) (t interaction.UnixTime) {
	_ = t.UnmarshalJSON(strconv.AppendFloat(nil, f, 'f', -1, 64))
	return t
}
