package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// migrationFiles holds the migrations of each dialect, in
// migrations/<dialect>/<version>_<name>.sql.
//
//go:embed migrations
var migrationFiles embed.FS

// A migration is one step of the schema.
type migration struct {
	version int
	name    string // the file's name
	sql     string
}

// migrations returns d's migrations in the order of their versions.
func (d Dialect) migrations() ([]migration, error) {
	dir := path.Join("migrations", d.String())
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("sqlstore: migration file %s is not named <version>_<name>.sql", e.Name())
		}
		text, err := fs.ReadFile(migrationFiles, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(text)})
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.version - b.version })
	return ms, nil
}

// migrationLock is the key of the PostgreSQL advisory lock that Migrate
// holds: the first 8 bytes of "authflow" in ASCII, as a bigint.
const migrationLock int64 = 0x61757468666c6f77

// Migrate creates the schema, or upgrades it to this version's, by applying
// each embedded migration that the database has not recorded, in order, in
// one transaction that also records them (table authflows_migrations:
// version, name, applied_at). It is idempotent: with nothing to apply it
// changes nothing. A database that a newer release migrated further is left
// as it is.
//
// It is safe when several processes start at once: on PostgreSQL the
// transaction first takes the transaction-level advisory lock
// pg_advisory_xact_lock(0x61757468666c6f77), and on SQLite it is a BEGIN
// IMMEDIATE transaction, retried while the database is busy, until ctx
// ends. Whoever comes second waits, then finds the migrations recorded.
func (s *Store) Migrate(ctx context.Context) error {
	if s.closed.Load() {
		return errClosed
	}
	ms, err := s.dialect.migrations()
	if err != nil {
		return err
	}
	switch s.dialect {
	case Postgres:
		err = s.migratePostgres(ctx, ms)
	default:
		err = s.migrateSQLite(ctx, ms)
	}
	if err != nil {
		return fmt.Errorf("sqlstore: Migrate: %w", err)
	}
	return nil
}

// querier is what a migration runs on: a *sql.Tx or a *sql.Conn.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Store) migratePostgres(ctx context.Context, ms []migration) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() // a no-op after Commit
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLock); err != nil {
		return fmt.Errorf("taking the advisory lock: %w", err)
	}
	if err := s.apply(ctx, tx, ms, `CREATE TABLE IF NOT EXISTS authflows_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP
)`); err != nil {
		return err
	}
	if s.partitions > 0 {
		if err := checkPartitions(ctx, tx, s.partitions); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// checkPartitions checks that the table is hash-partitioned into n
// partitions.
func checkPartitions(ctx context.Context, q querier, n int) error {
	var partitioned bool
	var have int
	err := q.QueryRowContext(ctx, `SELECT c.relkind = 'p', (SELECT count(*) FROM pg_inherits i WHERE i.inhparent = c.oid)
FROM pg_class c WHERE c.oid = 'authflows'::regclass`).Scan(&partitioned, &have)
	switch {
	case err != nil:
		return fmt.Errorf("checking the partitions of authflows: %w", err)
	case !partitioned:
		return fmt.Errorf("WithHashPartitions(%d), but the table authflows exists without partitions", n)
	case have != n:
		return fmt.Errorf("WithHashPartitions(%d), but the table authflows exists with %d partitions", n, have)
	}
	return nil
}

func (s *Store) migrateSQLite(ctx context.Context, ms []migration) (err error) {
	// Opening a connection runs the DSN's pragmas, and journal_mode(wal)
	// on a database not yet in WAL mode can fail with SQLITE_BUSY even
	// with a busy timeout.
	var conn *sql.Conn
	if err := retryBusy(ctx, func() (err error) { conn, err = s.db.Conn(ctx); return err }); err != nil {
		return err
	}
	defer conn.Close()
	// database/sql's transactions begin DEFERRED, which lets two migrators
	// both read the versions before either writes; IMMEDIATE takes the
	// write lock first.
	if err := retryBusy(ctx, func() error { _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); return err }); err != nil {
		return err
	}
	done := false
	defer func() {
		if done {
			return
		}
		if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rerr != nil {
			// A connection left in a transaction must not go back to the
			// pool.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	if err := s.apply(ctx, conn, ms, `CREATE TABLE IF NOT EXISTS authflows_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
)`); err != nil {
		return err
	}
	if err := retryBusy(ctx, func() error { _, err := conn.ExecContext(ctx, "COMMIT"); return err }); err != nil {
		return err
	}
	done = true
	return nil
}

// apply creates the table of versions with createVersions, and applies and
// records each migration of ms that it does not hold.
func (s *Store) apply(ctx context.Context, q querier, ms []migration, createVersions string) error {
	if _, err := q.ExecContext(ctx, createVersions); err != nil {
		return fmt.Errorf("creating authflows_migrations: %w", err)
	}
	rows, err := q.QueryContext(ctx, "SELECT version FROM authflows_migrations")
	if err != nil {
		return fmt.Errorf("reading authflows_migrations: %w", err)
	}
	applied := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return fmt.Errorf("reading authflows_migrations: %w", err)
		}
		applied[v] = true
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("reading authflows_migrations: %w", err)
	}
	for _, m := range ms {
		if applied[m.version] {
			continue
		}
		if _, err := q.ExecContext(ctx, s.render(m.sql)); err != nil {
			return fmt.Errorf("applying %s: %w", m.name, err)
		}
		if _, err := q.ExecContext(ctx, s.dialect.bind("INSERT INTO authflows_migrations (version, name) VALUES (?, ?)"), m.version, m.name); err != nil {
			return fmt.Errorf("recording %s: %w", m.name, err)
		}
	}
	return nil
}

// render replaces the markers of a migration: {{partition by}} by the
// PARTITION BY clause of a hash-partitioned table, and {{partitions}} by the
// statements that create its partitions; by nothing when the table is plain.
func (s *Store) render(sql string) string {
	by, parts := "", ""
	if s.partitions > 0 {
		by = " PARTITION BY HASH (id_partition)"
		var b strings.Builder
		for i := range s.partitions {
			fmt.Fprintf(&b, "CREATE TABLE authflows_p%d PARTITION OF authflows FOR VALUES WITH (MODULUS %d, REMAINDER %d);\n",
				i, s.partitions, i)
		}
		parts = b.String()
	}
	return strings.NewReplacer("{{partition by}}", by, "{{partitions}}", parts).Replace(sql)
}
