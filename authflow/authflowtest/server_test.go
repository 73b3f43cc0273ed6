package authflowtest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/authflow/authflowtest"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/ids"
	"github.com/authflow-dev/authflow-go/internal/testutil"
)

// response is what a raw request got.
type response struct {
	status int
	header http.Header
	body   string
}

// get sends method path to srv with a plain http.Client (no retries) and
// returns the response, or fails the test.
func get(t *testing.T, srv *authflowtest.Server, method, path string, header http.Header) response {
	t.Helper()
	resp, err := send(srv, method, path, header)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp
}

// send is get without the test: it returns the transport's error.
func send(srv *authflowtest.Server, method, path string, header http.Header) (response, error) {
	req, err := http.NewRequest(method, srv.URL()+path, nil)
	if err != nil {
		return response{}, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	// A transport of its own, without keep-alives: a dropped connection is
	// seen as it is, never retried by the transport on a reused one.
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}, err
	}
	return response{resp.StatusCode, resp.Header, string(body)}, nil
}

func seedPath() string { return authflow.PathPrefix + examples.AuthflowID }

func TestNewServerServesTheFixtures(t *testing.T) {
	t.Parallel()
	srv := authflowtest.NewServer(t)
	c := srv.Client()
	want := examples.Flows()
	seen := map[ids.AuthflowID]bool{}
	for _, w := range want {
		if seen[w.ID] {
			t.Fatalf("Fixtures: ID %s twice", w.ID)
		}
		seen[w.ID] = true
		got, err := c.FetchAuthflow(context.Background(), w.ID)
		if err != nil {
			t.Fatalf("FetchAuthflow(%s, %q): %v", w.ID, w.Title, err)
		}
		if diff := cmp.Diff(w, got, testutil.CmpOptions); diff != "" {
			t.Errorf("FetchAuthflow(%s) mismatch (-want +got):\n%s", w.ID, diff)
		}
	}
	if n := 1 + len(examples.Variants()); len(want) != n {
		t.Errorf("Fixtures returned %d flows, want the seed and %d variants", len(want), n-1)
	}
	if want[0].ID.String() != examples.AuthflowID {
		t.Errorf("examples.Flows()[0].ID = %s, want the seed's %s", want[0].ID, examples.AuthflowID)
	}
}

func TestFixturesAreFreshCopies(t *testing.T) {
	t.Parallel()
	a, b := examples.Flows(), examples.Flows()
	a[0].Title = "changed"
	a[1].FactorNames[0] = "changed"
	if b[0].Title == "changed" || b[1].FactorNames[0] == "changed" {
		t.Error("two calls of Fixtures share memory")
	}
	for _, f := range b {
		if err := f.Validate(); err != nil {
			t.Errorf("fixture %s (%q) does not validate: %v", f.ID, f.Title, err)
		}
	}
}

