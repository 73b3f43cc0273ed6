package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
	_ "modernc.org/sqlite"             // the "sqlite" driver: pure Go, so the demo still needs no C toolchain

	"github.com/authflow-dev/authflow-go/authflow/sqlstore"
	"github.com/authflow-dev/authflow-go/examples"
)

// startTimeout bounds connecting to the database, migrating it and loading
// the fixtures.
const startTimeout = 30 * time.Second

// maxConns is the most connections the demo opens to the database, and
// keeps open between requests: as many as the requests it serves at once
// under load, with room to spare. database/sql keeps 2 idle connections by
// default, so that past two concurrent requests every query would open a
// connection and close it afterwards; under wrk -c16 from PostgreSQL that
// made the demo 3 times slower. The limit keeps a burst from opening more
// connections than the server accepts (PostgreSQL: max_connections, 100 by
// default).
const maxConns = 32

// database is the store the demo serves from when -db is given, and the
// *sql.DB under it.
type database struct {
	db    *sql.DB
	store *sqlstore.Store
}

// Close closes the database.
func (d *database) Close() error {
	return d.db.Close()
}

// openDB opens the database spec names (sqlite:PATH or a postgres:// or
// postgresql:// URL), migrates it, and loads the fixture flows when its
// table is empty.
func openDB(ctx context.Context, spec string, log *slog.Logger) (d *database, err error) {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()

	var driver, dsn, shown string
	var dialect sqlstore.Dialect
	switch {
	case strings.HasPrefix(spec, "sqlite:"):
		path := strings.TrimPrefix(spec, "sqlite:")
		if path == "" {
			return nil, errors.New("-db sqlite:PATH: the path is empty")
		}
		driver, dialect, shown = "sqlite", sqlstore.SQLite, spec
		if path == ":memory:" {
			dsn = "file::memory:"
		} else {
			// Writers wait for each other rather than fail; readers do
			// not wait for writers.
			dsn = "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path) +
				"?_pragma=busy_timeout(5000)&_pragma=journal_mode(wal)"
		}
	case strings.HasPrefix(spec, "postgres://"), strings.HasPrefix(spec, "postgresql://"):
		u, err := url.Parse(spec)
		if err != nil {
			return nil, errors.New("-db: not a PostgreSQL URL") // url's error would quote the password
		}
		driver, dialect, dsn, shown = "pgx", sqlstore.Postgres, spec, u.Redacted()
	default:
		return nil, fmt.Errorf("-db %q: want sqlite:PATH or postgres://…", spec)
	}

	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, err
	}
	if dsn == "file::memory:" {
		db.SetMaxOpenConns(1) // each connection to :memory: is a database of its own
	} else {
		db.SetMaxOpenConns(maxConns)
		db.SetMaxIdleConns(maxConns)
	}
	defer func() {
		if err != nil {
			db.Close()
			err = fmt.Errorf("database %s: %w", shown, err)
		}
	}()
	if err := db.PingContext(ctx); err != nil {
		return nil, err
	}
	store, err := sqlstore.New(db, dialect)
	if err != nil {
		return nil, err
	}
	d = &database{db: db, store: store}
	if err := store.Migrate(ctx); err != nil {
		return nil, err
	}
	if err := loadFixtures(ctx, d, log); err != nil {
		return nil, err
	}
	log.Info("serving from the database", "db", shown, "dialect", dialect.String())
	return d, nil
}

// loadFixtures puts the fixture flows when the table holds no flow.
func loadFixtures(ctx context.Context, d *database, log *slog.Logger) error {
	var one int
	switch err := d.db.QueryRowContext(ctx, "SELECT 1 FROM authflows LIMIT 1").Scan(&one); {
	case err == nil:
		log.Info("the table holds flows: fixtures not loaded")
		return nil
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	for _, f := range examples.Flows() {
		if err := d.store.Put(ctx, f); err != nil {
			return err
		}
		log.Info("loaded fixture flow", "authflow_id", f.ID.String(), "title", f.Title)
	}
	return nil
}
