package sqlstore_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/authflow/sqlstore"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/ids"
	"github.com/authflow-dev/authflow-go/interaction"
	"github.com/authflow-dev/authflow-go/internal/testutil"
)

// A fixture is a flow the suite stores and reads back.
type fixture struct {
	name string
	flow *authflow.Authflow
}

// withID returns the seed's ID with n as its randomness: an ID of its own
// for each fixture, in the seed's partition.
func withID(n int) ids.AuthflowID {
	seed := examples.Authflow().ID
	var r [10]byte
	r[8], r[9] = byte(n>>8), byte(n)
	p, err := ids.FromParts(seed.Timestamp(), seed.Partition(), r)
	if err != nil {
		panic(err)
	}
	return ids.FromPFID[ids.Authflow](p)
}

// fixtures returns the examples package's seed and variants, and flows at
// the edges of what each column holds, each under an ID of its own.
func fixtures() []fixture {
	fs := []fixture{{"seed", examples.Authflow()}}
	for _, v := range examples.Variants() {
		fs = append(fs, fixture{v.Name, v.Authflow})
	}
	edge := func(name string, change func(a *authflow.Authflow)) {
		a := examples.Authflow()
		change(a)
		fs = append(fs, fixture{name, a})
	}
	edge("nanoseconds", func(a *authflow.Authflow) {
		a.FirstSeen.At = interaction.UnixTime{Time: time.Unix(1234567890, 1).UTC()}
		a.LastSeen.At = interaction.UnixTime{Time: time.Unix(1234567890, 999_999_999).UTC()}
	})
	edge("extreme_times_and_numbers", func(a *authflow.Authflow) {
		a.FirstSeen.At = interaction.UnixTime{Time: time.Unix(-(1e18 - 1), 1).UTC()}
		a.LastSeen.At = interaction.UnixTime{Time: time.Unix(1e18-1, 999_999_999).UTC()}
		a.FirstSeen.ASN, a.LastSeen.ASN = 1, math.MaxUint32
		a.FirstSeen.LatLong = interaction.LatLong{-90, -180}
		a.LastSeen.LatLong = interaction.LatLong{90, 180}
	})
	edge("negative_zero_and_tiny_coordinates", func(a *authflow.Authflow) {
		a.FirstSeen.LatLong = interaction.LatLong{math.Copysign(0, -1), math.Copysign(0, -1)}
		a.LastSeen.LatLong = interaction.LatLong{5e-324, -math.SmallestNonzeroFloat64}
	})
	edge("ipv6", func(a *authflow.Authflow) {
		a.FirstSeen.RemoteIP = netip.MustParseAddr("2001:db8:85a3::8a2e:370:7334")
		a.LastSeen.RemoteIP = netip.MustParseAddr("::ffff:127.0.0.1")
	})
	edge("unicode", func(a *authflow.Authflow) {
		a.Title = "日本語 😀 e\u0301 \u202ertl\u202c \u2028\u2029 \t\"\\<>& \U0010FFFF"
		a.PlanName = "plän"
		a.FactorNames = authflow.FactorNames{"pass\x00word", "😀", "ünï\n"}
		a.FirstSeen.City, a.FirstSeen.RegionCode = "Zürich", "東京"
		a.LastSeen.UserAgent = "ua\r\nwith\x01controls\x7f"
	})
	edge("empty_strings_and_list", func(a *authflow.Authflow) {
		a.Title, a.ReturnURL = "", ""
		a.FactorNames = authflow.FactorNames{}
		a.FirstSeen.City, a.FirstSeen.RegionCode, a.FirstSeen.UserAgent = "", "", ""
	})
	for i := range fs {
		fs[i].flow.ID = withID(i + 1)
	}
	return fs
}

