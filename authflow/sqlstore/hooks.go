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
