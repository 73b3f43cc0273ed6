package sqlstore_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/authflow-dev/authflow-go/authflow/sqlstore"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/ids"
	"github.com/authflow-dev/authflow-go/internal/dbtest"
)

// citus returns the Citus backend.
func citus(t *testing.T) backend {
	t.Helper()
	for _, b := range backends {
		if b.name == "citus" {
			return b
		}
	}
	t.Fatal("no citus backend")
	return backend{}
}

// idIn returns an authflow ID in partition p.
func idIn(t *testing.T, p uint32) ids.AuthflowID {
	t.Helper()
	seed := examples.Authflow().ID
	id, err := ids.FromParts(seed.Timestamp(), p, [10]byte{9: 1})
	if err != nil {
		t.Fatal(err)
	}
	return ids.FromPFID[ids.Authflow](id)
}

// checkDistributed checks that the table is distributed by id_partition,
// with shards on two workers and none on the coordinator.
func checkDistributed(t *testing.T, e *env) {
	t.Helper()
	var method, column string
	err := e.db.QueryRow(`SELECT partmethod::text, column_to_column_name(logicalrelid, partkey)
FROM pg_dist_partition WHERE logicalrelid = 'authflows'::regclass`).Scan(&method, &column)
	if err != nil || method != "h" || column != "id_partition" {
		t.Fatalf("pg_dist_partition: method %q, column %q, %v; want hash on id_partition", method, column, err)
	}
	var groups, onCoordinator int
	err = e.db.QueryRow(`SELECT count(DISTINCT p.groupid), count(*) FILTER (WHERE p.groupid = 0)
FROM pg_dist_shard s JOIN pg_dist_placement p USING (shardid) WHERE s.logicalrelid = 'authflows'::regclass`).Scan(&groups, &onCoordinator)
	if err != nil || groups != 2 || onCoordinator != 0 {
		t.Errorf("shards on %d nodes, %d on the coordinator, %v; want 2 workers only", groups, onCoordinator, err)
	}
}

