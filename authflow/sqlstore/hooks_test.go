package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/authflow/sqlstore"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/ids"
)

// hookKey is the context key under which the recorder's StatementStart
// numbers the statements it starts.
type hookKey struct{}

// An event is one statement as the hooks saw it.
type event struct {
	st        sqlstore.Statement
	info      sqlstore.StatementInfo
	requestID string // what authflow.RequestID says in StatementDone's context
}

// String gives the event as "op attempt ok" or "op attempt err".
func (ev event) String() string {
	ok := "ok"
	if ev.info.Err != nil {
		ok = "err"
	}
	return fmt.Sprintf("%s %d %s", ev.st.Op, ev.st.Attempt, ok)
}

// A recorder records what its hooks see, and what they saw wrong: a
// StatementDone whose context is not the one StatementStart returned, or
// whose Statement is not the one StatementStart got, or a request ID that
// differs between the two.
type recorder struct {
	mu       sync.Mutex
	started  []sqlstore.Statement
	startIDs []string
	events   []event
	problems []string
	// done, if set, is called at the end of StatementDone, without mu.
	done func(event)
}

func (r *recorder) hooks() sqlstore.Hooks {
	return sqlstore.Hooks{
		StatementStart: func(ctx context.Context, st sqlstore.Statement) context.Context {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.started = append(r.started, st)
			r.startIDs = append(r.startIDs, authflow.RequestID(ctx))
			return context.WithValue(ctx, hookKey{}, len(r.started))
		},
		StatementDone: func(ctx context.Context, st sqlstore.Statement, info sqlstore.StatementInfo) {
			r.mu.Lock()
			ev := event{st: st, info: info, requestID: authflow.RequestID(ctx)}
			n, _ := ctx.Value(hookKey{}).(int)
			switch {
			case n != len(r.started):
				r.problems = append(r.problems, fmt.Sprintf("StatementDone of %v has the context of statement %d, want %d", ev, n, len(r.started)))
			case r.started[n-1] != st:
				r.problems = append(r.problems, fmt.Sprintf("StatementDone got %+v, StatementStart %+v", st, r.started[n-1]))
			case r.startIDs[n-1] != ev.requestID:
				r.problems = append(r.problems, fmt.Sprintf("request ID %q in StatementStart, %q in StatementDone", r.startIDs[n-1], ev.requestID))
			}
			r.events = append(r.events, ev)
			done := r.done
			r.mu.Unlock()
			if done != nil {
				done(ev)
			}
		},
	}
}

// take returns the events recorded since the last take, and fails t with
// the problems found.
func (r *recorder) take(t *testing.T) []event {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range r.problems {
		t.Error(p)
	}
	evs := r.events
	r.events, r.problems = nil, nil
	return evs
}

// errDatabase stands for an error of the database in TestHooks.
var errDatabase = errors.New("an error of the database")

// A want is an expected event: its String and the start of its SQL.
type want struct {
	event string
	sql   string
}