func TestNewServerServesTheFlowsGiven(t *testing.T) {
	t.Parallel()
	flow := examples.Authflow()
	flow.Title = "only this one"
	srv := authflowtest.NewServer(t, flow)
	flow.Title = "changed after NewServer" // the server holds a copy

	got, err := srv.Client().FetchAuthflow(context.Background(), flow.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "only this one" {
		t.Errorf("Title = %q, want the one given", got.Title)
	}
	other := examples.Flows()[1].ID
	_, err = srv.Client().FetchAuthflow(context.Background(), other)
	if !errors.Is(err, apierrors.NotFound) {
		t.Errorf("fetching a fixture the server was not given: err = %v, want not_found", err)
	}
}

func TestServerServesAnInvalidFlowAsTheHandlerDoes(t *testing.T) {
	t.Parallel()
	flow := examples.Authflow()
	flow.PlanName = "" // breaks a rule: the handler refuses to send it
	srv := authflowtest.NewServer(t, flow)
	r := get(t, srv, "GET", seedPath(), nil)
	if r.status != 500 || !strings.Contains(r.body, `"code":"unexpected"`) {
		t.Errorf("invalid flow: %d %s, want 500 unexpected", r.status, r.body)
	}
}

// fatalTB records the first Fatalf of NewServer and stops it as t.Fatal
// stops a test.
type fatalTB struct {
	testing.TB
	msg string
}

type stopped struct{}

func (t *fatalTB) Fatalf(format string, args ...any) {
	t.msg = fmt.Sprintf(format, args...)
	panic(stopped{})
}

// run calls f, which stops where it calls Fatalf.
func (t *fatalTB) run(f func()) {
	defer func() {
		if v := recover(); v != nil && v != (stopped{}) {
			panic(v)
		}
	}()
	f()
}

func TestNewServerFailsOnANilFlow(t *testing.T) {
	t.Parallel()
	tb := &fatalTB{TB: t}
	tb.run(func() { authflowtest.NewServer(tb, examples.Authflow(), nil) })
	if !strings.Contains(tb.msg, "flow 1 is nil") {
		t.Errorf("NewServer with a nil flow: Fatalf message %q, want it to name flow 1", tb.msg)
	}
}

func TestServerStore(t *testing.T) {
	t.Parallel()
	srv := authflowtest.NewServer(t)
	c := srv.Client()
	seed := examples.Authflow()
	if !srv.Store().Delete(seed.ID) {
		t.Fatal("Delete(seed) = false: the server does not hold the seed")
	}
	if _, err := c.FetchAuthflow(context.Background(), seed.ID); !errors.Is(err, apierrors.NotFound) {
		t.Errorf("after Delete: err = %v, want not_found", err)
	}
	seed.Status = authflow.StatusComplete
	if err := srv.Store().Put(seed); err != nil {
		t.Fatal(err)
	}
	got, err := c.FetchAuthflow(context.Background(), seed.ID)
	if err != nil || got.Status != authflow.StatusComplete {
		t.Errorf("after Put: %v, %v; want the flow put", got, err)
	}
}

func TestInjectErrorEnvelope(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		fault       authflowtest.Fault
		status      int
		code        apierrors.Code
		message     string
		retryAfter  string
		wwwAuth     string
		contentType string
	}{
		{"status alone", authflowtest.Fault{Status: 503}, 503, apierrors.Unexpected, "the server failed", "", "", "application/json"},
		{"status 404 gives not_found", authflowtest.Fault{Status: 404}, 404, apierrors.NotFound, "no such resource", "", "", "application/json"},
		{"status 400 gives bad_request", authflowtest.Fault{Status: 400}, 400, apierrors.BadRequest, "malformed request", "", "", "application/json"},
		{"status 409 gives invalid_action", authflowtest.Fault{Status: 409}, 409, apierrors.InvalidAction, "the action is not allowed in the resource's current state", "", "", "application/json"},
		{"status 501 gives not_implemented", authflowtest.Fault{Status: 501}, 501, apierrors.NotImplemented, "not supported by this server", "", "", "application/json"},
		{"code alone gives its status", authflowtest.Fault{Code: apierrors.NotPermitted}, 403, apierrors.NotPermitted, "not permitted", "", "", "application/json"},
		{"401 challenges", authflowtest.Fault{Status: 401}, 401, apierrors.NotAuthenticated, "no credentials were sent", "", `Bearer realm="authflow"`, "application/json"},
		{"bad token challenge", authflowtest.Fault{Code: apierrors.BadAuthToken}, 401, apierrors.BadAuthToken, "the credentials are malformed, expired or unknown", "", `Bearer realm="authflow", error="invalid_token"`, "application/json"},
		{"everything set", authflowtest.Fault{Status: 429, Code: "slow_down", Message: "easy", RetryAfter: 1500 * time.Millisecond}, 429, "slow_down", "easy", "2", "", "application/json"},
		{"unknown code", authflowtest.Fault{Code: "teapot"}, 500, "teapot", "an error the server could not classify", "", "", "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := authflowtest.NewServer(t)
			srv.Inject(tt.fault, 1)
			r := get(t, srv, "GET", seedPath(), nil)
			if r.status != tt.status {
				t.Errorf("status = %d, want %d", r.status, tt.status)
			}
			var env struct{ Status, Code, Message string }
			if err := json.Unmarshal([]byte(r.body), &env); err != nil {
				t.Fatalf("body %q: %v", r.body, err)
			}
			if env.Status != "error" || env.Code != string(tt.code) || env.Message != tt.message {
				t.Errorf("envelope = %+v, want error %s %q", env, tt.code, tt.message)
			}
			for key, want := range map[string]string{
				"Retry-After":            tt.retryAfter,
				"Www-Authenticate":       tt.wwwAuth,
				"Content-Type":           tt.contentType,
				"Cache-Control":          "no-store",
				"X-Content-Type-Options": "nosniff",
			} {
				if got := r.header.Get(key); got != want {
					t.Errorf("%s = %q, want %q", key, got, want)
				}
			}
			// The fault was for one request: the next is the handler's.
			if r := get(t, srv, "GET", seedPath(), nil); r.status != 200 {
				t.Errorf("the request after the fault: %d %s, want 200", r.status, r.body)
			}
		})
	}
}

