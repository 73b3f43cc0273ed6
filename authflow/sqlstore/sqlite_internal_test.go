package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite" // registers "sqlite"
)

// coded is an error with a Code method, as modernc.org/sqlite's are.
type coded int

func (c coded) Error() string { return fmt.Sprintf("code %d", int(c)) }
func (c coded) Code() int     { return int(c) }

// TestIsBusy checks which errors retryBusy retries: modernc.org/sqlite's
// real busy error, wrapped or not, any error whose Code is SQLITE_BUSY or
// SQLITE_LOCKED with or without an extended code, and SQLite's messages;
// and no other.
func TestIsBusy(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "busy.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	lock, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if _, err := lock.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	other, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	_, real := other.ExecContext(ctx, "CREATE TABLE t (x)")
	if real == nil {
		t.Fatal("a write while another connection holds an exclusive lock succeeded")
	}
	if _, err := lock.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	_, syntax := other.ExecContext(ctx, "CREATE TABLE")

	for _, c := range []struct {
		err  error
		want bool
	}{
		{real, true},
		{fmt.Errorf("sqlstore: put x: %w", real), true},
		{errors.Join(errors.New("other"), real), true},
		{coded(5), true},   // SQLITE_BUSY
		{coded(6), true},   // SQLITE_LOCKED
		{coded(517), true}, // SQLITE_BUSY_SNAPSHOT
		{coded(262), true}, // SQLITE_LOCKED_SHAREDCACHE
		{errors.New("database is locked"), true},
		{errors.New("sqlite3: database is locked"), true},
		{errors.New("database table is locked: t"), true},
		{syntax, false},
		{coded(1), false},    // SQLITE_ERROR
		{coded(261), true},   // SQLITE_BUSY_RECOVERY
		{coded(773), true},   // SQLITE_BUSY_TIMEOUT
		{coded(19), false},   // SQLITE_CONSTRAINT
		{coded(1555), false}, // SQLITE_CONSTRAINT_PRIMARYKEY
		{sql.ErrNoRows, false},
		{context.Canceled, false},
	} {
		if got := isBusy(c.err); got != c.want {
			t.Errorf("isBusy(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
