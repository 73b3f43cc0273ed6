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
	"testing/fstest"
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
// one transaction that also records them (in the table of the flows' name
// + "_migrations", authflows_migrations by default: version, name,
// applied_at). It is idempotent: with nothing to apply it
// changes nothing. A database that a newer release migrated further is left
// as it is.
//
// It is safe when several processes start at once: the transaction runs on
// a connection of its own; on PostgreSQL it first takes the
// transaction-level advisory lock pg_advisory_xact_lock(0x61757468666c6f77),
// and on SQLite it begins IMMEDIATE, and there the opening of the
// connection, the BEGIN and the COMMIT are retried while the database is
// busy, until ctx ends. Whoever comes second waits, then finds the
// migrations recorded. It depends on no session state: the lock and
// everything else end with the transaction, as PgBouncer's transaction
// pooling requires. With [WithCitus], the same transaction distributes the
// table. [Hooks] lists the statements it runs.
//
// A schema applied with another tool from [Migrations] has no record of
// its migrations in that table: use one way or the other.
func (s *Store) Migrate(ctx context.Context) error {
	ms, err := s.dialect.migrations()
	if err != nil {
		return err
	}
	if err := s.migrate(ctx, ms); err != nil {
		return fmt.Errorf("sqlstore: Migrate: %w", err)
	}
	return nil
}

// createVersions creates the table of migrations, in each dialect.
var createVersions = [...]string{
	Postgres: `CREATE TABLE IF NOT EXISTS %s_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP
)`,
	SQLite: `CREATE TABLE IF NOT EXISTS %s_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
)`,
}

// migrate applies ms as Migrate says, in a transaction on a connection of
// its own that it begins and commits with statements of their own (not
// with BeginTx and Commit, which run with no context of the statement's):
// each statement runs with the context its hook gives.
func (s *Store) migrate(ctx context.Context, ms []migration) error {
	// On SQLite, opening a connection runs the DSN's pragmas, and
	// journal_mode(wal) on a database not yet in WAL mode can fail with
	// SQLITE_BUSY even with a busy timeout.
	var conn *sql.Conn
	open := func(int) (err error) { conn, err = s.db.Conn(ctx); return err }
	begin := "BEGIN"
	var err error
	if s.dialect == SQLite {
		err = retryBusy(ctx, open)
		// database/sql's transactions begin DEFERRED, which lets two
		// migrators both read the versions before either writes;
		// IMMEDIATE takes the write lock first.
		begin = "BEGIN IMMEDIATE"
	} else {
		err = open(1)
	}
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := s.retry(ctx, false, opMigrate, begin, execer(conn, begin)); err != nil {
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
	if s.dialect == Postgres {
		const lock = "SELECT pg_advisory_xact_lock($1)"
		if err := s.migrating(ctx, lock, execer(conn, lock, migrationLock)); err != nil {
			return fmt.Errorf("taking the advisory lock: %w", err)
		}
	}
	if err := s.apply(ctx, conn, ms); err != nil {
		return err
	}
	if s.partitions > 0 {
		if err := s.checkPartitions(ctx, conn); err != nil {
			return err
		}
	}
	if s.citus {
		if err := s.distribute(ctx, conn); err != nil {
			return err
		}
	}
	if err := s.retry(ctx, false, opMigrate, "COMMIT", execer(conn, "COMMIT")); err != nil {
		return err
	}
	done = true
	return nil
}

// migrating runs f, the statement query of Migrate, between the hooks.
func (s *Store) migrating(ctx context.Context, query string, f func(context.Context) error) error {
	return s.statement(ctx, opMigrate, query, 1, f)
}

// execer returns a function that runs query on conn with args.
func execer(conn *sql.Conn, query string, args ...any) func(context.Context) error {
	return func(ctx context.Context) error { _, err := conn.ExecContext(ctx, query, args...); return err }
}

// checkPartitions checks that the table is hash-partitioned into
// s.partitions partitions.
func (s *Store) checkPartitions(ctx context.Context, conn *sql.Conn) error {
	const query = `SELECT c.relkind = 'p', (SELECT count(*) FROM pg_inherits i WHERE i.inhparent = c.oid)
FROM pg_class c WHERE c.oid = $1::regclass`
	var partitioned bool
	var have int
	err := s.migrating(ctx, query, func(ctx context.Context) error {
		return conn.QueryRowContext(ctx, query, s.table).Scan(&partitioned, &have)
	})
	switch n := s.partitions; {
	case err != nil:
		return fmt.Errorf("checking the partitions of %s: %w", s.table, err)
	case !partitioned:
		return fmt.Errorf("WithHashPartitions(%d), but the table %s exists without partitions", n, s.table)
	case have != n:
		return fmt.Errorf("WithHashPartitions(%d), but the table %s exists with %d partitions", n, s.table, have)
	}
	return nil
}

// distribute distributes the table on Citus by id_partition, unless it is
// distributed so already.
func (s *Store) distribute(ctx context.Context, conn *sql.Conn) error {
	const query = `SELECT partmethod::text, column_to_column_name(logicalrelid, partkey)
FROM pg_dist_partition WHERE logicalrelid = $1::regclass`
	table := s.table
	var method, column sql.NullString
	distributed := false
	err := s.migrating(ctx, query, func(ctx context.Context) error {
		err := conn.QueryRowContext(ctx, query, table).Scan(&method, &column)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // not distributed: an answer, not the statement's failure
		}
		distributed = err == nil
		return err
	})
	switch {
	case err != nil:
		return fmt.Errorf("WithCitus: reading how %s is distributed (is the citus extension created in this database?): %w", table, err)
	case !distributed:
		const create = "SELECT create_distributed_table($1, 'id_partition')"
		if err := s.migrating(ctx, create, execer(conn, create, table)); err != nil {
			return fmt.Errorf("WithCitus: distributing %s: %w", table, err)
		}
		// Rows the table held before are on the workers now; the copy
		// left on the coordinator is read by nothing.
		const truncate = "SELECT truncate_local_data_after_distributing_table($1)"
		if err := s.migrating(ctx, truncate, execer(conn, truncate, table)); err != nil {
			return fmt.Errorf("WithCitus: truncating the coordinator's copy of %s: %w", table, err)
		}
		return nil
	case method.String == "h" && column.String == "id_partition":
		return nil
	}
	return fmt.Errorf("WithCitus, but the table %s is a Citus table distributed otherwise (method %q, column %q)", table, method.String, column.String)
}

