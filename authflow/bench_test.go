package authflow_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/examples"
)

// The benchmarks pair each operation with its baseline in the same run, as
// sub-benchmarks impl=<name>, so that benchstat shows them side by side:
//
//	go test -run='^$' -bench=. -count=10 ./authflow > out.txt
//	benchstat -col /impl out.txt
//
// BenchmarkPaired runs the same pairs again, alternating the two sides in
// runs of a few operations, so that both see the same state of a shared,
// noisy machine, and reports the ratio of their times (x-naive) beside
// each side's time per operation.
//
// The baseline, "naive", is the same data as a plain struct of strings and
// float64s with json tags, through encoding/json.

// naiveAuthflow is the seed summary as the plain struct a user would write
// for encoding/json, with the keys in the same order.
type naiveAuthflow struct {
	AccountID     string        `json:"account_id"`
	DeviceID      string        `json:"device_id"`
	DomainID      string        `json:"domain_id"`
	FactorNames   []string      `json:"factor_names"`
	FirstSeen     *naiveDetails `json:"first_seen"`
	ID            string        `json:"id"`
	LastSeen      *naiveDetails `json:"last_seen"`
	PlanName      string        `json:"plan_name"`
	PoolID        string        `json:"pool_id"`
	RequiredEmail *string       `json:"required_email"`
	ReturnURL     string        `json:"return_url"`
	SessionID     string        `json:"session_id"`
	Status        string        `json:"status"`
	Title         string        `json:"title"`
	Type          string        `json:"type"`
}

type naiveDetails struct {
	ASN            float64    `json:"asn"`
	At             float64    `json:"at"`
	City           string     `json:"city"`
	CountryCode    string     `json:"country_code"`
	JA4Fingerprint string     `json:"ja4_fingerprint"`
	LatLong        [2]float64 `json:"lat_long"`
	RegionCode     string     `json:"region_code"`
	RemoteIP       string     `json:"remote_ip"`
	Timezone       string     `json:"timezone"`
	UserAgent      string     `json:"user_agent"`
}

type naiveFetchResponse struct {
	Status  string         `json:"status"`
	Summary *naiveAuthflow `json:"summary"`
}

// naiveSeed returns the seed envelope as the naive struct, decoded from the
// same bytes.
func naiveSeed(b *testing.B) *naiveFetchResponse {
	var n naiveFetchResponse
	if err := json.Unmarshal(examples.FetchResponseJSON(), &n); err != nil {
		b.Fatal(err)
	}
	return &n
}

// A page of flows in a user's struct, and its naive twin.
type (
	userPage struct {
		Flows []authflow.Authflow `json:"flows"`
		Next  string              `json:"next"`
	}
	naivePage struct {
		Flows []naiveAuthflow `json:"flows"`
		Next  string          `json:"next"`
	}
)

var (
	sinkBytes []byte
	sinkErr   error
	sinkFlow  *authflow.Authflow
)

// BenchmarkMarshal: json.Marshal of the seed envelope, each by pointer.
func BenchmarkMarshal(b *testing.B) {
	resp := &authflow.FetchResponse{Summary: examples.Authflow()}
	naive := naiveSeed(b)
	b.Run("impl=authflow", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkBytes, sinkErr = json.Marshal(resp)
		}
	})
	b.Run("impl=naive", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkBytes, sinkErr = json.Marshal(naive)
		}
	})
}

// pages returns a user's page of 100 copies of the seed flow, and its
// naive twin.
func pages(b *testing.B) (userPage, naivePage) {
	page, naive := userPage{Next: "cursor"}, naivePage{Next: "cursor"}
	for range 100 {
		page.Flows = append(page.Flows, *examples.Authflow())
		naive.Flows = append(naive.Flows, *naiveSeed(b).Summary)
	}
	return page, naive
}

// BenchmarkMarshalPage: json.Marshal of a user's struct holding 100 flows.
func BenchmarkMarshalPage(b *testing.B) {
	page, naive := pages(b)
	b.Run("impl=authflow", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkBytes, sinkErr = json.Marshal(page)
		}
	})
	b.Run("impl=naive", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkBytes, sinkErr = json.Marshal(naive)
		}
	})
}