// TestHooks runs a table of calls on every backend, with a store whose
// hooks record each statement, and checks the exact sequence of statements
// (Op, Attempt, whether Err is nil, and SQL: the start of Migrate's, the
// whole of the others') each call reports;
// that the error of a call's last statement is the one the call returned
// (apierrors.NotFound for a missing flow, the database's error for a table
// that is not there); that each StatementDone gets the context its
// StatementStart returned, and the request ID of the call's context made
// with authflow.ContextWithRequestID; and that no SQL holds any value it
// runs with.
func TestHooks(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		const table = "hooked"
		rec := new(recorder)
		opts := append(slices.Clip(e.opts), sqlstore.WithTable(table), sqlstore.WithHooks(rec.hooks()))
		store := e.newStoreWith(t, opts...)
		missingTable := e.newStoreWith(t, append(slices.Clip(e.opts), sqlstore.WithTable("missing"), sqlstore.WithHooks(rec.hooks()))...)
		fetchSQL, putSQL, deleteSQL := sqlstore.Statements(store)

		// The migrations as Migrate applies them to the table.
		migOpts := []sqlstore.Option{sqlstore.WithTable(table)}
		if e.partitions > 0 {
			migOpts = append(migOpts, sqlstore.WithHashPartitions(e.partitions))
		}
		files, err := sqlstore.Migrations(e.dialect, migOpts...)
		if err != nil {
			t.Fatal(err)
		}
		names, err := fs.Glob(files, "*.sql")
		if err != nil {
			t.Fatal(err)
		}
		migrateWant := func(fresh bool) []want {
			begin := "BEGIN"
			if e.dialect == sqlstore.SQLite {
				begin = "BEGIN IMMEDIATE"
			}
			w := []want{{"migrate 1 ok", begin}}
			if e.dialect == sqlstore.Postgres {
				w = append(w, want{"migrate 1 ok", "SELECT pg_advisory_xact_lock($1)"})
			}
			w = append(w, want{"migrate 1 ok", "CREATE TABLE IF NOT EXISTS hooked_migrations ("},
				want{"migrate 1 ok", "SELECT version FROM hooked_migrations"})
			for _, name := range names {
				if !fresh {
					break
				}
				script, err := fs.ReadFile(files, name)
				if err != nil {
					t.Fatal(err)
				}
				w = append(w, want{"migrate 1 ok", string(script)}, want{"migrate 1 ok", "INSERT INTO hooked_migrations (version, name) VALUES ("})
			}
			if e.partitions > 0 {
				w = append(w, want{"migrate 1 ok", "SELECT c.relkind = 'p'"})
			}
			if e.name == "citus" {
				w = append(w, want{"migrate 1 ok", "SELECT partmethod::text"})
				if fresh {
					w = append(w, want{"migrate 1 ok", "SELECT create_distributed_table($1, 'id_partition')"},
						want{"migrate 1 ok", "SELECT truncate_local_data_after_distributing_table($1)"})
				}
			}
			return append(w, want{"migrate 1 ok", "COMMIT"})
		}

		flow := examples.Authflow()
		invalid := examples.Authflow()
		invalid.Status = ""
		missing := ids.MustParse[ids.Authflow]("013xrzp12g3nqk8n505tp6wqnscpdy8q")
		const requestID = "req-hooks-1"
		ctx := authflow.ContextWithRequestID(context.Background(), requestID)
		canceled, cancel := context.WithCancel(ctx)
		cancel()

		steps := []struct {
			name string
			call func(ctx context.Context) error
			want []want
			err  error // the error the call returns (errors.Is), errDatabase, or nil
		}{
			{"Migrate a new table", store.Migrate, migrateWant(true), nil},
			{"Migrate again", store.Migrate, migrateWant(false), nil},
			{"Put", func(ctx context.Context) error { return store.Put(ctx, flow) }, []want{{"put 1 ok", putSQL}}, nil},
			{"FetchAuthflow", func(ctx context.Context) error { _, err := store.FetchAuthflow(ctx, flow.ID); return err },
				[]want{{"fetch 1 ok", fetchSQL}}, nil},
			{"FetchAuthflow of a missing flow", func(ctx context.Context) error { _, err := store.FetchAuthflow(ctx, missing); return err },
				[]want{{"fetch 1 err", fetchSQL}}, apierrors.NotFound},
			{"Put of an invalid flow", func(ctx context.Context) error { return store.Put(ctx, invalid) }, nil, apierrors.RequiredValue},
			{"Delete", func(ctx context.Context) error { return store.Delete(ctx, flow.ID) }, []want{{"delete 1 ok", deleteSQL}}, nil},
			{"Delete of a missing flow", func(ctx context.Context) error { return store.Delete(ctx, flow.ID) },
				[]want{{"delete 1 err", deleteSQL}}, apierrors.NotFound},
			{"FetchAuthflow with its context canceled", func(context.Context) error { _, err := store.FetchAuthflow(canceled, flow.ID); return err },
				[]want{{"fetch 1 err", fetchSQL}}, context.Canceled},
			{"FetchAuthflow from a table that is not there", func(ctx context.Context) error { _, err := missingTable.FetchAuthflow(ctx, flow.ID); return err },
				[]want{{"fetch 1 err", strings.ReplaceAll(fetchSQL, table, "missing")}}, errDatabase},
		}
		// Values the statements run with, which their SQL must not hold.
		values := append([]string{flow.ID.String(), flow.Title, *flow.RequiredEmail, flow.FirstSeen.RemoteIP.String(),
			flow.FirstSeen.City, flow.FirstSeen.UserAgent}, names...)
		for _, step := range steps {
			err := step.call(ctx)
			evs := rec.take(t)
			var got []string
			for _, ev := range evs {
				got = append(got, ev.String())
			}
			var wantEvents []string
			for _, w := range step.want {
				wantEvents = append(wantEvents, w.event)
			}
			if !slices.Equal(got, wantEvents) {
				t.Errorf("%s: the hooks saw %q, want %q", step.name, got, wantEvents)
				continue
			}
			switch {
			case step.err == nil && err != nil:
				t.Errorf("%s: %v", step.name, err)
			case step.err == errDatabase && (err == nil || errors.Is(err, apierrors.NotFound)):
				t.Errorf("%s: %v, want the database's error", step.name, err)
			case step.err != nil && step.err != errDatabase && !errors.Is(err, step.err):
				t.Errorf("%s: %v, want %v", step.name, err, step.err)
			}
			if n := len(evs); n > 0 && evs[n-1].info.Err != err {
				t.Errorf("%s: the last statement's error is %v, the call returned %v", step.name, evs[n-1].info.Err, err)
			}
			for i, ev := range evs {
				w := step.want[i]
				if ev.st.Op == "migrate" && !strings.HasPrefix(ev.st.SQL, w.sql) {
					t.Errorf("%s: statement %d's SQL is %q, want it to start with %q", step.name, i+1, ev.st.SQL, w.sql)
				} else if ev.st.Op != "migrate" && ev.st.SQL != w.sql {
					t.Errorf("%s: statement %d's SQL is %q, want %q", step.name, i+1, ev.st.SQL, w.sql)
				}
				wantTable := table
				if step.name == "FetchAuthflow from a table that is not there" {
					wantTable = "missing"
				}
				if ev.st.Table != wantTable {
					t.Errorf("%s: Table %q, want %q", step.name, ev.st.Table, wantTable)
				}
				if ev.requestID != requestID {
					t.Errorf("%s: the hooks saw request ID %q, want %q", step.name, ev.requestID, requestID)
				}
				if ev.info.Err == nil && ev.info.Duration <= 0 {
					t.Errorf("%s: statement %d took %v", step.name, i+1, ev.info.Duration)
				}
				for _, v := range values {
					if strings.Contains(ev.st.SQL, v) {
						t.Errorf("%s: statement %d's SQL holds the value %q", step.name, i+1, v)
					}
				}
			}
		}
	})
}

