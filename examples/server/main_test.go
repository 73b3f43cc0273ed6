package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/authflow/sqlstore"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/ids"
	"github.com/authflow-dev/authflow-go/internal/dbtest"
	"github.com/authflow-dev/authflow-go/internal/testutil"
)

// binDir holds the command built for the tests; TestMain removes it.
var binDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// built builds this command once for all tests.
var built = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "authflow-server-test")
	if err != nil {
		return "", err
	}
	binDir = dir
	bin := filepath.Join(dir, "server")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// buildServer returns the path of this command, built.
func buildServer(t *testing.T) string {
	t.Helper()
	bin, err := built()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// started is a running server process.
type started struct {
	cmd    *exec.Cmd
	url    string
	stdout *bufio.Reader
	stderr *strings.Builder
}

// start runs the binary with args and env, and waits for its one line.
func start(t *testing.T, bin string, env []string, args ...string) *started {
	t.Helper()
	cmd := exec.Command(bin, args...)
	// No database unless the test names one.
	cmd.Env = append(append(os.Environ(), "AUTHFLOW_DB="), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &strings.Builder{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	r := bufio.NewReader(stdout)
	line := make(chan string, 1)
	go func() { l, _ := r.ReadString('\n'); line <- l }()
	select {
	case l := <-line:
		url, ok := strings.CutPrefix(strings.TrimSuffix(l, "\n"), "listening on ")
		if !ok || !strings.HasPrefix(url, "http://127.0.0.1:") || strings.HasSuffix(url, ":0") {
			t.Fatalf("first line %q, want \"listening on http://127.0.0.1:PORT\"; stderr:\n%s", l, stderr)
		}
		return &started{cmd: cmd, url: url, stdout: r, stderr: stderr}
	case <-time.After(30 * time.Second):
		t.Fatalf("no line on stdout; stderr:\n%s", stderr)
	}
	return nil
}

// stop sends sig and checks the process exits 0 within 10 seconds and
// prints nothing more on stdout.
func (s *started) stop(t *testing.T, sig os.Signal) {
	t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	rest := make(chan string, 1)
	go func() { b, _ := io.ReadAll(s.stdout); rest <- string(b) }()
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit after %v: %v; stderr:\n%s", sig, err, s.stderr)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("still running 10s after %v", sig)
	}
	if r := <-rest; r != "" {
		t.Errorf("more on stdout after the first line: %q", r)
	}
}

func TestDemoServer(t *testing.T) {
	bin := buildServer(t)
	seed := examples.Authflow()

	t.Run("no token", func(t *testing.T) {
		s := start(t, bin, []string{"AUTHFLOW_TOKEN="}, "-addr", "127.0.0.1:0")
		c, err := authflow.NewClient(s.url)
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.FetchAuthflow(context.Background(), ids.MustParse[ids.Authflow]("013xrzp12g3nqk8nqprv12gz6v99a2v4"))
		if err != nil {
			t.Fatalf("fetch seed: %v; stderr:\n%s", err, s.stderr)
		}
		if diff := cmp.Diff(seed, got, testutil.CmpOptions); diff != "" {
			t.Errorf("seed flow differs (-want +got):\n%s", diff)
		}
		_, err = c.FetchAuthflow(context.Background(), ids.MustParse[ids.Authflow]("013xrzp12g3nqk8nyvk0xwzcb2gzp8z1"))
		var e *apierrors.Error
		if !errors.Is(err, apierrors.NotFound) || !errors.As(err, &e) || e.StatusCode() != 404 || e.Message() != "no such resource" {
			t.Errorf("unknown flow: %v", err)
		}
		s.stop(t, syscall.SIGTERM)
		if !strings.Contains(s.stderr.String(), "WITHOUT authentication") {
			t.Errorf("stderr does not warn about serving without authentication:\n%s", s.stderr)
		}
	})

	t.Run("token from the environment, flag wins", func(t *testing.T) {
		s := start(t, bin, []string{"AUTHFLOW_TOKEN=from-env"}, "-addr", "127.0.0.1:0", "-token", "from-flag")
		id := ids.MustParse[ids.Authflow]("013xrzp12g3nqk8nqprv12gz6v99a2v4")
		for tok, wantErr := range map[string]error{"": apierrors.NotAuthenticated, "from-env": apierrors.BadAuthToken, "from-flag": nil} {
			c, _ := authflow.NewClient(s.url, authflow.WithBearerToken(tok))
			_, err := c.FetchAuthflow(context.Background(), id)
			if wantErr == nil {
				if err != nil {
					t.Errorf("token %q: %v", tok, err)
				}
				continue
			}
			var e *apierrors.Error
			if !errors.Is(err, wantErr) || !errors.As(err, &e) || e.StatusCode() != 401 {
				t.Errorf("token %q: error %v, want %v with status 401", tok, err, wantErr)
			}
		}
		s.stop(t, os.Interrupt)
		if strings.Contains(s.stderr.String(), "from-flag") || strings.Contains(s.stderr.String(), "from-env") {
			t.Errorf("a token reached the log:\n%s", s.stderr)
		}
	})

	t.Run("token from the environment alone", func(t *testing.T) {
		s := start(t, bin, []string{"AUTHFLOW_TOKEN=from-env"}, "-addr", "127.0.0.1:0")
		c, _ := authflow.NewClient(s.url, authflow.WithBearerToken("from-env"))
		if _, err := c.FetchAuthflow(context.Background(), seed.ID); err != nil {
			t.Errorf("env token refused: %v", err)
		}
		s.stop(t, syscall.SIGTERM)
	})
}

func TestRunRefusesBadArgs(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"-nope"}, {"extra"}, {"-addr", "not-an-address"},
		{"-db", "mysql://localhost/flows"}, {"-db", "sqlite:"}, {"-db", "sqlite:" + t.TempDir() + "/no/such/dir/flows.db"},
	} {
		var stdout, stderr strings.Builder
		err := run(context.Background(), args, func(string) string { return "" }, &stdout, &stderr)
		if err == nil {
			t.Errorf("run(%q) succeeded", args)
		}
		if stdout.Len() != 0 {
			t.Errorf("run(%q) printed %q on stdout", args, stdout.String())
		}
	}
}

