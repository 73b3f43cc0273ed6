package sqlstore_test

import (
	"context"
	"database/sql"
	"strconv"
	"testing"

	"github.com/authflow-dev/authflow-go/authflow/sqlstore"
	"github.com/authflow-dev/authflow-go/internal/dbtest"
)

// A backend is a database the suite runs against.
type backend struct {
	name    string
	dialect sqlstore.Dialect
	opts    []sqlstore.Option
	// partitions is the number of hash partitions opts ask for, or 0.
	partitions int
	// fresh returns the DSN of a new, empty database for t, and opens it.
	fresh func(t testing.TB) string
	open  func(t testing.TB, dsn string) *sql.DB
}

// partitions is how many partitions the partitioned PostgreSQL table has.
const partitions = 8

// backends are the databases the suite runs against: SQLite in WAL mode with
// a busy timeout, SQLite opened the plain way, SQLite in memory, PostgreSQL, PostgreSQL with
// the table hash-partitioned, PostgreSQL through PgBouncer in transaction
// pooling mode (a database of its own per test), and Citus (when
// AUTHFLOW_TEST_CITUS names a coordinator) with the table distributed.
var backends = []backend{
	{name: "sqlite", dialect: sqlstore.SQLite, fresh: dbtest.SQLiteFile, open: dbtest.OpenSQLite},
	sqlitePlain,
	sqliteMemory,
	{name: "postgres", dialect: sqlstore.Postgres, fresh: dbtest.PostgresSchema, open: dbtest.OpenPostgres},
	{
		name: "postgres_partitioned", dialect: sqlstore.Postgres, fresh: dbtest.PostgresSchema, open: dbtest.OpenPostgres,
		opts: []sqlstore.Option{sqlstore.WithHashPartitions(partitions)}, partitions: partitions,
	},
	{
		name: "citus", dialect: sqlstore.Postgres, fresh: dbtest.CitusSchema, open: dbtest.OpenPostgres,
		opts: []sqlstore.Option{sqlstore.WithCitus()},
	},
	{name: "pgbouncer", dialect: sqlstore.Postgres, fresh: dbtest.PgBouncerDatabase, open: dbtest.OpenPostgres},
}

// env is a migrated store on a fresh database of a backend.
type env struct {
	backend
	dsn   string
	db    *sql.DB
	store *sqlstore.Store
}

// setup makes a fresh database for t, and a migrated store on it.
func (b backend) setup(t testing.TB) *env {
	t.Helper()
	e := &env{backend: b, dsn: b.fresh(t)}
	e.db = b.open(t, e.dsn)
	e.store = e.newStore(t, e.db)
	if err := e.store.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return e
}

// newStore returns a store of the backend's dialect and options on db.
func (e *env) newStore(t testing.TB, db *sql.DB) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.New(db, e.dialect, e.opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// exec runs a statement written with ? placeholders.
func (e *env) exec(t testing.TB, query string, args ...any) {
	t.Helper()
	if _, err := e.db.Exec(e.bind(query), args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// count returns the number of rows in a table.
func (e *env) count(t testing.TB, table string) int {
	t.Helper()
	var n int
	if err := e.db.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// bind writes ? placeholders as $1, $2, … for PostgreSQL.
func (e *env) bind(query string) string {
	if e.dialect != sqlstore.Postgres {
		return query
	}
	out, n := make([]byte, 0, len(query)+8), 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			out = append(out, '$')
			out = strconv.AppendInt(out, int64(n), 10)
			continue
		}
		out = append(out, query[i])
	}
	return string(out)
}

// forEach runs f in a subtest for each backend, in parallel, each on a fresh
// database.
func forEach(t *testing.T, f func(t *testing.T, e *env)) {
	t.Helper()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			f(t, b.setup(t))
		})
	}
}
