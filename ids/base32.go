package ids

// alphabet is the lowercase Crockford base32 alphabet: character i encodes
// the 5-bit value i.
const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// bad is dec's entry for a byte outside the alphabet. Its top three bits are
// set, so the OR of any set of entries is below 32 exactly when every byte
// was in the alphabet.
const bad = 0xff

// dec maps a byte to the 5-bit value it encodes, or to bad. It is a literal of
// constants, which the compiler lays out as static data: no code builds it at
// package init. TestDecTable checks it against alphabet.
var dec = [256]byte{
	bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, // 0x00
	bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, // 0x10
	bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, // 0x20
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, bad, bad, bad, bad, bad, bad, // 0x30: '0' to '9'
	bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, // 0x40
	bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, // 0x50
	bad, 10, 11, 12, 13, 14, 15, 16, 17, bad, 18, 19, bad, 20, 21, bad, // 0x60: 'a' to 'o', less i, l, o
	22, 23, 24, 25, 26, bad, 27, 28, 29, 30, 31, bad, bad, bad, bad, bad, // 0x70: 'p' to 'z', less u
	bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, // 0x80
	bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, // 0x90
	bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, // 0xa0
	bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, // 0xb0
	bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, // 0xc0
	bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, // 0xd0
	bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, // 0xe0
	bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, // 0xf0
}

// decode decodes a canonical PFID text, reporting false for anything else.
// It is the hot path of parsing: no allocation, no branch per character, one
// table lookup a character, unrolled, eight characters (40 bits) a group.
// Validity is one test at the end: the OR of all 32 lookups is 32 or more if
// any byte was outside the alphabet (see bad), and the first group is 2^38 or
// more if the first character is above '7' (the timestamp would need more
// than 48 bits). Only when that test fails does parseError look for the
// reason.
func decode(s string) (PFID, bool) {
	if len(s) != EncodedLen {
		return PFID{}, false
	}
	_ = s[EncodedLen-1] // one bounds check for all
	c0, c1, c2, c3 := dec[s[0]], dec[s[1]], dec[s[2]], dec[s[3]]
	c4, c5, c6, c7 := dec[s[4]], dec[s[5]], dec[s[6]], dec[s[7]]
	acc0 := c0 | c1 | c2 | c3 | c4 | c5 | c6 | c7
	g0 := uint64(c0)<<35 | uint64(c1)<<30 | uint64(c2)<<25 | uint64(c3)<<20 |
		uint64(c4)<<15 | uint64(c5)<<10 | uint64(c6)<<5 | uint64(c7)
	c8, c9, c10, c11 := dec[s[8]], dec[s[9]], dec[s[10]], dec[s[11]]
	c12, c13, c14, c15 := dec[s[12]], dec[s[13]], dec[s[14]], dec[s[15]]
	acc1 := c8 | c9 | c10 | c11 | c12 | c13 | c14 | c15
	g1 := uint64(c8)<<35 | uint64(c9)<<30 | uint64(c10)<<25 | uint64(c11)<<20 |
		uint64(c12)<<15 | uint64(c13)<<10 | uint64(c14)<<5 | uint64(c15)
	c16, c17, c18, c19 := dec[s[16]], dec[s[17]], dec[s[18]], dec[s[19]]
	c20, c21, c22, c23 := dec[s[20]], dec[s[21]], dec[s[22]], dec[s[23]]
	acc2 := c16 | c17 | c18 | c19 | c20 | c21 | c22 | c23
	g2 := uint64(c16)<<35 | uint64(c17)<<30 | uint64(c18)<<25 | uint64(c19)<<20 |
		uint64(c20)<<15 | uint64(c21)<<10 | uint64(c22)<<5 | uint64(c23)
	c24, c25, c26, c27 := dec[s[24]], dec[s[25]], dec[s[26]], dec[s[27]]
	c28, c29, c30, c31 := dec[s[28]], dec[s[29]], dec[s[30]], dec[s[31]]
	acc3 := c24 | c25 | c26 | c27 | c28 | c29 | c30 | c31
	g3 := uint64(c24)<<35 | uint64(c25)<<30 | uint64(c26)<<25 | uint64(c27)<<20 |
		uint64(c28)<<15 | uint64(c29)<<10 | uint64(c30)<<5 | uint64(c31)
	if uint64(acc0|acc1|acc2|acc3)>>5|g0>>38 != 0 {
		return PFID{}, false
	}
	// The text is 2 zero bits, 48 of timestamp, 30 of partition and 80 of
	// randomness; the binary form moves the 2 zero bits to the top of the
	// partition's 32.
	ts := g0<<10 | g1>>30
	part := g1 & MaxPartition
	return PFID{
		a: mkword(ts<<16 | part>>16),
		b: mkword(part<<48 | g2<<8 | g3>>32),
		c: uint32(g3),
	}, true
}

// encode writes the 32-character text form of p into dst, eight characters
// (40 bits) a group, unrolled, each character an index into alphabet: no
// table beyond the alphabet itself.
func encode(dst *[EncodedLen]byte, p PFID) {
	ts := p.Timestamp()
	g0 := ts >> 10                                 // 2 zero bits and the timestamp's top 38
	g1 := ts<<30&(1<<40-1) | uint64(p.Partition()) // the timestamp's low 10 and the partition's 30
	b := p.b.u64()
	g2 := b >> 8 & (1<<40 - 1)     // randomness bits 0..39
	g3 := b&0xff<<32 | uint64(p.c) // randomness bits 40..79
	dst[0] = alphabet[g0>>35&31]
	dst[1] = alphabet[g0>>30&31]
	dst[2] = alphabet[g0>>25&31]
	dst[3] = alphabet[g0>>20&31]
	dst[4] = alphabet[g0>>15&31]
	dst[5] = alphabet[g0>>10&31]
	dst[6] = alphabet[g0>>5&31]
	dst[7] = alphabet[g0&31]
	dst[8] = alphabet[g1>>35&31]
	dst[9] = alphabet[g1>>30&31]
	dst[10] = alphabet[g1>>25&31]
	dst[11] = alphabet[g1>>20&31]
	dst[12] = alphabet[g1>>15&31]
	dst[13] = alphabet[g1>>10&31]
	dst[14] = alphabet[g1>>5&31]
	dst[15] = alphabet[g1&31]
	dst[16] = alphabet[g2>>35&31]
	dst[17] = alphabet[g2>>30&31]
	dst[18] = alphabet[g2>>25&31]
	dst[19] = alphabet[g2>>20&31]
	dst[20] = alphabet[g2>>15&31]
	dst[21] = alphabet[g2>>10&31]
	dst[22] = alphabet[g2>>5&31]
	dst[23] = alphabet[g2&31]
	dst[24] = alphabet[g3>>35&31]
	dst[25] = alphabet[g3>>30&31]
	dst[26] = alphabet[g3>>25&31]
	dst[27] = alphabet[g3>>20&31]
	dst[28] = alphabet[g3>>15&31]
	dst[29] = alphabet[g3>>10&31]
	dst[30] = alphabet[g3>>5&31]
	dst[31] = alphabet[g3&31]
}
