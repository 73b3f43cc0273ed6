// Command prism checks, for .ci/openapi.sh, that the bodies Prism's dynamic
// mock generates from authflow/openapi.yaml are flows this module's client
// accepts: it asks the mock for -n flows and counts those that
// authflow.Client.FetchAuthflow returns without error, which must be at
// least -min.
//
// Each exchange is made twice: once with net/http, to the mock, and once
// more, replayed byte for byte (status, headers, body), through the client,
// which decodes and checks it as it checks any response. The replay asks
// for the ID the body holds: a mock cannot echo the ID of the path into the
// body, and the client refuses a flow whose ID is not the one it asked for.
// That check is the only one the replay sidesteps; a body without a
// canonical summary.id is refused.
//
// It is built in a temporary module that requires this one; it is not part
// of this module.
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
	"sort"
	"strings"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/ids"
	"github.com/authflow-dev/authflow-go/interaction"
)

func main() {
	base := flag.String("url", "", "the mock's base URL")
	n := flag.Int("n", 100, "how many flows to ask for")
	minimum := flag.Int("min", 95, "how many the client must accept")
	flag.Parse()
	if err := check(context.Background(), *base, *n, *minimum); err != nil {
		fmt.Fprintln(os.Stderr, "prism check:", err)
		os.Exit(1)
	}
}

// A recorded response, replayed to the client by its transport.
type recorded struct {
	status int
	header http.Header
	body   []byte
}

func (r *recorded) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: r.status, Header: r.header.Clone(), Body: io.NopCloser(bytes.NewReader(r.body)),
		ContentLength: int64(len(r.body)), Request: req, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
	}, nil
}

func check(ctx context.Context, base string, n, minimum int) error {
	accepted := 0
	refusals := map[string]int{}
	var examples []string
	var v4, v6, seen, nullSeen int
	statuses := map[authflow.Status]int{}
	for i := range n {
		rec, err := get(ctx, base+authflow.PathPrefix+"013xrzp12g3nqk8nqprv12gz6v99a2v4")
		if err != nil {
			return err
		}
		var env struct {
			Summary struct {
				ID string `json:"id"`
			} `json:"summary"`
		}
		_ = json.Unmarshal(rec.body, &env)
		id, err := ids.ParseAuthflowID(env.Summary.ID)
		if err != nil {
			refusals["no canonical summary.id"]++
			continue
		}
		c, err := authflow.NewClient("http://mock.invalid", authflow.WithHTTPClient(&http.Client{Transport: rec}),
			authflow.WithRetry(authflow.RetryPolicy{}))
		if err != nil {
			return err
		}
		flow, err := c.FetchAuthflow(ctx, id)
		if err != nil {
			reason := err.Error()
			refusals[reason]++
			if len(examples) < 3 {
				examples = append(examples, fmt.Sprintf("body %d: %v\n  %s", i, err, rec.body))
			}
			continue
		}
		accepted++
		statuses[flow.Status]++
		for _, d := range [...]*interaction.Details{flow.FirstSeen, flow.LastSeen} {
			switch {
			case d == nil:
				nullSeen++
			case d.RemoteIP.Is4():
				seen++
				v4++
			default:
				seen++
				v6++
			}
		}
	}
	var counts []string
	for s, k := range statuses {
		counts = append(counts, fmt.Sprintf("%s %d", s, k))
	}
	sort.Strings(counts)
	fmt.Printf("prism: %d of %d generated flows accepted by authflow.Client (need %d): %d snapshots (%d IPv4, %d IPv6 remote_ip), %d null; statuses: %s\n",
		accepted, n, minimum, seen, v4, v6, nullSeen, strings.Join(counts, ", "))
	if len(refusals) > 0 {
		var reasons []string
		for r, k := range refusals {
			reasons = append(reasons, fmt.Sprintf("%4d  %s", k, r))
		}
		sort.Strings(reasons)
		fmt.Println("prism: refused:\n" + strings.Join(reasons, "\n"))
		for _, e := range examples {
			fmt.Println("prism: " + e)
		}
	}
	if accepted < minimum {
		return fmt.Errorf("%d of %d flows accepted, want at least %d", accepted, n, minimum)
	}
	return nil
}

// get records the mock's answer to GET url, asking for a generated body.
func get(ctx context.Context, url string) (*recorded, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer mock")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Prefer", "code=200, dynamic=true")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: HTTP %d %s", url, resp.StatusCode, body)
	}
	return &recorded{resp.StatusCode, resp.Header, body}, nil
}
