// Package sqlstore keeps authflows in a SQL database, PostgreSQL or SQLite,
// for the authflow handler: a [*Store] is an [authflow.Store].
//
//	db, err := sql.Open("pgx", "postgres://…") // or "sqlite", "file:authflows.db?…"
//	store, err := sqlstore.New(db, sqlstore.Postgres)
//	err = store.Migrate(ctx)                    // create or upgrade the schema
//	err = store.Put(ctx, flow)                  // insert or replace
//	h, err := authflow.NewHandler(store, authz)
//	http.Handle(authflow.PathPrefix, h)
//
// The package imports no driver: open the *sql.DB with the driver of your
// choice. It is tested with pgx's database/sql driver,
// github.com/jackc/pgx/v5/stdlib, and with modernc.org/sqlite, which is pure
// Go: programs that use it build with CGO_ENABLED=0. The caller owns the
// *sql.DB (its pool size, its DSN, closing it); the Store never opens or
// closes one. Every method takes a context and honours it. A Store holds no
// connection and no prepared statement of its own: it needs no closing.
//
// # Schema
//
// [Store.Migrate] creates one table, authflows, from migrations embedded in
// the package, and records each one it applies in authflows_migrations.
// [WithTable] names the table otherwise ("flows", or "auth.flows" in a
// schema of your own on PostgreSQL); the table of migrations, the index
// and the partitions follow its name. A team that applies its migrations
// with its own tool takes the same SQL files from [Migrations]. A row
// holds one flow, one column per field:
//
//   - id and the five other IDs as their 20 bytes (PostgreSQL bytea, SQLite
//     BLOB): keys sort by time and indexes stay small;
//   - id_partition, the partition of id, as a column of its own, leading the
//     primary key (id_partition, id): the key to partition or distribute the
//     table by, so that related objects can live together;
//   - an index on domain_id;
//   - first_seen and last_seen as twelve columns each, all NULL for a null
//     snapshot; a snapshot's time as Unix seconds and nanoseconds (two
//     integers, exact to the nanosecond, where a timestamp type would keep
//     microseconds); its address as its canonical text;
//   - factor_names as a JSON array of strings, [] when there are none (a nil
//     and an empty list are the same list);
//   - required_email NULL when the flow requires none, and "" when that is
//     what it holds.
//
// Columns rather than one JSON document, because a column is typed and
// checked by the database, can be queried and indexed with plain SQL (flows
// last seen from an address, say), and costs no JSON codec on the hot path;
// factor_names is the one list, and SQLite has no array type. Every field
// comes back exactly as it was put: null or empty, the time to the
// nanosecond, an IPv4-mapped IPv6 address, -0.0, any Unicode text, and a
// status this version does not know (one that a newer writer stored).
//
// Your own SQL over the table takes this module's IDs as arguments: their
// [database/sql/driver.Valuer] gives the 20 bytes the columns hold, and
// their Scan reads them back. The primary key leads with id_partition, so
// give it too for a lookup by ID that uses the key:
//
//	db.QueryRowContext(ctx, "SELECT title FROM authflows WHERE id_partition = $1 AND id = $2", id.Partition(), id)
//	db.QueryContext(ctx, "SELECT id FROM authflows WHERE domain_id = $1", domainID)
//
// (WHERE id = $1 alone finds the row too, but PostgreSQL reads the whole
// primary key for it: some 50 times slower at 100,000 rows.)
//
// The schema uses no sequences and no triggers, so the same tables run on
// PostgreSQL-compatible distributed engines (Citus, CockroachDB,
// YugabyteDB): see the module's README. On PostgreSQL, [WithHashPartitions]
// creates the table hash-partitioned by id_partition; on Citus, [WithCitus]
// distributes it by id_partition.
//
// # Reading and writing
//
// [Store.FetchAuthflow] is one query, by primary key: one round trip. Every
// method sends its statement as SQL text with its arguments
// ([database/sql.DB.QueryContext], [database/sql.DB.ExecContext]) and
// prepares nothing itself: the driver decides (pgx prepares and caches each
// statement on each connection by default). It answers as the handler
// expects (see [authflow.Store]): an unknown ID is [apierrors.NotFound], and a
// row that cannot be decoded is an error the handler answers 500 without
// sending any of it. [Store.Put] validates the flow first and writes it with
// one INSERT … ON CONFLICT DO UPDATE, so a concurrent fetch sees the whole
// old flow or the whole new one, never a mix.
//
// Text must be valid UTF-8 (the API's JSON cannot carry anything else), and
// on PostgreSQL, whose text type cannot hold U+0000, free of that character:
// Put refuses other text rather than store something else.
//
// # The pool
//
// Each fetch, put or delete holds one connection of db's pool for one round
// trip. Set the pool for the requests the service serves at once, as the
// demo server does:
//
//	db.SetMaxOpenConns(32) // no more than the server accepts (PostgreSQL: max_connections)
//	db.SetMaxIdleConns(32) // keep them open between requests
//
// database/sql keeps 2 idle connections by default: under more concurrent
// requests, each query beyond them opens a connection and closes it after,
// which costs more than the query. Under 16 concurrent requests from
// PostgreSQL on one machine, the demo served half as many requests per
// second with the default.
//
// # PgBouncer
//
// Behind PgBouncer in transaction pooling mode, each transaction (each
// statement, outside one) may run on another server connection, so
// nothing may depend on a connection's session: the store does not, and
// [Store.Migrate]'s lock is transaction-level. A prepared statement is
// session state, though, and PgBouncer before 1.21 (Debian 12 ships 1.18)
// does not carry them across server connections: set the driver not to
// prepare named statements. With pgx, add to the URL
//
//	default_query_exec_mode=exec
//
// which pgx's documentation gives for PgBouncer and prefers to
// simple_protocol: it keeps the extended protocol (arguments sent apart
// from the SQL text, never interpolated into it) in one round trip, with
// the unnamed statement only. Directly to PostgreSQL, set nothing: pgx's
// default caches the statements, which is faster there. CI runs the
// package's tests both ways, through Debian's PgBouncer 1.18 in
// transaction mode.
//
// # SQLite
//
// SQLite lets one connection write at a time, and answers "database is
// locked" (SQLITE_BUSY) to a connection that needs a lock another one
// holds. On SQLite the Store runs its own writes one at a time, and runs a
// statement again while it fails so, after a random wait that grows from up
// to 1ms to up to 50ms, until the call's context ends (the error is then the
// busy error joined with the context's). So a *sql.DB opened the plain way,
// sql.Open("sqlite", "authflows.db"), serves concurrent callers, in one
// process or several, without that error. The Store recognises a busy error
// without importing a driver: by its Code method (modernc.org/sqlite's
// errors have one), or by SQLite's message in its text ("database is
// locked", as github.com/mattn/go-sqlite3's errors say).
//
// A busy timeout and WAL mode are speed-ups, not requirements: with a busy
// timeout SQLite waits for a lock itself, and in WAL mode readers do not
// wait for the writer, and a write syncs the disk once rather than several
// times; with modernc.org/sqlite:
//
//	file:authflows.db?_pragma=busy_timeout(5000)&_pragma=journal_mode(wal)
//
// Each connection to "file::memory:" opens a database of its own: use one
// connection (db.SetMaxOpenConns(1)).
//
// # Hooks
//
// [WithHooks] reports each statement the Store runs, each attempt of it
// apart, to functions of yours: what it is for (fetch, put, delete or
// migrate), its SQL text (never the values it runs with), how long it took
// and its error, with the context it runs with, so that metrics and traces
// need no library of them in this package. In the Store the handler calls,
// that context carries the request's ID ([authflow.RequestID]). A Store
// without hooks does no work for them: no clock reading, no allocation.
//
// # Adding a column
//
// For contributors: a new field of [authflow.Authflow] or of its snapshots
// (interaction.Details) changes two things here.
//
//   - One entry in the column list in columns.go (flowColumns or
//     detailsColumns): the column's name (a text column is named as the
//     field's JSON key), the value Put writes and how a fetched value is
//     set. The INSERT, the SELECT, the row decoder and Put's text check are
//     derived from the list.
//   - A new migration for each dialect, migrations/postgres/<n>_<name>.sql
//     and migrations/sqlite/<n>_<name>.sql, with the next version n, that
//     adds the column (as first_seen_<name> and last_seen_<name> for a
//     field of Details) and gives existing rows its value: a snapshot whose
//     columns are partly NULL does not decode.
//
// The round-trip tests cover the field once the fixture the tests store,
// examples.Authflow, sets it.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/authflow-dev/authflow-go/authflow"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/ids"
)