func TestInjectHTML(t *testing.T) {
	t.Parallel()
	srv := authflowtest.NewServer(t)
	srv.Inject(authflowtest.Fault{HTML: true}, 1)
	srv.Inject(authflowtest.Fault{HTML: true, Status: 504, RetryAfter: time.Second}, 1)

	r := get(t, srv, "GET", seedPath(), nil)
	if r.status != 502 || r.header.Get("Content-Type") != "text/html" || !strings.Contains(r.body, "<title>502 Bad Gateway</title>") {
		t.Errorf("HTML fault: %d %q %q, want a 502 HTML page", r.status, r.header.Get("Content-Type"), r.body)
	}
	r = get(t, srv, "GET", seedPath(), nil)
	if r.status != 504 || r.header.Get("Retry-After") != "1" || !strings.Contains(r.body, "504 Gateway Timeout") {
		t.Errorf("HTML fault with status: %d Retry-After %q %q, want a 504 page with Retry-After 1", r.status, r.header.Get("Retry-After"), r.body)
	}
}

func TestInjectBody(t *testing.T) {
	t.Parallel()
	srv := authflowtest.NewServer(t)
	srv.Inject(authflowtest.Fault{Body: `{"anything":true}`}, 1)
	srv.Inject(authflowtest.Fault{Body: "not JSON\x00", Status: 503, RetryAfter: time.Second}, 1)
	for _, want := range []struct {
		status     int
		body       string
		retryAfter string
	}{
		{200, `{"anything":true}`, ""},
		{503, "not JSON\x00", "1"},
	} {
		r := get(t, srv, "GET", seedPath(), nil)
		if r.status != want.status || r.body != want.body {
			t.Errorf("Body fault: %d %q, want %d %q", r.status, r.body, want.status, want.body)
		}
		for key, v := range map[string]string{
			"Retry-After":            want.retryAfter,
			"Content-Type":           "application/json",
			"Content-Length":         strconv.Itoa(len(want.body)),
			"Cache-Control":          "no-store",
			"X-Content-Type-Options": "nosniff",
		} {
			if got := r.header.Get(key); got != v {
				t.Errorf("%s = %q, want %q", key, got, v)
			}
		}
	}
	if r := get(t, srv, "GET", seedPath(), nil); r.status != 200 || !strings.Contains(r.body, `"status":"success"`) {
		t.Errorf("the request after the faults: %d %s, want the handler's 200", r.status, r.body)
	}
}

func TestInjectHEADHasNoBody(t *testing.T) {
	t.Parallel()
	srv := authflowtest.NewServer(t)
	srv.Inject(authflowtest.Fault{Status: 503}, 1)
	srv.Inject(authflowtest.Fault{HTML: true}, 1)
	srv.Inject(authflowtest.Fault{Body: "{}"}, 1)
	for _, want := range []int{503, 502, 200} {
		r := get(t, srv, "HEAD", seedPath(), nil)
		if r.status != want || r.body != "" {
			t.Errorf("HEAD: %d %q, want %d without a body", r.status, r.body, want)
		}
	}
}

