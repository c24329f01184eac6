package wxr

import (
	"fmt"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"fonds"
)

// inode is a node of a post's inline HTML, reduced to what the model keeps:
// a run of text, a line break, or a container of a span kind.
type inode struct {
	kind     fonds.SpanKind // SpanText for text
	text     string
	target   string
	soft     bool // a line break that was a newline of the source
	children []inode
}

// draft is a block of a post before its text is read for brackets.
type draft struct {
	kind  fonds.BlockKind
	nodes []inode
}

// converter reads the HTML of a post into drafts of blocks.
type converter struct {
	conventions Conventions
	// classic is true for posts of WordPress's classic editor, whose
	// newlines are markup: a blank line ends a paragraph, a newline breaks
	// the line. Block-editor posts (with <!-- wp: --> comments) are HTML
	// proper, where a newline is a space.
	classic  bool
	out      []draft
	cur      *draft
	reported map[string]bool
	messages []string
}

// blankLine separates paragraphs in classic-editor content.
var blankLine = regexp.MustCompile(`\n[ \t\r]*\n`)

// blocks returns the drafts of the blocks of the post's content.
func (c *converter) blocks(content string) []draft {
	c.classic = !strings.Contains(content, "<!-- wp:")
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(content), body)
	if err != nil {
		c.messages = append(c.messages, "unreadable HTML: "+err.Error())
		return nil
	}
	for _, n := range nodes {
		c.block(n, fonds.BlockParagraph)
	}
	c.close()
	var out []draft
	for _, d := range c.out {
		if d.kind == fonds.BlockSeparator {
			out = append(out, d)
			continue
		}
		d.nodes = trimEnd(normalize(d.nodes, &wsState{start: true}))
		if len(d.nodes) > 0 {
			out = append(out, d)
		}
	}
	return out
}

// report notes an element the model has no place for, once a post.
func (c *converter) report(key, msg string) {
	if c.reported == nil {
		c.reported = make(map[string]bool)
	}
	if c.reported[key] {
		return
	}
	c.reported[key] = true
	c.messages = append(c.messages, msg)
}

// close ends the block being written, if any.
func (c *converter) close() {
	if c.cur != nil {
		c.out = append(c.out, *c.cur)
		c.cur = nil
	}
}

// add puts inline nodes in the block being written, opening one of kind if
// none is; whitespace alone opens none.
func (c *converter) add(kind fonds.BlockKind, nodes ...inode) {
	if c.cur == nil {
		if blankNodes(nodes) {
			return
		}
		c.cur = &draft{kind: kind}
	}
	c.cur.nodes = append(c.cur.nodes, nodes...)
}

func blankNodes(nodes []inode) bool {
	for _, n := range nodes {
		switch {
		case n.kind == fonds.SpanText && strings.TrimSpace(n.text) == "":
		case n.kind == fonds.SpanLineBreak && n.soft:
		default:
			return false
		}
	}
	return true
}

// The elements read as blocks that hold paragraphs.
var containerTags = map[string]bool{
	"p": true, "div": true, "section": true, "article": true, "center": true,
	"main": true, "header": true, "footer": true, "body": true,
}

// The elements with no place in the model that still hold paragraphs: their
// text is kept, as paragraphs.
var unknownBlockTags = map[string]bool{
	"pre": true, "dl": true, "dt": true, "dd": true, "figure": true, "figcaption": true,
	"address": true, "aside": true, "nav": true, "details": true, "summary": true,
	"form": true, "fieldset": true, "caption": true,
}

// The elements dropped with everything in them: not text of the document.
var droppedTags = map[string]bool{
	"script": true, "style": true, "noscript": true, "iframe": true, "object": true,
	"embed": true, "template": true, "svg": true, "math": true, "video": true,
	"audio": true, "canvas": true, "head": true, "title": true, "select": true,
	"textarea": true, "button": true, "input": true,
}