// normalized returns a copy of flow as a store gives it back: a nil
// factor_names list is the empty list, as the flow's JSON reads [].
func normalized(flow *authflow.Authflow) *authflow.Authflow {
	c := flow.Clone()
	if c.FactorNames == nil {
		c.FactorNames = authflow.FactorNames{}
	}
	return c
}

// serve answers GET for id with the handler over store, logging to logs (nil:
// nowhere).
func serve(t testing.TB, store authflow.Store, id ids.AuthflowID, logs *bytes.Buffer) *httptest.ResponseRecorder {
	t.Helper()
	var log *slog.Logger
	if logs != nil {
		log = slog.New(slog.NewTextHandler(logs, nil))
	}
	h, err := authflow.NewHandler(store, authflow.AllowAll{}, authflow.WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, authflow.PathPrefix+id.String(), nil)
	req.Header.Set("X-Request-Id", "sqlstore-test") // the same in every response compared
	h.ServeHTTP(rec, req)
	return rec
}

// sameResponse checks that two responses have the same status, headers and
// body bytes.
func sameResponse(t *testing.T, what string, got, want *httptest.ResponseRecorder) {
	t.Helper()
	if got.Code != want.Code {
		t.Errorf("%s: status %d, want %d", what, got.Code, want.Code)
	}
	if diff := cmp.Diff(want.Header(), got.Header()); diff != "" {
		t.Errorf("%s: headers differ (-memory +sql):\n%s", what, diff)
	}
	if !bytes.Equal(got.Body.Bytes(), want.Body.Bytes()) {
		t.Errorf("%s: body\n%s\nwant (memory store's)\n%s", what, got.Body, want.Body)
	}
}

// TestRoundTrip puts every fixture, reads each back equal, and checks that
// the handler answers each with the bytes it answers over a MemoryStore.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		fs := fixtures()
		mem, err := authflow.NewMemoryStore()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if err := f.flow.Validate(); err != nil {
				t.Fatalf("%s: the fixture does not validate: %v", f.name, err)
			}
			if err := e.store.Put(ctx, f.flow); err != nil {
				t.Fatalf("%s: Put: %v", f.name, err)
			}
			if err := mem.Put(f.flow); err != nil {
				t.Fatal(err)
			}
		}
		for _, f := range fs {
			got, err := e.store.FetchAuthflow(ctx, f.flow.ID)
			if err != nil {
				t.Errorf("%s: FetchAuthflow: %v", f.name, err)
				continue
			}
			if diff := cmp.Diff(normalized(f.flow), got, testutil.CmpOptions); diff != "" {
				t.Errorf("%s: fetched flow differs (-put +fetched):\n%s", f.name, diff)
			}
			sameResponse(t, f.name, serve(t, e.store, f.flow.ID, nil), serve(t, mem, f.flow.ID, nil))
		}
		if n := e.count(t, "authflows"); n != len(fs) {
			t.Errorf("%d rows, want %d", n, len(fs))
		}
	})
}

// TestReplace puts each variant over the seed under one ID: each Put
// replaces the whole row.
func TestReplace(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		seed := examples.Authflow()
		if err := e.store.Put(ctx, seed); err != nil {
			t.Fatal(err)
		}
		for _, v := range append(examples.Variants(), examples.Variant{Name: "seed again", Authflow: seed}) {
			if err := e.store.Put(ctx, v.Authflow); err != nil {
				t.Fatalf("%s: %v", v.Name, err)
			}
			got, err := e.store.FetchAuthflow(ctx, seed.ID)
			if err != nil {
				t.Fatalf("%s: %v", v.Name, err)
			}
			if diff := cmp.Diff(v.Authflow, got, testutil.CmpOptions); diff != "" {
				t.Errorf("%s: (-put +fetched):\n%s", v.Name, diff)
			}
			if n := e.count(t, "authflows"); n != 1 {
				t.Fatalf("%s: %d rows, want 1", v.Name, n)
			}
		}
	})
}

