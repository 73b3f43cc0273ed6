// Package validation holds the module's one validator/v10 validator and turns
// what it finds into API errors.
//
// The validator is built once, on first use, and caches what it learns about
// each struct type. Struct tags name the rules: validator's own "required"
// (absent, null, empty or zero: with WithRequiredStructEnabled it also sees a
// zero ID or a zero netip.Addr) and this package's rules, such as
// "country_code" and "timezone" (see rules.go). A package with rules of its
// own registers them from its init function with [RegisterRule] and
// [RegisterStruct]: validator's registration is not safe once validation has
// started, so a registration after the first [Check] panics.
//
// [Check] reports problems by JSON path: the tag name function gives each
// field its json name, so a field error's namespace, less the root struct's
// name, is the path ("first_seen.country_code").
package validation

import (
	"cmp"
	"errors"
	"reflect"
	"slices"
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

// registry is what is registered before the validator is built.
var registry struct {
	sync.Mutex
	built   bool
	rules   []Rule
	structs []structRule
}

type structRule struct {
	fn    validator.StructLevelFunc
	types []any
}

// rules maps each registered tag to its Rule, for reporting. It is written
// only while the validator is built.
var rules = map[string]Rule{}

// RegisterRule adds a field rule. Call it only from an init function.
func RegisterRule(r Rule) {
	registry.Lock()
	defer registry.Unlock()
	if registry.built {
		panic("validation: RegisterRule(" + r.Tag + ") after the validator was built")
	}
	registry.rules = append(registry.rules, r)
}

// RegisterStruct adds a struct-level rule for the given types, for rules that
// span fields. fn reports each problem with [Report]. Call it only from an
// init function.
func RegisterStruct(fn validator.StructLevelFunc, types ...any) {
	registry.Lock()
	defer registry.Unlock()
	if registry.built {
		panic("validation: RegisterStruct after the validator was built")
	}
	registry.structs = append(registry.structs, structRule{fn, types})
}

// Report reports a problem from a struct-level rule: the value at path,
// relative to the struct being checked (such as "lat_long[0]"), broke rule,
// and message says how. A rule of [apierrors.RuleRequired] is a missing value.
func Report(sl validator.StructLevel, path string, rule apierrors.Rule, message string) {
	sl.ReportError(nil, path, path, string(rule), message)
}

// instance is the shared validator, built on first use.
var instance = sync.OnceValue(func() *validator.Validate {
	registry.Lock()
	defer registry.Unlock()
	registry.built = true

	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(jsonName)
	v.RegisterAlias(string(apierrors.RuleCountryCode), countryCodeTag)
	for _, r := range append(builtinRules(), registry.rules...) {
		if err := v.RegisterValidation(r.Tag, r.Check, r.NilPasses); err != nil {
			panic("validation: registering " + r.Tag + ": " + err.Error())
		}
		rules[r.Tag] = r
	}
	for _, s := range registry.structs {
		v.RegisterStructValidation(s.fn, s.types...)
	}
	return v
})

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
// [*apierrors.Error]: code RequiredValue when every problem is a missing
// value, InvalidValue otherwise, with one [apierrors.Problem] per failing
// rule, sorted by path. A v that validator cannot validate (not a struct) is
// a programming error, reported with code Unexpected.
func Check(v any) error {
	err := instance().Struct(v)
	if err == nil {
		return nil
	}
	var fieldErrs validator.ValidationErrors
	if !errors.As(err, &fieldErrs) {
		return apierrors.Wrap(apierrors.Unexpected, "internal error: value cannot be validated", err)
	}
	root := rootName(v)
	problems := make([]apierrors.Problem, 0, len(fieldErrs))
	for _, fe := range fieldErrs {
		problems = append(problems, problem(fe, root))
	}
	slices.SortStableFunc(problems, func(a, b apierrors.Problem) int { return cmp.Compare(a.Path, b.Path) })
	return apierrors.Invalid(problems...)
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
func problem(fe validator.FieldError, root string) apierrors.Problem {
	// The namespace starts with the root struct's name, if it has one: drop it.
	path := fe.Namespace()
	if root != "" {
		path = strings.TrimPrefix(path, root+".")
	}
	tag := fe.Tag()
	if tag == string(apierrors.RuleRequired) {
		return apierrors.Problem{Path: path, Rule: apierrors.RuleRequired, Message: "is required"}
	}
	r, ok := rules[fe.ActualTag()]
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
