package interaction

import (
	"log/slog"

	"github.com/authflow-dev/authflow-go/internal/redact"
)

// LogValue implements [slog.LogValuer]: log/slog logs d as a group keyed as
// its JSON form, with every value that identifies a person or a device
// hidden. It keeps "at", the time of the snapshot, and replaces asn,
// city, country_code, ja4_fingerprint, lat_long, region_code, remote_ip,
// timezone and user_agent with the string "[redacted]": the network, the
// places, the position, the address and the client's fingerprints. A
// hidden field that holds its zero value ("", 0, the zero Addr, the point
// (0, 0)) is logged as it is, so that an absent value stays apart from a
// hidden one. [Unredacted] logs every value.
//
// The receiver is a value, so a Details and a *Details are both hidden. A
// nil *Details has no value to call LogValue on: slog reports the nil
// dereference it recovers from ("LogValue panicked"), and logs no field;
// Unredacted(nil) logs nil.
//
// slog calls LogValue for an attribute's value and the values of its
// groups, not for a Details inside a slice, a map or a struct of yours,
// which its handlers format whole (the JSON handler with encoding/json, the
// text handler with fmt): log each Details as an attribute of its own. A
// struct that embeds Details has this method too, and is logged as the
// Details alone unless it has a LogValue of its own.
func (d Details) LogValue() slog.Value {
	return d.logValue(false)
}

// Unredacted returns a value that log/slog logs as [Details.LogValue] logs
// d, but with every value shown; a nil d is logged as nil. Personal data must not
// reach a log by accident: Unredacted is how a program that has the right
// to keep it there says so.
func Unredacted(d *Details) slog.LogValuer {
	return unredacted{d}
}

type unredacted struct{ d *Details }

func (u unredacted) LogValue() slog.Value {
	if u.d == nil {
		return slog.AnyValue(nil)
	}
	return u.d.logValue(true)
}

// logValue is d's group for slog, with the personal values shown when full
// is true and hidden otherwise.
func (d *Details) logValue(full bool) slog.Value {
	return slog.GroupValue(
		redact.Attr("asn", full, d.ASN != 0, slog.Uint64Value(uint64(d.ASN))),
		slog.Time("at", d.At.Time),
		redact.Attr("city", full, d.City != "", slog.StringValue(d.City)),
		redact.Attr("country_code", full, d.CountryCode != "", slog.StringValue(d.CountryCode)),
		redact.Attr("ja4_fingerprint", full, d.JA4Fingerprint != "", slog.StringValue(d.JA4Fingerprint)),
		redact.Attr("lat_long", full, d.LatLong != LatLong{}, slog.AnyValue(d.LatLong)),
		redact.Attr("region_code", full, d.RegionCode != "", slog.StringValue(d.RegionCode)),
		redact.Attr("remote_ip", full, d.RemoteIP.IsValid(), slog.AnyValue(d.RemoteIP)),
		redact.Attr("timezone", full, d.Timezone != "", slog.StringValue(d.Timezone)),
		redact.Attr("user_agent", full, d.UserAgent != "", slog.StringValue(d.UserAgent)),
	)
}
