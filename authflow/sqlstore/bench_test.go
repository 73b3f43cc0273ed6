package sqlstore_test

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"testing"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/authflow/sqlstore"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/interaction"
)

// The baselines: what a service would write by hand for the same table with
// the same driver, a single-row SELECT of the same columns into plain values
// and an INSERT … ON CONFLICT DO UPDATE, as SQL text that the driver
// prepares and caches (or, through PgBouncer, does not), without the checks
// and conversions the store makes. Run them side by side, in rounds
// that interleave the two (-count=N would run each N times in a row, and a
// shared machine's load drifts), and compare with benchstat:
//
//	for i in $(seq 10); do go test -run='^$' -bench=. -count=1 ./authflow/sqlstore/; done | tee bench.txt
//	go run golang.org/x/perf/cmd/benchstat@latest -col /impl bench.txt
//
// The PostgreSQL benchmarks need the server the tests use (see
// internal/dbtest).

// rawColumns are the columns the baselines read and write.
const rawColumns = "account_id, device_id, domain_id, pool_id, session_id, status, plan_name, title, return_url, required_email, factor_names, " +
	"first_seen_asn, first_seen_at_s, first_seen_at_ns, first_seen_city, first_seen_country_code, first_seen_ja4_fingerprint, " +
	"first_seen_lat, first_seen_long, first_seen_region_code, first_seen_remote_ip, first_seen_timezone, first_seen_user_agent, " +
	"last_seen_asn, last_seen_at_s, last_seen_at_ns, last_seen_city, last_seen_country_code, last_seen_ja4_fingerprint, " +
	"last_seen_lat, last_seen_long, last_seen_region_code, last_seen_remote_ip, last_seen_timezone, last_seen_user_agent"

// rawRow holds a row in plain values.
type rawRow struct {
	account, device, domain, pool, session []byte
	status, planName, title, returnURL     string
	requiredEmail                          sql.NullString
	factorNames                            string
	seen                                   [2]struct {
		asn, atS, atNS                        sql.NullInt64
		city, countryCode, ja4                sql.NullString
		lat, long                             sql.NullFloat64
		region, remoteIP, timezone, userAgent sql.NullString
	}
}

func (r *rawRow) dest() []any {
	d := []any{&r.account, &r.device, &r.domain, &r.pool, &r.session,
		&r.status, &r.planName, &r.title, &r.returnURL, &r.requiredEmail, &r.factorNames}
	for i := range r.seen {
		s := &r.seen[i]
		d = append(d, &s.asn, &s.atS, &s.atNS, &s.city, &s.countryCode, &s.ja4,
			&s.lat, &s.long, &s.region, &s.remoteIP, &s.timezone, &s.userAgent)
	}
	return d
}

// rawArgs returns the arguments of the baseline's INSERT for flow, the
// obvious way.
func rawArgs(flow *authflow.Authflow) []any {
	bin := func(b []byte, _ error) []byte { return b }
	args := []any{int64(flow.ID.Partition()), bin(flow.ID.MarshalBinary()), bin(flow.AccountID.MarshalBinary()),
		bin(flow.DeviceID.MarshalBinary()), bin(flow.DomainID.MarshalBinary()), bin(flow.PoolID.MarshalBinary()),
		bin(flow.SessionID.MarshalBinary()), string(flow.Status), flow.PlanName, flow.Title, flow.ReturnURL}
	if flow.RequiredEmail != nil {
		args = append(args, *flow.RequiredEmail)
	} else {
		args = append(args, nil)
	}
	names := `[]`
	if len(flow.FactorNames) > 0 {
		names = `["` + strings.Join(flow.FactorNames, `","`) + `"]` // the fixture's names need no escaping
	}
	args = append(args, names)
	for _, d := range []*interaction.Details{flow.FirstSeen, flow.LastSeen} {
		args = append(args, int64(d.ASN), d.At.Unix(), int64(d.At.Nanosecond()), d.City, d.CountryCode,
			d.JA4Fingerprint, d.LatLong[0], d.LatLong[1], d.RegionCode, d.RemoteIP.String(), d.Timezone, d.UserAgent)
	}
	return args
}

// rawUpsert is the baseline's INSERT.
func rawUpsert() string {
	cols := strings.Split(rawColumns, ", ")
	set := make([]string, len(cols))
	for i, c := range cols {
		set[i] = c + " = excluded." + c
	}
	return "INSERT INTO authflows (id_partition, id, " + rawColumns + ") VALUES (?" + strings.Repeat(", ?", 1+len(cols)) +
		") ON CONFLICT (id_partition, id) DO UPDATE SET " + strings.Join(set, ", ")
}

// benchEnv sets up each backend with the seed stored, for sub-benchmarks
// named db=<backend>.
func benchEach(b *testing.B, f func(b *testing.B, e *env, flow *authflow.Authflow)) {
	for _, be := range backends {
		b.Run("db="+be.name, func(b *testing.B) {
			e := be.setup(b)
			flow := examples.Authflow()
			if err := e.store.Put(context.Background(), flow); err != nil {
				b.Fatal(err)
			}
			f(b, e, flow)
		})
	}
}

func BenchmarkFetchAuthflow(b *testing.B) {
	benchEach(b, func(b *testing.B, e *env, flow *authflow.Authflow) {
		ctx := context.Background()
		b.Run("impl=sqlstore", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.store.FetchAuthflow(ctx, flow.ID); err != nil {
					b.Fatal(err)
				}
			}
		})
		// The same store with hooks that do nothing: what calling them
		// costs.
		hooked, err := sqlstore.New(e.db, e.dialect, append(slices.Clip(e.opts), sqlstore.WithHooks(sqlstore.Hooks{
			StatementStart: func(ctx context.Context, _ sqlstore.Statement) context.Context { return ctx },
			StatementDone:  func(context.Context, sqlstore.Statement, sqlstore.StatementInfo) {},
		}))...)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("impl=sqlstore_noop_hooks", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := hooked.FetchAuthflow(ctx, flow.ID); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("impl=raw", func(b *testing.B) {
			query := e.bind("SELECT " + rawColumns + " FROM authflows WHERE id_partition = ? AND id = ?")
			key, _ := flow.ID.MarshalBinary()
			var row rawRow
			dest := row.dest()
			b.ReportAllocs()
			for b.Loop() {
				if err := e.db.QueryRowContext(ctx, query, int64(flow.ID.Partition()), key).Scan(dest...); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}

func BenchmarkPut(b *testing.B) {
	benchEach(b, func(b *testing.B, e *env, flow *authflow.Authflow) {
		ctx := context.Background()
		b.Run("impl=sqlstore", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := e.store.Put(ctx, flow); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("impl=raw", func(b *testing.B) {
			query := e.bind(rawUpsert())
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.db.ExecContext(ctx, query, rawArgs(flow)...); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}
