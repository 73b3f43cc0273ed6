package authflow_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/ids"
)

// The description is checked against the handler, the types and the
// fixtures in package authflowtest; these are the checks that need no
// OpenAPI parser.

func TestOpenAPIReturnsACopy(t *testing.T) {
	t.Parallel()
	a := authflow.OpenAPI()
	want := bytes.Clone(a)
	for i := range a {
		a[i] = 'x'
	}
	if b := authflow.OpenAPI(); !bytes.Equal(b, want) {
		t.Fatal("changing what OpenAPI returned changed what the next call returns")
	}
}

func TestOpenAPINamesTheModulesValues(t *testing.T) {
	t.Parallel()
	doc := string(authflow.OpenAPI())
	for _, want := range []string{
		"openapi: 3.1.0\n",
		"\n  version: " + authflow.Version + "\n",
		"\n  " + authflow.PathPrefix + "{authflow_id}:\n",
		"\n      pattern: '" + ids.Pattern + "'\n",
		"\n      x-extensible-enum: [" + strings.Join([]string{
			string(authflow.StatusNew), string(authflow.StatusPending), string(authflow.StatusFinished),
			string(authflow.StatusComplete), string(authflow.StatusCancelled),
		}, ", ") + "]\n",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("the description lacks %q", want)
		}
	}
}
