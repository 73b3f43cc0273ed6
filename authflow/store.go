package authflow

import (
	"context"
	"errors"
	"fmt"
	"sync"

	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/ids"
)

// A Store finds authflows for the handler. It is the one thing a service
// writes to serve the endpoint over its own storage.
//
// FetchAuthflow returns the flow with the given ID. What its error answers:
//
//   - [apierrors.NotFound], as it is or wrapped: 404 not_found.
//   - An API error the store makes on purpose, with [apierrors.New] or
//     [apierrors.Wrap] (or a bare [apierrors.Code]): its own code, status
//     and message, sent to the client, so the message must hold no internal
//     detail. Only the outermost API error in the chain counts.
//   - Anything else is a server failure, logged and answered 500 with a
//     generic message. That includes a report of refused values that this
//     module's decoding or validation produced while the store read its own
//     data (an [*apierrors.Error] for which IsReport is true, such as
//     [DecodeAuthflow]'s errors): it describes the server's data, not the
//     client's request. So is an error that an API answered, or that a
//     [Client] returned after it sent a request (its Attempts or StatusCode
//     is not 0): it describes a call to another server. A store that reads another Authflow API passes on
//     what it means to, such as errors.Is(err, apierrors.NotFound), as an
//     error of its own.
//
// The handler authorizes the flow, then validates it before sending it, and
// refuses (500) one that is invalid or has another ID.
//
// The context is the request's (after [Authorizer.Authenticate]), with the
// handler's time limit for the store: it is cancelled when the client goes
// away or the limit passes. A Store is called from many goroutines at once
// and must be safe for concurrent use.
//
// The flow a store returns belongs to the caller, who may change it (an
// [Authorizer] may redact a field, say): a store that keeps flows hands out
// a copy ([Authflow.Clone]) on every call, never a value it keeps or gives
// to anyone else.
type Store interface {
	FetchAuthflow(ctx context.Context, id ids.AuthflowID) (*Authflow, error)
}

// A MemoryStore is a [Store] that keeps flows in memory, for tests, demos
// and small services. It stores and hands out deep copies, so no caller can
// change its state except through Put and Delete. It is safe for concurrent
// use; the zero value is not usable: make one with [NewMemoryStore].
type MemoryStore struct {
	mu    sync.RWMutex
	flows map[ids.AuthflowID]memoryEntry // guarded by mu
}

// A memoryEntry is a stored flow, never modified and never handed out, and,
// when the flow is valid, its JSON: what the handler serves when nothing
// changed the copy it was given, without validating and encoding the flow
// again on every request.
type memoryEntry struct {
	flow    *Authflow
	summary []byte // nil for an invalid flow
}

// entry makes the entry of a copy of flow.
func entry(flow *Authflow) memoryEntry {
	e := memoryEntry{flow: flow.Clone()}
	if e.flow.Validate() == nil {
		e.summary, _ = AppendAuthflow(nil, e.flow)
	}
	return e
}

// NewMemoryStore returns a MemoryStore holding copies of the given flows. It
// fails, naming its index, if a flow is nil.
func NewMemoryStore(flows ...*Authflow) (*MemoryStore, error) {
	s := &MemoryStore{flows: make(map[ids.AuthflowID]memoryEntry, len(flows))}
	for i, f := range flows {
		if f == nil {
			return nil, fmt.Errorf("authflow: NewMemoryStore: flow %d is nil", i)
		}
		s.flows[f.ID] = entry(f)
	}
	return s, nil
}

// errNilFlow is Put's error for a nil flow.
var errNilFlow = errors.New("authflow: MemoryStore.Put: nil flow")

// Put stores a copy of flow under its ID, replacing any flow with that ID. It
// keeps a flow that fails validation (the handler answers 500 for it, as for
// a store whose data went bad). It fails if flow is nil.
func (s *MemoryStore) Put(flow *Authflow) error {
	if flow == nil {
		return errNilFlow
	}
	e := entry(flow)
	s.mu.Lock()
	s.flows[e.flow.ID] = e
	s.mu.Unlock()
	return nil
}

// Delete removes the flow with the given ID, reporting whether it was there.
func (s *MemoryStore) Delete(id ids.AuthflowID) bool {
	s.mu.Lock()
	_, ok := s.flows[id]
	delete(s.flows, id)
	s.mu.Unlock()
	return ok
}

// Len returns the number of flows stored.
func (s *MemoryStore) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.flows)
}

// FetchAuthflow implements [Store]: it returns a copy of the stored flow, or
// [apierrors.NotFound], or ctx's error when ctx is done.
func (s *MemoryStore) FetchAuthflow(ctx context.Context, id ids.AuthflowID) (*Authflow, error) {
	e, err := s.lookup(ctx, id)
	if err != nil {
		return nil, err
	}
	return e.flow.Clone(), nil
}

// lookup returns the entry of the flow id.
func (s *MemoryStore) lookup(ctx context.Context, id ids.AuthflowID) (memoryEntry, error) {
	if err := ctx.Err(); err != nil {
		return memoryEntry{}, err
	}
	s.mu.RLock()
	e, ok := s.flows[id]
	s.mu.RUnlock()
	if !ok {
		return memoryEntry{}, apierrors.NotFound
	}
	return e, nil
}
