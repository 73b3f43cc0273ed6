package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/authflow-dev/authflow-go/authflow/sqlstore"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/internal/testutil"
)

// migrations is the number of migrations the package holds.
const migrations = 1

// TestMigrateTwice checks that Migrate on a migrated database changes
// nothing: no second record, no data lost.
func TestMigrateTwice(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		flow := examples.Authflow()
		if err := e.store.Put(ctx, flow); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := e.store.Migrate(ctx); err != nil {
				t.Fatalf("Migrate again: %v", err)
			}
		}
		// As another process would, with a store of its own.
		if err := e.newStore(t, e.db).Migrate(ctx); err != nil {
			t.Fatalf("Migrate from a new store: %v", err)
		}
		if n := e.count(t, "authflows_migrations"); n != migrations {
			t.Errorf("%d migrations recorded, want %d", n, migrations)
		}
		got, err := e.store.FetchAuthflow(ctx, flow.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(flow, got, testutil.CmpOptions); diff != "" {
			t.Errorf("the flow changed (-put +fetched):\n%s", diff)
		}
	})
}

// TestMigrateConcurrently starts Migrate on a new database from several
// *sql.DB at once, as processes starting together would: each succeeds,
// and the migrations are applied once.
func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			e := &env{backend: b, dsn: b.fresh(t)}
			migrateAtOnce(t, e, 2, func() *sql.DB { return b.open(t, e.dsn) })
			e.db = b.open(t, e.dsn)
			if n := e.count(t, "authflows_migrations"); n != migrations {
				t.Errorf("%d migrations recorded, want %d", n, migrations)
			}
			if err := e.newStore(t, e.db).Put(context.Background(), examples.Authflow()); err != nil {
				t.Errorf("Put after migrating: %v", err)
			}
		})
	}
	// Without a busy timeout, SQLite answers "database is locked" at once:
	// Migrate waits and retries. Several rounds, four at a time, to meet
	// the contention.
	t.Run("sqlite without busy timeout", func(t *testing.T) {
		t.Parallel()
		for range 5 {
			e := &env{backend: backends[0]}
			path := e.fresh(t)
			migrateAtOnce(t, e, 4, func() *sql.DB {
				db, err := sql.Open("sqlite", "file:"+path)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				return db
			})
		}
	})
}

// migrateAtOnce runs Migrate from n stores, each on its own *sql.DB, at
// once.
func migrateAtOnce(t *testing.T, e *env, n int, open func() *sql.DB) {
	t.Helper()
	stores := make([]*sqlstore.Store, n)
	for i := range stores {
		stores[i] = e.newStore(t, open())
	}
	var start, done sync.WaitGroup
	start.Add(1)
	errs := make([]error, n)
	for i, s := range stores {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			errs[i] = s.Migrate(context.Background())
		}()
	}
	start.Done()
	done.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Migrate %d: %v", i, err)
		}
	}
}

// TestSchema checks the stored form: IDs as 20 bytes, the partition in a
// column of its own, domain_id indexed, and on PostgreSQL the partitions
// asked for, and no sequence or trigger.
func TestSchema(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		flow := examples.Authflow()
		if err := e.store.Put(ctx, flow); err != nil {
			t.Fatal(err)
		}
		var id, domain []byte
		var partition int64
		if err := e.db.QueryRow("SELECT id, id_partition, domain_id FROM authflows").Scan(&id, &partition, &domain); err != nil {
			t.Fatal(err)
		}
		wantID, _ := flow.ID.MarshalBinary()
		wantDomain, _ := flow.DomainID.MarshalBinary()
		if string(id) != string(wantID) || string(domain) != string(wantDomain) || len(id) != 20 {
			t.Errorf("id %x, domain_id %x; want the IDs' 20 bytes %x, %x", id, domain, wantID, wantDomain)
		}
		if partition != int64(flow.ID.Partition()) || partition != 123456789 {
			t.Errorf("id_partition %d, want %d", partition, flow.ID.Partition())
		}

		var checks map[string]string
		if e.dialect == sqlstore.SQLite {
			checks = map[string]string{
				"index on domain_id": "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'authflows_domain_id' AND sql LIKE '%(domain_id)'",
			}
		} else {
			checks = map[string]string{
				"index on domain_id": "SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'authflows' AND indexname = 'authflows_domain_id'",
				"no sequences":       "SELECT 1 - count(*) FROM information_schema.sequences WHERE sequence_schema = current_schema()",
				"no triggers":        "SELECT 1 - count(*) FROM information_schema.triggers WHERE trigger_schema = current_schema()",
			}
		}
		for what, query := range checks {
			var ok int
			if err := e.db.QueryRow(query).Scan(&ok); err != nil || ok != 1 {
				t.Errorf("%s: %d, %v", what, ok, err)
			}
		}
		if e.dialect != sqlstore.Postgres {
			return
		}
		var kind string
		var parts int
		err := e.db.QueryRow(`SELECT c.relkind::text, (SELECT count(*) FROM pg_inherits i WHERE i.inhparent = c.oid)
FROM pg_class c WHERE c.oid = 'authflows'::regclass`).Scan(&kind, &parts)
		if err != nil {
			t.Fatal(err)
		}
		wantKind, wantParts := "r", 0
		if e.partitions > 0 {
			wantKind, wantParts = "p", e.partitions
		}
		if kind != wantKind || parts != wantParts {
			t.Errorf("relkind %q with %d partitions, want %q with %d", kind, parts, wantKind, wantParts)
		}
	})
}

// TestMigrateChecksPartitions checks that WithHashPartitions does not pass
// over a table partitioned otherwise.
func TestMigrateChecksPartitions(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *env) {
		if e.dialect != sqlstore.Postgres {
			t.Skip("PostgreSQL only")
		}
		want := "exists without partitions"
		if e.partitions > 0 {
			want = fmt.Sprintf("exists with %d partitions", e.partitions)
		}
		s, err := sqlstore.New(e.db, sqlstore.Postgres, sqlstore.WithHashPartitions(4))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Migrate(context.Background()); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Migrate with 4 partitions: %v, want an error saying the table %s", err, want)
		}
	})
}
