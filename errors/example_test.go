package errors_test

import (
	"encoding/json"
	stderrors "errors"
	"fmt"
	"os"

	apierrors "github.com/authflow-dev/authflow-go/errors"
)

// A server answers a failure with the error envelope and the code's status.
// The cause stays in the server: only the code and the message are written.
func ExampleError_MarshalJSON() {
	err := apierrors.Wrap(apierrors.NotFound, "no such authflow", stderrors.New("sql: no rows in result set"))

	body, _ := json.Marshal(err)
	fmt.Println(err.Code.HTTPStatus())
	fmt.Println(string(body))
	// Output:
	// 404
	// {"status":"error","code":"not_found","message":"no such authflow"}
}

// A client reads an error envelope back, and tests its kind with errors.Is.
// A code this package does not know is kept as it is.
func ExampleError_UnmarshalJSON() {
	for _, body := range []string{
		`{"status":"error","code":"not_found","message":"no such authflow"}`,
		`{"status":"error","code":"rate_limited","message":"slow down"}`,
	} {
		var e apierrors.Error
		if err := json.Unmarshal([]byte(body), &e); err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(e.Error(), stderrors.Is(&e, apierrors.ErrNotFound), e.Code.HTTPStatus())
	}
	// Output:
	// not_found: no such authflow true 404
	// rate_limited: slow down false 500
}

// Invalid reports refused values: required_value when every problem is a
// missing value, invalid_value otherwise.
func ExampleInvalid() {
	err := apierrors.Invalid(
		apierrors.Problem{Path: "plan_name", Rule: apierrors.RuleRequired, Message: "is required"},
		apierrors.Problem{Path: "first_seen.country_code", Rule: "country_code", Message: "must match ^[A-Z]{2}$"},
	)
	fmt.Println(err)
	for _, p := range err.Problems {
		fmt.Printf("%s (%s, missing: %v)\n", p.Path, p.Rule, p.Missing())
	}
	_ = json.NewEncoder(os.Stdout).Encode(err)
	// Output:
	// invalid_value: plan_name: is required; first_seen.country_code: must match ^[A-Z]{2}$
	// plan_name (required, missing: true)
	// first_seen.country_code (country_code, missing: false)
	// {"status":"error","code":"invalid_value","message":"plan_name: is required; first_seen.country_code: must match ^[A-Z]{2}$"}
}
