package examples_test

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/examples"
)

// TestREADME builds every Go program of the README as written, in a
// directory of this module (so that it imports this module's packages), and
// runs the decoding and calling quickstarts against the fixtures.
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

	// An invalid flow: the problems are printed, then the program fails.
	bad := examples.Authflow()
	bad.FirstSeen.CountryCode = "au"
	badJSON, err := json.Marshal(&authflow.FetchResponse{Summary: bad})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin["decode"])
	cmd.Stdin = bytes.NewReader(badJSON)
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.HasPrefix(string(out), "first_seen.country_code country_code\n") {
		t.Errorf("decode of an invalid flow: %v, printed %q; want a failure after the line %q",
			err, out, "first_seen.country_code country_code")
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
}

func keys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}
