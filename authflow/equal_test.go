package authflow

import (
	"bytes"
	"encoding"
	"math"
	"net/netip"
	"reflect"
	"testing"
	"time"

	"github.com/authflow-dev/authflow-go/interaction"
)

// changed returns a copy of v's value with a different value that its JSON
// form shows, for every kind of field an Authflow or its Details holds.
func changed(t *testing.T, path string, v reflect.Value) reflect.Value {
	t.Helper()
	n := reflect.New(v.Type()).Elem()
	n.Set(v)
	switch x := v.Interface().(type) {
	case string:
		n.SetString(x + "x")
	case uint32:
		n.SetUint(uint64(x) + 1)
	case interaction.UnixTime:
		n.Set(reflect.ValueOf(interaction.UnixTime{Time: x.Add(time.Nanosecond)}))
	case interaction.LatLong:
		n.Set(reflect.ValueOf(interaction.LatLong{x[0], math.Nextafter(x[1], 0)}))
	case netip.Addr:
		n.Set(reflect.ValueOf(x.Next()))
	case FactorNames:
		n.Set(reflect.ValueOf(append(FactorNames{"first"}, x...)))
	case Status:
		n.SetString(string(x) + "x")
	case *string:
		n.Set(reflect.Zero(v.Type()))
	default:
		u, ok := n.Addr().Interface().(encoding.TextUnmarshaler)
		m, ok2 := v.Interface().(encoding.TextMarshaler)
		if !ok || !ok2 {
			t.Fatalf("%s: no way to change a %s: teach changed and equal about it", path, v.Type())
		}
		text, _ := m.MarshalText()
		text = bytes.Clone(text)
		if last := &text[len(text)-1]; *last == '0' { // another ID: another last character
			*last = '1'
		} else {
			*last = '0'
		}
		if err := u.UnmarshalText(text); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	return n
}

// TestEqualSeesEveryField: the handler serves a MemoryStore's stored JSON
// when equal says that the authorizer left the flow as it was, so equal must
// see a change of any field, of the flow or of either snapshot.
func TestEqualSeesEveryField(t *testing.T) {
	t.Parallel()
	seed := seedFlow()
	if !seed.equal(seed.Clone()) {
		t.Fatal("a flow is not equal to its copy")
	}
	ft := reflect.TypeFor[Authflow]()
	for i := range ft.NumField() {
		f := ft.Field(i)
		if f.Type == reflect.TypeFor[ObjectType]() {
			continue // holds nothing
		}
		c := seed.Clone()
		fv := reflect.ValueOf(c).Elem().Field(i)
		if d, ok := fv.Interface().(*interaction.Details); ok {
			dt := reflect.TypeFor[interaction.Details]()
			for j := range dt.NumField() {
				c := seed.Clone()
				dv := reflect.ValueOf(c).Elem().Field(i).Elem().Field(j)
				dv.Set(changed(t, f.Name+"."+dt.Field(j).Name, dv))
				if seed.equal(c) || c.equal(seed) {
					t.Errorf("equal misses a change of %s.%s", f.Name, dt.Field(j).Name)
				}
			}
			fv.Set(reflect.Zero(fv.Type())) // nil
			if d == nil || seed.equal(c) || c.equal(seed) {
				t.Errorf("equal misses %s set to nil", f.Name)
			}
			continue
		}
		fv.Set(changed(t, f.Name, fv))
		if seed.equal(c) || c.equal(seed) {
			t.Errorf("equal misses a change of %s", f.Name)
		}
	}
	c := seed.Clone()
	c.FirstSeen.LatLong[0] = math.Copysign(0, -1)
	d := seed.Clone()
	d.FirstSeen.LatLong[0] = 0
	if c.equal(d) {
		t.Error("equal takes -0 for 0, which JSON writes apart")
	}
}
