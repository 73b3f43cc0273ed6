package sqlstore

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"time"
)

// SQLite lets one connection write at a time. A connection that needs a
// lock another one holds gets SQLITE_BUSY ("database is locked") at once,
// unless the DSN sets a busy timeout; and even with one, SQLite answers
// SQLITE_BUSY without waiting in some cases (a new connection switching a
// new database to WAL mode). So on SQLite the Store serializes its own
// writes, and runs a statement again while it fails because the database
// is busy.

// retry runs the statement query of op with f, as one attempt that the
// hooks see (see statement), and on SQLite runs it again while it fails
// because the database is busy, until ctx ends. A write (write true) first
// waits, within ctx, for the Store's other writes to finish: they queue in
// the Store rather than in SQLite's busy loop.
func (s *Store) retry(ctx context.Context, write bool, op, query string, f func(context.Context) error) error {
	if s.dialect != SQLite {
		return s.statement(ctx, op, query, 1, f)
	}
	if write {
		select {
		case s.writing <- struct{}{}:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
		defer func() { <-s.writing }()
	}
	return retryBusy(ctx, func(attempt int) error { return s.statement(ctx, op, query, attempt, f) })
}

// retryBusy calls f with the attempt's number, from 1, until it returns an
// error other than SQLite's "database is locked" (see isBusy), or ctx ends,
// waiting a random time between each call, up to 1ms at first and twice as
// long each time, up to 50ms.
func retryBusy(ctx context.Context, f func(attempt int) error) error {
	wait := time.Millisecond
	for attempt := 1; ; attempt++ {
		err := f(attempt)
		if err == nil || !isBusy(err) {
			return err
		}
		t := time.NewTimer(rand.N(wait) + 1)
		select {
		case <-ctx.Done():
			t.Stop()
			return errors.Join(err, context.Cause(ctx))
		case <-t.C:
		}
		wait = min(2*wait, 50*time.Millisecond)
	}
}

// isBusy reports whether err is SQLite's SQLITE_BUSY or SQLITE_LOCKED
// (primary result code 5 or 6, with or without an extended code), without
// importing a driver. It recognises the errors of modernc.org/sqlite
// (*sqlite.Error, whose Code method gives the result code) and of any driver
// whose error has such a method; and, by their messages, those of
// github.com/mattn/go-sqlite3 ("database is locked", "database table is
// locked") and of any driver that writes the code's name (SQLITE_BUSY,
// SQLITE_LOCKED).
func isBusy(err error) bool {
	var coded interface{ Code() int }
	if errors.As(err, &coded) {
		switch coded.Code() & 0xff {
		case 5, 6: // SQLITE_BUSY, SQLITE_LOCKED
			return true
		}
	}
	msg := err.Error()
	return strings.Contains(msg, "database is locked") || strings.Contains(msg, "database table is locked") ||
		strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "SQLITE_LOCKED")
}
