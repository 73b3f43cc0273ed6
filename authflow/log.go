package authflow

import (
	"log/slog"

	"github.com/authflow-dev/authflow-go/interaction"
	"github.com/authflow-dev/authflow-go/internal/redact"
)

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
