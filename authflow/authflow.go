// Package authflow models the Authflow API's "Fetch authflow" endpoint,
// GET /api/v1/authflow/{authflow_id}: the [Authflow] it returns and the
// success envelope that carries it, [FetchResponse]; a [Client] that calls
// it, and a handler ([NewHandler]) that serves it over any [Store].
//
// # Two ways to read and write the JSON
//
// [Authflow] and [FetchResponse] are plain structs whose JSON form comes
// from their json struct tags, so encoding/json (v1, and v2 with
// GOEXPERIMENT=jsonv2) reads and writes them as it reads and writes your
// own types, and a struct of yours that embeds them keeps all its fields.
// json.Marshal writes the API's canonical bytes. json.Unmarshal decodes with
// encoding/json's rules (the last of repeated keys wins, keys match
// regardless of case, invalid UTF-8 is replaced), except that the leaf
// types still refuse what they cannot hold: a malformed ID, a "type" other
// than "authflow", a "lat_long" that is not two numbers.
//
// The fast, strict codec is separate and explicit: [AppendFetchResponse]
// writes the same bytes as json.Marshal without reflection or allocation,
// and [DecodeFetchResponse] reads a body several times faster than
// encoding/json and strictly: it refuses a key repeated at any depth (or one
// that equals a known key but for case), invalid UTF-8 and escaped lone
// surrogates, a null or missing "summary", a missing "type" or "status", and
// reports each problem by JSON path ("summary.first_seen.remote_ip"). The
// handler and the client use it. [AppendAuthflow] and [DecodeAuthflow] do
// the same for a summary alone.
//
// Decoding and validation are kept apart: decoding fails only where a Go
// value cannot hold what the JSON says, ignores unknown keys and keeps a
// status it does not know, so a client keeps working when the API grows;
// [Authflow.Validate] checks every rule of the API. Both report what is
// wrong as an [*apierrors.Error] of this module's errors package, whose
// Problems name each JSON path and rule ([apierrors.Problem]).
//
// An Authflow holds personal data. log/slog logs it with its IDs, status
// and times and with the e-mail address, the return URL and the devices'
// addresses, places and fingerprints hidden ([Authflow.LogValue]);
// [Unredacted] logs it in full.
package authflow

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strconv"

	"github.com/go-playground/validator/v10"

	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/ids"
	"github.com/authflow-dev/authflow-go/interaction"
	"github.com/authflow-dev/authflow-go/internal/jsonwire"
	"github.com/authflow-dev/authflow-go/internal/redact"
	"github.com/authflow-dev/authflow-go/internal/validation"
)

// Type is the value of an Authflow's "type" key: the kind of resource the
// object is.
const Type = "authflow"

// An Authflow is the API's summary of an auth flow: the "summary" object of a
// fetch response.
//
// Its JSON form has every key, always, in alphabetical order as the API
// reference lists them and as the fields are declared: account_id,
// device_id, domain_id, factor_names, first_seen, id, last_seen, plan_name,
// pool_id, required_email, return_url, session_id, status, title, and
// "type":"authflow". An unset nullable field is written as null, and
// factor_names as [] when empty.
//
// The zero Authflow is unset: it fails validation. Fields are plain values
// except where the API allows null. The validate tags name the rules
// [Authflow.Validate] checks.
type Authflow struct {
	// AccountID names the account the authflow belongs to. Required.
	AccountID ids.AccountID `json:"account_id" validate:"required"`
	// DeviceID names the device the authflow runs on. Required.
	DeviceID ids.DeviceID `json:"device_id" validate:"required"`
	// DomainID names the domain the authflow belongs to. Required.
	DomainID ids.DomainID `json:"domain_id" validate:"required"`
	// FactorNames names the authentication factors of the flow: each
	// non-empty, none twice.
	FactorNames FactorNames `json:"factor_names"`
	// FirstSeen is the device as first seen, or nil (JSON null).
	FirstSeen *interaction.Details `json:"first_seen" validate:"-"`
	// ID names the authflow. Required.
	ID ids.AuthflowID `json:"id" validate:"required"`
	// LastSeen is the device as last seen, or nil (JSON null). When both are
	// set, LastSeen.At must not be before FirstSeen.At.
	LastSeen *interaction.Details `json:"last_seen" validate:"-"`
	// PlanName names the plan, such as "basic". Required.
	PlanName string `json:"plan_name" validate:"required"`
	// PoolID names the pool the authflow belongs to. Required.
	PoolID ids.PoolID `json:"pool_id" validate:"required"`
	// RequiredEmail is the e-mail address the flow requires, or nil (JSON
	// null) when it requires none. When set it must be an e-mail address.
	RequiredEmail *string `json:"required_email" validate:"email"`
	// ReturnURL is where the flow sends the user back to. It may be empty;
	// otherwise it must be an absolute http or https URL with a host and no
	// user info (a return URL is an open-redirect risk).
	ReturnURL string `json:"return_url" validate:"omitempty,http_url"`
	// SessionID names the session the authflow belongs to. Required.
	SessionID ids.SessionID `json:"session_id" validate:"required"`
	// Status is where the authflow stands. Required; validation refuses a
	// status outside the [Status] constants, which decoding keeps.
	Status Status `json:"status" validate:"required,status"`
	// Title is the authflow's title, such as "My Authflow". Free text; may
	// be empty.
	Title string `json:"title"`
	// Type is the constant "type":"authflow".
	Type ObjectType `json:"type"`
}