// BenchmarkUnmarshal: json.Unmarshal of the seed envelope.
func BenchmarkUnmarshal(b *testing.B) {
	body := examples.FetchResponseJSON()
	b.Run("impl=authflow", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var resp authflow.FetchResponse
			sinkErr = json.Unmarshal(body, &resp)
		}
	})
	b.Run("impl=naive", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var resp naiveFetchResponse
			sinkErr = json.Unmarshal(body, &resp)
		}
	})
}

// BenchmarkAppend: the fast encoder into a reused buffer, beside
// json.Marshal of the naive struct.
func BenchmarkAppend(b *testing.B) {
	flow := examples.Authflow()
	naive := naiveSeed(b)
	buf := make([]byte, 0, 4096)
	b.Run("impl=append", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buf, sinkErr = authflow.AppendFetchResponse(buf[:0], flow)
		}
	})
	b.Run("impl=naive", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkBytes, sinkErr = json.Marshal(naive)
		}
	})
}

// BenchmarkDecode: the strict decoder, beside json.Unmarshal into the naive
// struct.
func BenchmarkDecode(b *testing.B) {
	body := examples.FetchResponseJSON()
	b.Run("impl=decode", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			sinkFlow, sinkErr = authflow.DecodeFetchResponse(body)
		}
	})
	b.Run("impl=naive", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var resp naiveFetchResponse
			sinkErr = json.Unmarshal(body, &resp)
		}
	})
}

// BenchmarkValidate: Authflow.Validate of the (valid) seed, beside
// json.Marshal of the naive struct.
func BenchmarkValidate(b *testing.B) {
	flow := examples.Authflow()
	naive := naiveSeed(b)
	b.Run("impl=validate", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkErr = flow.Validate()
		}
	})
	b.Run("impl=naive", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkBytes, sinkErr = json.Marshal(naive)
		}
	})
}

// BenchmarkPaired: each operation beside its baseline, alternating in runs
// of a few operations within one benchmark (see the comment at the top).
func BenchmarkPaired(b *testing.B) {
	body := examples.FetchResponseJSON()
	resp := &authflow.FetchResponse{Summary: examples.Authflow()}
	naive := naiveSeed(b)
	page, naivePg := pages(b)
	buf := make([]byte, 0, 4096)
	marshalNaive := func() { sinkBytes, sinkErr = json.Marshal(naive) }
	unmarshalNaive := func() {
		var v naiveFetchResponse
		sinkErr = json.Unmarshal(body, &v)
	}
	for _, p := range []struct {
		name      string
		run       int
		lib, base func()
	}{
		{"marshal", 16, func() { sinkBytes, sinkErr = json.Marshal(resp) }, marshalNaive},
		{"page", 1, func() { sinkBytes, sinkErr = json.Marshal(page) }, func() { sinkBytes, sinkErr = json.Marshal(naivePg) }},
		{"unmarshal", 4, func() {
			var v authflow.FetchResponse
			sinkErr = json.Unmarshal(body, &v)
		}, unmarshalNaive},
		{"append", 16, func() { buf, sinkErr = authflow.AppendFetchResponse(buf[:0], resp.Summary) }, marshalNaive},
		{"decode", 4, func() { sinkFlow, sinkErr = authflow.DecodeFetchResponse(body) }, unmarshalNaive},
	} {
		b.Run("op="+p.name, func(b *testing.B) { paired(b, p.run, p.lib, p.base) })
	}
}

// paired times run calls of lib and run calls of base in each iteration,
// taking turns at going first, and reports lib's time per call as ns/op,
// base's as naive-ns/op, and their ratio as x-naive.
func paired(b *testing.B, run int, lib, base func()) {
	var libTime, baseTime time.Duration
	timed := func(f func()) time.Duration {
		start := time.Now()
		for range run {
			f()
		}
		return time.Since(start)
	}
	for i := 0; b.Loop(); i++ {
		if i%2 == 0 {
			libTime += timed(lib)
			baseTime += timed(base)
		} else {
			baseTime += timed(base)
			libTime += timed(lib)
		}
	}
	calls := float64(b.N * run)
	b.ReportMetric(float64(libTime.Nanoseconds())/calls, "ns/op")
	b.ReportMetric(float64(baseTime.Nanoseconds())/calls, "naive-ns/op")
	b.ReportMetric(float64(libTime)/float64(baseTime), "x-naive")
}
