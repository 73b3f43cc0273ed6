package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
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

	ds, err := parseDBSpec(spec)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open(ds.driver, ds.dsn)
	if err != nil {
		return nil, err
	}
	if ds.dsn == "file::memory:" {
		db.SetMaxOpenConns(1) // each connection to :memory: is a database of its own
	} else {
		db.SetMaxOpenConns(maxConns)
		db.SetMaxIdleConns(maxConns)
	}
	defer func() {
		if err != nil {
			db.Close()
			// The driver's errors may quote the connection string.
			err = fmt.Errorf("database %s: %s", ds.shown, mask(withoutQuote(err), ds.secrets))
		}
	}()
	if err := db.PingContext(ctx); err != nil {
		return nil, err
	}
	store, err := sqlstore.New(db, ds.dialect)
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
	log.Info("serving from the database", "db", ds.shown, "dialect", ds.dialect.String())
	return d, nil
}

// A dbSpec is what the demo makes of a -db value.
type dbSpec struct {
	driver, dsn string
	dialect     sqlstore.Dialect
	shown       string   // the value as the demo prints it: no password
	secrets     []string // the passwords in it, masked in every error
}

// parseDBSpec reads a -db value: sqlite:PATH, or a postgres:// or
// postgresql:// URL. Its errors never quote the value, which may hold a
// password this code cannot find.
func parseDBSpec(spec string) (d dbSpec, err error) {
	switch {
	case strings.HasPrefix(spec, "sqlite:"):
		path := strings.TrimPrefix(spec, "sqlite:")
		if path == "" {
			return dbSpec{}, errors.New("-db sqlite:PATH: the path is empty")
		}
		d.driver, d.dialect, d.shown = "sqlite", sqlstore.SQLite, spec
		if path == ":memory:" {
			d.dsn = "file::memory:"
		} else {
			// Writers wait for each other rather than fail; readers do
			// not wait for writers.
			d.dsn = "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path) +
				"?_pragma=busy_timeout(5000)&_pragma=journal_mode(wal)"
		}
	case strings.HasPrefix(spec, "postgres://"), strings.HasPrefix(spec, "postgresql://"):
		u, err := url.Parse(spec)
		if err != nil {
			return dbSpec{}, errors.New("-db: not a PostgreSQL URL") // url's error would quote the password
		}
		// A password holding "/", "?" or "#" unencoded ends the host early:
		// its rest lands in the path, query or fragment, where an "@" tells.
		// One holding "@" is split where url.Parse splits it (the last "@")
		// but not pgx (the first): pgx's errors would show its pieces.
		if strings.Contains(u.EscapedPath(), "@") || strings.Contains(u.Fragment, "@") ||
			u.User == nil && strings.Contains(u.RawQuery, "@") ||
			strings.Contains(rawUserinfo(spec), "@") {
			return dbSpec{}, errors.New(`-db: an "@" in the password or after the host: percent-encode "/", "?", "#" and "@" in the password`)
		}
		d.driver, d.dialect, d.dsn = "pgx", sqlstore.Postgres, spec
		d.shown, d.secrets = redactURL(spec, u)
	default:
		// Not shown: it may be a key=value connection string, or another
		// form, with a password that this code cannot find.
		return dbSpec{}, errors.New("-db: want sqlite:PATH or a postgres:// URL (the value given is not shown: it may hold a password)")
	}
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

// masked replaces each secret shown.
const masked = "xxxxx"

// redactURL returns u, parsed from spec, as the demo shows it, with every
// password masked: the one of its user information, the value of each query
// parameter whose name says it is secret (password=, sslpassword=,
// Password=, …, in any case and percent-encoding), and the fragment, which
// the driver ignores. It also returns the secrets, as written in spec and
// decoded, to mask them in errors.
func redactURL(spec string, u *url.URL) (shown string, secrets []string) {
	r := *u
	if pw, ok := u.User.Password(); ok {
		r.User = url.UserPassword(u.User.Username(), masked)
		secrets = append(secrets, pw)
		_, raw, _ := strings.Cut(rawUserinfo(spec), ":") // as written
		secrets = append(secrets, raw)
	}
	var query strings.Builder
	for rest := u.RawQuery; rest != ""; {
		param, sep := rest, ""
		if i := strings.IndexAny(rest, "&;"); i >= 0 {
			param, sep, rest = rest[:i], rest[i:i+1], rest[i+1:]
		} else {
			rest = ""
		}
		key, value, hasValue := strings.Cut(param, "=")
		name, err := url.QueryUnescape(key)
		if err != nil {
			name = key
		}
		if hasValue && secretName(name) {
			secrets = append(secrets, value)
			if v, err := url.QueryUnescape(value); err == nil {
				secrets = append(secrets, v)
			}
			param = key + "=" + masked
		}
		query.WriteString(param + sep)
	}
	r.RawQuery = query.String()
	if u.Fragment != "" || u.RawFragment != "" {
		_, raw, _ := strings.Cut(spec, "#")
		secrets = append(secrets, u.Fragment, raw)
		r.Fragment, r.RawFragment = masked, ""
	}
	return r.String(), secrets
}

// rawUserinfo returns the user information of the URL spec as written,
// found as url.Parse finds it: the fragment and the query cut off, up to the
// last "@" before the path.
func rawUserinfo(spec string) string {
	_, rest, _ := strings.Cut(spec, "//")
	rest, _, _ = strings.Cut(rest, "#")
	rest, _, _ = strings.Cut(rest, "?")
	authority, _, _ := strings.Cut(rest, "/")
	if i := strings.LastIndex(authority, "@"); i >= 0 {
		return authority[:i]
	}
	return ""
}

// withoutQuote returns the message of err without the connection string
// that pgx's parse errors quote (between backquotes): pgx masks the
// passwords it finds, but its parser and url.Parse may disagree on where
// one ends.
func withoutQuote(err error) string {
	msg := err.Error()
	if i, j := strings.Index(msg, "`"), strings.LastIndex(msg, "`"); i < j {
		return msg[:i] + "the URL" + msg[j+1:]
	}
	return msg
}

// secretName reports whether a query parameter named name may hold a secret.
func secretName(name string) bool {
	name = strings.ToLower(name)
	for _, s := range []string{"pass", "pwd", "secret", "token"} {
		if strings.Contains(name, s) {
			return true
		}
	}
	return false
}

// mask replaces every secret in text, the longest first, so that no part of
// one is left beside the mask of a shorter one.
func mask(text string, secrets []string) string {
	secrets = slices.Clone(secrets)
	slices.SortFunc(secrets, func(a, b string) int { return len(b) - len(a) })
	for _, s := range secrets {
		if s != "" {
			text = strings.ReplaceAll(text, s, masked)
		}
	}
	return text
}
