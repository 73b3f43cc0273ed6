package ids

import (
	"encoding/csv"
	"encoding/hex"
	"errors"
	"os"
	"strconv"
	"testing"
)

// fixture is one row of testdata/pfid_fixtures.csv, the reference
// implementations' shared vectors.
type fixture struct {
	timestamp  uint64
	partition  uint32
	randomness [10]byte
	text       string
}

// loadFixtures reads the conformance vectors.
func loadFixtures(tb testing.TB) []fixture {
	tb.Helper()
	f, err := os.Open("testdata/pfid_fixtures.csv")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	if got, want := rows[0], []string{"timestamp", "partition", "randomness_hex", "pfid"}; len(got) != 4 ||
		got[0] != want[0] || got[1] != want[1] || got[2] != want[2] || got[3] != want[3] {
		tb.Fatalf("header = %q, want %q", got, want)
	}
	var out []fixture
	for i, row := range rows[1:] {
		ts, err := strconv.ParseUint(row[0], 10, 64)
		if err != nil {
			tb.Fatalf("row %d: timestamp: %v", i+2, err)
		}
		part, err := strconv.ParseUint(row[1], 10, 32)
		if err != nil {
			tb.Fatalf("row %d: partition: %v", i+2, err)
		}
		r, err := hex.DecodeString(row[2])
		if err != nil || len(r) != 10 {
			tb.Fatalf("row %d: randomness %q: %v", i+2, row[2], err)
		}
		fx := fixture{timestamp: ts, partition: uint32(part), text: row[3]}
		copy(fx.randomness[:], r)
		out = append(out, fx)
	}
	return out
}

func TestConformance(t *testing.T) {
	t.Parallel()
	fixtures := loadFixtures(t)
	if len(fixtures) != 1231 {
		t.Fatalf("read %d vectors, want the reference implementations' 1,231", len(fixtures))
	}
	for i, fx := range fixtures {
		p, err := FromParts(fx.timestamp, fx.partition, fx.randomness)
		if err != nil {
			t.Errorf("row %d: FromParts(%d, %d, %x): %v", i+2, fx.timestamp, fx.partition, fx.randomness, err)
			continue
		}
		if got := p.String(); got != fx.text {
			t.Errorf("row %d: FromParts(%d, %d, %x).String() = %q, want %q", i+2, fx.timestamp, fx.partition, fx.randomness, got, fx.text)
		}

		q, err := ParsePFID(fx.text)
		if err != nil {
			t.Errorf("row %d: ParsePFID(%q): %v", i+2, fx.text, err)
			continue
		}
		if q.Timestamp() != fx.timestamp || q.Partition() != fx.partition || q.Randomness() != fx.randomness {
			t.Errorf("row %d: ParsePFID(%q) = (%d, %d, %x), want (%d, %d, %x)", i+2, fx.text,
				q.Timestamp(), q.Partition(), q.Randomness(), fx.timestamp, fx.partition, fx.randomness)
		}
		if q != p {
			t.Errorf("row %d: ParsePFID(%q) != FromParts of the same parts", i+2, fx.text)
		}
		if got := q.Time().UnixMilli(); uint64(got) != fx.timestamp {
			t.Errorf("row %d: Time().UnixMilli() = %d, want %d", i+2, got, fx.timestamp)
		}
	}
}

// TestCompareMatchesText checks that Compare orders IDs as their text sorts,
// over every pair of adjacent conformance vectors and each vector with itself.
func TestCompareMatchesText(t *testing.T) {
	t.Parallel()
	fixtures := loadFixtures(t)
	sign := func(a, b string) int {
		switch {
		case a < b:
			return -1
		case a > b:
			return 1
		}
		return 0
	}
	for i := range fixtures {
		a := MustParsePFID(fixtures[i].text)
		if got := a.Compare(a); got != 0 {
			t.Errorf("%s.Compare(itself) = %d", a, got)
		}
		for _, j := range []int{i - 1, i + 1, len(fixtures) - 1 - i} {
			if j < 0 || j >= len(fixtures) {
				continue
			}
			b := MustParsePFID(fixtures[j].text)
			if got, want := a.Compare(b), sign(fixtures[i].text, fixtures[j].text); got != want {
				t.Errorf("%s.Compare(%s) = %d, want %d", a, b, got, want)
			}
		}
	}
}

func TestFromPartsRange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ts   uint64
		part uint32
		ok   bool
	}{
		{MaxTimestamp, MaxPartition, true},
		{MaxTimestamp + 1, 0, false},
		{1 << 63, 0, false},
		{0, MaxPartition + 1, false},
		{0, 1<<32 - 1, false},
	}
	for _, tt := range tests {
		_, err := FromParts(tt.ts, tt.part, [10]byte{})
		if tt.ok && err != nil {
			t.Errorf("FromParts(%d, %d): %v", tt.ts, tt.part, err)
		}
		if !tt.ok && !errors.Is(err, ErrRange) {
			t.Errorf("FromParts(%d, %d) error = %v, want ErrRange", tt.ts, tt.part, err)
		}
	}
}
