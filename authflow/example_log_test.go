package authflow_test

import (
	"log/slog"
	"os"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/examples"
)

// withoutTime drops the record's time, so that the examples' output is the
// same on every run.
func withoutTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}

// slog logs a flow with its IDs, status, plan, title and times, and with
// the e-mail address, the return URL and the snapshots' addresses, places
// and fingerprints hidden. A null stays null.
func ExampleAuthflow_LogValue() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: withoutTime}))

	flow := examples.Authflow()
	flow.LastSeen = nil
	log.Info("fetched", "flow", flow)
	// Output:
	// {"level":"INFO","msg":"fetched","flow":{"account_id":"013xrzp12g3nqk8n505tp6wqnscpdy8q","device_id":"013xrzp12g3nqk8nyvk0xwzcb2gzp8z1","domain_id":"013xrzp12g3nqk8nz2ccx5vt2j6f6hjz","factor_names":["password","totp"],"first_seen":{"asn":"[redacted]","at":"2009-02-13T23:31:30Z","city":"[redacted]","country_code":"[redacted]","ja4_fingerprint":"[redacted]","lat_long":"[redacted]","region_code":"[redacted]","remote_ip":"[redacted]","timezone":"[redacted]","user_agent":"[redacted]"},"id":"013xrzp12g3nqk8nqprv12gz6v99a2v4","last_seen":null,"plan_name":"basic","pool_id":"013xrzp12g3nqk8n6z7f3q8wqgbmh3n9","required_email":"[redacted]","return_url":"[redacted]","session_id":"013xrzp12g3nqk8n55ng0qwnq3t8fedc","status":"new","title":"My Authflow","type":"authflow"}}
}

// Unredacted logs every value of a flow, for a log that may hold them.
func ExampleUnredacted() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: withoutTime}))

	flow := examples.Authflow()
	flow.FirstSeen.UserAgent = "curl/8.5.0"
	flow.LastSeen = nil
	log.Info("fetched", "flow", authflow.Unredacted(flow))
	// Output:
	// {"level":"INFO","msg":"fetched","flow":{"account_id":"013xrzp12g3nqk8n505tp6wqnscpdy8q","device_id":"013xrzp12g3nqk8nyvk0xwzcb2gzp8z1","domain_id":"013xrzp12g3nqk8nz2ccx5vt2j6f6hjz","factor_names":["password","totp"],"first_seen":{"asn":4764,"at":"2009-02-13T23:31:30Z","city":"Melbourne","country_code":"AU","ja4_fingerprint":"q13d0314h3_55b375c5d22e_61e396c58b1f","lat_long":[-37.8159,144.9669],"region_code":"VIC","remote_ip":"127.0.0.1","timezone":"Australia/Melbourne","user_agent":"curl/8.5.0"},"id":"013xrzp12g3nqk8nqprv12gz6v99a2v4","last_seen":null,"plan_name":"basic","pool_id":"013xrzp12g3nqk8n6z7f3q8wqgbmh3n9","required_email":"user@example.com","return_url":"https://example.com/welcome","session_id":"013xrzp12g3nqk8n55ng0qwnq3t8fedc","status":"new","title":"My Authflow","type":"authflow"}}
}
