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
	bin, _ := id.MarshalBinary()
	for _, v := range []driver.Valuer{id, id.PFID()} {
		got, err := v.Value()
		if b, ok := got.([]byte); err != nil || !ok || !bytes.Equal(b, bin) {
			t.Errorf("%T.Value = %#v, %v; want the 20 bytes %x", v, got, err, bin)
		}
	}
	for _, v := range []driver.Valuer{DeviceID{}, PFID{}} {
		if got, err := v.Value(); got != nil || err != nil {
			t.Errorf("zero %T.Value = %#v, %v; want nil (SQL NULL)", v, got, err)
		}
	}
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

// TestUnmarshalTextRefusesEmpty checks that UnmarshalText, of a PFID and of
// every kind of ID, refuses the empty text as the parsers do, with the same
// error, and leaves its variable unchanged; that encoding/json therefore
// refuses the JSON string "" with that error, and leaves an ID unchanged for
// a JSON null; and that Scan keeps reading NULL as the zero ID while
// refusing the empty text.
func TestUnmarshalTextRefusesEmpty(t *testing.T) {
	t.Parallel()
	want, perr := ParsePFID("")
	if !errors.Is(perr, ErrLength) || !want.IsZero() {
		t.Fatalf(`ParsePFID("") = %v, %v; want ErrLength`, want, perr)
	}
	kinded := func(kind string) string {
		return strings.Replace(perr.Error(), "invalid PFID", "invalid "+kind+" ID", 1)
	}
	for _, text := range [][]byte{nil, {}} {
		p := MustParsePFID(example)
		if err := p.UnmarshalText(text); err == nil || err.Error() != perr.Error() || !errors.Is(err, ErrLength) {
			t.Errorf("PFID.UnmarshalText(%q) error = %v, want ParsePFID's %v", text, err, perr)
		}
		if p != MustParsePFID(example) {
			t.Errorf("failed PFID.UnmarshalText(%q) changed the PFID to %v", text, p)
		}
		for _, u := range []interface {
			encoding.TextUnmarshaler
			fmt.Stringer
			KindName() string
		}{
			ptr(MustParse[Account](example)), ptr(MustParse[Authflow](example)), ptr(MustParse[Device](example)),
			ptr(MustParse[Domain](example)), ptr(MustParse[Pool](example)), ptr(MustParse[Session](example)),
		} {
			err := u.UnmarshalText(text)
			if err == nil || err.Error() != kinded(u.KindName()) || !errors.Is(err, ErrLength) {
				t.Errorf("%s ID UnmarshalText(%q) error = %v, want %q", u.KindName(), text, err, kinded(u.KindName()))
			}
			if u.String() != example {
				t.Errorf("failed %s ID UnmarshalText(%q) changed the ID to %v", u.KindName(), text, u)
			}
		}
	}
	for _, s := range []string{"", "00000000000000000000000000000000"} {
		_, err := Parse[Authflow](s)
		_, serr := ParseSessionID(s)
		if (err == nil) != (s != "") || (serr == nil) != (s != "") {
			t.Errorf("Parse[Authflow](%q) error = %v, ParseSessionID error = %v", s, err, serr)
		}
	}

	type doc struct {
		ID  AuthflowID `json:"id"`
		Raw PFID       `json:"raw"`
	}
	for _, in := range []string{`{"id":""}`, `{"raw":""}`} {
		d := doc{MustParse[Authflow](example), MustParsePFID(example)}
		err := json.Unmarshal([]byte(in), &d)
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Err != ErrLength || pe.Length != 0 {
			t.Errorf("json.Unmarshal(%s) error = %v, want a *ParseError for ErrLength", in, err)
		}
		if d.ID.String() != example || d.Raw.String() != example {
			t.Errorf("failed json.Unmarshal(%s) changed the IDs to %+v", in, d)
		}
	}
	d := doc{MustParse[Authflow](example), MustParsePFID(example)}
	if err := json.Unmarshal([]byte(`{"id":null,"raw":null}`), &d); err != nil || d.ID.String() != example || d.Raw.String() != example {
		t.Errorf("json.Unmarshal of null = %+v, %v; want the IDs unchanged and no error", d, err)
	}

	// Scan keeps its documented behaviour: NULL is the zero ID, and an empty
	// text is refused like any other malformed one.
	for _, src := range []any{"", []byte{}} {
		id := MustParse[Pool](example)
		if err := id.Scan(src); !errors.Is(err, ErrLength) || id.String() != example {
			t.Errorf("Scan(%T %q) = %v, %v; want ErrLength and the ID unchanged", src, src, id, err)
		}
	}
	id := MustParse[Pool](example)
	if err := id.Scan(nil); err != nil || !id.IsZero() {
		t.Errorf("Scan(nil) = %v, %v; want the zero ID", id, err)
	}
}

// TestZeroIDRoundTrip checks that the zero ID's text form, 32 zeros, is
// what it encodes to, and parses and decodes back to it, through the text
// methods and encoding/json.
func TestZeroIDRoundTrip(t *testing.T) {
	t.Parallel()
	const zeros = "00000000000000000000000000000000"
	text, _ := PFID{}.MarshalText()
	idText, _ := SessionID{}.MarshalText()
	if string(text) != zeros || string(idText) != zeros || (PFID{}).String() != zeros {
		t.Fatalf("zero ID encodes as %q and %q, want %q", text, idText, zeros)
	}
	p := MustParsePFID(example)
	if err := p.UnmarshalText(text); err != nil || !p.IsZero() {
		t.Errorf("PFID.UnmarshalText(%q) = %v, %v; want the zero PFID", text, p, err)
	}
	id := MustParse[Session](example)
	if err := id.UnmarshalText(idText); err != nil || !id.IsZero() {
		t.Errorf("ID.UnmarshalText(%q) = %v, %v; want the zero ID", idText, id, err)
	}
	if q, err := ParsePFID(zeros); err != nil || !q.IsZero() {
		t.Errorf("ParsePFID(%q) = %v, %v", zeros, q, err)
	}

	type doc struct {
		ID  AuthflowID `json:"id"`
		Raw PFID       `json:"raw"`
	}
	b, err := json.Marshal(doc{})
	if want := `{"id":"` + zeros + `","raw":"` + zeros + `"}`; err != nil || string(b) != want {
		t.Fatalf("json.Marshal of zero IDs = %s, %v; want %s", b, err, want)
	}
	d := doc{MustParse[Authflow](example), MustParsePFID(example)}
	if err := json.Unmarshal(b, &d); err != nil || !d.ID.IsZero() || !d.Raw.IsZero() {
		t.Errorf("json.Unmarshal(%s) = %+v, %v; want zero IDs", b, d, err)
	}
}

// ptr returns a pointer to a copy of v.
func ptr[T any](v T) *T { return &v }