// apply creates the table of versions, and applies and records each
// migration of ms that it does not hold.
func (s *Store) apply(ctx context.Context, conn *sql.Conn, ms []migration) error {
	create := fmt.Sprintf(createVersions[s.dialect], s.table)
	if err := s.migrating(ctx, create, execer(conn, create)); err != nil {
		return fmt.Errorf("creating %s_migrations: %w", s.table, err)
	}
	query := "SELECT version FROM " + s.table + "_migrations"
	applied := map[int]bool{}
	err := s.migrating(ctx, query, func(ctx context.Context) error {
		rows, err := conn.QueryContext(ctx, query)
		if err != nil {
			return err
		}
		for rows.Next() {
			var v int
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return err
			}
			applied[v] = true
		}
		return errors.Join(rows.Err(), rows.Close())
	})
	if err != nil {
		return fmt.Errorf("reading %s_migrations: %w", s.table, err)
	}
	record := s.dialect.bind("INSERT INTO " + s.table + "_migrations (version, name) VALUES (?, ?)")
	for _, m := range ms {
		if applied[m.version] {
			continue
		}
		script := s.render(m.sql)
		if err := s.migrating(ctx, script, execer(conn, script)); err != nil {
			return fmt.Errorf("applying %s: %w", m.name, err)
		}
		if err := s.migrating(ctx, record, execer(conn, record, m.version, m.name)); err != nil {
			return fmt.Errorf("recording %s: %w", m.name, err)
		}
	}
	return nil
}

// render replaces the markers of a migration: {{table}} by the table's
// name as WithTable gave it, {{table name}} by that name without its
// schema (for an index, which lives in its table's schema), {{partition
// by}} by the PARTITION BY clause of a hash-partitioned table, and
// {{partitions}} by the statements that create its partitions; the last
// two by nothing when the table is plain.
func (s *Store) render(sql string) string {
	by, parts := "", ""
	if s.partitions > 0 {
		by = " PARTITION BY HASH (id_partition)"
		var b strings.Builder
		for i := range s.partitions {
			fmt.Fprintf(&b, "CREATE TABLE %s_p%d PARTITION OF %s FOR VALUES WITH (MODULUS %d, REMAINDER %d);\n",
				s.table, i, s.table, s.partitions, i)
		}
		parts = b.String()
	}
	_, name, ok := strings.Cut(s.table, ".")
	if !ok {
		name = s.table
	}
	return strings.NewReplacer("{{table}}", s.table, "{{table name}}", name,
		"{{partition by}}", by, "{{partitions}}", parts).Replace(sql)
}

// Migrations returns the migrations that [Store.Migrate] applies for
// dialect and the options (as [New] takes them: [WithTable],
// [WithHashPartitions]), for a team that applies its migrations with a tool
// of its own (goose, golang-migrate, atlas, …). The files are at the root
// of the fs.FS, one per migration, named <version>_<name>.sql with a
// four-digit version: in the order of their names, each is one SQL script,
// statements ending with semicolons, without the records of
// [Store.Migrate]'s table of migrations (the tool keeps its own). A tool
// that wants other file names or annotations (golang-migrate's .up.sql,
// goose's "-- +goose Up") can copy them with [fs.WalkDir].
//
// It returns New's error for options New refuses, and refuses
// [WithCitus]: distributing the table is a step of Migrate, not a file; a
// tool's own migration after these runs it, as SELECT
// create_distributed_table('authflows', 'id_partition').
func Migrations(dialect Dialect, opts ...Option) (fs.FS, error) {
	s, err := configure(dialect, opts)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: Migrations: %w", err)
	}
	if s.citus {
		return nil, fmt.Errorf("sqlstore: Migrations: WithCitus is a step of Migrate: after these files, distribute the table with SELECT create_distributed_table('%s', 'id_partition')", s.table)
	}
	ms, err := dialect.migrations()
	if err != nil {
		return nil, err
	}
	files := fstest.MapFS{}
	for _, m := range ms {
		files[m.name] = &fstest.MapFile{Data: []byte(s.render(m.sql)), Mode: 0o444}
	}
	return files, nil
}