// TestNullAndEmpty checks what only raw SQL can write, as a newer or another
// writer might: an empty required_email (which validation refuses) stays
// "", not null, and a status this version does not know comes back as it
// is (the handler then answers 500, as for any flow that fails validation).
func TestNullAndEmpty(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		flow := examples.Authflow()
		if err := e.store.Put(ctx, flow); err != nil {
			t.Fatal(err)
		}
		key, _ := flow.ID.MarshalBinary()
		e.exec(t, "UPDATE authflows SET required_email = ?, status = ? WHERE id = ?", "", "paused", key)
		got, err := e.store.FetchAuthflow(ctx, flow.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.RequiredEmail == nil || *got.RequiredEmail != "" {
			t.Errorf("required_email: got %v, want a pointer to \"\"", got.RequiredEmail)
		}
		if got.Status != "paused" {
			t.Errorf("status: got %q, want the unknown status kept", got.Status)
		}
		if rec := serve(t, e.store, flow.ID, nil); rec.Code != http.StatusInternalServerError {
			t.Errorf("serving a flow with an unknown status: %d", rec.Code)
		}

		e.exec(t, "UPDATE authflows SET required_email = NULL WHERE id = ?", key)
		if got, err = e.store.FetchAuthflow(ctx, flow.ID); err != nil || got.RequiredEmail != nil {
			t.Errorf("required_email NULL: got %v, %v; want nil", got.RequiredEmail, err)
		}
	})
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		id := withID(999)
		// The bare code, which the handler sends with its description.
		if _, err := e.store.FetchAuthflow(ctx, id); err != error(apierrors.NotFound) {
			t.Errorf("FetchAuthflow of an unknown ID: %v, want apierrors.NotFound", err)
		}
		if err := e.store.Delete(ctx, id); err != error(apierrors.NotFound) {
			t.Errorf("Delete of an unknown ID: %v, want apierrors.NotFound", err)
		}
		empty, err := authflow.NewMemoryStore()
		if err != nil {
			t.Fatal(err)
		}
		sameResponse(t, "unknown ID", serve(t, e.store, id, nil), serve(t, empty, id, nil))

		// Put, Delete, and it is gone.
		flow := examples.Authflow()
		if err := e.store.Put(ctx, flow); err != nil {
			t.Fatal(err)
		}
		if err := e.store.Delete(ctx, flow.ID); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if _, err := e.store.FetchAuthflow(ctx, flow.ID); err != error(apierrors.NotFound) {
			t.Errorf("after Delete: %v", err)
		}
		// Another ID in the same partition, or the same randomness in
		// another partition, is another flow.
		if err := e.store.Put(ctx, flow); err != nil {
			t.Fatal(err)
		}
		r := flow.ID.Randomness()
		other, _ := ids.FromParts(flow.ID.Timestamp(), flow.ID.Partition()+1, r)
		if _, err := e.store.FetchAuthflow(ctx, ids.FromPFID[ids.Authflow](other)); err != error(apierrors.NotFound) {
			t.Errorf("same randomness, another partition: %v", err)
		}
	})
}

// TestPutRefusesInvalid checks that an invalid flow returns its validation
// error and writes nothing.
func TestPutRefusesInvalid(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		flow := examples.Authflow()
		flow.FirstSeen.CountryCode = "au"
		flow.PlanName = ""
		want := flow.Validate()
		err := e.store.Put(ctx, flow)
		if err == nil || err.Error() != want.Error() {
			t.Fatalf("Put of an invalid flow: %v, want %v", err, want)
		}
		if e := testutil.APIError(t, err); !e.IsReport() || e.Code() != apierrors.InvalidValue || len(e.Problems()) != 2 {
			t.Errorf("Put's error: code %s, %d problems, report %v", e.Code(), len(e.Problems()), e.IsReport())
		}
		if err := e.store.Put(ctx, nil); err == nil {
			t.Error("Put(nil) succeeded")
		}
		if n := e.count(t, "authflows"); n != 0 {
			t.Errorf("%d rows written", n)
		}
	})
}