func TestInjectCountsAndOrder(t *testing.T) {
	t.Parallel()
	srv := authflowtest.NewServer(t)
	srv.Inject(authflowtest.Fault{Status: 503}, 2)
	srv.Inject(authflowtest.Fault{Status: 500}, 1)
	var got []int
	for range 5 {
		got = append(got, get(t, srv, "GET", seedPath(), nil).status)
	}
	if want := []int{503, 503, 500, 200, 200}; !cmp.Equal(got, want) {
		t.Errorf("statuses = %v, want %v", got, want)
	}
}

func TestInjectAppliesToAnyPathAndMethod(t *testing.T) {
	t.Parallel()
	srv := authflowtest.NewServer(t)
	srv.Inject(authflowtest.Fault{Status: 503}, 2)
	if r := get(t, srv, "POST", "/elsewhere", nil); r.status != 503 {
		t.Errorf("POST /elsewhere: %d, want the fault's 503", r.status)
	}
	if r := get(t, srv, "GET", authflow.PathPrefix+"not-an-id", nil); r.status != 503 {
		t.Errorf("GET a malformed ID: %d, want the fault's 503", r.status)
	}
	if r := get(t, srv, "POST", "/elsewhere", nil); r.status != 404 {
		t.Errorf("POST /elsewhere after the faults: %d, want the handler's 404", r.status)
	}
}

func TestInjectFor(t *testing.T) {
	t.Parallel()
	srv := authflowtest.NewServer(t)
	fixtures := examples.Flows()
	target, other := fixtures[1].ID, fixtures[2].ID
	srv.InjectFor(target, authflowtest.Fault{Code: apierrors.NotFound}, 2)
	srv.Inject(authflowtest.Fault{Status: 503}, 1)

	steps := []struct {
		id   ids.AuthflowID
		want int
	}{
		{other, 503},  // the general fault, queued later, is the first that applies
		{other, 200},  // the ID's fault passes it by
		{target, 404}, // the ID's fault
		{target, 404},
		{target, 200}, // used up
	}
	for i, s := range steps {
		if r := get(t, srv, "GET", authflow.PathPrefix+s.id.String(), nil); r.status != s.want {
			t.Errorf("step %d, GET %s: %d, want %d", i, s.id, r.status, s.want)
		}
	}
}

func TestInjectForTakesTheFirstQueuedThatApplies(t *testing.T) {
	t.Parallel()
	srv := authflowtest.NewServer(t)
	id := examples.Authflow().ID
	srv.Inject(authflowtest.Fault{Status: 500}, 1)
	srv.InjectFor(id, authflowtest.Fault{Status: 502}, 1)
	var got []int
	for range 3 {
		got = append(got, get(t, srv, "GET", seedPath(), nil).status)
	}
	if want := []int{500, 502, 200}; !cmp.Equal(got, want) {
		t.Errorf("statuses = %v, want %v (in the order injected)", got, want)
	}
}

func TestLatency(t *testing.T) {
	t.Parallel()
	srv := authflowtest.NewServer(t)
	const latency = 150 * time.Millisecond
	srv.Inject(authflowtest.Fault{Latency: latency}, 1)
	srv.Inject(authflowtest.Fault{Latency: latency, Status: 503}, 1)

	start := time.Now()
	r := get(t, srv, "GET", seedPath(), nil)
	if elapsed := time.Since(start); elapsed < latency {
		t.Errorf("answered after %v, want at least %v", elapsed, latency)
	}
	if r.status != 200 || !strings.Contains(r.body, examples.AuthflowID) {
		t.Errorf("latency alone: %d %s, want the handler's answer", r.status, r.body)
	}
	start = time.Now()
	if r := get(t, srv, "GET", seedPath(), nil); r.status != 503 || time.Since(start) < latency {
		t.Errorf("latency and status: %d after %v, want 503 after %v", r.status, time.Since(start), latency)
	}
}

