package pagebreak

import (
	"reflect"
	"testing"

	"fonds"
)

func TestOutOfWords(t *testing.T) {
	pb := fonds.Span{Kind: fonds.SpanPageBreak, Page: 2, Text: "33"}
	text := func(s string) fonds.Span { return fonds.Span{Kind: fonds.SpanText, Text: s} }
	para := func(spans ...fonds.Span) fonds.Text {
		return fonds.Text{{Kind: fonds.BlockParagraph, Spans: spans}}
	}
	tests := []struct {
		name     string
		in, want fonds.Text
	}{
		{"inside a word", para(text("the Jan"), pb, text("uary 1976 proposals")), para(text("the January"), pb, text(" 1976 proposals"))},
		{"word ends the block", para(text("the Jan"), pb, text("uary,")), para(text("the January,"), pb)},
		{"between words", para(text("the "), pb, text("January")), para(text("the "), pb, text("January"))},
		{"after a word", para(text("the"), pb, text(" January")), para(text("the"), pb, text(" January"))},
		{"hyphen", para(text("inter-"), pb, text("national")), para(text("inter-"), pb, text("national"))},
		{"Cyrillic", para(text("Брежн"), pb, text("ева и")), para(text("Брежнева"), pb, text(" и"))},
		{"nested", para(fonds.Span{Kind: fonds.SpanEmphasis, Spans: []fonds.Span{text("treat"), pb, text("ment of")}}),
			para(fonds.Span{Kind: fonds.SpanEmphasis, Spans: []fonds.Span{text("treatment"), pb, text(" of")}})},
		{"a break alone", para(pb), para(pb)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := clone(tt.in)
			got := OutOfWords(tt.in)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("OutOfWords(%v) = %v, want %v", tt.in, got, tt.want)
			}
			if !reflect.DeepEqual(tt.in, before) {
				t.Errorf("OutOfWords changed its argument to %v", tt.in)
			}
		})
	}
}

func clone(t fonds.Text) fonds.Text {
	var cloneSpans func([]fonds.Span) []fonds.Span
	cloneSpans = func(spans []fonds.Span) []fonds.Span {
		if spans == nil {
			return nil
		}
		out := make([]fonds.Span, len(spans))
		for i, s := range spans {
			s.Spans = cloneSpans(s.Spans)
			out[i] = s
		}
		return out
	}
	out := make(fonds.Text, len(t))
	for i, b := range t {
		out[i] = fonds.Block{Kind: b.Kind, Spans: cloneSpans(b.Spans)}
	}
	return out
}
