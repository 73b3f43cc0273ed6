package examples_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/internal/dbtest"
)

// TestREADME builds every Go program of the README as written, in a
// directory of this module (so that it imports this module's packages), and
// runs each of them against the fixtures.
func TestREADME(t *testing.T) {
	if testing.Short() {
		t.Skip("builds programs with the go command")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build the README's programs: %v", err)
	}
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllSubmatch(readme, -1)
	programs := map[string]string{} // by what each does
	for _, b := range blocks {
		src := string(b[1])
		if !strings.HasPrefix(src, "package main\n") {
			t.Errorf("a Go snippet of the README is not a whole program:\n%.200s", src)
			continue
		}
		switch {
		case strings.Contains(src, "DecodeFetchResponse"):
			programs["decode"] = src
		case strings.Contains(src, "NewHandler"):
			programs["serve"] = src
		case strings.Contains(src, "NewClient"):
			programs["call"] = src
		default:
			t.Errorf("a program of the README that no case here runs:\n%.200s", src)
		}
	}
	if len(programs) != 3 {
		t.Fatalf("found the programs %v, want decode, serve and call", keys(programs))
	}

	// A directory starting with "." is in the module but ignored by ./...
	dir, err := os.MkdirTemp("..", ".readme-")
	if err == nil {
		dir, err = filepath.Abs(dir)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	bin := map[string]string{}
	for name, src := range programs {
		pkg := filepath.Join(dir, name)
		if err := os.MkdirAll(pkg, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(pkg, "main.go"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		bin[name] = filepath.Join(pkg, name)
		cmd := exec.Command(goCmd, "build", "-o", bin[name], ".")
		cmd.Dir = pkg
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("the README's %s program does not build: %v\n%s", name, err, out)
		}
	}

	run := func(name string, stdin []byte, env []string, args ...string) string {
		t.Helper()
		cmd := exec.Command(bin[name], args...)
		cmd.Stdin = bytes.NewReader(stdin)
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
		return string(out)
	}

	if got, want := run("decode", examples.FetchResponseJSON(), nil),
		"013xrzp12g3nqk8nqprv12gz6v99a2v4 new\n127.0.0.1 2009-02-13 23:31:30 +0000 UTC\n"; got != want {
		t.Errorf("decode printed %q, want %q", got, want)
	}
	nullFirstSeen := examples.Variants()[0]
	for _, v := range examples.Variants() {
		if v.Name == "null_first_seen" {
			nullFirstSeen = v
		}
	}
	if got, want := run("decode", nullFirstSeen.JSON, nil), "013xrzp12g3nqk8nqprv12gz6v99a2v4 new\n"; got != want {
		t.Errorf("decode of a null first_seen printed %q, want %q", got, want)
	}

	// An invalid flow: the program fails, naming the path of each problem.
	bad := examples.Authflow()
	bad.FirstSeen.CountryCode = "au"
	badJSON, err := json.Marshal(&authflow.FetchResponse{Summary: bad})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin["decode"])
	cmd.Stdin = bytes.NewReader(badJSON)
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), " invalid_value: first_seen.country_code: ") {
		t.Errorf("decode of an invalid flow: %v, printed %q; want a failure naming first_seen.country_code", err, out)
	}

	store, err := authflow.NewMemoryStore(examples.Authflow())
	if err != nil {
		t.Fatal(err)
	}
	h, err := authflow.NewHandler(store, authflow.BearerToken("t0ken"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	env := []string{"AUTHFLOW_URL=" + srv.URL, "AUTHFLOW_TOKEN=t0ken"}
	if got, want := run("call", nil, env, examples.AuthflowID), "My Authflow new\nlast seen in Melbourne\n"; got != want {
		t.Errorf("call printed %q, want %q", got, want)
	}
	if got, want := run("call", nil, env, "013xrzp12g3nqk8nqprv12gz6v99a2v5"), "no such flow\n"; got != want {
		t.Errorf("call of an unknown flow printed %q, want %q", got, want)
	}

	testServeQuickstart(t, bin["serve"], dir, srv.URL)
}

// testServeQuickstart runs the README's serving program: without its
// configuration it fails with a message (not a panic), and with it, it
// serves a flow of its SQLite table to the token's domain. want is a server
// of the fixture flows, whose answers it must match byte for byte.
func testServeQuickstart(t *testing.T, bin, dir, want string) {
	flow := examples.Authflow()
	for _, c := range []struct{ env, says string }{
		{"API_TOKEN=", "set API_TOKEN"},
		{"DOMAIN_ID=", "set DOMAIN_ID"},
		{"DOMAIN_ID=not-an-id", "set DOMAIN_ID"},
	} {
		cmd := exec.Command(bin)
		cmd.Env = append(os.Environ(), "API_TOKEN=t0ken", "DOMAIN_ID="+flow.DomainID.String(), c.env)
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(string(out), c.says) ||
			strings.Contains(string(out), "panic") || strings.Contains(string(out), "goroutine ") {
			t.Errorf("serve with %s: %v, printed %q; want exit status 1 and a message with %q", c.env, err, out, c.says)
		}
	}

	// The table of the README, holding the fixture flow.
	dbPath := filepath.Join(dir, "flows.db")
	db := dbtest.OpenSQLite(t, dbPath)
	summary, err := json.Marshal(flow)
	if err == nil {
		_, err = db.Exec("CREATE TABLE flow_summaries (id text PRIMARY KEY, summary blob)")
	}
	if err == nil {
		_, err = db.Exec("INSERT INTO flow_summaries VALUES ($1, $2)", flow.ID.String(), summary)
	}
	if err == nil {
		err = db.Close()
	}
	if err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "API_TOKEN=t0ken", "DOMAIN_ID="+flow.DomainID.String(),
		"FLOWS_DB="+dbPath, "ADDR=127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	// The program logs the URL once it listens, before it serves.
	lines := bufio.NewScanner(stderr)
	var base string
	for base == "" && lines.Scan() {
		if _, rest, ok := strings.Cut(lines.Text(), "serving "); ok {
			base, _, _ = strings.Cut(rest, authflow.PathPrefix)
		}
	}
	if base == "" {
		t.Fatalf("serve printed no \"serving URL\" line: %v", lines.Err())
	}
	go func() { _, _ = io.Copy(io.Discard, stderr) }() // the handler's logs

	get := func(base, id, token string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, base+authflow.PathPrefix+id, nil)
		if err != nil {
			t.Fatal(err)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(body)
	}
	for _, c := range []struct {
		id, token string
		status    int
	}{
		{flow.ID.String(), "t0ken", http.StatusOK},
		{flow.ID.String(), "", http.StatusUnauthorized},
		{flow.ID.String(), "wrong", http.StatusUnauthorized},
		{"013xrzp12g3nqk8nqprv12gz6v99a2v5", "t0ken", http.StatusNotFound},
	} {
		status, body := get(base, c.id, c.token)
		wantStatus, wantBody := get(want, c.id, c.token)
		if status != c.status || wantStatus != c.status || body != wantBody {
			t.Errorf("GET %s with token %q: %d %s\nwant %d %s", c.id, c.token, status, body, c.status, wantBody)
		}
	}
}

func keys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// TestREADMEInstall follows the README's install section as written, in a
// new module beside a "clone" of this one (a link to it, so that the test
// checks the tree it runs in): both ways of depending on the unpublished
// module build and run the README's decoding program. GOPROXY=off makes sure
// the module comes from the clone, never from a proxy; its dependencies come
// from the module cache, which go mod download fills first.
func TestREADMEInstall(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to follow the README: %v", err)
	}
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	install, _, _ := strings.Cut(string(readme[bytes.Index(readme, []byte("\n## Install\n"))+1:]), "\n## ")
	var replaceFlow []string
	if m := regexp.MustCompile("(?s)\n```\n(.*?)```").FindStringSubmatch(install); m != nil {
		replaceFlow = strings.Split(strings.TrimSpace(m[1]), "\n")
	}
	workFlow := regexp.MustCompile("`(go work init [^`]*)`").FindStringSubmatch(install)
	if len(replaceFlow) != 2 || !strings.HasPrefix(replaceFlow[0], "go mod edit -replace ") || workFlow == nil ||
		!strings.Contains(install, "`go get github.com/authflow-dev/authflow-go@latest`") {
		t.Fatalf("the README's install section is not as this test expects (a block with go mod edit -replace and go mod tidy, "+
			"then go work init, then go get …@latest):\n%s", install)
	}
	var decode []byte
	for _, b := range regexp.MustCompile("(?s)```go\n(.*?)```").FindAllSubmatch(readme, -1) {
		if bytes.Contains(b[1], []byte("DecodeFetchResponse")) {
			decode = b[1]
		}
	}
	if decode == nil {
		t.Fatal("no decoding program in the README")
	}

	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	goRun := func(dir string, env []string, args ...string) string {
		t.Helper()
		cmd := exec.Command(goCmd, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("in %s: go %s: %v\n%s", dir, strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	goRun(root, nil, "mod", "download")

	top := t.TempDir()
	if err := os.Symlink(root, filepath.Join(top, "authflow-go")); err != nil {
		t.Fatal(err)
	}
	offline := []string{"GOPROXY=off", "GOFLAGS=-buildvcs=false"}
	for _, flow := range []struct {
		name     string
		commands []string
		env      string
	}{
		{"replace", replaceFlow, "GOWORK=off"},
		{"workspace", []string{workFlow[1]}, "GOWORK="},
	} {
		app := filepath.Join(top, flow.name)
		if err := os.Mkdir(app, 0o755); err != nil {
			t.Fatal(err)
		}
		env := append([]string{flow.env}, offline...)
		goRun(app, env, "mod", "init", "example.com/"+flow.name)
		if err := os.WriteFile(filepath.Join(app, "main.go"), decode, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, c := range flow.commands {
			args := strings.Fields(c)
			if args[0] != "go" {
				t.Fatalf("README install command %q does not start with go", c)
			}
			goRun(app, env, args[1:]...)
		}
		bin := filepath.Join(app, "decode")
		goRun(app, env, "build", "-o", bin, ".")
		cmd := exec.Command(bin)
		cmd.Stdin = bytes.NewReader(examples.FetchResponseJSON())
		out, err := cmd.CombinedOutput()
		if want := "013xrzp12g3nqk8nqprv12gz6v99a2v4 new\n"; err != nil || !strings.HasPrefix(string(out), want) {
			t.Errorf("%s: the README's decoding program, built outside this module: %v, printed %q; want %q first",
				flow.name, err, out, want)
		}
	}
}