func TestLatencyEndsWhenTheClientGoesAway(t *testing.T) {
	t.Parallel()
	srv := authflowtest.NewServer(t)
	srv.Inject(authflowtest.Fault{Latency: time.Hour}, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL()+seedPath(), nil)
	_, err := http.DefaultClient.Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the context's deadline", err)
	}
	// Close waits for every request: it returns at once only if the hour's
	// wait ended with the client.
	done := make(chan struct{})
	go func() { srv.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close still waits for a request whose client went away")
	}
}

func TestCloseEndsLatency(t *testing.T) {
	t.Parallel()
	srv := authflowtest.NewServer(t)
	srv.Inject(authflowtest.Fault{Latency: time.Hour}, 1)
	errc := make(chan error, 1)
	go func() {
		_, err := send(srv, "GET", seedPath(), nil)
		errc <- err
	}()
	for len(srv.Requests()) == 0 {
		time.Sleep(time.Millisecond)
	}
	start := time.Now()
	srv.Close()
	srv.Close() // a second Close does nothing
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("Close took %v with a request waiting out an hour's latency", elapsed)
	}
	if err := <-errc; err == nil {
		t.Error("the waiting request got an answer from a closed server")
	}
	if _, err := send(srv, "GET", seedPath(), nil); err == nil {
		t.Error("a request after Close got an answer")
	}
}

func TestDrop(t *testing.T) {
	t.Parallel()
	srv := authflowtest.NewServer(t)
	srv.Inject(authflowtest.Fault{Drop: true}, 1)
	_, err := send(srv, "GET", seedPath(), nil)
	if err == nil {
		t.Fatal("a dropped request got an answer")
	}
	if !errors.Is(err, io.EOF) && !strings.Contains(err.Error(), "connection reset") {
		t.Errorf("err = %v, want the connection closed before a response", err)
	}
	if r := get(t, srv, "GET", seedPath(), nil); r.status != 200 {
		t.Errorf("after the drop: %d, want 200", r.status)
	}
	if n := len(srv.Requests()); n != 2 {
		t.Errorf("%d requests recorded, want 2 (the dropped one too)", n)
	}
}

func TestInjectPanicsOnWhatIsNotAFault(t *testing.T) {
	t.Parallel()
	srv := authflowtest.NewServer(t)
	tests := []struct {
		name  string
		fault authflowtest.Fault
		n     int
		want  string
	}{
		{"zero fault", authflowtest.Fault{}, 1, "zero Fault"},
		{"n 0", authflowtest.Fault{Status: 503}, 0, "at least 1"},
		{"n negative", authflowtest.Fault{Status: 503}, -1, "at least 1"},
		{"status 200", authflowtest.Fault{Status: 200}, 1, "400 to 599"},
		{"status 302", authflowtest.Fault{Status: 302}, 1, "400 to 599"},
		{"status 600", authflowtest.Fault{Status: 600}, 1, "400 to 599"},
		{"body with status 199", authflowtest.Fault{Body: "{}", Status: 199}, 1, "200 to 599 with a Body"},
		{"body with status 600", authflowtest.Fault{Body: "{}", Status: 600}, 1, "200 to 599 with a Body"},
		{"body with a code", authflowtest.Fault{Body: "{}", Code: apierrors.NotFound}, 1, "Body goes with no Code"},
		{"body with a message", authflowtest.Fault{Body: "{}", Message: "m"}, 1, "Body goes with no Code"},
		{"body with HTML", authflowtest.Fault{Body: "{}", HTML: true}, 1, "Body goes with no Code"},
		{"message alone", authflowtest.Fault{Message: "x"}, 1, "needs a Status"},
		{"retry-after alone", authflowtest.Fault{RetryAfter: time.Second}, 1, "needs a Status"},
		{"negative latency", authflowtest.Fault{Latency: -1}, 1, "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, inject := range []func(){
				func() { srv.Inject(tt.fault, tt.n) },
				func() { srv.InjectFor(examples.Authflow().ID, tt.fault, tt.n) },
			} {
				func() {
					defer func() {
						msg, _ := recover().(string)
						if !strings.Contains(msg, tt.want) {
							t.Errorf("panic %q, want one that says %q", msg, tt.want)
						}
					}()
					inject()
				}()
			}
		})
	}
	if r := get(t, srv, "GET", seedPath(), nil); r.status != 200 {
		t.Errorf("after refused faults: %d, want 200 (nothing queued)", r.status)
	}
}

