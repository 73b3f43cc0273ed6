package jsonwire

import (
	"encoding/json"
	"strings"
	"testing"
)

var sinkBytes []byte

// BenchmarkAppendString: AppendString into a reused buffer beside
// json.Marshal of the same string (impl=encoding-json), over the kinds of
// text a flow holds: a long ASCII user agent, a short code, accented and
// CJK text, and text that needs escaping at every other byte.
func BenchmarkAppendString(b *testing.B) {
	for _, c := range []struct{ name, s string }{
		{"ascii", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/91.0.4472.114 Safari/537.36"},
		{"short", "AU"},
		{"accented", strings.Repeat("Malmö Zürich ", 8)},
		{"cjk", strings.Repeat("東京都渋谷区", 10)},
		{"escapes", strings.Repeat(`a<b>"c"\d`, 10)},
	} {
		buf := make([]byte, 0, 1024)
		b.Run("text="+c.name+"/impl=jsonwire", func(b *testing.B) {
			for b.Loop() {
				sinkBytes = AppendString(buf[:0], c.s)
			}
		})
		b.Run("text="+c.name+"/impl=encoding-json", func(b *testing.B) {
			for b.Loop() {
				sinkBytes, _ = json.Marshal(c.s)
			}
		})
	}
}
