package query

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// pieces are fragments of queries, well and badly formed.
var pieces = []string{"a", "Pb", "pb", "56/68", "56-68", "No", "340", "St-21/7", "2811-A", "P", "p", "5", "May", "19", "1977", "мая", "г.", "1977-05-19", "1977-05",
	"OR", "|", "AND", "NOT", "И", "ИЛИ", "НЕ", "-", "(", ")", "\"", "“", "”", "«", "»", "title:", "ref:", "year:", "from:", "to:", "decade:", "1970s", "foo:", "*", "~", "~2",
	"dissid*", "x~", ",", ".", "/", " ", " ", " ", "-(", "-\"", "Nov.", "1969", "30", "February", "date:", "2811", "-A", "St", "118/12", "№", "п", "1980", "ab", "ст", "70-х", "г", "года", "1977г", "19.05.1977", "lang:", "person:", "\u00ad", "\x00", "’", "'", "ʼ", "№340", "No.340", "pb56/68", "-OR", "title:\"", ":", "Pb,", "[", "]", "***", "d*", "~0", "~3", "**", "1530-A/ov", "1102‑S", "decade:1970", "2000", "12", "31", "December", "dec", "мае", "-May", "NOT(", "Sakharov"}

// TestGenerated parses queries made of random pieces of the language, as a
// quick complement to FuzzParse that knows the syntax.
func TestGenerated(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		n := 1 + r.IntN(12)
		var b strings.Builder
		for j := 0; j < n; j++ {
			b.WriteString(pieces[r.IntN(len(pieces))])
			if r.IntN(3) > 0 {
				b.WriteByte(' ')
			}
		}
		s := b.String()
		q := Parse(s)
		checkRoundTrip(t, s)
		c := q.String()
		if q.Interpreted == "" {
			dated := q.DateFrom != "" || q.DateTo != ""
			if in, out := wordBag(s, dated), wordBag(c, dated); !sameBags(in, out) {
				t.Errorf("Parse(%q) read as %q, words %v, with no Interpreted; want the words %v", s, c, out, in)
			}
		}
		if t.Failed() {
			return
		}
	}
}