func TestRequests(t *testing.T) {
	t.Parallel()
	srv := authflowtest.NewServer(t)
	srv.Inject(authflowtest.Fault{Status: 503}, 1)
	get(t, srv, "GET", seedPath(), http.Header{"Authorization": {"Bearer secret-token"}, "X-Trace": {"1"}})
	get(t, srv, "HEAD", "/api%2Fv1%2Fauthflow%2F"+examples.AuthflowID, http.Header{"Proxy-Authorization": {"opaque"}})

	got := srv.Requests()
	if len(got) != 2 {
		t.Fatalf("%d requests, want 2", len(got))
	}
	if got[0].Method != "GET" || got[0].Path != seedPath() {
		t.Errorf("request 0 = %s %s, want GET %s", got[0].Method, got[0].Path, seedPath())
	}
	if a := got[0].Header.Get("Authorization"); a != "Bearer REDACTED" {
		t.Errorf("Authorization recorded as %q, want it redacted", a)
	}
	if got[0].Header.Get("X-Trace") != "1" {
		t.Errorf("X-Trace = %q, want the header as sent", got[0].Header.Get("X-Trace"))
	}
	if got[1].Method != "HEAD" || got[1].Path != "/api%2Fv1%2Fauthflow%2F"+examples.AuthflowID {
		t.Errorf("request 1 = %s %s, want HEAD and the path as sent, escapes kept", got[1].Method, got[1].Path)
	}
	if a := got[1].Header.Get("Proxy-Authorization"); a != "REDACTED" {
		t.Errorf("Proxy-Authorization recorded as %q, want it redacted", a)
	}
	for _, r := range got {
		for _, vs := range r.Header {
			for _, v := range vs {
				if strings.Contains(v, "secret-token") || strings.Contains(v, "opaque") {
					t.Errorf("a recorded header holds a credential: %q", v)
				}
			}
		}
	}

	// The caller's copy is its own.
	got[0].Header.Set("X-Trace", "changed")
	got[0].Method = "changed"
	if again := srv.Requests(); again[0].Header.Get("X-Trace") != "1" || again[0].Method != "GET" {
		t.Error("changing what Requests returned changed the server's record")
	}
}

func TestRequireToken(t *testing.T) {
	t.Parallel()
	srv := authflowtest.NewServer(t)
	srv.RequireToken("s3cret")

	r := get(t, srv, "GET", seedPath(), nil)
	if r.status != 401 || !strings.Contains(r.body, `"not_authenticated"`) || r.header.Get("Www-Authenticate") != `Bearer realm="authflow"` {
		t.Errorf("no token: %d %v %s, want 401 not_authenticated with a challenge", r.status, r.header, r.body)
	}
	r = get(t, srv, "GET", seedPath(), http.Header{"Authorization": {"Bearer wrong"}})
	if r.status != 401 || !strings.Contains(r.body, `"bad_authtoken"`) {
		t.Errorf("wrong token: %d %s, want 401 bad_authtoken", r.status, r.body)
	}
	r = get(t, srv, "GET", seedPath(), http.Header{"Authorization": {"Bearer s3cret"}})
	if r.status != 200 {
		t.Errorf("right token: %d %s, want 200", r.status, r.body)
	}

	// The server's own client sends the token; an option overrides it.
	if _, err := srv.Client().FetchAuthflow(context.Background(), examples.Authflow().ID); err != nil {
		t.Errorf("Client(): %v, want the token sent", err)
	}
	_, err := srv.Client(authflow.WithBearerToken("wrong")).FetchAuthflow(context.Background(), examples.Authflow().ID)
	if !errors.Is(err, apierrors.BadAuthToken) {
		t.Errorf("Client(WithBearerToken(wrong)): err = %v, want bad_authtoken", err)
	}
	for _, req := range srv.Requests() {
		if a := req.Header.Get("Authorization"); strings.Contains(a, "s3cret") {
			t.Errorf("recorded Authorization %q holds the token", a)
		}
	}

	srv.RequireToken("")
	if r := get(t, srv, "GET", seedPath(), nil); r.status != 200 {
		t.Errorf("after RequireToken(\"\"): %d, want 200 without credentials", r.status)
	}
}

