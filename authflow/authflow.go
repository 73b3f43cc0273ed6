// Package authflow models the Authflow API's "Fetch authflow" endpoint,
// GET /api/v1/authflow/{authflow_id}: the [Authflow] it returns and the
// success envelope that carries it, [FetchResponse].
//
// The types read and write the API's JSON exactly, by hand rather than by
// reflection, and [Authflow.Validate] checks every rule of the API with one
// shared, cached validator. Decoding and validation are kept apart: decoding
// fails only where a Go value cannot hold what the JSON says (a value of the
// wrong JSON type, an ID that is not canonical, an interaction detail that
// cannot be read, a "type" other than "authflow"); every other rule is
// checked by Validate. Decoding ignores unknown keys and keeps a status it
// does not know, so a client keeps working when the API grows.
//
// Errors from both are [*errors.Error]s listing [errors.Problem]s by JSON
// path: "first_seen.remote_ip" when decoding an Authflow,
// "summary.first_seen.remote_ip" when decoding a FetchResponse. Besides the
// rules of package interaction, decoding reports the problem rules "pfid"
// (an ID that is not canonical) and "ref_type" (a "type" other than
// "authflow", code unexpected_ref_type); the validation rules are listed on
// [Authflow.Validate].
//
// For speed, call the codec methods directly: [FetchResponse.UnmarshalJSON]
// on a body, [FetchResponse.AppendJSON] into a reused buffer. json.Unmarshal
// and json.Marshal work too, but encoding/json scans the bytes again around
// a hand-written codec (twice before UnmarshalJSON, once after MarshalJSON),
// which costs more than the codec itself.
//
// [*errors.Error]: https://pkg.go.dev/github.com/authflow-dev/authflow-go/errors#Error
// [errors.Problem]: https://pkg.go.dev/github.com/authflow-dev/authflow-go/errors#Problem
package authflow

import (
	"strconv"

	"github.com/go-playground/validator/v10"

	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/ids"
	"github.com/authflow-dev/authflow-go/interaction"
	"github.com/authflow-dev/authflow-go/internal/validation"
)

// Type is the value of an Authflow's "type" key: the kind of resource the
// object is. It is not a field of [Authflow]; encoding always writes it and
// decoding refuses any other value.
const Type = "authflow"

// An Authflow is the API's summary of an auth flow: the "summary" object of a
// fetch response.
//
// Its JSON form has every key, always, in alphabetical order as the API
// reference lists them: account_id, device_id, domain_id, factor_names,
// first_seen, id, last_seen, plan_name, pool_id, required_email, return_url,
// session_id, status, title, and "type":"authflow". An unset nullable field
// is written as null, and factor_names as [] when empty.
//
// The zero Authflow is unset: it fails validation. Fields are plain values
// except where the API allows null.
type Authflow struct {
	// ID names the authflow. Required.
	ID ids.AuthflowID `json:"id" validate:"pfid"`
	// AccountID names the account the authflow belongs to. Required.
	AccountID ids.AccountID `json:"account_id" validate:"pfid"`
	// DeviceID names the device the authflow runs on. Required.
	DeviceID ids.DeviceID `json:"device_id" validate:"pfid"`
	// DomainID names the domain the authflow belongs to. Required.
	DomainID ids.DomainID `json:"domain_id" validate:"pfid"`
	// PoolID names the pool the authflow belongs to. Required.
	PoolID ids.PoolID `json:"pool_id" validate:"pfid"`
	// SessionID names the session the authflow belongs to. Required.
	SessionID ids.SessionID `json:"session_id" validate:"pfid"`
	// Status is where the authflow stands. Required; validation refuses a
	// status outside the [Status] constants, which decoding keeps.
	Status Status `json:"status" validate:"required,authflow_status"`
	// PlanName names the plan, such as "basic". Required.
	PlanName string `json:"plan_name" validate:"required"`
	// Title is the authflow's title, such as "My Authflow". Free text; may
	// be empty.
	Title string `json:"title"`
	// FactorNames names the authentication factors of the flow: each
	// non-empty, none twice. Absent, null and [] all decode as nil; nil and
	// empty both encode as [].
	FactorNames []string `json:"factor_names"`
	// RequiredEmail is the e-mail address the flow requires, or nil (JSON
	// null) when it requires none. When set it must be an e-mail address.
	RequiredEmail *string `json:"required_email" validate:"html_email"`
	// ReturnURL is where the flow sends the user back to. It may be empty;
	// otherwise it must be an absolute http or https URL (a return URL is an
	// open-redirect risk).
	ReturnURL string `json:"return_url" validate:"omitempty,abs_http_url"`
	// FirstSeen is the device as first seen, or nil (JSON null).
	FirstSeen *interaction.Details `json:"first_seen"`
	// LastSeen is the device as last seen, or nil (JSON null). When both are
	// set, LastSeen.At must not be before FirstSeen.At.
	LastSeen *interaction.Details `json:"last_seen"`
}

