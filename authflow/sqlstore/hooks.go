package sqlstore

import (
	"context"
	"time"
)

// Hooks observe the statements a [Store] runs, for metrics and traces,
// without this module depending on any library of them (compare pgx's
// QueryTracer). Every field may be nil; a Store without hooks does no work
// for them. The hooks are called on the goroutine of the call, from many
// calls at once: they must be safe for concurrent use, and they should
// return quickly.
//
// A statement is one SQL text the Store sends through database/sql, and
// each attempt at it is reported on its own: StatementStart, the statement,
// then StatementDone. [Store.FetchAuthflow], [Store.Put] and [Store.Delete]
// each run one statement, tried again on SQLite while the database is busy.
// A fetch's statement ends when its row has been read and decoded, so a row
// that does not decode is its error.
//
// [Store.Migrate] runs, in order: BEGIN (on SQLite BEGIN IMMEDIATE, tried
// again while the database is busy); on PostgreSQL the advisory lock, which
// waits for another Migrate; the CREATE TABLE IF NOT EXISTS of the table of
// migrations; the SELECT of the versions it records; for each migration it
// applies, the migration's file as one statement (which may hold several)
// and the INSERT that records it; with [WithHashPartitions], the query that
// checks the partitions; with [WithCitus], the query of how the table is
// distributed (finding that it is not is no error), and when it is not,
// create_distributed_table and truncate_local_data_after_distributing_table;
// and COMMIT (on SQLite tried again while the database is busy). The
// ROLLBACK after a failure is not reported, nor is anything between
// statements: the opening of Migrate's connection, the pause before a
// retry, and on SQLite a write's wait for the Store's other writes to
// finish.
type Hooks struct {
	// StatementStart is called before each statement. The context it
	// returns is the one the statement runs with and StatementDone gets: it
	// must be ctx or a context derived from it, so that a tracer can start a
	// span here and end it in StatementDone.
	StatementStart func(ctx context.Context, st Statement) context.Context

	// StatementDone is called when the statement has run, or failed.
	StatementDone func(ctx context.Context, st Statement, info StatementInfo)
}

// WithHooks makes the Store call hooks as [Hooks] describes.
func WithHooks(hooks Hooks) Option {
	return optionFunc(func(s *Store) { s.hooks = hooks })
}

// A Statement says which statement a Store runs: never the values it runs
// with, which may be personal data.
type Statement struct {
	// Op is what the statement is for: "fetch", "put", "delete" or
	// "migrate".
	Op string
	// Table is the Store's table.
	Table string
	// SQL is the statement's text, with placeholders for its values.
	SQL string
	// Attempt numbers the tries of the same statement from 1: on SQLite, a
	// statement that found the database busy is tried again.
	Attempt int
}

// StatementInfo says how a statement went, for [Hooks].StatementDone.
type StatementInfo struct {
	Duration time.Duration // from StatementStart's return until the statement ended
	Err      error         // nil if the statement succeeded (a fetch that found no row has the error the Store returns for it)
}

// The Ops of a Statement.
const (
	opFetch   = "fetch"
	opPut     = "put"
	opDelete  = "delete"
	opMigrate = "migrate"
)

// statement runs f, attempt number attempt at the statement query of op,
// between the hooks: f gets the context StatementStart returned, and its
// error is the statement's. Without hooks it only calls f.
func (s *Store) statement(ctx context.Context, op, query string, attempt int, f func(context.Context) error) error {
	h := &s.hooks
	if h.StatementStart == nil && h.StatementDone == nil {
		return f(ctx)
	}
	st := Statement{Op: op, Table: s.table, SQL: query, Attempt: attempt}
	if h.StatementStart != nil {
		ctx = h.StatementStart(ctx, st)
	}
	start := time.Now()
	err := f(ctx)
	if h.StatementDone != nil {
		h.StatementDone(ctx, st, StatementInfo{Duration: time.Since(start), Err: err})
	}
	return err
}
