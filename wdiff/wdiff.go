// Package wdiff compares two texts word by word, for the history and review
// pages of an archive: what an editor changed between two versions of a
// transcription.
//
// It compares lines first and then the words of each run of changed lines,
// each by Myers' algorithm with a bound on the edits it looks for
// (MaxEdits, MaxWork): past the bound a run is reported as replaced whole,
// so that the work of a comparison never grows with the square of a long
// document.
package wdiff

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind says what an Op does.
type Kind int

// The kinds of Op.
const (
	Equal  Kind = iota // in both texts
	Delete             // only in the first
	Insert             // only in the second
)

func (k Kind) String() string {
	switch k {
	case Delete:
		return "delete"
	case Insert:
		return "insert"
	}
	return "equal"
}

// Op is a piece of text the two texts share, or one of them alone has.
type Op struct {
	Kind Kind
	Text string
}

// Diff returns the operations that turn a into b: the text of the Equal
// and Delete ops, in order, is a; that of the Equal and Insert ops is b.
// Adjacent ops of one kind are joined; a run of changed text is given as
// its deletion before its insertion.
func Diff(a, b string) []Op {
	var out ops
	la, lb := splitLines(a), splitLines(b)
	compare(la, lb, func(k Kind, as, bs []string) {
		if k != Equal || len(as) == 0 {
			// A run of changed lines, compared word by word.
			words(strings.Join(as, ""), strings.Join(bs, ""), &out)
			return
		}
		out.add(Equal, strings.Join(as, ""))
	})
	return out
}

// Changed reports whether any op is not Equal.
func Changed(d []Op) bool {
	for _, o := range d {
		if o.Kind != Equal {
			return true
		}
	}
	return false
}

// Count returns how many words the ops delete and insert.
func Count(d []Op) (deleted, inserted int) {
	for _, o := range d {
		n := 0
		for _, t := range splitWords(o.Text) {
			if isWord(t) {
				n++
			}
		}
		switch o.Kind {
		case Delete:
			deleted += n
		case Insert:
			inserted += n
		}
	}
	return deleted, inserted
}

type ops []Op

func (o *ops) add(k Kind, s string) {
	if s == "" {
		return
	}
	if n := len(*o); n > 0 && (*o)[n-1].Kind == k {
		(*o)[n-1].Text += s
		return
	}
	*o = append(*o, Op{k, s})
}

// words compares a and b word by word and adds the result to out.
func words(a, b string, out *ops) {
	wa, wb := splitWords(a), splitWords(b)
	compare(wa, wb, func(k Kind, as, bs []string) {
		if k == Equal && len(as) > 0 {
			out.add(Equal, strings.Join(as, ""))
			return
		}
		out.add(Delete, strings.Join(as, ""))
		out.add(Insert, strings.Join(bs, ""))
	})
}

// compare calls fn, in order, with each run of tokens a and b share (k
// Equal) and each run where they differ (k Delete, with the tokens of a
// and of b that replace each other, either maybe empty). A comparison that
// needs more edits than its bound is one differing run between the common
// prefix and suffix.
func compare(a, b []string, fn func(k Kind, as, bs []string)) {
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	s := 0
	for s < len(a)-p && s < len(b)-p && a[len(a)-1-s] == b[len(b)-1-s] {
		s++
	}
	if p > 0 {
		fn(Equal, a[:p], b[:p])
	}
	ma, mb := a[p:len(a)-s], b[p:len(b)-s]
	if len(ma) > 0 || len(mb) > 0 {
		if len(ma) == 0 || len(mb) == 0 || !myers(ma, mb, fn) {
			fn(Delete, ma, mb)
		}
	}
	if s > 0 {
		fn(Equal, a[len(a)-s:], b[len(b)-s:])
	}
}

// MaxEdits bounds the edits one comparison looks for; MaxWork bounds the
// steps it takes, edits times tokens. Past either, the comparison gives up.
const (
	MaxEdits = 1000
	MaxWork  = 20_000_000
)

// myers compares a and b by Myers' O(ND) algorithm and calls fn with the
// runs, or returns false, having called nothing, when they differ by more
// edits than the bounds allow.
func myers(a, b []string, fn func(k Kind, as, bs []string)) bool {
	n, m := len(a), len(b)
	maxD := min(MaxEdits, n+m, MaxWork/(n+m))
	off := maxD + 1
	v := make([]int32, 2*maxD+3)
	// trace[d] holds the furthest x of each diagonal k after d edits,
	// at index k+d: what the path is read back from.
	var trace [][]int32
	for d := 0; d <= maxD; d++ {
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = int(v[off+k+1])
			} else {
				x = int(v[off+k-1]) + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x, y = x+1, y+1
			}
			v[off+k] = int32(x)
			if x >= n && y >= m {
				trace = append(trace, append([]int32(nil), v[off-d:off+d+1]...))
				emit(a, b, trace, fn)
				return true
			}
		}
		trace = append(trace, append([]int32(nil), v[off-d:off+d+1]...))
	}
	return false
}

// emit reads the path back from the trace and calls fn with its runs.
func emit(a, b []string, trace [][]int32, fn func(k Kind, as, bs []string)) {
	// steps are the path's moves from its end: Equal, Delete (a token of
	// a) or Insert (one of b).
	var steps []Kind
	x, y := len(a), len(b)
	for d := len(trace) - 1; d > 0; d-- {
		prev := trace[d-1]
		at := func(k int) int { return int(prev[k+d-1]) }
		k := x - y
		var pk int
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := at(pk)
		py := px - pk
		mx := px + 1 // after a move right, deleting a[px]
		if pk == k+1 {
			mx = px // after a move down, inserting b[py]
		}
		for ; x > mx; x, y = x-1, y-1 {
			steps = append(steps, Equal)
		}
		if pk == k+1 {
			steps = append(steps, Insert)
		} else {
			steps = append(steps, Delete)
		}
		x, y = px, py
	}
	for ; x > 0; x-- {
		steps = append(steps, Equal)
	}
	i, j := 0, 0
	for s := len(steps) - 1; s >= 0; {
		i0, j0 := i, j
		if steps[s] == Equal {
			for ; s >= 0 && steps[s] == Equal; s-- {
				i, j = i+1, j+1
			}
			fn(Equal, a[i0:i], b[j0:j])
			continue
		}
		for ; s >= 0 && steps[s] != Equal; s-- {
			if steps[s] == Delete {
				i++
			} else {
				j++
			}
		}
		fn(Delete, a[i0:i], b[j0:j])
	}
}

// splitLines splits s after each newline.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.SplitAfter(s, "\n")
}

// splitWords splits s into words (runs of letters, digits and marks), runs
// of spaces, and single other characters (punctuation, brackets).
func splitWords(s string) []string {
	var toks []string
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		n := size
		switch {
		case wordRune(r):
			for n < len(s) {
				r, sz := utf8.DecodeRuneInString(s[n:])
				if !wordRune(r) {
					break
				}
				n += sz
			}
		case unicode.IsSpace(r):
			for n < len(s) {
				r, sz := utf8.DecodeRuneInString(s[n:])
				if !unicode.IsSpace(r) {
					break
				}
				n += sz
			}
		}
		toks = append(toks, s[:n])
		s = s[n:]
	}
	return toks
}

func wordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

func isWord(t string) bool {
	r, _ := utf8.DecodeRuneInString(t)
	return wordRune(r)
}
