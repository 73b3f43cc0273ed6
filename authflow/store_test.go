package authflow_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/authflow-dev/authflow-go/internal/testutil"

	"github.com/google/go-cmp/cmp"

	"github.com/authflow-dev/authflow-go/authflow"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/ids"
	"github.com/authflow-dev/authflow-go/interaction"
)

func TestMemoryStoreCopies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	flow := examples.Authflow()
	s := memoryStore(t, flow)

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
	s := memoryStore(t)
	flow := examples.Authflow()
	// Not found is the bare code, which the handler sends with its
	// description.
	if _, err := s.FetchAuthflow(ctx, flow.ID); err != error(apierrors.NotFound) || !errors.Is(err, apierrors.NotFound) {
		t.Errorf("empty store: %v, want apierrors.NotFound", err)
	}
	if err := s.Put(flow); err != nil {
		t.Fatal(err)
	}
	flow.Title = "second version"
	if err := s.Put(flow); err != nil {
		t.Fatal(err)
	}
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
	if err := s.Put(flow); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FetchAuthflow(cancelled, flow.ID); !errors.Is(err, context.Canceled) || apierrors.CodeOf(err) != apierrors.Unknown {
		t.Errorf("cancelled context: %v", err)
	}
}

func TestMemoryStoreConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := memoryStore(t, examples.Authflow())
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				f := examples.Authflow()
				f.ID = ids.MustParse[ids.Authflow](fmt.Sprintf("013xrzp12g3nqk8n%08d%08d", w, i))
				if err := s.Put(f); err != nil {
					t.Error(err)
					return
				}
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

// TestMemoryStoreRefusesNil checks that a nil flow is an error naming what
// was wrong, from NewMemoryStore and from Put, and changes nothing.
func TestMemoryStoreRefusesNil(t *testing.T) {
	t.Parallel()
	s, err := authflow.NewMemoryStore(examples.Authflow(), nil)
	if s != nil || err == nil || err.Error() != "authflow: NewMemoryStore: flow 1 is nil" {
		t.Errorf("NewMemoryStore(flow, nil) = %v, %v; want an error naming flow 1", s, err)
	}
	s = memoryStore(t, examples.Authflow())
	if err := s.Put(nil); err == nil || err.Error() != "authflow: MemoryStore.Put: nil flow" {
		t.Errorf("Put(nil) = %v, want an error", err)
	}
	if s.Len() != 1 {
		t.Errorf("after Put(nil): Len %d, want 1", s.Len())
	}
}

// redactor is an Authorizer that changes every flow it is given, as one that
// redacts fields before they are sent might.
type redactor struct{}

func (redactor) Authenticate(r *http.Request) (context.Context, error) { return r.Context(), nil }

func (redactor) Authorize(_ context.Context, f *authflow.Authflow) error {
	f.Title = "redacted"
	f.RequiredEmail = nil
	f.FactorNames = append(f.FactorNames, "added-by-authorizer")
	f.FirstSeen.City = "redacted"
	f.FirstSeen.At = interaction.UnixTime{Time: f.FirstSeen.At.Add(-time.Hour)}
	f.LastSeen = nil
	return nil
}

// TestAuthorizerChangesReachNoOtherRequest checks that an Authorizer that
// modifies the flow it is given changes what that one request receives and
// nothing that later requests, or the store's other callers, receive.
func TestAuthorizerChangesReachNoOtherRequest(t *testing.T) {
	t.Parallel()
	seed := examples.Authflow()
	if len(seed.FactorNames) == 0 || seed.FirstSeen == nil || seed.LastSeen == nil || seed.RequiredEmail == nil {
		t.Fatal("the seed flow must have factor names, both snapshots and an e-mail address for this test")
	}
	store := memoryStore(t, seed)
	redacting := newHandler(t, store, redactor{}, authflow.WithLogger(nil))
	plain := newHandler(t, store, authflow.AllowAll{}, authflow.WithLogger(nil))
	get := func(h http.Handler) *authflow.Authflow {
		t.Helper()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", authflow.PathPrefix+seed.ID.String(), nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		f, err := authflow.DecodeFetchResponse(rec.Body.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		return f
	}

	for i := range 3 {
		got := get(redacting)
		if got.Title != "redacted" || got.RequiredEmail != nil || got.LastSeen != nil ||
			got.FactorNames[len(got.FactorNames)-1] != "added-by-authorizer" || len(got.FactorNames) != len(seed.FactorNames)+1 {
			t.Errorf("request %d through the redacting authorizer: %+v; want its changes, made once", i, got)
		}
		if diff := cmp.Diff(seed, get(plain), testutil.CmpOptions); diff != "" {
			t.Errorf("request %d after the redacting authorizer's (-seed +got):\n%s", i, diff)
		}
		f, err := store.FetchAuthflow(context.Background(), seed.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(seed, f, testutil.CmpOptions); diff != "" {
			t.Errorf("the store after request %d (-seed +got):\n%s", i, diff)
		}
	}
}
