// Package dbtest gives tests the databases they need: a fresh PostgreSQL
// schema on the server named by AUTHFLOW_TEST_POSTGRES or on the Citus
// coordinator named by AUTHFLOW_TEST_CITUS, a fresh PostgreSQL database
// reached through the PgBouncer named by AUTHFLOW_TEST_PGBOUNCER, and a
// fresh SQLite file. Only tests import it.
//
// A test that needs PostgreSQL (or PgBouncer) is skipped when the server is
// not there, with a message that says how to start one, except under CI
// (CI=true), where it fails: CI provides the servers (.ci/postgres.sh,
// .ci/pgbouncer.sh). Citus tests run only when AUTHFLOW_TEST_CITUS is set
// (.ci/citus.sh sets it), and then fail under CI when the coordinator does
// not answer.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
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
var reachable = sync.OnceValues(func() (string, error) { return ping(PostgresEnv) })

// ping returns the URL that the environment variable env holds, and
// whether a server answers there.
func ping(env string) (string, error) {
	dsn := os.Getenv(env)
	if dsn == "" {
		return "", errors.New(env + " is not set")
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return "", err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return dsn, db.PingContext(ctx)
}

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

// PgBouncerEnv is the environment variable holding the URL of a PgBouncer
// in transaction pooling mode in front of the server of [PostgresEnv], with
// the driver's setting for it, such as
// postgres://authflow@/authflow_test?host=/tmp/authflow-pgbouncer&port=6432&default_query_exec_mode=exec.
// Every database name must reach the database of that name on the server.
const PgBouncerEnv = "AUTHFLOW_TEST_PGBOUNCER"

var pgbouncerReachable = sync.OnceValues(func() (string, error) { return ping(PgBouncerEnv) })

// PgBouncerDatabase creates a database of its own on the test server for
// t, over the direct connection, and returns the URL that reaches it
// through PgBouncer. (A schema of its own would need search_path, a
// startup parameter PgBouncer refuses.) The test is skipped (or, under CI,
// fails) when PgBouncer or the server is not there. The database is
// dropped when t ends.
func PgBouncerDatabase(t testing.TB) string {
	t.Helper()
	dsn, err := pgbouncerReachable()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PgBouncer is required under CI: %v (.ci/run provides it with .ci/pgbouncer.sh)", err)
		}
		t.Skipf("no PgBouncer: %v; to run this test, start one with: eval \"$(bash .ci/pgbouncer.sh)\"", err)
	}
	admin, err := sql.Open("pgx", PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	name := "test_" + randomHex()
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		// FORCE: PgBouncer keeps its server connections open. Ending an
		// autovacuum worker in the database too needs pg_signal_backend,
		// which .ci/pgbouncer.sh grants; without it, the drop is tried
		// again until the worker is done.
		var err error
		for range 40 {
			if _, err = admin.Exec("DROP DATABASE " + name + " WITH (FORCE)"); err == nil {
				return
			}
			time.Sleep(250 * time.Millisecond)
		}
		t.Errorf("dropping database %s: %v", name, err)
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// randomHex returns 12 random hexadecimal digits.
func randomHex() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
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

var citusReachable = sync.OnceValues(func() (string, error) { return ping(CitusEnv) })

// CitusSchema is PostgresSchema on the Citus coordinator named by
// AUTHFLOW_TEST_CITUS. It skips t when that is not set, and when the
// coordinator does not answer, except under CI (CI=true), where that fails
// t.
func CitusSchema(t testing.TB) string {
	t.Helper()
	if os.Getenv(CitusEnv) == "" {
		t.Skip(CitusEnv + " is not set; to run this test on Citus, start a cluster with: eval \"$(bash .ci/citus.sh)\"")
	}
	dsn, err := citusReachable()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is set, but the coordinator does not answer: %v", CitusEnv, err)
		}
		t.Skipf("%s is set, but the coordinator does not answer: %v", CitusEnv, err)
	}
	return schema(t, dsn)
}

// schema creates a schema of its own on the server at dsn for t, and
// returns dsn with that schema as the search path. The schema is dropped
// when t ends.
func schema(t testing.TB, dsn string) string {
	t.Helper()
	schema := "test_" + randomHex()
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