// FactorNames is the list of an authflow's factor names. Its JSON form is
// always an array: nil and empty both encode as [], not null. Decoding
// reads [] as an empty list and null as nil, as encoding/json reads any
// slice.
type FactorNames []string

// ObjectType is the type of [Authflow.Type]: it holds nothing, and its JSON
// form is always the string "authflow" ([Type]). Decoding refuses any other
// string with code unexpected_ref_type (rule ref_type): the object is not
// an authflow.
type ObjectType struct{}

// SuccessStatus is the type of [FetchResponse.Status]: it holds nothing, and
// its JSON form is always the string "success". Decoding refuses any other
// string with code invalid_value (rule envelope): the document is not a
// success envelope.
type SuccessStatus struct{}

// Validate checks a against every rule of the API and returns nil or an
// [*apierrors.Error] listing each problem by JSON path, such as
// "first_seen.country_code": code required_value when every problem is a
// missing value, invalid_value otherwise. The rules, by the name each has in
// the validate tags, in [apierrors.Problem].Rule and as an errors.Rule
// constant:
//
//   - required: an ID is the zero ID; status or plan_name is empty; an
//     entry of factor_names is empty; and, in first_seen and last_seen, the
//     missing values listed on [interaction.Details.Validate].
//   - status: status is not one of the [Status] constants.
//   - unique: an entry of factor_names repeats an earlier one.
//   - email: required_email is set but not an e-mail address.
//   - http_url: return_url is set but not an absolute http or https URL
//     with a host and no user info.
//   - not_before_first_seen: last_seen.at is before first_seen.at.
//   - in first_seen and last_seen, the rules of
//     [interaction.Details.Validate].
//
// title is free text. Validate of a valid Authflow allocates nothing but
// what parsing return_url takes. Validate of a nil *Authflow returns an
// error of code required_value, with one problem at the root.
func (a *Authflow) Validate() error {
	return a.validate(false)
}

