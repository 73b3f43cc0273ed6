// Package redact holds the one rule by which this module's types hide
// personal data when log/slog logs them (their LogValue methods): a value
// that identifies a person or a device is replaced by [Text], unless it
// holds nothing.
package redact

import "log/slog"

// Text is what a hidden value is logged as: it says that the field holds
// something, and not what.
const Text = "[redacted]"

// Attr returns the attribute key with value v when full is true or set is
// false (a field that holds its zero value, or null, hides nothing, and
// logging it as it is tells "absent" from "hidden"), and with [Text]
// otherwise.
func Attr(key string, full, set bool, v slog.Value) slog.Attr {
	if set && !full {
		v = slog.StringValue(Text)
	}
	return slog.Attr{Key: key, Value: v}
}
