package sqlstore_test

import (
	"context"
	"slices"
	"testing"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/ids"
)

// TestUsersSQL runs the queries a user writes over the table, through plain
// database/sql with this module's ID values as arguments: they find the rows
// Put wrote, and the IDs scan back.
func TestUsersSQL(t *testing.T) {
	forEach(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		// a and b in one domain (b newer than a, so after it by ID), c in
		// another.
		a, b, c := examples.Authflow(), examples.Authflow(), examples.Authflow()
		a.Title, b.Title, c.Title = "a", "b", "c"
		var err error
		if b.ID, err = ids.NewRelated[ids.Authflow](nil, a.ID); err != nil {
			t.Fatal(err)
		}
		if c.ID, err = ids.NewRelated[ids.Authflow](nil, a.ID); err != nil {
			t.Fatal(err)
		}
		if c.DomainID, err = ids.NewRoot[ids.Domain](nil); err != nil {
			t.Fatal(err)
		}
		for _, f := range []*authflow.Authflow{a, b, c} {
			if err := e.store.Put(ctx, f); err != nil {
				t.Fatal(err)
			}
		}

		// By ID: with the partition, as the primary key is, and without.
		for _, q := range []struct {
			query string
			args  []any
		}{
			{"SELECT title, domain_id FROM authflows WHERE id = ?", []any{b.ID}},
			{"SELECT title, domain_id FROM authflows WHERE id_partition = ? AND id = ?", []any{b.ID.Partition(), b.ID}},
		} {
			var title string
			var domain ids.DomainID
			if err := e.db.QueryRowContext(ctx, e.bind(q.query), q.args...).Scan(&title, &domain); err != nil {
				t.Fatalf("%s: %v", q.query, err)
			}
			if title != "b" || domain != b.DomainID {
				t.Errorf("%s: got %q, %v; want %q, %v", q.query, title, domain, "b", b.DomainID)
			}
		}

		// By domain.
		rows, err := e.db.QueryContext(ctx, e.bind("SELECT id FROM authflows WHERE domain_id = ? ORDER BY id"), a.DomainID)
		if err != nil {
			t.Fatal(err)
		}
		var got []ids.AuthflowID
		for rows.Next() {
			var id ids.AuthflowID
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			got = append(got, id)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if want := []ids.AuthflowID{a.ID, b.ID}; !slices.Equal(got, want) {
			t.Errorf("flows of domain %v: got %v, want %v (sorted by ID)", a.DomainID, got, want)
		}
	})
}
