package interaction_test

import (
	"log/slog"
	"os"

	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/interaction"
)

// withoutTime drops the record's time, so that the examples' output is the
// same on every run.
func withoutTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}

// slog logs a Details with everything but its time hidden.
func ExampleDetails_LogValue() {
	log := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: withoutTime}))

	d := examples.Details()
	d.City = "" // an empty value hides nothing, and is logged as it is
	log.Info("device seen", "seen", d)
	// Output:
	// level=INFO msg="device seen" seen.asn=[redacted] seen.at=2009-02-13T23:31:30.000Z seen.city="" seen.country_code=[redacted] seen.ja4_fingerprint=[redacted] seen.lat_long=[redacted] seen.region_code=[redacted] seen.remote_ip=[redacted] seen.timezone=[redacted] seen.user_agent=[redacted]
}

// Unredacted logs every value of a Details, for a log that may hold them.
func ExampleUnredacted() {
	log := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: withoutTime}))

	d := examples.Details()
	d.UserAgent = "curl/8.5.0"
	log.Info("device seen", "seen", interaction.Unredacted(d))
	// Output:
	// level=INFO msg="device seen" seen.asn=4764 seen.at=2009-02-13T23:31:30.000Z seen.city=Melbourne seen.country_code=AU seen.ja4_fingerprint=q13d0314h3_55b375c5d22e_61e396c58b1f seen.lat_long="[-37.8159 144.9669]" seen.region_code=VIC seen.remote_ip=127.0.0.1 seen.timezone=Australia/Melbourne seen.user_agent=curl/8.5.0
}
