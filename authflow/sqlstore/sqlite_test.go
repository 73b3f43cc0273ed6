package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/authflow/sqlstore"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/internal/dbtest"
)

// sqlitePlain is SQLite opened the plain way, sql.Open("sqlite", path): no
// busy timeout, the rollback journal, a sync to disk at each commit.
var sqlitePlain = backend{name: "sqlite_plain", dialect: sqlstore.SQLite, fresh: ramFile, open: openPlain}

// sqliteMemory is an SQLite database in memory, opened the plain way and
// named, with the cache shared, so that every connection of the process to
// that name reaches the same database (and locks its tables: SQLITE_LOCKED,
// which the Store waits out as it does SQLITE_BUSY).
var sqliteMemory = backend{name: "sqlite_memory", dialect: sqlstore.SQLite, fresh: memoryDB, open: openPlain}

// memoryDB returns the DSN of a new in-memory database, kept while t runs.
func memoryDB(t testing.TB) string {
	t.Helper()
	dsn := "file:" + strings.ReplaceAll(t.Name(), "/", "_") + "_" + strconv.FormatUint(rand.Uint64(), 16) + "?mode=memory&cache=shared"
	keep := openPlain(t, dsn) // the database lasts while a connection to it is open
	keep.SetMaxIdleConns(1)
	keep.SetConnMaxIdleTime(0)
	if err := keep.Ping(); err != nil {
		t.Fatal(err)
	}
	return dsn
}

// ramFile returns the path of a new SQLite database file, on the RAM file
// system /dev/shm when there is one: opened the plain way, SQLite syncs
// each write to disk, some 10ms a write on the test machines, and
// TestConcurrency would take a minute; the locks are the same.
func ramFile(t testing.TB) string {
	t.Helper()
	if fi, err := os.Stat("/dev/shm"); err != nil || !fi.IsDir() {
		return dbtest.SQLiteFile(t)
	}
	dir, err := os.MkdirTemp("/dev/shm", "authflow-sqlstore-")
	if err != nil {
		return dbtest.SQLiteFile(t)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir + "/authflows.db"
}

// openPlain opens the SQLite file at path the plain way, and closes it when
// t ends.
func openPlain(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// plainWithLock returns a store on SQLite opened the plain way, holding
// the seed flow, and a connection of its own to the same database, closed
// when t ends, for the test to lock the database with.
func plainWithLock(t *testing.T) (*env, *authflow.Authflow, *sql.Conn) {
	t.Helper()
	e := sqlitePlain.setup(t)
	flow := examples.Authflow()
	if err := e.store.Put(context.Background(), flow); err != nil {
		t.Fatal(err)
	}
	lock, err := openPlain(t, e.dsn).Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lock.Close() })
	return e, flow, lock
}

// TestSQLiteLocked checks that, on SQLite opened the plain way, Put,
// FetchAuthflow and Delete wait while another connection holds the
// database locked, until their context ends, and then succeed once it lets
// go.
func TestSQLiteLocked(t *testing.T) {
	t.Parallel()
	e, flow, lock := plainWithLock(t)
	ctx := context.Background()
	// An exclusive lock keeps readers out too.
	if _, err := lock.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	calls := map[string]func(context.Context) error{
		"Put":           func(ctx context.Context) error { return e.store.Put(ctx, flow) },
		"FetchAuthflow": func(ctx context.Context) error { _, err := e.store.FetchAuthflow(ctx, flow.ID); return err },
		"Delete":        func(ctx context.Context) error { return e.store.Delete(ctx, flow.ID) },
	}
	for name, call := range calls {
		short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		err := call(short)
		cancel()
		// Not SQLITE_BUSY at once: the call waits, then fails with the
		// context's error.
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s while the database is locked: %v, want %v", name, err, context.DeadlineExceeded)
		}
	}
	done := make(chan error, 1)
	go func() { done <- calls["FetchAuthflow"](ctx) }()
	time.Sleep(20 * time.Millisecond)
	if _, err := lock.ExecContext(ctx, "COMMIT"); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Errorf("FetchAuthflow once the lock is gone: %v", err)
	}
	for _, name := range []string{"Put", "Delete"} {
		if err := calls[name](ctx); err != nil {
			t.Errorf("%s once the lock is gone: %v", name, err)
		}
	}
}
