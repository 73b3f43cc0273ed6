// Package validation holds the module's validator/v10 validators, turns
// what they find into API errors, and the rules' checks themselves.
//
// A package that validates declares a [Validator] as a package-level
// composite literal, naming the rules of its own types; validator/v10 is
// built on the first [Validator.Check], so nothing runs at package init.
// Struct tags name the rules, with the words problems report:
// validator's own "required" (absent, null, empty or zero: with
// WithRequiredStructEnabled it also sees a zero ID or a zero netip.Addr)
// and this package's rules, such as "country_code" and "timezone" (see
// rules.go).
//
// Check reports problems by JSON path: the tag name function gives each
// field its json name, so a field error's namespace, less the root struct's
// name, is the path ("first_seen.country_code"). Problems are sorted by
// path, array positions by number, and at most [apierrors.MaxProblems] are
// listed; struct-level rules that may find many problems stop reporting
// after that many and count the rest with [ReportOmitted], so that the
// report's cost stays in proportion to what it lists.
package validation

import (
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/go-playground/validator/v10"

	apierrors "github.com/authflow-dev/authflow-go/errors"
)

// A Rule is a field rule: a validator tag, the check it runs, and what a
// failure reports.
type Rule struct {
	// Tag is the name used in `validate` struct tags. It must not be one of
	// validator's own tags or aliases, which it would replace or be hidden
	// by ("country_code" is an alias there).
	Tag string
	// Name is the problem rule a failure reports; the tag when empty.
	Name apierrors.Rule
	// Check reports whether the field's value passes.
	Check validator.Func
	// Message says what a failing value must be, such as
	// "must match ^[A-Z]{2}$".
	Message string
	// Explain, when set, replaces Message with one that says what is wrong
	// with the failing value.
	Explain func(value any) string
	// NilPasses makes a nil pointer field pass without "omitnil", which
	// costs an allocation per check in validator; Check then sees either a
	// nil pointer (Kind Pointer) or the value pointed to.
	NilPasses bool
}

// A StructRule is a struct-level rule, for rules that span fields: Fn runs
// for every value of Type's type and reports each problem with [Report].
type StructRule struct {
	Fn   validator.StructLevelFunc
	Type any
}

// A Validator validates values with this package's field rules and the
// rules given. Declare one as a package-level composite literal: the
// validator/v10 instance is built on the first Check. It is safe for
// concurrent use; its fields must not change once declared.
type Validator struct {
	// Rules are field rules beyond this package's own.
	Rules []Rule
	// Structs are the struct-level rules.
	Structs []StructRule

	once  sync.Once
	v     *validator.Validate
	rules map[string]Rule // by tag, for reporting
}

// build makes the validator/v10 instance.
func (vr *Validator) build() {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(jsonName)
	v.RegisterAlias(string(apierrors.RuleCountryCode), countryCodeTag)
	vr.rules = map[string]Rule{}
	for _, r := range append(builtinRules(), vr.Rules...) {
		if err := v.RegisterValidation(r.Tag, r.Check, r.NilPasses); err != nil {
			panic("validation: registering " + r.Tag + ": " + err.Error())
		}
		vr.rules[r.Tag] = r
	}
	for _, s := range vr.Structs {
		v.RegisterStructValidation(s.Fn, s.Type)
	}
	vr.v = v
}

// Report reports a problem from a struct-level rule: the value at path,
// relative to the struct being checked (such as "lat_long[0]"), broke rule,
// and message says how. A rule of [apierrors.RuleRequired] is a missing value.
func Report(sl validator.StructLevel, path string, rule apierrors.Rule, message string) {
	sl.ReportError(nil, path, path, string(rule), message)
}

// omittedTag is the tag of the marker [ReportOmitted] reports.
const omittedTag = "omitted_problems"

// ReportOmitted reports, from a struct-level rule that stopped reporting
// problems, that it found n more.
func ReportOmitted(sl validator.StructLevel, n int) {
	if n > 0 {
		sl.ReportError(nil, "", "", omittedTag, strconv.Itoa(n))
	}
}

