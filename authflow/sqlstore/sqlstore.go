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
// closes one. Every method takes a context and honours it.
//
// # Schema
//
// [Store.Migrate] creates one table, authflows, from migrations embedded in
// the package, and records each one it applies in authflows_migrations. A
// row holds one flow, one column per field:
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
// creates the table hash-partitioned by id_partition.
//
// # Reading and writing
//
// [Store.FetchAuthflow] is one query, by primary key: one round trip once its
// statement is prepared on the connection. It answers as the handler
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
// # SQLite
//
// Open the database with a busy timeout, and preferably in WAL mode, so that
// concurrent writers wait for each other instead of failing with "database
// is locked"; with modernc.org/sqlite:
//
//	file:authflows.db?_pragma=busy_timeout(5000)&_pragma=journal_mode(wal)
//
// Each connection to "file::memory:" opens a database of its own: use one
// connection (db.SetMaxOpenConns(1)).
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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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

// A Store keeps authflows in a SQL database. It is an [authflow.Store], and is
// safe for concurrent use. Make one with [New].
type Store struct {
	db            *sql.DB
	dialect       Dialect
	partitions    int
	partitionsSet bool

	fetch, put, del lazyStmt
	closed          atomic.Bool
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
	if dialect != Postgres && dialect != SQLite {
		return nil, fmt.Errorf("sqlstore: New: unknown dialect %v", dialect)
	}
	s := &Store{db: db, dialect: dialect}
	for _, o := range opts {
		o.apply(s)
	}
	if s.partitionsSet {
		switch {
		case dialect != Postgres:
			return nil, fmt.Errorf("sqlstore: New: WithHashPartitions needs PostgreSQL; %v has no partitioned tables", dialect)
		case s.partitions < 1 || s.partitions > MaxHashPartitions:
			return nil, fmt.Errorf("sqlstore: New: WithHashPartitions(%d): want 1 to %d partitions", s.partitions, MaxHashPartitions)
		}
	}
	s.fetch.query = dialect.bind(selectSQL())
	s.put.query = dialect.bind(upsertSQL())
	s.del.query = dialect.bind("DELETE FROM authflows WHERE id_partition = ? AND id = ?")
	return s, nil
}

// errClosed is returned by a Store's methods after Close.
var errClosed = errors.New("sqlstore: store is closed")

// Close releases the statements the Store prepared. It does not close the
// *sql.DB, which belongs to the caller. After Close the Store's methods
// fail.
func (s *Store) Close() error {
	s.closed.Store(true)
	return errors.Join(s.fetch.close(), s.put.close(), s.del.close())
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
	stmt, err := s.prepared(ctx, &s.put)
	if err != nil {
		return err
	}
	if _, err := stmt.ExecContext(ctx, args...); err != nil {
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
func (s *Store) FetchAuthflow(ctx context.Context, id ids.AuthflowID) (*authflow.Authflow, error) {
	stmt, err := s.prepared(ctx, &s.fetch)
	if err != nil {
		return nil, err
	}
	rows, err := stmt.QueryContext(ctx, int64(id.Partition()), binaryID(id))
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
	stmt, err := s.prepared(ctx, &s.del)
	if err != nil {
		return err
	}
	res, err := stmt.ExecContext(ctx, int64(id.Partition()), binaryID(id))
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

// prepared returns l's statement, preparing it on first use.
func (s *Store) prepared(ctx context.Context, l *lazyStmt) (*sql.Stmt, error) {
	if s.closed.Load() {
		return nil, errClosed
	}
	return l.get(ctx, s.db)
}

// A lazyStmt is a statement prepared on first use: a Store can be made
// before its table exists, and a failed attempt (the table missing, a
// cancelled context) is not remembered.
type lazyStmt struct {
	query string

	mu     sync.Mutex
	stmt   atomic.Pointer[sql.Stmt]
	closed bool // guarded by mu
}

func (l *lazyStmt) get(ctx context.Context, db *sql.DB) (*sql.Stmt, error) {
	if st := l.stmt.Load(); st != nil {
		return st, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, errClosed
	}
	if st := l.stmt.Load(); st != nil {
		return st, nil
	}
	st, err := db.PrepareContext(ctx, l.query)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: prepare: %w", err)
	}
	l.stmt.Store(st)
	return st, nil
}

func (l *lazyStmt) close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	if st := l.stmt.Swap(nil); st != nil {
		return st.Close()
	}
	return nil
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
