package authflow_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/authflow-dev/authflow-go/internal/testutil"

	"github.com/google/go-cmp/cmp"

	"github.com/authflow-dev/authflow-go/authflow"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/ids"
)

func TestMemoryStoreCopies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	flow := examples.Authflow()
	s := authflow.NewMemoryStore(flow)

	// Changing the flow that was put does not change the store.
	flow.Title = "changed after Put"
	flow.FirstSeen.City = "changed after Put"
	flow.FactorNames = append(flow.FactorNames[:0], "changed")
	got, err := s.FetchAuthflow(ctx, flow.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(examples.Authflow(), got, testutil.CmpOptions); diff != "" {
		t.Errorf("the store changed with the caller's flow (-want +got):\n%s", diff)
	}

	// Changing a fetched flow does not change the store either.
	got.Title = "changed after fetch"
	got.LastSeen.City = "changed after fetch"
	*got.RequiredEmail = "changed@example.com"
	if len(got.FactorNames) > 0 {
		got.FactorNames[0] = "changed"
	}
	again, _ := s.FetchAuthflow(ctx, flow.ID)
	if diff := cmp.Diff(examples.Authflow(), again, testutil.CmpOptions); diff != "" {
		t.Errorf("the store changed with a fetched flow (-want +got):\n%s", diff)
	}
}

func TestMemoryStorePutDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := authflow.NewMemoryStore()
	flow := examples.Authflow()
	// Not found is the bare code, which the handler sends with its
	// description.
	if _, err := s.FetchAuthflow(ctx, flow.ID); err != error(apierrors.NotFound) || !errors.Is(err, apierrors.NotFound) {
		t.Errorf("empty store: %v, want apierrors.NotFound", err)
	}
	s.Put(flow)
	flow.Title = "second version"
	s.Put(flow)
	if got, _ := s.FetchAuthflow(ctx, flow.ID); got == nil || got.Title != "second version" || s.Len() != 1 {
		t.Errorf("after two Puts: %v, Len %d", got, s.Len())
	}
	if !s.Delete(flow.ID) || s.Delete(flow.ID) {
		t.Errorf("Delete should report true once, then false")
	}
	if _, err := s.FetchAuthflow(ctx, flow.ID); err != error(apierrors.NotFound) {
		t.Errorf("after Delete: %v", err)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	s.Put(flow)
	if _, err := s.FetchAuthflow(cancelled, flow.ID); !errors.Is(err, context.Canceled) || apierrors.CodeOf(err) != apierrors.Unknown {
		t.Errorf("cancelled context: %v", err)
	}
}

func TestMemoryStoreConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := authflow.NewMemoryStore(examples.Authflow())
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				f := examples.Authflow()
				f.ID = ids.MustParse[ids.Authflow](fmt.Sprintf("013xrzp12g3nqk8n%08d%08d", w, i))
				s.Put(f)
				if got, err := s.FetchAuthflow(ctx, f.ID); err != nil || got.ID != f.ID {
					t.Errorf("fetch own put: %v, %v", got, err)
					return
				}
				if got, err := s.FetchAuthflow(ctx, examples.Authflow().ID); err != nil {
					t.Errorf("fetch seed: %v, %v", got, err)
					return
				}
				s.Delete(f.ID)
			}
		}()
	}
	wg.Wait()
	if s.Len() != 1 {
		t.Errorf("Len = %d, want 1", s.Len())
	}
}

// TestMemoryStoreEncoded checks the fast path: FetchEncoded hands over the
// stored flow and the summary AppendAuthflow writes for a valid flow, none
// for an invalid one, and the handler answers the same bytes through it as
// through a Store without it.
func TestMemoryStoreEncoded(t *testing.T) {
	t.Parallel()
	valid, invalid := examples.Authflow(), examples.Authflow()
	invalid.ID = ids.MustParse[ids.Authflow]("013xrzp12g3nqk8nqprv12gz6v99a2v5")
	invalid.PlanName = ""
	s := authflow.NewMemoryStore(valid, invalid)
	ctx := context.Background()

	flow, summary, err := s.FetchEncoded(ctx, valid.ID)
	want, _ := authflow.AppendAuthflow(nil, valid)
	if err != nil || string(summary) != string(want) {
		t.Fatalf("FetchEncoded = %s, %v; want %s", summary, err, want)
	}
	if diff := cmp.Diff(valid, flow, testutil.CmpOptions); diff != "" {
		t.Errorf("FetchEncoded's flow (-put +got):\n%s", diff)
	}
	if _, summary, err := s.FetchEncoded(ctx, invalid.ID); err != nil || summary != nil {
		t.Errorf("an invalid flow: summary %q, %v; want none", summary, err)
	}
	if _, _, err := s.FetchEncoded(ctx, ids.MustParse[ids.Authflow]("013xrzp12g3nqk8nqprv12gz6v99a2v6")); !errors.Is(err, apierrors.NotFound) {
		t.Errorf("an unknown ID: %v", err)
	}

	// The same answers with and without the fast path.
	plain := storeFunc(s.FetchAuthflow) // a Store, not an EncodedStore
	for _, id := range []ids.AuthflowID{valid.ID, invalid.ID} {
		var bodies [2]string
		for i, store := range []authflow.Store{s, plain} {
			rec := httptest.NewRecorder()
			h := authflow.NewHandler(store, authflow.AllowAll{}, authflow.WithLogger(nil))
			h.ServeHTTP(rec, httptest.NewRequest("GET", authflow.PathPrefix+id.String(), nil))
			bodies[i] = fmt.Sprint(rec.Code, rec.Body.String())
		}
		if bodies[0] != bodies[1] {
			t.Errorf("%s: encoded store answered %s, plain store %s", id, bodies[0], bodies[1])
		}
	}
}