// TestCitus checks what WithCitus promises: after Migrate from several
// processes at once, the table is distributed by id_partition over both
// workers; rows land on both; and fetch, put and delete by ID each run on
// one shard.
func TestCitus(t *testing.T) {
	t.Parallel()
	b := citus(t)
	e := &env{backend: b, dsn: b.fresh(t)}
	migrateAtOnce(t, e, 4, func() *sql.DB { return b.open(t, e.dsn) })
	e.db = b.open(t, e.dsn)
	e.store = e.newStore(t, e.db)
	checkDistributed(t, e)

	ctx := context.Background()
	const flows = 200
	flow := examples.Authflow()
	for i := range flows {
		flow.ID = idIn(t, uint32(i)*5_000_011%(1<<30))
		if err := e.store.Put(ctx, flow); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := e.db.Query(`SELECT nodeport, sum(result::bigint)
FROM run_command_on_placements('authflows', 'SELECT count(*) FROM %s') GROUP BY nodeport`)
	if err != nil {
		t.Fatal(err)
	}
	perWorker := map[int]int{}
	total := 0
	for rows.Next() {
		var port, n int
		if err := rows.Scan(&port, &n); err != nil {
			t.Fatal(err)
		}
		perWorker[port] = n
		total += n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(perWorker) != 2 || total != flows {
		t.Errorf("rows per worker port: %v; want %d rows over two workers", perWorker, flows)
	}
	for port, n := range perWorker {
		if n == 0 {
			t.Errorf("no row on the worker on port %d: %v", port, perWorker)
		}
	}

	// The store's own statements, with a stored flow's arguments.
	key := []any{int64(flow.ID.Partition()), must(flow.ID.MarshalBinary())}
	fetch, put, del := sqlstore.Statements(e.store)
	for _, c := range []struct {
		name, query string
		args        []any
		want        bool
	}{
		{"fetch", fetch, key, true},
		{"put", put, sqlstore.PutArgs(flow), true},
		{"delete", del, key, true},
		// Without the partition, every shard: the check tells them apart.
		{"fetch by id alone", "SELECT title FROM authflows WHERE id = $1", key[1:], false},
	} {
		plan := explain(t, e, c.query, c.args...)
		if got := strings.Contains(plan, "Task Count: 1\n"); got != c.want {
			t.Errorf("%s: planned on one shard: %v, want %v; EXPLAIN:\n%s", c.name, got, c.want, plan)
		}
	}
	if _, err := e.store.FetchAuthflow(ctx, flow.ID); err != nil {
		t.Errorf("the flow EXPLAIN was about: %v", err)
	}
}

// explain returns the plan of query with args.
func explain(t *testing.T, e *env, query string, args ...any) string {
	t.Helper()
	rows, err := e.db.Query("EXPLAIN (COSTS OFF) "+query, args...)
	if err != nil {
		t.Fatalf("EXPLAIN %s: %v", query, err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		b.WriteString(strings.TrimSpace(line) + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestCitusExistingTable checks that WithCitus distributes a table that a
// Migrate without it created and filled, keeping its rows, and refuses a
// table that Citus holds otherwise.
func TestCitusExistingTable(t *testing.T) {
	t.Parallel()
	b := citus(t)
	ctx := context.Background()
	t.Run("plain table", func(t *testing.T) {
		t.Parallel()
		e, plain := plainTable(t, b)
		flow := examples.Authflow()
		if err := plain.Put(ctx, flow); err != nil {
			t.Fatal(err)
		}
		e.store = e.newStore(t, e.db)
		for range 2 {
			if err := e.store.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
		}
		checkDistributed(t, e)
		if _, err := e.store.FetchAuthflow(ctx, flow.ID); err != nil {
			t.Errorf("the flow put before distributing: %v", err)
		}
		var local int64
		if err := e.db.QueryRow("SELECT pg_relation_size('authflows')").Scan(&local); err != nil || local != 0 {
			t.Errorf("the coordinator keeps %d bytes of the table (%v), want none", local, err)
		}
	})
	t.Run("reference table", func(t *testing.T) {
		t.Parallel()
		e, _ := plainTable(t, b)
		e.exec(t, "SELECT create_reference_table('authflows')")
		err := e.newStore(t, e.db).Migrate(ctx)
		if err == nil || !strings.Contains(err.Error(), "distributed otherwise") {
			t.Errorf("Migrate on a reference table: %v, want an error saying it is distributed otherwise", err)
		}
	})
}

// TestCitusWithoutExtension checks that WithCitus on a PostgreSQL without
// the citus extension fails Migrate with an error that says so, and creates
// nothing.
func TestCitusWithoutExtension(t *testing.T) {
	t.Parallel()
	db := dbtest.OpenPostgres(t, dbtest.PostgresSchema(t))
	s, err := sqlstore.New(db, sqlstore.Postgres, sqlstore.WithCitus())
	if err != nil {
		t.Fatal(err)
	}
	err = s.Migrate(context.Background())
	if err == nil || !strings.Contains(err.Error(), "citus extension") {
		t.Errorf("Migrate: %v, want an error that names the citus extension", err)
	}
	var tables int
	if err := db.QueryRow("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()").Scan(&tables); err != nil || tables != 0 {
		t.Errorf("%d tables after the failed Migrate (%v), want none", tables, err)
	}
}

// plainTable returns a fresh database of the Citus backend b with the table
// that a store without WithCitus migrated, and that store.
func plainTable(t *testing.T, b backend) (*env, *sqlstore.Store) {
	t.Helper()
	e := &env{backend: b, dsn: b.fresh(t)}
	e.db = b.open(t, e.dsn)
	plain, err := sqlstore.New(e.db, sqlstore.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if err := plain.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return e, plain
}