// block reads n where blocks may begin; new blocks are of kind.
func (c *converter) block(n *html.Node, kind fonds.BlockKind) {
	switch n.Type {
	case html.TextNode:
		if !c.classic {
			c.add(kind, inode{kind: fonds.SpanText, text: n.Data})
			return
		}
		for i, part := range blankLine.Split(n.Data, -1) {
			if i > 0 {
				c.close()
			}
			c.add(kind, c.textNodes(part)...)
		}
		return
	case html.ElementNode:
	default:
		return // comments, the doctype
	}
	tag := n.Data
	switch {
	case containerTags[tag]:
		c.close()
		c.children(n, kind)
		c.close()
	case unknownBlockTags[tag]:
		c.report(tag, fmt.Sprintf("HTML element <%s> has no equivalent: its text is kept", tag))
		c.close()
		c.children(n, kind)
		c.close()
	case len(tag) == 2 && tag[0] == 'h' && tag[1] >= '1' && tag[1] <= '6':
		c.close()
		c.cur = &draft{kind: fonds.BlockHeading}
		c.cur.nodes = c.inlineChildren(n)
		c.close()
	case tag == "blockquote":
		c.close()
		c.children(n, fonds.BlockQuote)
		c.close()
	case tag == "ul" || tag == "ol" || tag == "li" || tag == "menu":
		c.close()
		c.children(n, fonds.BlockItem)
		c.close()
	case tag == "table":
		c.close()
		c.table(n)
	case tag == "hr":
		c.close()
		c.out = append(c.out, draft{kind: fonds.BlockSeparator})
	case droppedTags[tag]:
		c.report(tag, fmt.Sprintf("HTML element <%s> left out with its content", tag))
	default:
		c.add(kind, c.inline(n)...)
	}
}

func (c *converter) children(n *html.Node, kind fonds.BlockKind) {
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		c.block(ch, kind)
	}
}

// table reads the rows of a table: each a block of kind row whose cells
// are spans of kind cell. A caption is a paragraph before the rows.
func (c *converter) table(n *html.Node) {
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			if ch.Type != html.ElementNode {
				continue
			}
			switch ch.Data {
			case "thead", "tbody", "tfoot":
				walk(ch)
			case "caption":
				c.block(ch, fonds.BlockParagraph)
				c.close()
			case "tr":
				row := draft{kind: fonds.BlockRow}
				for td := ch.FirstChild; td != nil; td = td.NextSibling {
					if td.Type == html.ElementNode && (td.Data == "td" || td.Data == "th") {
						row.nodes = append(row.nodes, inode{kind: fonds.SpanCell, children: c.inlineChildren(td)})
					}
				}
				if len(row.nodes) > 0 {
					c.out = append(c.out, row)
				}
			}
		}
	}
	walk(n)
}

// textNodes returns the text of classic-editor content: a newline is a
// line break.
func (c *converter) textNodes(s string) []inode {
	if !c.classic || !strings.Contains(s, "\n") {
		return []inode{{kind: fonds.SpanText, text: s}}
	}
	var out []inode
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			out = append(out, inode{kind: fonds.SpanLineBreak, soft: true})
		}
		if line != "" {
			out = append(out, inode{kind: fonds.SpanText, text: line})
		}
	}
	return out
}

func (c *converter) inlineChildren(n *html.Node) []inode {
	var out []inode
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		out = append(out, c.inline(ch)...)
	}
	return out
}

