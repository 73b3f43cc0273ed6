package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"

	"github.com/authflow-dev/authflow-go/examples"
)

// TestPoolKeepsConnections checks that the demo keeps the connections its
// concurrent requests open: with database/sql's default of 2 idle
// connections, 16 concurrent fetches would close some after each use, and
// open others.
func TestPoolKeepsConnections(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, err := openDB(ctx, "sqlite:"+filepath.Join(t.TempDir(), "flows.db"), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	id := examples.Authflow().ID
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			for range 50 {
				if _, err := d.store.FetchAuthflow(ctx, id); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	st := d.db.Stats()
	if st.MaxIdleClosed != 0 || st.MaxOpenConnections != maxConns {
		t.Errorf("pool: %d connections closed for want of an idle slot, at most %d open; want 0 and %d", st.MaxIdleClosed, st.MaxOpenConnections, maxConns)
	}
}
