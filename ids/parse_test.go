package ids

import (
	"errors"
	"strings"
	"testing"
)

// example is a PFID with timestamp 1,234,567,890,000 (2009-02-13 23:31:30
// UTC) and partition 123,456,789.
const example = "013xrzp12g3nqk8nqprv12gz6v99a2v4"

func TestParseRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    string
		want  error
		index int // byte offset reported, -1 for length errors
	}{
		{"empty", "", ErrLength, -1},
		{"31 characters", example[:31], ErrLength, -1},
		{"33 characters", example + "0", ErrLength, -1},
		{"26-character ULID", "01arz3ndektsv4rrffq69g5fav", ErrLength, -1},
		{"trailing space", example + " ", ErrLength, -1},
		{"leading space", " " + example, ErrLength, -1},
		{"trailing newline", example + "\n", ErrLength, -1},
		{"hyphenated", "013xrzp12g-3nqk8n-qprv12gz6v99a2v4", ErrLength, -1},
		{"hyphen in place of a character", "013xrzp12g-nqk8nqprv12gz6v99a2v4", ErrCharacter, 10},
		{"very long", strings.Repeat("0", 1<<16), ErrLength, -1},
		{"uppercase whole", strings.ToUpper(example), ErrUppercase, 3},
		{"uppercase one", "013xrzp12g3nqk8nqprv12gz6v99a2vZ", ErrUppercase, 31},
		{"uppercase first", "A13xrzp12g3nqk8nqprv12gz6v99a2v4", ErrUppercase, 0},
		{"letter i", "013xrzp12g3nqk8nqprv12gz6v99a2vi", ErrCharacter, 31},
		{"letter l", "013xrzp12g3nqk8nqprv12gz6v99a2vl", ErrCharacter, 31},
		{"letter o", "013xrzp12g3nqk8nqprv12gz6v99a2vo", ErrCharacter, 31},
		{"letter u", "013xrzp12g3nqk8nqprv12gz6v99a2vu", ErrCharacter, 31},
		{"letter I", "013xrzp12g3nIqk8nqprv12gz6v99a2v", ErrCharacter, 12},
		{"letter L", "L13xrzp12g3nqk8nqprv12gz6v99a2v4", ErrCharacter, 0},
		{"letter O", "O13xrzp12g3nqk8nqprv12gz6v99a2v4", ErrCharacter, 0},
		{"letter U", "013xrzp12g3nqk8nqprv12gz6v99a2vU", ErrCharacter, 31},
		{"first character 8", "813xrzp12g3nqk8nqprv12gz6v99a2v4", ErrOverflow, 0},
		{"first character 9", "913xrzp12g3nqk8nqprv12gz6v99a2v4", ErrOverflow, 0},
		{"first character z", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", ErrOverflow, 0},
		{"NUL byte", "013xrzp12g3nqk8n\x00prv12gz6v99a2v4", ErrCharacter, 16},
		{"all NUL", strings.Repeat("\x00", 32), ErrCharacter, 0},
		{"0xff byte", "013xrzp12g3nqk8nqprv12gz6v99a2v\xff", ErrCharacter, 31},
		{"Cyrillic о look-alike", "013xrzp12g3nqk8nqprv12gz6v99a2\u043e", ErrCharacter, 30},
		{"Greek ο look-alike in front", "\u03bf13xrzp12g3nqk8nqprv12gz6v99a2v", ErrCharacter, 0},
		{"fullwidth digit", "\uff10" + example[3:], ErrCharacter, 0},
		{"underscore", "013xrzp12g3nqk8n_prv12gz6v99a2v4", ErrCharacter, 16},
		{"space inside", "013xrzp12g3nqk8n prv12gz6v99a2v4", ErrCharacter, 16},
		{"plus sign", "+13xrzp12g3nqk8nqprv12gz6v99a2v4", ErrCharacter, 0},
		{"base32 padding", "013xrzp12g3nqk8nqprv12gz6v99a2v=", ErrCharacter, 31},
		{"hex uppercase F", "013xrzp12g3nqk8nqprv12gz6v99a2vF", ErrUppercase, 31},
		{"DEL", "013xrzp12g3nqk8nqprv12gz6v99a2v\x7f", ErrCharacter, 31},
		{"high bit ASCII", "013xrzp12g3nqk8nqprv12gz6v99a2v\x80", ErrCharacter, 31},
	}
	if len(tests) < 30 {
		t.Fatalf("only %d cases", len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := ParsePFID(tt.in)
			if err == nil {
				t.Fatalf("ParsePFID(%q) = %v, want error", tt.in, p)
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParsePFID(%q) error = %v, want one matching %v", tt.in, err, tt.want)
			}
			for _, other := range []error{ErrLength, ErrCharacter, ErrUppercase, ErrOverflow} {
				if other != tt.want && errors.Is(err, other) {
					t.Errorf("error %v also matches %v", err, other)
				}
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *ParseError", err)
			}
			if pe.Index != tt.index {
				t.Errorf("Index = %d, want %d (%v)", pe.Index, tt.index, err)
			}
			if pe.Length != len(tt.in) {
				t.Errorf("Length = %d, want %d", pe.Length, len(tt.in))
			}
			if len(pe.Input) > 40 || len(err.Error()) > 300 {
				t.Errorf("message quotes %d bytes of input in %d bytes; hostile input must not be echoed whole: %s", len(pe.Input), len(err.Error()), err)
			}
			if !p.IsZero() {
				t.Errorf("ParsePFID returned a non-zero PFID with its error")
			}

			// The typed parsers agree and name their kind.
			_, kerr := ParseAuthflowID(tt.in)
			if !errors.Is(kerr, tt.want) || !strings.HasPrefix(kerr.Error(), "invalid authflow ID: ") {
				t.Errorf("ParseAuthflowID error = %v, want %v and the kind named", kerr, tt.want)
			}
			// UnmarshalText agrees, "" included.
			id := MustParse[Authflow](example)
			if err := id.UnmarshalText([]byte(tt.in)); !errors.Is(err, tt.want) || err.Error() != kerr.Error() {
				t.Errorf("ID.UnmarshalText error = %v, want ParseAuthflowID's %v", err, kerr)
			}
			if id != MustParse[Authflow](example) {
				t.Errorf("failed ID.UnmarshalText changed the ID to %v", id)
			}
			q := MustParsePFID(example)
			if err := q.UnmarshalText([]byte(tt.in)); !errors.Is(err, tt.want) || q != MustParsePFID(example) {
				t.Errorf("PFID.UnmarshalText = %v, %v; want %v and the PFID unchanged", q, err, tt.want)
			}
		})
	}
}