// Validate checks a against every rule of the API and returns nil or an
// [*errors.Error] listing each problem by JSON path, such as
// "first_seen.country_code": code required_value when every problem is a
// missing value, invalid_value otherwise. The rules, by problem rule:
//
//   - "required": an ID is the zero ID; status or plan_name is empty; an
//     entry of factor_names is empty; and, in first_seen and last_seen, the
//     missing values listed on [interaction.Details.Validate].
//   - "status": status is not one of the [Status] constants.
//   - "unique": an entry of factor_names repeats an earlier one.
//   - "email": required_email is set but not an e-mail address.
//   - "http_url": return_url is set but not an absolute http or https URL.
//   - "not_before_first_seen": last_seen.at is before first_seen.at.
//   - in first_seen and last_seen, the rules of
//     [interaction.Details.Validate].
//
// title is free text. Validate of a valid Authflow allocates nothing but
// what parsing return_url takes.
//
// [*errors.Error]: https://pkg.go.dev/github.com/authflow-dev/authflow-go/errors#Error
func (a *Authflow) Validate() error {
	return validation.Check(a)
}

// Clone returns a deep copy of a, which shares no memory with a: changing
// one never changes the other. Clone of nil is nil.
func (a *Authflow) Clone() *Authflow {
	if a == nil {
		return nil
	}
	c := *a
	if a.FactorNames != nil {
		c.FactorNames = append(make([]string, 0, len(a.FactorNames)), a.FactorNames...)
	}
	if a.RequiredEmail != nil {
		email := *a.RequiredEmail
		c.RequiredEmail = &email
	}
	if a.FirstSeen != nil {
		d := *a.FirstSeen
		c.FirstSeen = &d
	}
	if a.LastSeen != nil {
		d := *a.LastSeen
		c.LastSeen = &d
	}
	return &c
}

// Problem rules of Authflow's own validation.
const (
	ruleStatus             = "status"
	ruleUnique             = "unique"
	ruleNotBeforeFirstSeen = "not_before_first_seen"
)

func init() {
	validation.RegisterRule(validation.Rule{
		Tag:     "authflow_status",
		Name:    ruleStatus,
		Message: "must be one of new, pending, finished, complete, cancelled",
		Check: func(fl validator.FieldLevel) bool {
			return Status(fl.Field().String()).IsKnown()
		},
	})
	validation.RegisterStruct(checkAuthflow, Authflow{})
}

// checkAuthflow checks the rules that span fields or entries.
func checkAuthflow(sl validator.StructLevel) {
	a := validation.StructValue[Authflow](sl)
	checkFactorNames(sl, a.FactorNames)
	if f, l := a.FirstSeen, a.LastSeen; f != nil && l != nil && !f.At.IsZero() && !l.At.IsZero() && l.At.Before(f.At) {
		validation.Report(sl, "last_seen.at", ruleNotBeforeFirstSeen, "must not be before first_seen.at")
	}
}

// checkFactorNames reports empty and repeated factor names.
func checkFactorNames(sl validator.StructLevel, names []string) {
	path := func(i int) string { return "factor_names[" + strconv.Itoa(i) + "]" }
	// Few names: compare pairs. Many: a map, so a hostile list costs O(n).
	var seen map[string]int
	if len(names) > 16 {
		seen = make(map[string]int, len(names))
	}
	for i, name := range names {
		if name == "" {
			validation.Report(sl, path(i), apierrors.RuleRequired, "is required")
			continue
		}
		first := -1
		if seen != nil {
			if j, ok := seen[name]; ok {
				first = j
			} else {
				seen[name] = i
			}
		} else {
			for j := range i {
				if names[j] == name {
					first = j
					break
				}
			}
		}
		if first >= 0 {
			validation.Report(sl, path(i), ruleUnique, "repeats "+path(first))
		}
	}
}