// TestHelp: -h prints the usage and exits 0, as Go commands do.
func TestHelp(t *testing.T) {
	t.Parallel()
	out, err := exec.Command(buildServer(t), "-h").CombinedOutput()
	if err != nil {
		t.Errorf("server -h: %v\n%s", err, out)
	}
	for _, flag := range []string{"-addr", "-db", "-token"} {
		if !strings.Contains(string(out), flag) {
			t.Errorf("server -h does not mention %s:\n%s", flag, out)
		}
	}
}

// get returns the status and body of a GET of url.
func get(t *testing.T, url string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

// sameAsMemory checks that the server at url answers every fixture flow,
// and an unknown ID, with the bytes the in-memory demo at want answers.
func sameAsMemory(t *testing.T, got, want string) {
	t.Helper()
	paths := []string{authflow.PathPrefix + "013xrzp12g3nqk8nyvk0xwzcb2gzp8z1"}
	for _, f := range examples.Flows() {
		paths = append(paths, authflow.PathPrefix+f.ID.String())
	}
	for _, p := range paths {
		gs, gb := get(t, got+p)
		ws, wb := get(t, want+p)
		if gs != ws || !bytes.Equal(gb, wb) {
			t.Errorf("GET %s: %d %s\nwant (in memory) %d %s", p, gs, gb, ws, wb)
		}
	}
}

func TestDemoServerDatabase(t *testing.T) {
	bin := buildServer(t)
	noToken := "AUTHFLOW_TOKEN="
	mem := start(t, bin, []string{noToken}, "-addr", "127.0.0.1:0")
	defer mem.stop(t, syscall.SIGTERM)

	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "flows.db")
		s := start(t, bin, []string{noToken}, "-addr", "127.0.0.1:0", "-db", "sqlite:"+path)
		sameAsMemory(t, s.url, mem.url)
		s.stop(t, syscall.SIGTERM)
		if !strings.Contains(s.stderr.String(), "loaded fixture flow") {
			t.Errorf("the fixtures were not loaded into the empty table:\n%s", s.stderr)
		}

		// Change a flow while the server is down: it serves the table as
		// it finds it, and loads no fixture over it.
		db := dbtest.OpenSQLite(t, path)
		store, err := sqlstore.New(db, sqlstore.SQLite)
		if err != nil {
			t.Fatal(err)
		}
		changed := examples.Authflow()
		changed.Title = "changed while the server was down"
		if err := store.Put(context.Background(), changed); err != nil {
			t.Fatal(err)
		}
		db.Close()

		// From the environment this time.
		s = start(t, bin, []string{noToken, "AUTHFLOW_DB=sqlite:" + path}, "-addr", "127.0.0.1:0")
		c, _ := authflow.NewClient(s.url)
		got, err := c.FetchAuthflow(context.Background(), changed.ID)
		if err != nil {
			t.Fatalf("fetch: %v; stderr:\n%s", err, s.stderr)
		}
		if diff := cmp.Diff(changed, got, testutil.CmpOptions); diff != "" {
			t.Errorf("served flow (-in the table +served):\n%s", diff)
		}
		s.stop(t, syscall.SIGTERM)
		if strings.Contains(s.stderr.String(), "loaded fixture flow") {
			t.Errorf("fixtures were loaded over a table that held flows:\n%s", s.stderr)
		}

		// The flag wins over the environment.
		s = start(t, bin, []string{noToken, "AUTHFLOW_DB=mysql://nowhere"}, "-addr", "127.0.0.1:0", "-db", "sqlite:"+path)
		c, _ = authflow.NewClient(s.url)
		if _, err := c.FetchAuthflow(context.Background(), changed.ID); err != nil {
			t.Errorf("-db over AUTHFLOW_DB: %v; stderr:\n%s", err, s.stderr)
		}
		s.stop(t, os.Interrupt)
	})

	t.Run("sqlite in memory", func(t *testing.T) {
		s := start(t, bin, []string{noToken}, "-addr", "127.0.0.1:0", "-db", "sqlite::memory:")
		sameAsMemory(t, s.url, mem.url)
		s.stop(t, syscall.SIGTERM)
	})

	t.Run("postgres", func(t *testing.T) {
		dsn := dbtest.PostgresSchema(t)
		s := start(t, bin, []string{noToken}, "-addr", "127.0.0.1:0", "-db", dsn)
		sameAsMemory(t, s.url, mem.url)
		s.stop(t, syscall.SIGTERM)
		if !strings.Contains(s.stderr.String(), "loaded fixture flow") || !strings.Contains(s.stderr.String(), "dialect=postgres") {
			t.Errorf("stderr:\n%s", s.stderr)
		}
	})
}