// A Dialect is the SQL database a [Store] talks to.
type Dialect uint8

// The dialects a Store speaks. The zero Dialect is none of them.
const (
	// Postgres is PostgreSQL (tested with 15), and engines that speak its
	// dialect: Citus, CockroachDB, YugabyteDB.
	Postgres Dialect = iota + 1
	// SQLite is SQLite 3.24 or newer.
	SQLite
)

// String returns "postgres" or "sqlite".
func (d Dialect) String() string {
	switch d {
	case Postgres:
		return "postgres"
	case SQLite:
		return "sqlite"
	}
	return "Dialect(" + strconv.Itoa(int(d)) + ")"
}

// An Option configures [New]. Options are made by the With… functions of this
// package; the interface is sealed.
type Option interface {
	apply(*Store)
}

type optionFunc func(*Store)

func (f optionFunc) apply(s *Store) { f(s) }

// MaxHashPartitions is the most partitions [WithHashPartitions] creates.
const MaxHashPartitions = 1024

// WithHashPartitions makes [Store.Migrate], when it creates the table on
// PostgreSQL, create it PARTITION BY HASH (id_partition) with n partitions,
// authflows_p0 to authflows_p<n-1>. The default is one plain table. n must
// be from 1 to [MaxHashPartitions]; New refuses the option with [SQLite],
// which has no partitioned tables. When the table exists already, Migrate
// checks that it is partitioned so and fails otherwise: the option does not
// repartition a table.
func WithHashPartitions(n int) Option {
	return optionFunc(func(s *Store) { s.partitions = n; s.partitionsSet = true })
}