func TestParseErrorMessages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string
	}{
		{"abc", `invalid PFID: length 3, want 32 in "abc"`},
		{strings.Repeat("0", 100), `invalid PFID: length 100, want 32 in "` + strings.Repeat("0", 40) + `"…`},
		{"013XRZP12G3NQK8NQPRV12GZ6V99A2V4", `invalid PFID: uppercase character 'X' at index 3 in "013XRZP12G3NQK8NQPRV12GZ6V99A2V4"`},
		{"013xrzp12g3nqk8nqprv12gz6v99a2vi", `invalid PFID: invalid character 'i' at index 31 in "013xrzp12g3nqk8nqprv12gz6v99a2vi"`},
		{"813xrzp12g3nqk8nqprv12gz6v99a2v4", `invalid PFID: first character '8' above '7' in "813xrzp12g3nqk8nqprv12gz6v99a2v4"`},
		{"013xrzp12g3nqk8n\x00prv12gz6v99a2v4", `invalid PFID: invalid character '\x00' at index 16 in "013xrzp12g3nqk8n\x00prv12gz6v99a2v4"`},
		{"013xrzp12g3nqk8nqprv12gz6v99a2\u043e", `invalid PFID: invalid character 'о' at index 30 in "013xrzp12g3nqk8nqprv12gz6v99a2о"`},
		{"013xrzp12g3nqk8nqprv12gz6v99a2v\xff", `invalid PFID: invalid character "\xff" at index 31 in "013xrzp12g3nqk8nqprv12gz6v99a2v\xff"`},
	}
	for _, tt := range tests {
		_, err := ParsePFID(tt.in)
		if err == nil || err.Error() != tt.want {
			t.Errorf("ParsePFID(%q) error =\n\t%v\nwant\n\t%s", tt.in, err, tt.want)
		}
	}
	_, err := ParseSessionID("x")
	if want := `invalid session ID: length 1, want 32 in "x"`; err == nil || err.Error() != want {
		t.Errorf("ParseSessionID error = %v, want %s", err, want)
	}
}

func TestParseAcceptsBounds(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"00000000000000000000000000000000",
		"7zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
		"0123456789abcdefghjkmnpqrstvwxyz",
		example,
	} {
		p, err := ParsePFID(s)
		if err != nil {
			t.Errorf("ParsePFID(%q): %v", s, err)
			continue
		}
		if got := p.String(); got != s {
			t.Errorf("ParsePFID(%q).String() = %q", s, got)
		}
	}
	max := MustParsePFID("7zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz")
	if max.Timestamp() != MaxTimestamp || max.Partition() != MaxPartition {
		t.Errorf("largest ID: timestamp %d partition %d", max.Timestamp(), max.Partition())
	}
	// The example's parts.
	ex := MustParsePFID(example)
	if ex.Timestamp() != 1234567890000 || ex.Partition() != 123456789 {
		t.Errorf("example: timestamp %d partition %d", ex.Timestamp(), ex.Partition())
	}
}

func TestMustParsePanics(t *testing.T) {
	t.Parallel()
	defer func() {
		err, _ := recover().(error)
		if !errors.Is(err, ErrLength) {
			t.Errorf("recovered %v, want an ErrLength", err)
		}
	}()
	MustParse[Pool]("nope")
}

// TestDecTable checks the literal decoding table against the alphabet, byte
// by byte, and the encoder against the table.
func TestDecTable(t *testing.T) {
	t.Parallel()
	for c := 0; c < 256; c++ {
		want := byte(bad)
		if i := strings.IndexByte(alphabet, byte(c)); i >= 0 {
			want = byte(i)
		}
		if dec[c] != want {
			t.Errorf("dec[%#02x] = %#02x, want %#02x", c, dec[c], want)
		}
	}
	if len(alphabet) != 32 {
		t.Fatalf("alphabet has %d characters", len(alphabet))
	}
	// Every character in every position: a PFID whose text is one
	// character repeated (the first held to '0'-'7') round-trips.
	for i := 0; i < len(alphabet); i++ {
		s := string(alphabet[i&7]) + strings.Repeat(string(alphabet[i]), 31)
		p, err := ParsePFID(s)
		if err != nil || p.String() != s {
			t.Errorf("ParsePFID(%q) = %v, %v", s, p, err)
		}
	}
}