// jsonName returns the name a field has in JSON, or "" (validator then uses
// the Go name) for a field without one.
func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "-" {
		return ""
	}
	return name
}

// Check validates v, a pointer to a struct, and returns nil or an
// [*apierrors.Error] made by [apierrors.InvalidMore]: code RequiredValue when
// every problem is a missing value, InvalidValue otherwise, its problems
// sorted by path. Fields named in except, by their Go names relative to v
// (such as "Status"), are not checked. A v that validator cannot validate
// (not a struct) is a programming error, reported with code Unexpected.
func (vr *Validator) Check(v any, except ...string) error {
	vr.once.Do(vr.build)
	var err error
	if len(except) > 0 {
		err = vr.v.StructExcept(v, except...)
	} else {
		err = vr.v.Struct(v)
	}
	if err == nil {
		return nil
	}
	var fieldErrs validator.ValidationErrors
	if !errors.As(err, &fieldErrs) {
		return apierrors.Wrap(apierrors.Unexpected, "internal error: value cannot be validated", err)
	}
	root := rootName(v)
	problems := make([]apierrors.Problem, 0, len(fieldErrs))
	omitted := 0
	for _, fe := range fieldErrs {
		if fe.Tag() == omittedTag {
			n, _ := strconv.Atoi(fe.Param())
			omitted += n
			continue
		}
		problems = append(problems, vr.problem(fe, root))
	}
	slices.SortStableFunc(problems, func(a, b apierrors.Problem) int { return ComparePaths(a.Path, b.Path) })
	return apierrors.InvalidMore(omitted, problems...)
}

// ComparePaths orders JSON paths as a reader expects: by key, and array
// positions by number, so that "names[2]" comes before "names[10]".
func ComparePaths(a, b string) int {
	for a != "" && b != "" {
		if isDigit(a[0]) && isDigit(b[0]) {
			i, j := digits(a), digits(b)
			// Neither has leading zeros: the longer number is the larger.
			if c := compareInts(i, j); c != 0 {
				return c
			}
			if c := strings.Compare(a[:i], b[:j]); c != 0 {
				return c
			}
			a, b = a[i:], b[j:]
			continue
		}
		if a[0] != b[0] {
			return compareInts(int(a[0]), int(b[0]))
		}
		a, b = a[1:], b[1:]
	}
	return compareInts(len(a), len(b))
}

func digits(s string) int {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

func compareInts(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// rootName returns the name validator gives the struct v is or points to
// at the start of its field errors' namespaces: the type's name, which may
// itself hold dots (that of an instance of a generic type does), and "" for
// a struct type without a name.
func rootName(v any) string {
	t := reflect.TypeOf(v)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return ""
	}
	return t.Name()
}

// problem turns a field error into a problem. root is the name of the root
// struct's type, which starts the field error's namespace.
func (vr *Validator) problem(fe validator.FieldError, root string) apierrors.Problem {
	// The namespace starts with the root struct's name, if it has one: drop it.
	path := fe.Namespace()
	if root != "" {
		path = strings.TrimPrefix(path, root+".")
	}
	tag := fe.Tag()
	if tag == string(apierrors.RuleRequired) {
		return apierrors.Problem{Path: path, Rule: apierrors.RuleRequired, Message: "is required"}
	}
	r, ok := vr.rules[fe.ActualTag()]
	if !ok {
		// A struct-level rule: the message travels as the parameter.
		return apierrors.Problem{Path: path, Rule: apierrors.Rule(tag), Message: fe.Param()}
	}
	msg := r.Message
	if r.Explain != nil {
		msg = r.Explain(fe.Value())
	}
	name := r.Name
	if name == "" {
		name = apierrors.Rule(tag)
	}
	return apierrors.Problem{Path: path, Rule: name, Message: msg}
}