// DefaultTable is the table a Store keeps its flows in without [WithTable].
const DefaultTable = "authflows"

// WithTable makes the Store keep its flows in the table name instead of
// [DefaultTable]. On PostgreSQL the name may be qualified with a schema,
// such as "auth.flows"; the schema must exist. Every name the store
// derives from it lives beside it: the table of migrations name +
// "_migrations", the index name + "_domain_id", the partitions name +
// "_p0" and on.
//
// The name is used as it is in every statement, so New refuses one that
// would need quoting: each part must be lowercase ASCII letters, digits and
// underscores, not starting with a digit, not one of PostgreSQL's reserved
// words, and short enough that the derived names fit PostgreSQL's 63 bytes
// (the table's part at most 52 bytes).
func WithTable(name string) Option {
	return optionFunc(func(s *Store) { s.table = name })
}

// maxTableName is the longest table name (without its schema) that leaves
// room for the longest suffix, "_migrations", within PostgreSQL's 63 bytes.
const maxTableName = 63 - len("_migrations")

// checkTable returns what is wrong with the table name of WithTable.
func checkTable(name string, dialect Dialect) error {
	schema, table, qualified := strings.Cut(name, ".")
	if !qualified {
		schema, table = "", name
	} else if dialect != Postgres {
		return fmt.Errorf("WithTable(%q): a schema-qualified name needs PostgreSQL", name)
	}
	if err := checkIdentifier(table, maxTableName); err != nil {
		return fmt.Errorf("WithTable(%q): %w", name, err)
	}
	if qualified {
		if err := checkIdentifier(schema, 63); err != nil {
			return fmt.Errorf("WithTable(%q): the schema: %w", name, err)
		}
	}
	return nil
}

// checkIdentifier returns what is wrong with id as an identifier that
// needs no quoting, at most max bytes long.
func checkIdentifier(id string, max int) error {
	switch {
	case id == "":
		return errors.New("empty name")
	case len(id) > max:
		return fmt.Errorf("longer than %d bytes", max)
	case id[0] >= '0' && id[0] <= '9':
		return errors.New("starts with a digit")
	case slices.Contains(strings.Fields(reservedWords), id):
		return errors.New("a reserved word of SQL")
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return fmt.Errorf("%q at byte %d: want lowercase ASCII letters, digits and underscores, which need no quoting", rune(c), i)
		}
	}
	return nil
}

// reservedWords are PostgreSQL 15's reserved key words, which a table or
// schema name cannot be without quotes.
const reservedWords = `all analyse analyze and any array as asc asymmetric authorization binary both case cast
check collate collation column concurrently constraint create cross current_catalog
current_date current_role current_schema current_time current_timestamp current_user
default deferrable desc distinct do else end except false fetch for foreign freeze from
full grant group having ilike in initially inner intersect into is isnull join lateral
leading left like limit localtime localtimestamp natural not notnull null offset on only
or order outer overlaps placing primary references returning right select session_user
similar some symmetric table tablesample then to trailing true union unique user using
variadic verbose when where window with`