// TestRunHidesPassword checks that whatever the form of a database spec,
// from -db or from AUTHFLOW_DB, nothing the demo prints shows its password:
// not the line naming the database, not the driver's errors, not the usage.
func TestRunHidesPassword(t *testing.T) {
	t.Parallel()
	const at = "@127.0.0.1:1/flows?connect_timeout=5" // nothing listens: refused at once
	for _, c := range []struct {
		spec    string
		secrets []string // none may show
		shown   string   // must show, naming the database
	}{
		{"postgres://user:hunter2" + at, []string{"hunter2"}, "postgres://user:xxxxx@127.0.0.1:1/flows"},
		{"postgresql://user:hunter2" + at, []string{"hunter2"}, "postgresql://user:xxxxx@127.0.0.1:1/flows"},
		{"postgres://:hunter2" + at, []string{"hunter2"}, "postgres://:xxxxx@127.0.0.1:1/flows"},
		{"postgres://user:hun%40ter%2F2" + at, []string{"hun@ter/2", "hun%40ter%2F2", "ter"}, "postgres://user:xxxxx@"},
		{"postgres://user:p@s5:w@rd9" + at, []string{"s5", "rd9"}, `an "@" in the password or after the host`},
		{"postgres://user" + at + "&password=hunter2", []string{"hunter2"}, "&password=xxxxx"},
		{"postgres://user" + at + "&Password=hunter2", []string{"hunter2"}, "&Password=xxxxx"},
		{"postgres://user" + at + "&PASSWORD=hunter2&sslmode=disable", []string{"hunter2"}, "&PASSWORD=xxxxx&sslmode=disable"},
		{"postgres://user" + at + "&sslpassword=hunter2", []string{"hunter2"}, "&sslpassword=xxxxx"},
		{"postgres://user" + at + "&pass%77ord=hun%74er2", []string{"hunter2", "hun%74er2"}, "&pass%77ord=xxxxx"},
		{"postgres://user" + at + ";password=hunter2", []string{"hunter2"}, ";password=xxxxx"},
		{"postgres://user" + at + "&password=hun+ter2&password=again2", []string{"hun ter2", "hun+ter2", "again2"}, "flows?"},
		{"postgres://u:hunter2" + at + "&sslmode=bogus&password=hunter2", []string{"hunter2"}, "postgres://u:xxxxx@127.0.0.1:1/flows?connect_timeout=5&sslmode=bogus&password=xxxxx: cannot parse the URL: failed to configure TLS"}, // pgx's
		{"postgres://user" + at + "#hunter2", []string{"hunter2"}, "#xxxxx"},
		// An unencoded "/", "?" or "#" ends the host early.
		{"postgres://user:hun/ter2" + at, []string{"hun/ter2", "ter2"}, "not a PostgreSQL URL"},
		{"postgres://user:1/hunter2" + at, []string{"hunter2"}, `an "@" in the password or after the host`},
		{"postgres://user:1?hunter2" + at, []string{"hunter2"}, `an "@" in the password or after the host`},
		{"postgres://user:1#hunter2" + at, []string{"hunter2"}, `an "@" in the password or after the host`},
		{"postgres://user:hun ter2" + at, []string{"hun ter2", "ter2"}, "not a PostgreSQL URL"},
		{"postgres://user:hun%zzter2" + at, []string{"hun%zzter2", "ter2"}, "not a PostgreSQL URL"},
		// Other forms are refused and not shown.
		{"host=127.0.0.1 port=1 password=hunter2 user=u", []string{"hunter2"}, "not shown"},
		{"host=127.0.0.1 password='hun ter2' user=u", []string{"hun ter2", "ter2"}, "not shown"},
		{`host=127.0.0.1 password='hun\' ter2' user=u`, []string{"ter2"}, "not shown"},
		{"Server=h;Port=1;Password=hunter2;", []string{"hunter2"}, "not shown"},
		{"mysql://user:hunter2@tcp(127.0.0.1:1)/flows", []string{"hunter2"}, "not shown"},
		{"user:hunter2@tcp(127.0.0.1:1)/flows", []string{"hunter2"}, "not shown"},
	} {
		for _, from := range []string{"-db", "AUTHFLOW_DB"} {
			args, env := []string{"-db", c.spec}, map[string]string{}
			if from == "AUTHFLOW_DB" {
				args, env = nil, map[string]string{"AUTHFLOW_DB": c.spec}
			}
			var stdout, stderr strings.Builder
			err := run(context.Background(), args, func(k string) string { return env[k] }, &stdout, &stderr)
			if err == nil {
				t.Fatalf("%s %q: run succeeded without a database", from, c.spec)
			}
			printed := err.Error() + "\n" + stderr.String() + stdout.String()
			for _, secret := range c.secrets {
				if strings.Contains(printed, secret) {
					t.Errorf("%s %q: %q shows:\n%s", from, c.spec, secret, printed)
				}
			}
			if !strings.Contains(err.Error(), c.shown) {
				t.Errorf("%s %q: the error does not say %q: %v", from, c.spec, c.shown, err)
			}
		}
	}

	// The usage (-h, a bad flag) and stray arguments show no default from
	// the environment.
	env := map[string]string{"AUTHFLOW_DB": "postgres://user:hunter2" + at, "AUTHFLOW_TOKEN": "s3cret"}
	for _, args := range [][]string{{"-h"}, {"-nope"}, {"postgres://user:hunter2" + at}} {
		var stdout, stderr strings.Builder
		err := run(context.Background(), args, func(k string) string { return env[k] }, &stdout, &stderr)
		if err == nil {
			t.Fatalf("run(%q) succeeded", args)
		}
		printed := err.Error() + "\n" + stderr.String() + stdout.String()
		if strings.Contains(printed, "hunter2") || strings.Contains(printed, "s3cret") {
			t.Errorf("run(%q) shows a secret:\n%s", args, printed)
		}
	}
}
