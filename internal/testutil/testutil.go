// Package testutil holds what this module's tests share: the go-cmp options
// that compare its values, API-error assertions and golden-file comparison.
// Only tests import it.
package testutil

import (
	"errors"
	"net/netip"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/ids"
)

// CmpOptions make cmp.Diff compare the module's values: IDs and addresses
// are comparable value types with unexported fields, compared with ==.
var CmpOptions = cmp.Options{cmpopts.EquateComparable(
	netip.Addr{},
	ids.PFID{}, ids.AccountID{}, ids.AuthflowID{}, ids.DeviceID{}, ids.DomainID{}, ids.PoolID{}, ids.SessionID{},
)}

// APIError returns err as an *apierrors.Error, failing the test when it is
// not one (errors.As, so wrapped errors count).
func APIError(t testing.TB, err error) *apierrors.Error {
	t.Helper()
	var e *apierrors.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *apierrors.Error", err, err)
	}
	return e
}

// Golden compares got with the golden file at path, byte for byte, or
// rewrites the file when update is set (the test binary's -update flag).
func Golden(t testing.TB, path string, got []byte, update bool) {
	t.Helper()
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s (-golden +got):\n%s", path, diff)
	}
}
