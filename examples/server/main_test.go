package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/authflow-dev/authflow-go/authflow"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/ids"
	"github.com/authflow-dev/authflow-go/internal/testutil"
)

// buildServer compiles this command into a temporary directory.
func buildServer(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "server")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
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
	cmd.Env = append(os.Environ(), env...)
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
	for _, args := range [][]string{{"-nope"}, {"extra"}, {"-addr", "not-an-address"}} {
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
