package ids

import (
	"bytes"
	"errors"
	"regexp"
	"testing"
)

// FuzzParsePFID checks that the parser never panics, agrees with the
// canonical regular expression on every input, and that whatever it accepts
// re-encodes, through every encoding, to the identical string. It checks too
// that UnmarshalText, of a PFID and of a typed ID, agrees with the parser on
// every input, the empty one included, and leaves its variable unchanged
// when it fails.
func FuzzParsePFID(f *testing.F) {
	for _, s := range []string{
		"", example, "00000000000000000000000000000000", "7zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
		"813xrzp12g3nqk8nqprv12gz6v99a2v4", "013XRZP12G3NQK8NQPRV12GZ6V99A2V4",
		"013xrzp12g3nqk8nqprv12gz6v99a2vi", "013xrzp12g3nqk8nqprv12gz6v99a2vl",
		"013xrzp12g3nqk8nqprv12gz6v99a2vo", "013xrzp12g3nqk8nqprv12gz6v99a2vu",
		"013xrzp12g3nqk8nqprv12gz6v99a2v", example + "0", example + " ", " " + example,
		"013xrzp12g-3nqk8n-qprv12gz6v99a2v4", "013xrzp12g3nqk8n\x00prv12gz6v99a2v4",
		"013xrzp12g3nqk8nqprv12gz6v99a2\u043e", "\uff10" + example[3:],
		"013xrzp12g3nqk8nqprv12gz6v99a2v\xff", "013xrzp12g3nqk8nqprv12gz6v99a2v\n",
		"01arz3ndektsv4rrffq69g5fav", "{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{", "////////////////////////////////",
		"::::::::::::::::::::::::::::::::", "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@", "````````````````````````````````",
	} {
		f.Add(s)
	}
	// The regular expression is compiled here rather than in a package
	// variable, so that the test binary too does no work at package init.
	canonical := regexp.MustCompile(Pattern)
	before := MustParsePFID(example) // what UnmarshalText overwrites
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePFID(s)
		if match := canonical.MatchString(s); match != (err == nil) {
			t.Fatalf("ParsePFID(%q) error = %v, but the canonical pattern match = %v", s, err, match)
		}

		u, id := before, FromPFID[Device](before)
		uerr, ierr := u.UnmarshalText([]byte(s)), id.UnmarshalText([]byte(s))
		switch {
		case err != nil:
			var pe, ue, ie *ParseError
			if !errors.As(err, &pe) || !errors.As(uerr, &ue) || !errors.As(ierr, &ie) ||
				ue.Err != pe.Err || ue.Index != pe.Index || ie.Err != pe.Err || ie.Index != pe.Index {
				t.Fatalf("UnmarshalText(%q) errors %v and %v, want as ParsePFID's %v", s, uerr, ierr, err)
			}
			if ue.Error() != pe.Error() || ie.Kind != "device" {
				t.Fatalf("UnmarshalText(%q) errors %q and %q, ParsePFID's %q", s, ue, ie, pe)
			}
			if u != before || id.PFID() != before {
				t.Fatalf("failed UnmarshalText(%q) changed the ID", s)
			}
		default:
			if uerr != nil || u != p || ierr != nil || id.PFID() != p {
				t.Fatalf("UnmarshalText(%q) = %v, %v and %v, %v; want %v", s, u, uerr, id, ierr, p)
			}
		}

		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("ParsePFID(%q) error %T is not a *ParseError", s, err)
			}
			n := 0
			for _, sentinel := range []error{ErrLength, ErrCharacter, ErrUppercase, ErrOverflow} {
				if errors.Is(err, sentinel) {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("ParsePFID(%q) error %v matches %d sentinels, want exactly 1", s, err, n)
			}
			if pe.Err != ErrLength && (pe.Index < 0 || pe.Index >= len(s)) {
				t.Fatalf("ParsePFID(%q): index %d out of the input", s, pe.Index)
			}
			if len(pe.Input) > maxEcho {
				t.Fatalf("ParsePFID(%q): error quotes %d bytes", s, len(pe.Input))
			}
			_ = err.Error()
			return
		}

		if got := p.String(); got != s {
			t.Fatalf("ParsePFID(%q).String() = %q", s, got)
		}
		text, _ := p.MarshalText()
		app, _ := p.AppendText([]byte("prefix"))
		if string(text) != s || string(app) != "prefix"+s {
			t.Fatalf("MarshalText = %q, AppendText = %q, want %q", text, app, s)
		}
		q, err := FromParts(p.Timestamp(), p.Partition(), p.Randomness())
		if err != nil || q != p {
			t.Fatalf("FromParts of %q's parts = %v, %v", s, q, err)
		}
		bin, _ := p.MarshalBinary()
		var r PFID
		if err := r.UnmarshalBinary(bin); err != nil || r != p {
			t.Fatalf("binary round trip of %q = %v, %v", s, r, err)
		}
		did, err := ParseDomainID(s)
		if err != nil || did.PFID() != p || did.String() != s {
			t.Fatalf("ParseDomainID(%q) = %v, %v", s, did, err)
		}
	})
}

// FuzzUnmarshalBinary checks the binary decoder: it accepts exactly the
// 20-byte forms whose partition fits in 30 bits, and those round-trip through
// the text form.
func FuzzUnmarshalBinary(f *testing.F) {
	f.Add([]byte{})
	f.Add(make([]byte, 20))
	f.Add(bytes.Repeat([]byte{0xff}, 20))
	f.Add(append(bytes.Repeat([]byte{0}, 6), 0x3f, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10))
	f.Add(bytes.Repeat([]byte{0}, 21))
	f.Fuzz(func(t *testing.T, b []byte) {
		var p PFID
		err := p.UnmarshalBinary(b)
		if ok := len(b) == 20 && b[6]&0xc0 == 0; ok != (err == nil) {
			t.Fatalf("UnmarshalBinary(%x) error = %v", b, err)
		}
		if err != nil {
			if !errors.Is(err, ErrLength) && !errors.Is(err, ErrRange) {
				t.Fatalf("UnmarshalBinary(%x) error %v matches no sentinel", b, err)
			}
			return
		}
		q, err := ParsePFID(p.String())
		if err != nil || q != p {
			t.Fatalf("text round trip of %x: %v, %v", b, q, err)
		}
		back, _ := q.MarshalBinary()
		if !bytes.Equal(back, b) {
			t.Fatalf("binary round trip of %x = %x", b, back)
		}
	})
}