// TestText checks the text each dialect refuses: invalid UTF-8 everywhere,
// U+0000 on PostgreSQL (outside factor_names, whose JSON escapes it), which
// SQLite keeps.
func TestText(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		flow := examples.Authflow()
		flow.Title = "bad \xff byte"
		flow.FactorNames = authflow.FactorNames{"ok", "bad \xc3"}
		err := e.store.Put(ctx, flow)
		if err == nil {
			t.Fatal("Put of invalid UTF-8 succeeded")
		}
		var paths []string
		for _, p := range testutil.APIError(t, err).Problems() {
			if p.Rule != apierrors.RuleUTF8 {
				t.Errorf("problem %v: rule %s, want utf8", p, p.Rule)
			}
			paths = append(paths, p.Path)
		}
		if diff := cmp.Diff([]string{"title", "factor_names[1]"}, paths); diff != "" {
			t.Errorf("problem paths (-want +got):\n%s", diff)
		}
		if n := e.count(t, "authflows"); n != 0 {
			t.Errorf("%d rows written", n)
		}

		flow = examples.Authflow()
		flow.Title = "nul \x00 inside"
		flow.LastSeen.UserAgent = "\x00"
		err = e.store.Put(ctx, flow)
		if e.dialect == sqlstore.Postgres {
			var paths []string
			if err != nil {
				for _, p := range testutil.APIError(t, err).Problems() {
					paths = append(paths, p.Path)
				}
			}
			if diff := cmp.Diff([]string{"title", "last_seen.user_agent"}, paths); diff != "" {
				t.Errorf("U+0000 on PostgreSQL: %v; problem paths (-want +got):\n%s", err, diff)
			}
			return
		}
		if err != nil {
			t.Fatalf("U+0000 on SQLite: %v", err)
		}
		got, err := e.store.FetchAuthflow(ctx, flow.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(flow, got, testutil.CmpOptions); diff != "" {
			t.Errorf("U+0000 on SQLite (-put +fetched):\n%s", diff)
		}
	})
}

// genericBody is what the handler answers to any failure it hides.
const genericBody = `{"status":"error","code":"unexpected","message":"internal server error"}`

