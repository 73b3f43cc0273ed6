package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
	_ "modernc.org/sqlite"             // the "sqlite" driver: pure Go

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/authflow/sqlstore"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/ids"
)

// Keep flows in SQLite: create the schema, put a flow, fetch it back.
func Example() {
	db, err := sql.Open("sqlite", "file::memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // each connection to :memory: is a database of its own

	ctx := context.Background()
	store, err := sqlstore.New(db, sqlstore.SQLite)
	if err != nil {
		log.Fatal(err)
	}
	if err := store.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	if err := store.Put(ctx, examples.Authflow()); err != nil {
		log.Fatal(err)
	}

	flow, err := store.FetchAuthflow(ctx, ids.MustParse[ids.Authflow]("013xrzp12g3nqk8nqprv12gz6v99a2v4"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(flow.Title, flow.Status, flow.FactorNames)
	fmt.Println(flow.FirstSeen.RemoteIP, flow.FirstSeen.At.UTC())

	_, err = store.FetchAuthflow(ctx, ids.MustParse[ids.Authflow]("013xrzp12g3nqk8n505tp6wqnscpdy8q"))
	fmt.Println(errors.Is(err, apierrors.NotFound))
	// Output:
	// My Authflow new [password totp]
	// 127.0.0.1 2009-02-13 23:31:30 +0000 UTC
	// true
}

// Serve the endpoint from the database.
func Example_handler() {
	db, err := sql.Open("sqlite", "file::memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	store, err := sqlstore.New(db, sqlstore.SQLite)
	if err != nil {
		log.Fatal(err)
	}
	if err := store.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	if err := store.Put(ctx, examples.Authflow()); err != nil {
		log.Fatal(err)
	}

	h, err := authflow.NewHandler(store, authflow.AllowAll{})
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, id := range []string{"013xrzp12g3nqk8nqprv12gz6v99a2v4", "013xrzp12g3nqk8n505tp6wqnscpdy8q"} {
		resp, err := http.Get(srv.URL + authflow.PathPrefix + id)
		if err != nil {
			log.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if flow, err := authflow.DecodeFetchResponse(body); err == nil {
			fmt.Println(resp.StatusCode, flow.Title, flow.LastSeen.City)
		} else {
			fmt.Println(resp.StatusCode, string(body))
		}
	}
	// Output:
	// 200 My Authflow Melbourne
	// 404 {"status":"error","code":"not_found","message":"no such resource"}
}

// Put validates the flow first, and writes nothing when it is invalid.
func ExampleStore_Put() {
	db, err := sql.Open("sqlite", "file::memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	store, err := sqlstore.New(db, sqlstore.SQLite)
	if err != nil {
		log.Fatal(err)
	}
	if err := store.Migrate(ctx); err != nil {
		log.Fatal(err)
	}

	flow := examples.Authflow()
	flow.FirstSeen.CountryCode = "Australia"
	err = store.Put(ctx, flow)
	var apiErr *apierrors.Error
	if errors.As(err, &apiErr) {
		for _, p := range apiErr.Problems() {
			fmt.Println(p.Path, p.Rule)
		}
	}
	_, err = store.FetchAuthflow(ctx, flow.ID)
	fmt.Println(err)
	// Output:
	// first_seen.country_code country_code
	// not_found
}

// On PostgreSQL, with the table hash-partitioned by the authflow ID's
// partition.
func ExampleWithHashPartitions() {
	db, err := sql.Open("pgx", "postgres://authflow@localhost/authflows")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	store, err := sqlstore.New(db, sqlstore.Postgres, sqlstore.WithHashPartitions(16))
	if err != nil {
		log.Fatal(err)
	}
	// Creates authflows PARTITION BY HASH (id_partition), with the
	// partitions authflows_p0 to authflows_p15.
	if err := store.Migrate(context.Background()); err != nil {
		log.Fatal(err)
	}
	h, err := authflow.NewHandler(store, authflow.AllowAll{})
	if err != nil {
		log.Fatal(err)
	}
	http.Handle(authflow.PathPrefix, h)
}

// For a migration tool: the SQL files that create the table auth.flows on
// PostgreSQL, to copy into the tool's directory of migrations (or to hand
// it as an fs.FS, for a tool that reads one).
func ExampleMigrations() {
	migrations, err := sqlstore.Migrations(sqlstore.Postgres, sqlstore.WithTable("auth.flows"))
	if err != nil {
		log.Fatal(err)
	}
	err = fs.WalkDir(migrations, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		script, err := fs.ReadFile(migrations, name)
		if err != nil {
			return err
		}
		fmt.Println(name)
		for line := range strings.Lines(string(script)) {
			if strings.HasPrefix(line, "CREATE") {
				fmt.Print("  ", line)
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// 0001_create_authflows.sql
	//   CREATE TABLE auth.flows (
	//   CREATE INDEX flows_domain_id ON auth.flows (domain_id);
}

// On a Citus coordinator, with the table distributed by the authflow ID's
// partition.
func ExampleWithCitus() {
	db, err := sql.Open("pgx", "postgres://authflow@coordinator/authflows")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	store, err := sqlstore.New(db, sqlstore.Postgres, sqlstore.WithCitus())
	if err != nil {
		log.Fatal(err)
	}
	// Creates authflows and distributes it by id_partition, or leaves it
	// as it is when it is distributed so already.
	if err := store.Migrate(context.Background()); err != nil {
		log.Fatal(err)
	}
	h, err := authflow.NewHandler(store, authflow.AllowAll{})
	if err != nil {
		log.Fatal(err)
	}
	http.Handle(authflow.PathPrefix, h)
}

// Observe the statements a store runs: here the hook prints what each one
// is for, its attempt, its error and the start of its SQL, where a service
// would record the duration in a metric or end a span.
func ExampleWithHooks() {
	db, err := sql.Open("sqlite", "file::memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	hooks := sqlstore.Hooks{
		StatementDone: func(ctx context.Context, st sqlstore.Statement, info sqlstore.StatementInfo) {
			fmt.Printf("%-7s %d %-9v %.32s\n", st.Op, st.Attempt, info.Err, st.SQL)
		},
	}
	store, err := sqlstore.New(db, sqlstore.SQLite, sqlstore.WithHooks(hooks))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if err := store.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	flow := examples.Authflow()
	if err := store.Put(ctx, flow); err != nil {
		log.Fatal(err)
	}
	if _, err := store.FetchAuthflow(ctx, flow.ID); err != nil {
		log.Fatal(err)
	}
	if err := store.Delete(ctx, flow.ID); err != nil {
		log.Fatal(err)
	}
	_, _ = store.FetchAuthflow(ctx, flow.ID) // deleted: the hook sees not_found
	// Output:
	// migrate 1 <nil>     BEGIN IMMEDIATE
	// migrate 1 <nil>     CREATE TABLE IF NOT EXISTS authf
	// migrate 1 <nil>     SELECT version FROM authflows_mi
	// migrate 1 <nil>     -- One row per authflow: the sam
	// migrate 1 <nil>     INSERT INTO authflows_migrations
	// migrate 1 <nil>     COMMIT
	// put     1 <nil>     INSERT INTO authflows (id_partit
	// fetch   1 <nil>     SELECT account_id, device_id, do
	// delete  1 <nil>     DELETE FROM authflows WHERE id_p
	// fetch   1 not_found SELECT account_id, device_id, do
}