// Clone returns a deep copy of a, which shares no memory with a: changing
// one never changes the other. Clone of nil is nil.
func (a *Authflow) Clone() *Authflow {
	if a == nil {
		return nil
	}
	c := *a
	if a.FactorNames != nil {
		c.FactorNames = append(make(FactorNames, 0, len(a.FactorNames)), a.FactorNames...)
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

// equal reports whether a and b hold the same values, as their JSON forms
// show them: a nil and an empty FactorNames are the same, -0 and 0 are not.
func (a *Authflow) equal(b *Authflow) bool {
	return a.AccountID == b.AccountID && a.DeviceID == b.DeviceID && a.DomainID == b.DomainID &&
		slices.Equal(a.FactorNames, b.FactorNames) && sameDetails(a.FirstSeen, b.FirstSeen) &&
		a.ID == b.ID && sameDetails(a.LastSeen, b.LastSeen) && a.PlanName == b.PlanName &&
		a.PoolID == b.PoolID && (a.RequiredEmail == nil) == (b.RequiredEmail == nil) &&
		(a.RequiredEmail == nil || *a.RequiredEmail == *b.RequiredEmail) &&
		a.ReturnURL == b.ReturnURL && a.SessionID == b.SessionID && a.Status == b.Status &&
		a.Title == b.Title
}

// sameDetails reports whether x and y are both nil or hold the same values,
// the latitude and longitude to the bit.
func sameDetails(x, y *interaction.Details) bool {
	if x == nil || y == nil {
		return x == y
	}
	return *x == *y && math.Float64bits(x.LatLong[0]) == math.Float64bits(y.LatLong[0]) &&
		math.Float64bits(x.LatLong[1]) == math.Float64bits(y.LatLong[1])
}

// The Authflow's own JSON codec, fast and strict: what the handler and the
// client use; json.Marshal and json.Unmarshal read the struct tags.

// AppendAuthflow appends flow's JSON form to dst and returns the extended
// buffer: exactly the bytes json.Marshal writes for *flow. It fails,
// returning dst unchanged, where [AppendFetchResponse] does.
func AppendAuthflow(dst []byte, flow *Authflow) ([]byte, error) {
	if flow == nil {
		return dst, errors.New("authflow: encoding a nil *Authflow")
	}
	a := flow
	b := append(dst, `{"account_id":"`...)
	b, _ = a.AccountID.AppendText(b)
	b = append(b, `","device_id":"`...)
	b, _ = a.DeviceID.AppendText(b)
	b = append(b, `","domain_id":"`...)
	b, _ = a.DomainID.AppendText(b)
	b = append(b, `","factor_names":`...)
	b = jsonwire.AppendStrings(b, a.FactorNames)
	b = append(b, `,"first_seen":`...)
	b, err := appendDetails(b, a.FirstSeen)
	if err != nil {
		return dst, fmt.Errorf("authflow: encoding first_seen.lat_long: %w", err)
	}
	b = append(b, `,"id":"`...)
	b, _ = a.ID.AppendText(b)
	b = append(b, `","last_seen":`...)
	if b, err = appendDetails(b, a.LastSeen); err != nil {
		return dst, fmt.Errorf("authflow: encoding last_seen.lat_long: %w", err)
	}
	b = append(b, `,"plan_name":`...)
	b = jsonwire.AppendString(b, a.PlanName)
	b = append(b, `,"pool_id":"`...)
	b, _ = a.PoolID.AppendText(b)
	b = append(b, `","required_email":`...)
	if a.RequiredEmail == nil {
		b = append(b, "null"...)
	} else {
		b = jsonwire.AppendString(b, *a.RequiredEmail)
	}
	b = append(b, `,"return_url":`...)
	b = jsonwire.AppendString(b, a.ReturnURL)
	b = append(b, `,"session_id":"`...)
	b, _ = a.SessionID.AppendText(b)
	b = append(b, `","status":`...)
	b = jsonwire.AppendString(b, string(a.Status))
	b = append(b, `,"title":`...)
	b = jsonwire.AppendString(b, a.Title)
	b = append(b, `,"type":"`+Type+`"}`...)
	return b, nil
}

// appendDetails appends d's JSON form, or null for nil. It fails only for a
// latitude or longitude that JSON cannot represent.
func appendDetails(b []byte, d *interaction.Details) ([]byte, error) {
	if d == nil {
		return append(b, "null"...), nil
	}
	return d.AppendJSON(b)
}

// DecodeAuthflow reads an Authflow summary object, as json.Unmarshal into an
// [Authflow] reads it, and as strictly as [DecodeFetchResponse] reads the
// summary of an envelope; problem paths are relative to the summary
// ("first_seen.remote_ip"). The result is never nil when the error is nil.
func DecodeAuthflow(data []byte) (*Authflow, error) {
	var r jsonwire.Reader
	r.Reset(data)
	flow := new(Authflow)
	decodeAuthflow(&r, flow)
	r.End()
	if err := r.Err(); err != nil {
		return nil, apierrors.FromDecode(err)
	}
	return flow, nil
}

// decodeAuthflow reads an Authflow object into a, which is zero. null, like
// a missing "type", is a missing value.
func decodeAuthflow(r *jsonwire.Reader, a *Authflow) {
	if r.Peek() == jsonwire.Null {
		r.Fail(string(apierrors.RuleRequired), "is required, not null")
		return
	}
	if !r.BeginObject() {
		return
	}
	sawType := false
	for r.More() {
		switch r.Field(authflowKeys[:]) {
		case accountIDKey:
			decodeID(r, &a.AccountID)
		case deviceIDKey:
			decodeID(r, &a.DeviceID)
		case domainIDKey:
			decodeID(r, &a.DomainID)
		case factorNamesKey:
			a.FactorNames = r.Strings()
		case firstSeenKey:
			a.FirstSeen = decodeDetails(r)
		case idKey:
			decodeID(r, &a.ID)
		case lastSeenKey:
			a.LastSeen = decodeDetails(r)
		case planNameKey:
			a.PlanName = r.StringValue()
		case poolIDKey:
			decodeID(r, &a.PoolID)
		case requiredEmailKey:
			if !r.Null() {
				email := r.StringValue()
				a.RequiredEmail = &email
			}
		case returnURLKey:
			a.ReturnURL = r.StringValue()
		case sessionIDKey:
			decodeID(r, &a.SessionID)
		case statusFieldKey:
			a.Status = Status(r.StringValue())
		case titleKey:
			a.Title = r.StringValue()
		case typeKey:
			sawType = true
			decodeConst(r, Type, refTypeProblem)
		}
	}
	if !sawType {
		r.FailAt("type", string(apierrors.RuleRequired), `is required: must be "`+Type+`"`)
	}
}

// The members of an Authflow's JSON form, by index in authflowKeys.
const (
	accountIDKey = iota
	deviceIDKey
	domainIDKey
	factorNamesKey
	firstSeenKey
	idKey
	lastSeenKey
	planNameKey
	poolIDKey
	requiredEmailKey
	returnURLKey
	sessionIDKey
	statusFieldKey
	titleKey
	typeKey
)

var authflowKeys = [...]string{
	accountIDKey: "account_id", deviceIDKey: "device_id", domainIDKey: "domain_id",
	factorNamesKey: "factor_names", firstSeenKey: "first_seen", idKey: "id",
	lastSeenKey: "last_seen", planNameKey: "plan_name", poolIDKey: "pool_id",
	requiredEmailKey: "required_email", returnURLKey: "return_url", sessionIDKey: "session_id",
	statusFieldKey: "status", titleKey: "title", typeKey: "type",
}

// The validators of Authflow: strict for what a server sends, and tolerant
// of a status this version does not know for what a client receives.
var (
	strictValidator = validation.Validator{
		Rules:   []validation.Rule{{Tag: string(apierrors.RuleStatus), Message: statusMessage, Check: knownStatus}},
		Structs: structRules,
	}
	tolerantValidator = validation.Validator{
		Rules:   []validation.Rule{{Tag: string(apierrors.RuleStatus), Message: statusMessage, Check: anyStatus}},
		Structs: structRules,
	}
	structRules = []validation.StructRule{{Fn: checkAuthflow, Type: Authflow{}}}
)

const statusMessage = "must be one of new, pending, finished, complete, cancelled"

func knownStatus(fl validator.FieldLevel) bool { return Status(fl.Field().String()).IsKnown() }

func anyStatus(validator.FieldLevel) bool { return true }

// validate checks a as [Authflow.Validate] does, or, tolerant, without
// refusing a status this version does not know.
func (a *Authflow) validate(tolerant bool) error {
	if a == nil {
		return apierrors.Invalid(apierrors.Problem{Rule: apierrors.RuleRequired, Message: "the flow is nil"})
	}
	if a.ok(tolerant) {
		return nil
	}
	if tolerant {
		return tolerantValidator.Check(a)
	}
	return strictValidator.Check(a)
}

// ok reports, without reflection, whether a passes every rule: the fast
// path of validating a valid flow. The validator stays the authority and
// the one that reports problems; FuzzValidateAgrees keeps the two in
// agreement.
func (a *Authflow) ok(tolerant bool) bool {
	if a.AccountID.IsZero() || a.DeviceID.IsZero() || a.DomainID.IsZero() || a.ID.IsZero() ||
		a.PoolID.IsZero() || a.SessionID.IsZero() || a.PlanName == "" || a.Status == "" ||
		!tolerant && !a.Status.IsKnown() {
		return false
	}
	if a.RequiredEmail != nil && !validation.IsEmail(*a.RequiredEmail) ||
		a.ReturnURL != "" && !validation.IsHTTPURL(a.ReturnURL) {
		return false
	}
	if factorNameProblems(a.FactorNames, func(int, apierrors.Rule, int) bool { return false }) {
		return false
	}
	for _, d := range [2]*interaction.Details{a.FirstSeen, a.LastSeen} {
		// Validate has a fast path of its own for a valid Details.
		if d != nil && d.Validate() != nil {
			return false
		}
	}
	return !lastSeenBeforeFirst(a)
}

// lastSeenBeforeFirst reports whether a's last_seen.at is before its
// first_seen.at.
func lastSeenBeforeFirst(a *Authflow) bool {
	f, l := a.FirstSeen, a.LastSeen
	return f != nil && l != nil && !f.At.IsZero() && !l.At.IsZero() && l.At.Before(f.At.Time)
}

// checkAuthflow checks the rules that span fields or entries.
func checkAuthflow(sl validator.StructLevel) {
	a := validation.StructValue[Authflow](sl)
	path := func(i int) string { return "factor_names[" + strconv.Itoa(i) + "]" }
	reported, more := 0, 0
	factorNameProblems(a.FactorNames, func(i int, rule apierrors.Rule, first int) bool {
		if reported == apierrors.MaxProblems {
			more++
			return true
		}
		reported++
		if rule == apierrors.RuleRequired {
			validation.Report(sl, path(i), rule, "is required")
		} else {
			validation.Report(sl, path(i), rule, "repeats "+path(first))
		}
		return true
	})
	validation.ReportOmitted(sl, more)
	// The snapshots are checked by their own rules, at their place.
	for _, s := range [...]struct {
		path string
		d    *interaction.Details
	}{{"first_seen", a.FirstSeen}, {"last_seen", a.LastSeen}} {
		if s.d == nil {
			continue
		}
		e, _ := s.d.Validate().(*apierrors.Error)
		if e == nil {
			continue
		}
		for _, p := range e.Problems() {
			validation.Report(sl, s.path+"."+p.Path, p.Rule, p.Message)
		}
		validation.ReportOmitted(sl, e.Omitted())
	}
	if lastSeenBeforeFirst(a) {
		validation.Report(sl, "last_seen.at", apierrors.RuleNotBeforeFirstSeen, "must not be before first_seen.at")
	}
}

// factorNameProblems finds the empty and the repeated names, in order, and
// calls problem for each with its index, its rule (required or unique) and,
// for a repeat, the index of the name's first entry, for as long as problem
// returns true. It reports whether it found any. Its work and memory are
// linear in the list: a hostile list costs no more than its size.
func factorNameProblems(names FactorNames, problem func(i int, rule apierrors.Rule, first int) bool) bool {
	found := false
	first := make(map[string]int) // index of each non-empty name's first entry
	for i, name := range names {
		rule, j := apierrors.RuleRequired, -1
		if name != "" {
			var seen bool
			if j, seen = first[name]; !seen {
				first[name] = i
				continue
			}
			rule = apierrors.RuleUnique
		}
		found = true
		if !problem(i, rule, j) {
			return true
		}
	}
	return found
}

// LogValue implements [slog.LogValuer]: log/slog logs a as a group keyed as
// its JSON form, with every value that identifies a person or a device
// hidden. It keeps the IDs, factor_names, plan_name, status, title and
// type, and logs first_seen and last_seen as [interaction.Details.LogValue]
// does: their times kept, their addresses, places and fingerprints hidden.
// It replaces required_email and return_url with the string "[redacted]":
// an e-mail address is a person's, and a return URL's path and query may
// carry a person's identifiers or a one-time token. A hidden field that
// holds nothing ("", or null) is logged as it is, so that an absent value
// stays apart from a hidden one; a null first_seen or last_seen is logged
// as nil. [Unredacted] logs every value.
//
// The title is kept: it names the flow, as its maker chose, and operators
// look for it; it is free text, so a maker who puts a person's name in it
// puts it in the logs too.
//
// The receiver is a value, so an Authflow and an *Authflow are both hidden.
// A nil *Authflow has no value to call LogValue on: slog reports the nil
// dereference it recovers from ("LogValue panicked"), and logs no field;
// Unredacted(nil) logs nil.
//
// slog calls LogValue for an attribute's value and the values of its
// groups, not for a flow inside a slice, a map or a struct of yours, which
// its handlers format whole (the JSON handler with encoding/json, the text
// handler with fmt): log each flow as an attribute of its own. A struct
// that embeds Authflow has this method too, and is logged as the Authflow
// alone unless it has a LogValue of its own.
func (a Authflow) LogValue() slog.Value {
	return a.logValue(false)
}

// Unredacted returns a value that log/slog logs as [Authflow.LogValue] logs
// flow, but with every value shown, first_seen and last_seen as
// [interaction.Unredacted] shows them; a nil flow is logged as nil.
// Personal data must not reach a log by accident: Unredacted is how a
// program that has the right to keep it there says so.
func Unredacted(flow *Authflow) slog.LogValuer {
	return unredacted{flow}
}

type unredacted struct{ a *Authflow }

func (u unredacted) LogValue() slog.Value {
	if u.a == nil {
		return slog.AnyValue(nil)
	}
	return u.a.logValue(true)
}

// LogValue implements [slog.LogValuer]: log/slog logs r as a group of its
// status, "success", and its summary as [Authflow.LogValue] logs it (nil
// when Summary is nil), so that the flow's personal data is hidden here
// too. To log the summary in full, log [Unredacted] of r.Summary.
func (r FetchResponse) LogValue() slog.Value {
	summary := slog.AnyValue(nil)
	if r.Summary != nil {
		summary = r.Summary.logValue(false)
	}
	return slog.GroupValue(
		slog.String("status", statusSuccess),
		slog.Attr{Key: "summary", Value: summary},
	)
}

// logValue is a's group for slog, with the personal values shown when full
// is true and hidden otherwise.
func (a *Authflow) logValue(full bool) slog.Value {
	email := slog.AnyValue(nil)
	if a.RequiredEmail != nil {
		email = slog.StringValue(*a.RequiredEmail)
	}
	return slog.GroupValue(
		slog.String("account_id", a.AccountID.String()),
		slog.String("device_id", a.DeviceID.String()),
		slog.String("domain_id", a.DomainID.String()),
		slog.Any("factor_names", a.FactorNames),
		slog.Attr{Key: "first_seen", Value: detailsValue(a.FirstSeen, full)},
		slog.String("id", a.ID.String()),
		slog.Attr{Key: "last_seen", Value: detailsValue(a.LastSeen, full)},
		slog.String("plan_name", a.PlanName),
		slog.String("pool_id", a.PoolID.String()),
		redact.Attr("required_email", full, a.RequiredEmail != nil && *a.RequiredEmail != "", email),
		redact.Attr("return_url", full, a.ReturnURL != "", slog.StringValue(a.ReturnURL)),
		slog.String("session_id", a.SessionID.String()),
		slog.String("status", string(a.Status)),
		slog.String("title", a.Title),
		slog.String("type", Type),
	)
}

// detailsValue is d's value for slog: nil, hidden or in full.
func detailsValue(d *interaction.Details, full bool) slog.Value {
	switch {
	case d == nil:
		return slog.AnyValue(nil)
	case full:
		return interaction.Unredacted(d).LogValue()
	default:
		return d.LogValue()
	}
}