// TestCorruptRow writes rows that cannot be decoded with raw SQL (invalid
// UTF-8 in any text column among them) and checks that each is a 500
// through the handler, with nothing of the row in the
// response and the column named in the log.
func TestCorruptRow(t *testing.T) {
	t.Parallel()
	badPartition := make([]byte, 20)
	badPartition[6] = 0xc0
	cases := []struct {
		name, column string
		value        any
		sqliteOnly   bool // PostgreSQL's types refuse the value
	}{
		{"short ID", "account_id", []byte("SECRET-19-bytes-id!"), false},
		{"ID with the partition's top bits set", "device_id", badPartition, false},
		{"remote_ip not an address", "first_seen_remote_ip", "SECRET<script>", false},
		{"factor_names not JSON", "factor_names", "SECRET,totp", false},
		{"factor_names null", "factor_names", "null", false},
		{"factor_names not strings", "factor_names", `["SECRET",1]`, false},
		{"factor_names trailing text", "factor_names", `["SECRET"] x`, false},
		{"factor_names repeated key", "factor_names", `{"a":1,"a":2}`, false},
		{"factor_names invalid UTF-8", "factor_names", "[\"SECRET\xff\"]", true},
		{"snapshot partly NULL", "last_seen_city", nil, false},
		{"at_ns out of range", "first_seen_at_ns", int64(1e9), false},
		{"at_ns negative", "first_seen_at_ns", int64(-1), false},
		{"asn negative", "first_seen_asn", int64(-1), false},
		{"asn beyond 32 bits", "last_seen_asn", int64(1) << 32, false},
		{"text in an integer column", "first_seen_at_s", "SECRET", true},
	}
	// Invalid UTF-8 in each text column, which SQLite keeps as it is given
	// (PostgreSQL refuses the bytes in a UTF8 database, as the test
	// server's is, so only SQLite can hold such a row here).
	for _, column := range []string{"status", "plan_name", "title", "return_url", "required_email",
		"first_seen_city", "first_seen_country_code", "first_seen_ja4_fingerprint", "first_seen_region_code",
		"first_seen_remote_ip", "first_seen_timezone", "last_seen_user_agent"} {
		cases = append(cases, struct {
			name, column string
			value        any
			sqliteOnly   bool
		}{column + " invalid UTF-8", column, "SECRET \xff\xfe", true})
	}
	forEach(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		flow := examples.Authflow()
		key, _ := flow.ID.MarshalBinary()
		for _, c := range cases {
			if c.sqliteOnly && e.dialect != sqlstore.SQLite {
				continue
			}
			if err := e.store.Put(ctx, flow); err != nil {
				t.Fatal(err)
			}
			e.exec(t, "UPDATE authflows SET "+c.column+" = ? WHERE id = ?", c.value, key)
			_, err := e.store.FetchAuthflow(ctx, flow.ID)
			if err == nil || errors.Is(err, apierrors.NotFound) {
				t.Errorf("%s: FetchAuthflow: %v, want an error", c.name, err)
				continue
			}
			var logs bytes.Buffer
			rec := serve(t, e.store, flow.ID, &logs)
			if rec.Code != http.StatusInternalServerError || rec.Body.String() != genericBody {
				t.Errorf("%s: answered %d %s, want 500 %s", c.name, rec.Code, rec.Body, genericBody)
			}
			if strings.Contains(rec.Body.String(), "SECRET") ||
				!strings.Contains(genericBody, c.column) && strings.Contains(rec.Body.String(), c.column) {
				t.Errorf("%s: the response tells of the row: %s", c.name, rec.Body)
			}
			if !strings.Contains(logs.String(), "sqlstore: row "+flow.ID.String()) {
				t.Errorf("%s: the log does not name the row:\n%s", c.name, logs.String())
			}
			if !strings.Contains(logs.String(), c.column) {
				t.Errorf("%s: the log does not name the column %s:\n%s", c.name, c.column, logs.String())
			}
		}
	})
}

// TestConcurrency has 8 goroutines put, fetch and delete the same few IDs,
// 1,000 operations each, alternating two versions of each flow: the only
// error is not-found, and every fetch returns one version whole.
func TestConcurrency(t *testing.T) {
	t.Parallel()
	const goroutines, operations, flows = 8, 1000, 4
	forEach(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		versions := make([][2]*authflow.Authflow, flows)
		variants := examples.Variants()
		for i := range versions {
			a, b := examples.Authflow(), variants[8].Authflow.Clone() // ipv6_remote_ip
			b.Title, b.FirstSeen, b.RequiredEmail = "version B", nil, nil
			a.ID, b.ID = withID(100+i), withID(100+i)
			versions[i] = [2]*authflow.Authflow{a, b}
		}
		var (
			wg     sync.WaitGroup
			mu     sync.Mutex
			errs   []string
			counts [4]int // puts, fetches found, fetches not found, deletes
		)
		fail := func(format string, args ...any) {
			mu.Lock()
			defer mu.Unlock()
			if len(errs) < 10 {
				errs = append(errs, fmt.Sprintf(format, args...))
			}
		}
		for g := range goroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var local [4]int
				rng := rand.New(rand.NewPCG(uint64(g), 1))
				for range operations {
					v := versions[rng.IntN(flows)]
					switch rng.IntN(3) {
					case 0:
						if err := e.store.Put(ctx, v[rng.IntN(2)]); err != nil {
							fail("put: %v", err)
						}
						local[0]++
					case 1:
						got, err := e.store.FetchAuthflow(ctx, v[0].ID)
						switch {
						case errors.Is(err, apierrors.NotFound):
							local[2]++
						case err != nil:
							fail("fetch: %v", err)
						case !cmp.Equal(got, v[0], testutil.CmpOptions) && !cmp.Equal(got, v[1], testutil.CmpOptions):
							fail("fetch returned neither version:\n%s", cmp.Diff(v[0], got, testutil.CmpOptions))
						default:
							local[1]++
						}
					case 2:
						if err := e.store.Delete(ctx, v[0].ID); err != nil && !errors.Is(err, apierrors.NotFound) {
							fail("delete: %v", err)
						}
						local[3]++
					}
				}
				mu.Lock()
				for i := range counts {
					counts[i] += local[i]
				}
				mu.Unlock()
			}()
		}
		wg.Wait()
		for _, msg := range errs {
			t.Error(msg)
		}
		t.Logf("%d puts, %d fetches found a flow, %d found none, %d deletes", counts[0], counts[1], counts[2], counts[3])
		if counts[1] == 0 || counts[2] == 0 {
			t.Errorf("the operations did not interleave: %v", counts)
		}
	})
}

