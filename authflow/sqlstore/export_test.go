package sqlstore

import "github.com/authflow-dev/authflow-go/authflow"

// Statements returns the statements s sends to fetch, put and delete a flow,
// and PutArgs the arguments of the put statement for flow, for tests that
// EXPLAIN them.
func Statements(s *Store) (fetch, put, del string) { return s.fetchSQL, s.putSQL, s.deleteSQL }

// PutArgs returns the arguments of the put statement for flow.
func PutArgs(flow *authflow.Authflow) []any { return rowArgs(flow) }