// newStoreWith returns a store of the backend's dialect on its database,
// with opts.
func (e *env) newStoreWith(t testing.TB, opts ...sqlstore.Option) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.New(e.db, e.dialect, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestHooksContext checks that a statement runs with the context
// StatementStart returns: one that is canceled fails the statement, on
// every backend, though the call's own context is not.
func TestHooksContext(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		flow := examples.Authflow()
		if err := e.store.Put(context.Background(), flow); err != nil {
			t.Fatal(err)
		}
		var started, done int
		store := e.newStoreWith(t, append(slices.Clip(e.opts), sqlstore.WithHooks(sqlstore.Hooks{
			StatementStart: func(ctx context.Context, st sqlstore.Statement) context.Context {
				started++
				ctx, cancel := context.WithCancel(ctx)
				cancel()
				return ctx
			},
			StatementDone: func(ctx context.Context, st sqlstore.Statement, info sqlstore.StatementInfo) {
				done++
				if ctx.Err() == nil || !errors.Is(info.Err, context.Canceled) {
					t.Errorf("%s: StatementDone got a context that is not the one canceled (%v), and the error %v", st.Op, ctx.Err(), info.Err)
				}
			},
		}))...)
		ctx := context.Background()
		for name, call := range map[string]func() error{
			"Put":           func() error { return store.Put(ctx, flow) },
			"FetchAuthflow": func() error { _, err := store.FetchAuthflow(ctx, flow.ID); return err },
			"Delete":        func() error { return store.Delete(ctx, flow.ID) },
		} {
			if err := call(); !errors.Is(err, context.Canceled) {
				t.Errorf("%s with StatementStart's context canceled: %v, want %v", name, err, context.Canceled)
			}
		}
		if started != 3 || done != 3 {
			t.Errorf("%d statements started, %d done, want 3 and 3", started, done)
		}
		if _, err := e.store.FetchAuthflow(ctx, flow.ID); err != nil {
			t.Errorf("the flow after the canceled Put and Delete: %v", err)
		}
	})
}

// TestHooksSQLiteBusy checks that on SQLite opened the plain way, each
// call's statement that finds the database locked by another connection is
// reported with its error, and the next try as Attempt 2. The hook
// releases the lock when the first attempt has failed, so the second
// succeeds.
func TestHooksSQLiteBusy(t *testing.T) {
	t.Parallel()
	e, flow, lock := plainWithLock(t)
	ctx := context.Background()
	rec := new(recorder)
	rec.done = func(ev event) {
		if ev.st.Attempt == 1 && ev.info.Err != nil {
			if _, err := lock.ExecContext(ctx, "COMMIT"); err != nil {
				t.Errorf("releasing the lock: %v", err)
			}
		}
	}
	store := e.newStoreWith(t, sqlstore.WithHooks(rec.hooks()))
	for _, c := range []struct {
		name string
		call func() error
		want []string
	}{
		{"Migrate", func() error { return store.Migrate(ctx) },
			[]string{"migrate 1 err", "migrate 2 ok", "migrate 1 ok", "migrate 1 ok", "migrate 1 ok"}},
		{"Put", func() error { return store.Put(ctx, flow) }, []string{"put 1 err", "put 2 ok"}},
		{"FetchAuthflow", func() error { _, err := store.FetchAuthflow(ctx, flow.ID); return err }, []string{"fetch 1 err", "fetch 2 ok"}},
		{"Delete", func() error { return store.Delete(ctx, flow.ID) }, []string{"delete 1 err", "delete 2 ok"}},
	} {
		// An exclusive lock keeps readers out too.
		if _, err := lock.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
			t.Fatal(err)
		}
		if err := c.call(); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
		evs := rec.take(t)
		var got []string
		for _, ev := range evs {
			got = append(got, ev.String())
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: the hooks saw %q, want %q", c.name, got, c.want)
			continue
		}
		if err := evs[0].info.Err; !strings.Contains(err.Error(), "database is locked") {
			t.Errorf("%s: the first attempt failed with %v, want SQLite's busy error", c.name, err)
		}
		if evs[0].st.SQL != evs[1].st.SQL {
			t.Errorf("%s: attempt 2 ran %q, attempt 1 %q", c.name, evs[1].st.SQL, evs[0].st.SQL)
		}
	}
}