func TestClientFailsTheTestOnABadOption(t *testing.T) {
	t.Parallel()
	tb := &fatalTB{TB: t}
	srv := authflowtest.NewServer(tb)
	tb.run(func() { srv.Client(authflow.WithMaxBodySize(-1)) })
	if !strings.Contains(tb.msg, "maximum body size") {
		t.Errorf("Client with a bad option: Fatalf message %q, want NewClient's error", tb.msg)
	}
}

// TestConcurrentFaults checks that a fault queued for n requests answers
// exactly n of many concurrent ones (run it with -race).
func TestConcurrentFaults(t *testing.T) {
	t.Parallel()
	srv := authflowtest.NewServer(t)
	const requests, faulted = 60, 25
	srv.Inject(authflowtest.Fault{Status: 503}, faulted)
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		counts = map[int]int{}
	)
	for range requests {
		wg.Go(func() {
			r, err := send(srv, "GET", seedPath(), nil)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			counts[r.status]++
			mu.Unlock()
			_ = srv.Requests()
		})
	}
	wg.Wait()
	if counts[503] != faulted || counts[200] != requests-faulted {
		t.Errorf("statuses %v, want %d × 503 and %d × 200", counts, faulted, requests-faulted)
	}
	if n := len(srv.Requests()); n != requests {
		t.Errorf("%d requests recorded, want %d", n, requests)
	}
}

// TestRequireTokenFailsTheTestOnABadToken checks that a token the handler's
// authorizer refuses fails the test at once, naming the problem and not the
// token, rather than making every request answer 500.
func TestRequireTokenFailsTheTestOnABadToken(t *testing.T) {
	t.Parallel()
	tb := &fatalTB{TB: t}
	srv := authflowtest.NewServer(tb)
	tb.run(func() { srv.RequireToken("s3cret\n") })
	if !strings.Contains(tb.msg, "RequireToken") || !strings.Contains(tb.msg, "line break") || strings.Contains(tb.msg, "s3cret") {
		t.Errorf("RequireToken with a bad token: Fatalf message %q, want BearerToken's error without the token", tb.msg)
	}
	if got := get(t, srv, "GET", seedPath(), nil); got.status != http.StatusOK {
		t.Errorf("after the refused token: status %d, want the server still open (200)", got.status)
	}
}

// TestFaultsCarryTheRequestID checks that a fault's envelope or body
// carries back the X-Request-Id the request sent, as the handler does, so
// that the client's error holds the ID it sent; an HTML page, a proxy's,
// carries none.
func TestFaultsCarryTheRequestID(t *testing.T) {
	t.Parallel()
	srv := authflowtest.NewServer(t)
	for _, f := range []authflowtest.Fault{{Status: 503}, {Body: "{}", Status: 502}, {HTML: true}} {
		srv.Inject(f, 1)
		r := get(t, srv, "GET", seedPath(), http.Header{"X-Request-Id": {"caller-1"}})
		want := "caller-1"
		if f.HTML {
			want = ""
		}
		if got := r.header.Get("X-Request-Id"); got != want {
			t.Errorf("%+v: X-Request-Id %q, want %q", f, got, want)
		}
	}

	srv.Inject(authflowtest.Fault{Status: 404}, 1)
	ctx := authflow.ContextWithRequestID(context.Background(), "caller-2")
	_, err := srv.Client().FetchAuthflow(ctx, ids.MustParse[ids.Authflow](examples.AuthflowID))
	var e *apierrors.Error
	if !errors.As(err, &e) || e.RequestID() != "caller-2" || e.Code() != apierrors.NotFound {
		t.Errorf("FetchAuthflow: %v, want not_found with the request ID caller-2", err)
	}
}