// inline reads n within a block.
func (c *converter) inline(n *html.Node) []inode {
	switch n.Type {
	case html.TextNode:
		return c.textNodes(n.Data)
	case html.ElementNode:
	default:
		return nil
	}
	wrap := func(kind fonds.SpanKind, children []inode) []inode {
		return []inode{{kind: kind, children: children}}
	}
	tag := n.Data
	switch tag {
	case "br":
		return []inode{{kind: fonds.SpanLineBreak}}
	case "em", "i":
		if !c.conventions.ItalicIsHandwriting {
			return wrap(fonds.SpanEmphasis, c.inlineChildren(n))
		}
		if u := onlyChild(n, "u"); u != nil {
			return wrap(fonds.SpanInsertion, c.inlineChildren(u))
		}
		return wrap(fonds.SpanHandwritten, c.inlineChildren(n))
	case "u":
		if c.conventions.ItalicIsHandwriting {
			if em := onlyChild(n, "em", "i"); em != nil {
				return wrap(fonds.SpanInsertion, c.inlineChildren(em))
			}
		}
		return wrap(fonds.SpanUnderline, c.inlineChildren(n))
	case "ins":
		return wrap(fonds.SpanInsertion, c.inlineChildren(n))
	case "del", "s", "strike":
		return wrap(fonds.SpanDeletion, c.inlineChildren(n))
	case "strong", "b":
		return wrap(fonds.SpanStrong, c.inlineChildren(n))
	case "a":
		href := strings.TrimSpace(attr(n, "href"))
		if href == "" || strings.HasPrefix(strings.ToLower(href), "javascript:") {
			return c.inlineChildren(n)
		}
		return []inode{{kind: fonds.SpanReference, target: href, children: c.inlineChildren(n)}}
	case "span":
		return c.styled(attr(n, "style"), c.inlineChildren(n))
	case "font":
		return c.inlineChildren(n)
	case "img":
		c.report("img", "images are left out of the text")
		return nil
	}
	if droppedTags[tag] {
		c.report(tag, fmt.Sprintf("HTML element <%s> left out with its content", tag))
		return nil
	}
	if containerTags[tag] || unknownBlockTags[tag] || isBlockTag(tag) {
		// A block inside a block (a paragraph in a table cell): its lines
		// are kept apart by line breaks.
		if unknownBlockTags[tag] {
			c.report(tag, fmt.Sprintf("HTML element <%s> has no equivalent: its text is kept", tag))
		}
		out := []inode{{kind: fonds.SpanLineBreak, soft: true}}
		out = append(out, c.inlineChildren(n)...)
		return append(out, inode{kind: fonds.SpanLineBreak, soft: true})
	}
	c.report(tag, fmt.Sprintf("HTML element <%s> has no equivalent: its text is kept", tag))
	return c.inlineChildren(n)
}

func isBlockTag(tag string) bool {
	switch tag {
	case "blockquote", "ul", "ol", "li", "menu", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "hr",
		"h1", "h2", "h3", "h4", "h5", "h6":
		return true
	}
	return false
}

// styled reads the inline style WordPress's classic editor writes for
// underlining, striking out, italic and small capitals.
func (c *converter) styled(style string, children []inode) []inode {
	s := strings.ToLower(strings.Join(strings.Fields(style), ""))
	wrap := func(kind fonds.SpanKind) {
		children = []inode{{kind: kind, children: children}}
	}
	if strings.Contains(s, "font-variant:small-caps") {
		wrap(fonds.SpanSmallCaps)
	}
	if strings.Contains(s, "font-weight:bold") || strings.Contains(s, "font-weight:700") {
		wrap(fonds.SpanStrong)
	}
	if strings.Contains(s, "line-through") {
		wrap(fonds.SpanDeletion)
	}
	italic := strings.Contains(s, "font-style:italic")
	underline := strings.Contains(s, "text-decoration:underline") || strings.Contains(s, "text-decoration-line:underline")
	switch {
	case italic && underline && c.conventions.ItalicIsHandwriting:
		wrap(fonds.SpanInsertion)
	case italic:
		if c.conventions.ItalicIsHandwriting {
			wrap(fonds.SpanHandwritten)
		} else {
			wrap(fonds.SpanEmphasis)
		}
		if underline {
			wrap(fonds.SpanUnderline)
		}
	case underline:
		wrap(fonds.SpanUnderline)
	}
	return children
}

