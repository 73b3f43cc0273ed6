package ids

import (
	"bytes"
	"database/sql"
	"database/sql/driver"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// Compile-time checks that both PFID and the typed IDs implement the
// encoding, fmt and database/sql interfaces, with value receivers for every
// encoder.
var (
	_ encoding.TextMarshaler     = PFID{}
	_ encoding.TextAppender      = PFID{}
	_ encoding.BinaryMarshaler   = PFID{}
	_ encoding.BinaryAppender    = PFID{}
	_ driver.Valuer              = PFID{}
	_ fmt.Stringer               = PFID{}
	_ encoding.TextUnmarshaler   = (*PFID)(nil)
	_ encoding.BinaryUnmarshaler = (*PFID)(nil)
	_ sql.Scanner                = (*PFID)(nil)

	_ encoding.TextMarshaler     = AuthflowID{}
	_ encoding.TextAppender      = AuthflowID{}
	_ encoding.BinaryMarshaler   = AuthflowID{}
	_ encoding.BinaryAppender    = AuthflowID{}
	_ driver.Valuer              = AuthflowID{}
	_ fmt.Stringer               = AuthflowID{}
	_ encoding.TextUnmarshaler   = (*AuthflowID)(nil)
	_ encoding.BinaryUnmarshaler = (*AuthflowID)(nil)
	_ sql.Scanner                = (*AuthflowID)(nil)
)

func TestKindsAreDistinct(t *testing.T) {
	t.Parallel()
	types := []reflect.Type{
		reflect.TypeFor[AccountID](), reflect.TypeFor[AuthflowID](), reflect.TypeFor[DeviceID](),
		reflect.TypeFor[DomainID](), reflect.TypeFor[PoolID](), reflect.TypeFor[SessionID](),
	}
	names := []string{"account", "authflow", "device", "domain", "pool", "session"}
	for i, a := range types {
		if got := reflect.Zero(a).Interface().(interface{ KindName() string }).KindName(); got != names[i] {
			t.Errorf("%v.KindName() = %q, want %q", a, got, names[i])
		}
		if a.Size() != BinaryLen {
			t.Errorf("%v is %d bytes, want %d", a, a.Size(), BinaryLen)
		}
		if !a.Comparable() {
			t.Errorf("%v is not comparable", a)
		}
		for j, b := range types {
			if i != j && (a.AssignableTo(b) || a.ConvertibleTo(b)) {
				t.Errorf("%v can be assigned or converted to %v", a, b)
			}
		}
	}
}

func TestTextForms(t *testing.T) {
	t.Parallel()
	id := MustParse[Authflow](example)
	if got := fmt.Sprintf("%s|%v|%+v", id, id, id); got != example+"|"+example+"|"+example {
		t.Errorf("fmt = %q", got)
	}
	if got := fmt.Sprintf("%v", id.PFID()); got != example {
		t.Errorf("fmt PFID = %q", got)
	}
	text, _ := id.MarshalText()
	app, _ := id.AppendText([]byte("x:"))
	if string(text) != example || string(app) != "x:"+example {
		t.Errorf("MarshalText = %q, AppendText = %q", text, app)
	}
	var back AuthflowID
	if err := back.UnmarshalText(text); err != nil || back != id {
		t.Errorf("UnmarshalText(%q) = %v, %v", text, back, err)
	}
	if z := (AuthflowID{}); z.String() != "00000000000000000000000000000000" || !z.IsZero() || id.IsZero() {
		t.Errorf("zero ID: %q IsZero=%v; example IsZero=%v", z, z.IsZero(), id.IsZero())
	}
}

func TestJSON(t *testing.T) {
	t.Parallel()
	type doc struct {
		ID      AuthflowID   `json:"id"`
		Account AccountID    `json:"account_id"`
		Ptr     *SessionID   `json:"session_id"`
		Raw     PFID         `json:"raw"`
		Map     map[PFID]int `json:"map"`
	}
	sid := MustParse[Session]("013xrzp12g3nqk8n55ng0qwnq3t8fedc")
	in := doc{
		ID:      MustParse[Authflow](example),
		Account: MustParse[Account]("013xrzp12g3nqk8n505tp6wqnscpdy8q"),
		Ptr:     &sid,
		Raw:     MustParsePFID(example),
		Map:     map[PFID]int{MustParsePFID(example): 1},
	}
	want := `{"id":"013xrzp12g3nqk8nqprv12gz6v99a2v4","account_id":"013xrzp12g3nqk8n505tp6wqnscpdy8q",` +
		`"session_id":"013xrzp12g3nqk8n55ng0qwnq3t8fedc","raw":"013xrzp12g3nqk8nqprv12gz6v99a2v4",` +
		`"map":{"013xrzp12g3nqk8nqprv12gz6v99a2v4":1}}`
	for _, v := range []any{in, &in} { // value receivers: both forms work
		got, err := json.Marshal(v)
		if err != nil || string(got) != want {
			t.Errorf("json.Marshal(%T) = %s, %v\nwant %s", v, got, err, want)
		}
	}
	var out doc
	if err := json.Unmarshal([]byte(want), &out); err != nil {
		t.Fatal(err)
	}
	if out.ID != in.ID || out.Account != in.Account || *out.Ptr != sid || out.Raw != in.Raw || out.Map[in.Raw] != 1 {
		t.Errorf("round trip = %+v, want %+v", out, in)
	}

	// Errors name the kind and the reason.
	err := json.Unmarshal([]byte(`{"id":"013XRZP12G3NQK8NQPRV12GZ6V99A2V4"}`), &out)
	if !errors.Is(err, ErrUppercase) || !strings.Contains(err.Error(), "invalid authflow ID: uppercase character 'X' at index 3") {
		t.Errorf("uppercase authflow ID: %v", err)
	}
	err = json.Unmarshal([]byte(`{"account_id":"013xrzp12g3nqk8n505tp6wqnscpdy8"}`), &out)
	if !errors.Is(err, ErrLength) || !strings.Contains(err.Error(), "invalid account ID: length 31") {
		t.Errorf("short account ID: %v", err)
	}
	err = json.Unmarshal([]byte(`{"id":42}`), &out)
	if err == nil {
		t.Errorf("a JSON number decoded as an ID")
	}
}

func TestBinary(t *testing.T) {
	t.Parallel()
	for _, fx := range loadFixtures(t)[:50] {
		p := MustParsePFID(fx.text)
		b, err := p.MarshalBinary()
		if err != nil || len(b) != BinaryLen {
			t.Fatalf("MarshalBinary = %x, %v", b, err)
		}
		// Big-endian: 48-bit timestamp, 32-bit partition, 80 bits of randomness.
		var want [20]byte
		for i := 0; i < 6; i++ {
			want[i] = byte(fx.timestamp >> (40 - 8*i))
		}
		for i := 0; i < 4; i++ {
			want[6+i] = byte(fx.partition >> (24 - 8*i))
		}
		copy(want[10:], fx.randomness[:])
		if !bytes.Equal(b, want[:]) {
			t.Errorf("%s: MarshalBinary = %x, want %x", fx.text, b, want)
		}
		app, _ := p.AppendBinary([]byte{1})
		if !bytes.Equal(app[1:], b) {
			t.Errorf("AppendBinary = %x", app)
		}
		var q AuthflowID
		if err := q.UnmarshalBinary(b); err != nil || q.PFID() != p {
			t.Errorf("UnmarshalBinary(%x) = %v, %v", b, q, err)
		}
	}

	var p PFID
	if err := p.UnmarshalBinary(make([]byte, 19)); !errors.Is(err, ErrLength) {
		t.Errorf("19 bytes: %v", err)
	}
	bad := make([]byte, 20)
	bad[6] = 0x40 // partition bit 30
	if err := p.UnmarshalBinary(bad); !errors.Is(err, ErrRange) {
		t.Errorf("partition over 30 bits: %v", err)
	}
	if !p.IsZero() {
		t.Errorf("failed UnmarshalBinary changed the ID")
	}
}

func TestSQL(t *testing.T) {
	t.Parallel()
	id := MustParse[Device]("013xrzp12g3nqk8nyvk0xwzcb2gzp8z1")
	v, err := id.Value()
	if err != nil || v != "013xrzp12g3nqk8nyvk0xwzcb2gzp8z1" {
		t.Errorf("Value = %#v, %v", v, err)
	}
	if v, err := (DeviceID{}).Value(); v != nil || err != nil {
		t.Errorf("zero Value = %#v, %v; want nil (SQL NULL)", v, err)
	}
	bin, _ := id.MarshalBinary()
	for _, src := range []any{id.String(), []byte(id.String()), bin} {
		var got DeviceID
		if err := got.Scan(src); err != nil || got != id {
			t.Errorf("Scan(%T %v) = %v, %v", src, src, got, err)
		}
	}

	// NULL resets a reused variable (ulid's Scan(nil) leaves it stale).
	reused := id
	if err := reused.Scan(nil); err != nil || !reused.IsZero() {
		t.Errorf("Scan(nil) = %v, %v; want the zero ID", reused, err)
	}

	for _, src := range []any{"nope", []byte("013XRZP12G3NQK8NYVK0XWZCB2GZP8Z1"), 42, 3.5, true, make([]byte, 21)} {
		got := id
		err := got.Scan(src)
		if err == nil {
			t.Errorf("Scan(%T %v) succeeded", src, src)
		}
		if !strings.Contains(err.Error(), "device ID") {
			t.Errorf("Scan(%T) error %q does not name the kind", src, err)
		}
		if got != id {
			t.Errorf("failed Scan(%T) changed the ID", src)
		}
	}
	var p PFID
	if err := p.Scan(int64(1)); err == nil || !strings.Contains(err.Error(), "cannot scan int64 into PFID") {
		t.Errorf("PFID.Scan(int64): %v", err)
	}
}

func TestNoAllocs(t *testing.T) {
	p := MustParsePFID(example)
	id := FromPFID[Authflow](p)
	buf := make([]byte, 0, 64)
	text := []byte(example)
	tests := []struct {
		name string
		f    func()
	}{
		{"ParsePFID", func() { _, _ = ParsePFID(example) }},
		{"ParseAuthflowID", func() { _, _ = ParseAuthflowID(example) }},
		{"PFID.AppendText", func() { buf, _ = p.AppendText(buf[:0]) }},
		{"ID.AppendText", func() { buf, _ = id.AppendText(buf[:0]) }},
		{"ID.UnmarshalText", func() { _ = id.UnmarshalText(text) }},
		{"PFID.Compare", func() { _ = p.Compare(p) }},
		{"PFID.Time", func() { _ = p.Time() }},
	}
	for _, tt := range tests {
		if n := testing.AllocsPerRun(100, tt.f); n != 0 {
			t.Errorf("%s allocates %v times per run, want 0", tt.name, n)
		}
	}
	if n := testing.AllocsPerRun(100, func() { sink = p.String() }); n != 1 {
		t.Errorf("String allocates %v times per run, want 1 (the string)", n)
	}
}

// sink keeps results alive so that the compiler cannot drop the work.
var sink string

// TestIDMirrorsPFID checks that a typed ID has every method of PFID, with
// the same signature once ID[K] stands for PFID, so that no accessor is
// reachable only through PFID().
func TestIDMirrorsPFID(t *testing.T) {
	t.Parallel()
	pfid, id := reflect.TypeFor[*PFID](), reflect.TypeFor[*AuthflowID]()
	subst := func(t reflect.Type) reflect.Type {
		switch t {
		case reflect.TypeFor[PFID]():
			return reflect.TypeFor[AuthflowID]()
		case reflect.TypeFor[*PFID]():
			return reflect.TypeFor[*AuthflowID]()
		}
		return t
	}
	for i := range pfid.NumMethod() {
		pm := pfid.Method(i)
		im, ok := id.MethodByName(pm.Name)
		if !ok {
			t.Errorf("ID[K] has no method %s", pm.Name)
			continue
		}
		pt, it := pm.Type, im.Type
		same := pt.NumIn() == it.NumIn() && pt.NumOut() == it.NumOut()
		for j := 0; same && j < pt.NumIn(); j++ {
			same = subst(pt.In(j)) == it.In(j)
		}
		for j := 0; same && j < pt.NumOut(); j++ {
			same = subst(pt.Out(j)) == it.Out(j)
		}
		if !same {
			t.Errorf("ID[K].%s is %v, want PFID's %v with ID for PFID", pm.Name, it, pt)
		}
	}
	if pfid.NumMethod() < 15 {
		t.Errorf("PFID has only %d methods: is the comparison looking at the right type?", pfid.NumMethod())
	}
}

func TestIDAccessors(t *testing.T) {
	t.Parallel()
	for _, fx := range loadFixtures(t)[:50] {
		id := MustParse[Session](fx.text)
		if id.Timestamp() != fx.timestamp || id.Partition() != fx.partition || id.Randomness() != fx.randomness {
			t.Errorf("%s: (%d, %d, %x), want (%d, %d, %x)", fx.text,
				id.Timestamp(), id.Partition(), id.Randomness(), fx.timestamp, fx.partition, fx.randomness)
		}
		if got := id.Time().UnixMilli(); uint64(got) != fx.timestamp {
			t.Errorf("%s: Time() = %d ms, want %d", fx.text, got, fx.timestamp)
		}
	}
}

// TestUnmarshalTextEmpty checks that UnmarshalText, like
// netip.Addr.UnmarshalText, reads an empty text as the zero ID, also over a
// variable that held an ID, and that encoding/json therefore decodes "" as
// the unset ID, while the parsers still reject "".
func TestUnmarshalTextEmpty(t *testing.T) {
	t.Parallel()
	for _, text := range [][]byte{nil, {}} {
		p := MustParsePFID(example)
		if err := p.UnmarshalText(text); err != nil || !p.IsZero() {
			t.Errorf("PFID.UnmarshalText(%q) = %v, %v; want the zero PFID and no error", text, p, err)
		}
		id := MustParse[Domain](example)
		if err := id.UnmarshalText(text); err != nil || !id.IsZero() {
			t.Errorf("ID.UnmarshalText(%q) = %v, %v; want the zero ID and no error", text, id, err)
		}
	}

	doc := struct {
		ID  AuthflowID `json:"id"`
		Raw PFID       `json:"raw"`
	}{MustParse[Authflow](example), MustParsePFID(example)}
	if err := json.Unmarshal([]byte(`{"id":"","raw":""}`), &doc); err != nil || !doc.ID.IsZero() || !doc.Raw.IsZero() {
		t.Errorf(`json.Unmarshal of "" = %+v, %v; want zero IDs and no error`, doc, err)
	}

	if _, err := ParsePFID(""); !errors.Is(err, ErrLength) {
		t.Errorf(`ParsePFID("") error = %v, want ErrLength`, err)
	}
	if _, err := Parse[Authflow](""); !errors.Is(err, ErrLength) {
		t.Errorf(`Parse[Authflow]("") error = %v, want ErrLength`, err)
	}
	if _, err := ParseSessionID(""); !errors.Is(err, ErrLength) {
		t.Errorf(`ParseSessionID("") error = %v, want ErrLength`, err)
	}
}