// WithCitus makes [Store.Migrate] distribute the table on Citus by its
// partition column, with create_distributed_table(table,
// 'id_partition'), in the transaction and under the lock in which it applies
// the migrations: fetch, put and delete by ID then each run on one shard.
// Migrate must talk to the coordinator, in a database with the citus
// extension. The table takes Citus's defaults: citus.shard_count shards
// (32 unless set), colocated with the other tables distributed by an integer
// column with as many shards, so that tables distributed by the partition of
// their IDs join it on one worker. The table of migrations stays a table of
// the coordinator.
//
// A table that an earlier Migrate created without the option is distributed
// then, its rows copied to the workers and the coordinator's local copy
// truncated; a table distributed by id_partition already is left as it is;
// any other Citus table (distributed by another column, a reference table)
// fails Migrate. New refuses the option with [SQLite], and with
// [WithHashPartitions]: Citus already splits the table by the hash of
// id_partition, into shards.
func WithCitus() Option {
	return optionFunc(func(s *Store) { s.citus = true })
}

// A Store keeps authflows in a SQL database. It is an [authflow.Store], and is
// safe for concurrent use. Make one with [New].
//
// A Store holds no resource of its own (no connection, no prepared
// statement): it needs no closing, and it is done with when the caller
// stops using it.
type Store struct {
	db            *sql.DB
	dialect       Dialect
	table         string
	partitions    int
	partitionsSet bool
	citus         bool

	// The statements, as text in the dialect's placeholders: the driver
	// prepares and caches them on each connection as it sees fit.
	fetchSQL, putSQL, deleteSQL string

	writing chan struct{} // on SQLite, held by the write running; see retry

	hooks Hooks
}

var _ authflow.Store = (*Store)(nil)

// New returns a Store that keeps authflows in db, which speaks dialect. It
// does not touch the database: call [Store.Migrate] to create or upgrade the
// schema (once per process start is the usual way), or manage the schema
// yourself. The caller keeps db and closes it after it is done with the
// Store.
func New(db *sql.DB, dialect Dialect, opts ...Option) (*Store, error) {
	if db == nil {
		return nil, errors.New("sqlstore: New: nil *sql.DB")
	}
	s, err := configure(dialect, opts)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: New: %w", err)
	}
	s.db = db
	return s, nil
}

// configure returns a Store without its *sql.DB for dialect and opts, or
// what is wrong with them.
func configure(dialect Dialect, opts []Option) (*Store, error) {
	if dialect != Postgres && dialect != SQLite {
		return nil, fmt.Errorf("unknown dialect %v", dialect)
	}
	s := &Store{dialect: dialect, table: DefaultTable}
	if dialect == SQLite {
		s.writing = make(chan struct{}, 1)
	}
	for _, o := range opts {
		o.apply(s)
	}
	if err := checkTable(s.table, dialect); err != nil {
		return nil, err
	}
	if s.partitionsSet {
		switch {
		case dialect != Postgres:
			return nil, fmt.Errorf("WithHashPartitions needs PostgreSQL; %v has no partitioned tables", dialect)
		case s.partitions < 1 || s.partitions > MaxHashPartitions:
			return nil, fmt.Errorf("WithHashPartitions(%d): want 1 to %d partitions", s.partitions, MaxHashPartitions)
		}
	}
	if s.citus {
		switch {
		case dialect != Postgres:
			return nil, fmt.Errorf("WithCitus needs PostgreSQL with the citus extension, not %v", dialect)
		case s.partitionsSet:
			return nil, errors.New("WithCitus and WithHashPartitions: Citus already splits the table by the hash of id_partition; use one of them")
		}
	}
	s.fetchSQL = dialect.bind(selectSQL(s.table))
	s.putSQL = dialect.bind(upsertSQL(s.table))
	s.deleteSQL = dialect.bind("DELETE FROM " + s.table + " WHERE id_partition = ? AND id = ?")
	return s, nil
}

// Put stores flow, inserting it or replacing the flow with its ID, in one
// statement: a concurrent fetch sees the old flow or the new one, whole.
//
// It validates flow first: an invalid flow returns the [*apierrors.Error] of
// [authflow.Authflow.Validate] and writes nothing. It also refuses, with an
// *errors.Error whose problems have rule utf8, a flow holding text the
// store cannot keep exactly: text that is not valid UTF-8 and, on
// PostgreSQL, text holding U+0000.
func (s *Store) Put(ctx context.Context, flow *authflow.Authflow) error {
	if flow == nil {
		return errors.New("sqlstore: Put: nil *Authflow")
	}
	if err := flow.Validate(); err != nil {
		return err
	}
	args := rowArgs(flow)
	if err := checkText(flow, args[2:], s.dialect == Postgres); err != nil {
		return err
	}
	return s.retry(ctx, true, opPut, s.putSQL, func(ctx context.Context) error { return s.putOnce(ctx, flow, args) })
}

