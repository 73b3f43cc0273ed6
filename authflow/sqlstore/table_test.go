package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/authflow-dev/authflow-go/authflow/sqlstore"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/internal/testutil"
)

// TestWithTable keeps flows in a table of another name, in another schema
// on PostgreSQL: every statement, the table of migrations, the index and
// the partitions follow the name, and the default table is left alone.
func TestWithTable(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		schema, table := "", "flows"
		if e.dialect == sqlstore.Postgres {
			// A schema name of its own: the plain PostgreSQL backends
			// share the server's database.
			schema = fmt.Sprintf("other_%x", rand.Uint64())
			e.exec(t, "CREATE SCHEMA "+schema)
			t.Cleanup(func() { e.exec(t, "DROP SCHEMA "+schema+" CASCADE") })
			table = schema + ".flows"
		}
		s, err := sqlstore.New(e.db, e.dialect, append(slices.Clone(e.opts), sqlstore.WithTable(table))...)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatalf("Migrate again: %v", err)
		}
		flow := examples.Authflow()
		if err := s.Put(ctx, flow); err != nil {
			t.Fatal(err)
		}
		got, err := s.FetchAuthflow(ctx, flow.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(flow, got, testutil.CmpOptions); diff != "" {
			t.Errorf("(-put +fetched):\n%s", diff)
		}
		if n := e.count(t, table); n != 1 {
			t.Errorf("%d rows in %s, want 1", n, table)
		}
		if n := e.count(t, "authflows"); n != 0 {
			t.Errorf("%d rows in authflows, want 0", n)
		}
		if n := e.count(t, table+"_migrations"); n != migrations {
			t.Errorf("%d migrations recorded in %s_migrations, want %d", n, table, migrations)
		}
		if _, err := e.store.FetchAuthflow(ctx, flow.ID); err != error(apierrors.NotFound) {
			t.Errorf("the default table's store: %v, want not found", err)
		}
		if err := s.Delete(ctx, flow.ID); err != nil {
			t.Errorf("Delete: %v", err)
		}
		if n := e.count(t, table); n != 0 {
			t.Errorf("%d rows in %s after Delete, want 0", n, table)
		}

		var indexes int
		var err2 error
		if e.dialect == sqlstore.SQLite {
			err2 = e.db.QueryRow("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'flows_domain_id' AND tbl_name = 'flows'").Scan(&indexes)
		} else {
			err2 = e.db.QueryRow("SELECT count(*) FROM pg_indexes WHERE schemaname = $1 AND tablename = 'flows' AND indexname = 'flows_domain_id'", schema).Scan(&indexes)
		}
		if err2 != nil || indexes != 1 {
			t.Errorf("the index flows_domain_id: %d, %v", indexes, err2)
		}
		if e.partitions > 0 {
			var parts int
			if err := e.db.QueryRow(`SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = $1::regclass AND c.relname LIKE 'flows\_p%' AND c.relnamespace = $2::regnamespace`, table, schema).Scan(&parts); err != nil || parts != partitions {
				t.Errorf("%d partitions named flows_p… in %s, want %d (%v)", parts, schema, partitions, err)
			}
		}
	})
}

// TestWithTableRefused checks that a name that would need quoting, or
// would not fit with its suffixes, is refused with an error that names
// it, by New and Migrations alike.
func TestWithTableRefused(t *testing.T) {
	t.Parallel()
	db := &sql.DB{}
	long := strings.Repeat("a", 53)
	for _, c := range []struct {
		name    string
		dialect sqlstore.Dialect
		want    string
	}{
		{"", sqlstore.Postgres, "empty"},
		{"Flows", sqlstore.Postgres, "lowercase"},
		{"1flows", sqlstore.SQLite, "digit"},
		{"flows-x", sqlstore.SQLite, "lowercase"},
		{`"flows"`, sqlstore.Postgres, "lowercase"},
		{"flows; DROP TABLE x", sqlstore.Postgres, "lowercase"},
		{"flöws", sqlstore.Postgres, "lowercase"},
		{"select", sqlstore.Postgres, "reserved"},
		{"auth.user", sqlstore.Postgres, "reserved"},
		{"auth.flows", sqlstore.SQLite, "PostgreSQL"},
		{"a.b.c", sqlstore.Postgres, "lowercase"},
		{".flows", sqlstore.Postgres, "schema: empty"},
		{"auth.", sqlstore.Postgres, "empty"},
		{long, sqlstore.Postgres, "longer than 52 bytes"},
		{strings.Repeat("s", 64) + ".flows", sqlstore.Postgres, "longer than 63 bytes"},
	} {
		s, err := sqlstore.New(db, c.dialect, sqlstore.WithTable(c.name))
		if err == nil || s != nil || !strings.Contains(err.Error(), fmt.Sprintf("WithTable(%q)", c.name)) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New with table %q: %v, want an error naming it and saying %q", c.name, err, c.want)
		}
		if _, err2 := sqlstore.Migrations(c.dialect, sqlstore.WithTable(c.name)); err2 == nil {
			t.Errorf("Migrations with table %q succeeded", c.name)
		}
	}
	for _, name := range []string{"flows", "_flows2", long[:52], "auth.flows", strings.Repeat("s", 63) + ".flows"} {
		if _, err := sqlstore.New(db, sqlstore.Postgres, sqlstore.WithTable(name)); err != nil {
			t.Errorf("New with table %q: %v", name, err)
		}
	}
}

