// Package dbtest gives tests the databases they need: a fresh PostgreSQL
// schema on the server named by AUTHFLOW_TEST_POSTGRES or on the Citus
// coordinator named by AUTHFLOW_TEST_CITUS, and a fresh SQLite file. Only
// tests import it.
//
// A test that needs PostgreSQL is skipped when the server is not there,
// with a message that says how to start one, except under CI (CI=true),
// where it fails: CI provides the server (.ci/postgres.sh).
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// PostgresEnv is the environment variable holding the PostgreSQL URL the
// tests use, such as postgres://authflow@/authflow_test?host=/tmp/authflow-postgres.
const PostgresEnv = "AUTHFLOW_TEST_POSTGRES"

// HowToStart says how to get a server for the tests.
const HowToStart = "set " + PostgresEnv + "=postgres://… or start a private server with: eval \"$(bash .ci/postgres.sh)\""

// reachable caches whether the server answered, so that a run without one
// tries once.
var reachable = sync.OnceValues(func() (string, error) {
	dsn := os.Getenv(PostgresEnv)
	if dsn == "" {
		return "", errNotSet
	}
	return dsn, ping(dsn)
})

type notSet struct{}

func (notSet) Error() string { return PostgresEnv + " is not set" }

var errNotSet error = notSet{}

// PostgresURL returns the URL of the test server, skipping the test (or,
// under CI, failing it) when there is none or it does not answer.
func PostgresURL(t testing.TB) string {
	t.Helper()
	dsn, err := reachable()
	if err == nil {
		return dsn
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("PostgreSQL is required under CI: %v (.ci/run provides it with .ci/postgres.sh)", err)
	}
	t.Skipf("no PostgreSQL: %v; to run this test, %s", err, HowToStart)
	return ""
}

// PostgresSchema creates a schema of its own on the test server for t, and
// returns the server's URL with that schema as the search path. The schema
// is dropped when t ends.
func PostgresSchema(t testing.TB) string {
	t.Helper()
	return schema(t, PostgresURL(t))
}

// CitusEnv is the environment variable holding the URL of the coordinator
// of the Citus cluster the tests use, such as
// postgres://authflow@127.0.0.1:9700/authflow_test. Tests run on Citus only
// when it is set: .ci/citus.sh starts a cluster and sets it.
const CitusEnv = "AUTHFLOW_TEST_CITUS"

// citusReachable caches whether the coordinator answered.
var citusReachable = sync.OnceValue(func() error { return ping(os.Getenv(CitusEnv)) })

// CitusSchema is PostgresSchema on the Citus coordinator named by
// AUTHFLOW_TEST_CITUS. It skips t when that is not set, and when the
// coordinator does not answer, except under CI (CI=true), where that fails
// t.
func CitusSchema(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(CitusEnv)
	if dsn == "" {
		t.Skip(CitusEnv + " is not set; to run this test on Citus, start a cluster with: eval \"$(bash .ci/citus.sh)\"")
	}
	if err := citusReachable(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is set, but the coordinator does not answer: %v", CitusEnv, err)
		}
		t.Skipf("%s is set, but the coordinator does not answer: %v", CitusEnv, err)
	}
	return schema(t, dsn)
}

// ping reports whether the PostgreSQL server at dsn answers within 10 s.
func ping(dsn string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return db.PingContext(ctx)
}

// schema creates a schema of its own on the server at dsn for t, and
// returns dsn with that schema as the search path. The schema is dropped
// when t ends.
func schema(t testing.TB, dsn string) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "test_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// OpenPostgres opens dsn with pgx and closes it when t ends.
func OpenPostgres(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	return open(t, "pgx", dsn)
}

// SQLiteFile returns the path of a new SQLite database file in t's
// temporary directory.
func SQLiteFile(t testing.TB) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "authflows.db")
}

// SQLiteDSN returns modernc.org/sqlite's DSN for the database file at path,
// as a service would open it: waiting up to 10 s for a lock rather than
// failing, in WAL mode (readers do not wait for the writer), syncing at
// checkpoints only.
func SQLiteDSN(path string) string {
	return "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(wal)&_pragma=synchronous(normal)"
}

// OpenSQLite opens the SQLite database file at path, as SQLiteDSN says,
// and closes it when t ends.
func OpenSQLite(t testing.TB, path string) *sql.DB {
	t.Helper()
	return open(t, "sqlite", SQLiteDSN(path))
}

func open(t testing.TB, driver, dsn string) *sql.DB {
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