// putOnce runs Put's statement once.
func (s *Store) putOnce(ctx context.Context, flow *authflow.Authflow, args []any) error {
	if _, err := s.db.ExecContext(ctx, s.putSQL, args...); err != nil {
		return fmt.Errorf("sqlstore: put %s: %w", flow.ID, err)
	}
	return nil
}

// FetchAuthflow implements [authflow.Store]: it returns the flow with the
// given ID, or [apierrors.NotFound] when there is none. It does not validate
// the flow (the handler does). A row that cannot be decoded (an ID of the
// wrong length, an address that does not parse, a snapshot whose columns
// are partly NULL) returns an error that says which column is wrong; it is
// no API error the handler would send, so the handler answers 500 and logs
// it.
func (s *Store) FetchAuthflow(ctx context.Context, id ids.AuthflowID) (flow *authflow.Authflow, err error) {
	err = s.retry(ctx, false, opFetch, s.fetchSQL, func(ctx context.Context) error { flow, err = s.fetchOnce(ctx, id); return err })
	return flow, err
}

// fetchOnce runs FetchAuthflow's query once.
func (s *Store) fetchOnce(ctx context.Context, id ids.AuthflowID) (*authflow.Authflow, error) {
	rows, err := s.db.QueryContext(ctx, s.fetchSQL, int64(id.Partition()), binaryID(id))
	if err != nil {
		return nil, fmt.Errorf("sqlstore: fetch %s: %w", id, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("sqlstore: fetch %s: %w", id, err)
		}
		return nil, apierrors.NotFound
	}
	r := new(struct{ row, dests [numColumns]any })
	for i := range r.row {
		r.dests[i] = rawValue{&r.row[i]}
	}
	if err := rows.Scan(r.dests[:]...); err != nil {
		return nil, fmt.Errorf("sqlstore: row %s: %w", id, err)
	}
	flow, err := decodeRow(id, r.row[:]) // before Close: the driver's bytes are valid
	if err != nil {
		return nil, fmt.Errorf("sqlstore: row %s: %w", id, err)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("sqlstore: fetch %s: %w", id, err)
	}
	return flow, nil
}

// Delete removes the flow with the given ID. It returns
// [apierrors.NotFound] when there is none.
func (s *Store) Delete(ctx context.Context, id ids.AuthflowID) error {
	return s.retry(ctx, true, opDelete, s.deleteSQL, func(ctx context.Context) error { return s.deleteOnce(ctx, id) })
}

// deleteOnce runs Delete's statement once.
func (s *Store) deleteOnce(ctx context.Context, id ids.AuthflowID) error {
	res, err := s.db.ExecContext(ctx, s.deleteSQL, int64(id.Partition()), binaryID(id))
	if err != nil {
		return fmt.Errorf("sqlstore: delete %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlstore: delete %s: %w", id, err)
	}
	if n == 0 {
		return apierrors.NotFound
	}
	return nil
}

// binaryID returns id's 20 bytes, the form of the key columns (and what the
// ID's own driver.Valuer gives).
func binaryID(id ids.AuthflowID) []byte {
	b, _ := id.AppendBinary(make([]byte, 0, ids.BinaryLen))
	return b
}

// bind returns query with its ? placeholders written as d wants them: $1,
// $2, … for PostgreSQL. The queries of this package hold no other '?'.
func (d Dialect) bind(query string) string {
	if d != Postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// checkText returns an error report listing each text column of args,
// the columns of flow as rowArgs gives them, that is not valid UTF-8 or,
// with noNUL, holds U+0000, and each of flow's factor names that is not
// valid UTF-8 (the factor_names column is their JSON, which escapes
// U+0000). It allocates nothing when every string passes.
func checkText(flow *authflow.Authflow, args []any, noNUL bool) error {
	var problems []apierrors.Problem
	more := 0
	report := func(path string, valid bool) {
		if len(problems) == apierrors.MaxProblems {
			more++
			return
		}
		msg := "must be valid UTF-8"
		if valid {
			msg = "holds U+0000, which PostgreSQL text cannot store"
		}
		problems = append(problems, apierrors.Problem{Path: path, Rule: apierrors.RuleUTF8, Message: msg})
	}
	for i, a := range args {
		if s, ok := a.(string); ok {
			if valid := utf8.ValidString(s); !valid || noNUL && strings.IndexByte(s, 0) >= 0 {
				report(columnPath(i), valid)
			}
		}
	}
	for i, name := range flow.FactorNames {
		if !utf8.ValidString(name) {
			report("factor_names["+strconv.Itoa(i)+"]", false)
		}
	}
	if problems == nil {
		return nil
	}
	return apierrors.InvalidMore(more, problems...)
}