// onlyChild returns the one element child of n, if it is one of tags and
// everything else in n is white space.
func onlyChild(n *html.Node, tags ...string) *html.Node {
	var found *html.Node
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		switch ch.Type {
		case html.TextNode:
			if strings.TrimSpace(ch.Data) != "" {
				return nil
			}
		case html.ElementNode:
			if found != nil {
				return nil
			}
			found = ch
		}
	}
	if found == nil {
		return nil
	}
	for _, t := range tags {
		if found.Data == t {
			return found
		}
	}
	return nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// wsState is where normalize stands in a block.
type wsState struct {
	start bool // nothing written yet
	space bool // what was written ends in a space or a line break
	brk   bool // what was written ends in a line break
}

// htmlSpace is a run of the white space HTML collapses. A non-breaking
// space is not among it: it is the text's own.
var htmlSpace = regexp.MustCompile(`[ \t\n\r\f]+`)

// normalize collapses white space as a browser does: a run of it is one
// space, none at the start of a block or after a line break. A newline
// that breaks no line (at the start of a block, after another break) is
// dropped. Containers left empty are dropped.
func normalize(nodes []inode, st *wsState) []inode {
	var out []inode
	for _, n := range nodes {
		switch n.kind {
		case fonds.SpanText:
			t := htmlSpace.ReplaceAllString(n.text, " ")
			if st.space || st.start {
				t = strings.TrimLeft(t, " ")
			}
			if t == "" {
				continue
			}
			st.start, st.brk = false, false
			st.space = strings.HasSuffix(t, " ")
			out = append(out, inode{kind: fonds.SpanText, text: t})
		case fonds.SpanLineBreak:
			if n.soft && (st.start || st.brk) {
				continue
			}
			out = trimSpaceEnd(out)
			out = append(out, inode{kind: fonds.SpanLineBreak})
			st.start, st.space, st.brk = false, true, true
		case fonds.SpanCell:
			cell := trimEnd(normalize(n.children, &wsState{start: true}))
			out = append(out, inode{kind: fonds.SpanCell, children: cell})
		default:
			ch := normalize(n.children, st)
			if len(ch) == 0 {
				continue
			}
			out = append(out, inode{kind: n.kind, target: n.target, children: ch})
		}
	}
	return out
}

// trimSpaceEnd drops the space the nodes end with.
func trimSpaceEnd(nodes []inode) []inode { return trimTail(nodes, false) }

// trimEnd drops the space and line breaks a block ends with.
func trimEnd(nodes []inode) []inode { return trimTail(nodes, true) }

// trimTail drops the space the nodes end with, and their closing line
// breaks when breaks is set, looking into the last node's children.
func trimTail(nodes []inode, breaks bool) []inode {
	for len(nodes) > 0 {
		last := &nodes[len(nodes)-1]
		switch {
		case last.kind == fonds.SpanText:
			last.text = strings.TrimRight(last.text, " ")
			if last.text != "" {
				return nodes
			}
		case last.kind == fonds.SpanLineBreak && breaks:
		case last.kind == fonds.SpanLineBreak, last.kind == fonds.SpanCell:
			return nodes
		default:
			last.children = trimTail(last.children, breaks)
			if len(last.children) > 0 {
				return nodes
			}
		}
		nodes = nodes[:len(nodes)-1]
	}
	return nodes
}

// rawText returns the words of nodes as written, brackets and all, a line
// break read as a space: what a heading or description is read from.
func rawText(nodes []inode) string {
	var b strings.Builder
	var walk func([]inode)
	walk = func(nodes []inode) {
		for _, n := range nodes {
			switch n.kind {
			case fonds.SpanText:
				b.WriteString(n.text)
			case fonds.SpanLineBreak:
				b.WriteString(" ")
			case fonds.SpanCell:
				b.WriteString(" ")
				walk(n.children)
			default:
				walk(n.children)
			}
		}
	}
	walk(nodes)
	return strings.Join(strings.Fields(b.String()), " ")
}