// TestContext checks that every method stops with a cancelled context.
func TestContext(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e *env) {
		flow := examples.Authflow()
		if err := e.store.Put(context.Background(), flow); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := e.store.FetchAuthflow(ctx, flow.ID); !errors.Is(err, context.Canceled) {
			t.Errorf("FetchAuthflow: %v", err)
		}
		if err := e.store.Put(ctx, flow); !errors.Is(err, context.Canceled) {
			t.Errorf("Put: %v", err)
		}
		if err := e.store.Delete(ctx, flow.ID); !errors.Is(err, context.Canceled) {
			t.Errorf("Delete: %v", err)
		}
		if err := e.store.Migrate(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("Migrate: %v", err)
		}
		// A new store's first calls, too.
		fresh := e.newStore(t, e.db)
		if _, err := fresh.FetchAuthflow(ctx, flow.ID); !errors.Is(err, context.Canceled) {
			t.Errorf("FetchAuthflow, first call: %v", err)
		}
		if _, err := fresh.FetchAuthflow(context.Background(), flow.ID); err != nil {
			t.Errorf("FetchAuthflow after a cancelled first call: %v", err)
		}
	})
}

func TestNew(t *testing.T) {
	t.Parallel()
	db := &sql.DB{}
	for _, c := range []struct {
		name    string
		db      *sql.DB
		dialect sqlstore.Dialect
		opts    []sqlstore.Option
	}{
		{"nil db", nil, sqlstore.SQLite, nil},
		{"no dialect", db, 0, nil},
		{"unknown dialect", db, 3, nil},
		{"partitions on SQLite", db, sqlstore.SQLite, []sqlstore.Option{sqlstore.WithHashPartitions(4)}},
		{"no partitions", db, sqlstore.Postgres, []sqlstore.Option{sqlstore.WithHashPartitions(0)}},
		{"too many partitions", db, sqlstore.Postgres, []sqlstore.Option{sqlstore.WithHashPartitions(sqlstore.MaxHashPartitions + 1)}},
		{"Citus on SQLite", db, sqlstore.SQLite, []sqlstore.Option{sqlstore.WithCitus()}},
		{"Citus and partitions", db, sqlstore.Postgres, []sqlstore.Option{sqlstore.WithCitus(), sqlstore.WithHashPartitions(4)}},
	} {
		if s, err := sqlstore.New(c.db, c.dialect, c.opts...); err == nil || s != nil {
			t.Errorf("%s: New succeeded", c.name)
		}
	}
	if got := sqlstore.Postgres.String() + " " + sqlstore.SQLite.String() + " " + sqlstore.Dialect(0).String(); got != "postgres sqlite Dialect(0)" {
		t.Errorf("String: %q", got)
	}
}
