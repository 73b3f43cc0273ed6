package authflow

import (
	"context"
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
//     client's request.
//
// The handler authorizes the flow, then validates it before sending it, and
// refuses (500) one that is invalid or has another ID.
//
// The context is the request's (after [Authorizer.Authenticate]), with the
// handler's time limit for the store: it is cancelled when the client goes
// away or the limit passes. A Store is called from many goroutines at once
// and must be safe for concurrent use. The handler does not modify the
// returned flow.
type Store interface {
	FetchAuthflow(ctx context.Context, id ids.AuthflowID) (*Authflow, error)
}

// A MemoryStore is a [Store] that keeps flows in memory, for tests, demos
// and small services. It stores and hands out deep copies, so no caller can
// change its state except through Put and Delete. It is safe for concurrent
// use; the zero value is not usable: make one with [NewMemoryStore].
type MemoryStore struct {
	mu    sync.RWMutex
	flows map[ids.AuthflowID]memoryEntry // guarded by mu; entries never modified
}

// memoryEntry is a stored flow and, when it is valid, its encoded summary.
type memoryEntry struct {
	flow    *Authflow
	summary []byte // AppendAuthflow's bytes of a valid flow; nil otherwise
}

// An EncodedStore is a [Store] that can also hand over a flow it has
// already validated and encoded, so that the handler neither validates nor
// encodes it again on every request: the fast path of serving, which the
// handler takes when its store has it. [MemoryStore] is one.
type EncodedStore interface {
	Store
	// FetchEncoded returns the flow with the given ID and, when the flow
	// passes [Authflow.Validate], its summary exactly as [AppendAuthflow]
	// writes it; its errors answer as FetchAuthflow's. A nil summary means
	// the store has none: the handler then validates and encodes the flow
	// itself. Neither the flow nor the bytes may change afterwards: the
	// handler and the [Authorizer] read the flow, and the bytes are sent as
	// they are.
	FetchEncoded(ctx context.Context, id ids.AuthflowID) (flow *Authflow, summary []byte, err error)
}

// NewMemoryStore returns a MemoryStore holding copies of the given flows.
func NewMemoryStore(flows ...*Authflow) *MemoryStore {
	s := &MemoryStore{flows: make(map[ids.AuthflowID]memoryEntry, len(flows))}
	for _, f := range flows {
		s.Put(f)
	}
	return s
}

// Put stores a copy of flow under its ID, replacing any flow with that ID.
// It keeps a flow that fails validation (the handler answers 500 for it, as
// for a store whose data went bad), and encodes one that passes once, for
// [MemoryStore.FetchEncoded].
func (s *MemoryStore) Put(flow *Authflow) {
	e := memoryEntry{flow: flow.Clone()}
	if e.flow.Validate() == nil {
		e.summary, _ = AppendAuthflow(nil, e.flow) // a valid flow always encodes
	}
	s.mu.Lock()
	s.flows[e.flow.ID] = e
	s.mu.Unlock()
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
// [apierrors.NotFound].
func (s *MemoryStore) FetchAuthflow(ctx context.Context, id ids.AuthflowID) (*Authflow, error) {
	e, err := s.lookup(ctx, id)
	if err != nil {
		return nil, err
	}
	return e.flow.Clone(), nil
}

// FetchEncoded implements [EncodedStore]: it returns the stored flow itself,
// which no one may change, and its summary as Put encoded it, or
// [apierrors.NotFound].
func (s *MemoryStore) FetchEncoded(ctx context.Context, id ids.AuthflowID) (*Authflow, []byte, error) {
	e, err := s.lookup(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	return e.flow, e.summary, nil
}

// lookup finds the entry of id.
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