// TestMigrationsFS applies the migrations of Migrations as a migration tool
// would, each file in the order of the names, on a fresh database, and gets
// the schema Migrate makes, but for Migrate's table of migrations.
func TestMigrationsFS(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		// On Citus, as Migrations' error says: the files, then the
		// distribution, which is a step of Migrate and no file.
		opts, citus := e.opts, e.name == "citus"
		if citus {
			opts = nil
		}
		fsys, err := sqlstore.Migrations(e.dialect, opts...)
		if err != nil {
			t.Fatal(err)
		}
		entries, err := fs.ReadDir(fsys, ".")
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != migrations {
			t.Fatalf("%d files, want %d", len(entries), migrations)
		}
		other := &env{backend: e.backend, dsn: e.fresh(t)}
		other.db = e.open(t, other.dsn)
		for _, entry := range entries {
			script, err := fs.ReadFile(fsys, entry.Name())
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(script), "{{") {
				t.Errorf("%s holds a marker:\n%s", entry.Name(), script)
			}
			tx, err := other.db.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tx.ExecContext(ctx, string(script)); err != nil {
				t.Fatalf("applying %s: %v", entry.Name(), err)
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
		}
		if citus {
			other.exec(t, "SELECT create_distributed_table('authflows', 'id_partition')")
		}
		want, got := e.schema(t), other.schema(t)
		if len(want) < 3 {
			t.Fatalf("the schema Migrate made looks empty: %q", want)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("schema (-Migrate +the files):\n%s", diff)
		}
		// And the store works on it.
		s := other.newStore(t, other.db)
		if err := s.Put(ctx, examples.Authflow()); err != nil {
			t.Errorf("Put on the schema the files made: %v", err)
		}
	})
}

// schema describes the tables, columns, indexes and partitions of the
// database (of its search path's first schema on PostgreSQL), leaving out
// Migrate's table of migrations, one line each, sorted.
func (e *env) schema(t *testing.T) []string {
	t.Helper()
	var query string
	if e.dialect == sqlstore.SQLite {
		query = `SELECT type || ' ' || name || ' ' || tbl_name || ': ' || coalesce(sql, '') FROM sqlite_master
WHERE name NOT LIKE '%migrations%'`
	} else {
		query = `SELECT 'column ' || table_name || '.' || column_name || ' #' || ordinal_position || ' ' || data_type || ' null=' || is_nullable || ' default=' || coalesce(column_default, '')
FROM information_schema.columns WHERE table_schema = current_schema() AND table_name NOT LIKE '%migrations'
UNION ALL
SELECT 'index ' || tablename || ' ' || indexname || ': ' || replace(indexdef, current_schema() || '.', '')
FROM pg_indexes WHERE schemaname = current_schema() AND tablename NOT LIKE '%migrations'
UNION ALL
SELECT 'partition ' || c.relname || ' of ' || p.relname || ': ' || pg_get_expr(c.relpartbound, c.oid)
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
WHERE p.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
UNION ALL
SELECT 'table ' || relname || ' kind ' || relkind::text FROM pg_class
WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'p', 'S') AND relname NOT LIKE '%migrations'`
	}
	rows, err := e.db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(lines)
	return lines
}

// TestMigrationsRefusesCitus: distributing the table is a step of Migrate
// that no file holds, so Migrations refuses WithCitus and says what to run
// instead, rather than give files whose table no tool would distribute.
func TestMigrationsRefusesCitus(t *testing.T) {
	t.Parallel()
	_, err := sqlstore.Migrations(sqlstore.Postgres, sqlstore.WithCitus(), sqlstore.WithTable("auth.flows"))
	if err == nil || !strings.Contains(err.Error(), "SELECT create_distributed_table('auth.flows', 'id_partition')") {
		t.Errorf("Migrations with WithCitus: %v, want an error that gives the statement to run", err)
	}
}
