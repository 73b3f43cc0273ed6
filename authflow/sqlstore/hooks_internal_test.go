package sqlstore

import (
	"context"
	"testing"
)

// BenchmarkStatementHooks measures what the hooks cost a statement by
// themselves, around a statement that does nothing: without hooks, and
// with hooks that do nothing (two clock readings and two calls). Compare
// with BenchmarkFetchAuthflow's time per fetch, whose round trip to the
// database hides it.
func BenchmarkStatementHooks(b *testing.B) {
	ctx := context.Background()
	noop := func(context.Context) error { return nil }
	for _, c := range []struct {
		name  string
		hooks Hooks
	}{
		{"hooks=none", Hooks{}},
		{"hooks=noop", Hooks{
			StatementStart: func(ctx context.Context, _ Statement) context.Context { return ctx },
			StatementDone:  func(context.Context, Statement, StatementInfo) {},
		}},
	} {
		s := &Store{dialect: Postgres, table: DefaultTable, fetchSQL: "SELECT", hooks: c.hooks}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := s.retry(ctx, false, opFetch, s.fetchSQL, noop); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
