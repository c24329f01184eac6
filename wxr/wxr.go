// Package wxr reads WordPress export files (WordPress eXtended RSS, WXR
// 1.0 to 1.2): each published post becomes a document, its HTML mapped to
// the structured text by the rules of the transcription format (package
// text), its catalogue fields read from its heading, and its old addresses
// kept as aliases so that the site can redirect them.
//
// Which items are documents: published posts, and published pages whose
// title or first line is a dated catalogue heading. Drafts, private and
// password-protected posts, attachments, menu items and other types are
// skipped and counted in warnings given with the first document.
//
// The catalogue fields come from the post's title, or its first line, in
// the archive's form "19 May 1977* (Pb 56/68) Human rights", and from the
// paragraph after it when that paragraph says what a description says (a
// source note "[R …]", categories "[2.1; 5]", "Excerpt.", an extent, an
// issuing body); both are read by text.Parse. A post without a dated
// heading is dated by its post date, with a warning. Categories are the
// post's categories after the description's; its tags are persons.
//
// The HTML maps to the model thus: <p> and the blank lines of the classic
// editor are paragraphs, a newline of the classic editor and <br> a line
// break; <h1>-<h6> headings; <blockquote> quotations; <li> list items;
// <tr> table rows of cells; <hr> a separator; <em> and <i> handwriting or
// emphasis (Conventions); <u> with <em> in it an insertion, <u> alone
// underlining; <del>, <s>, <strike> deletions; <ins> insertions; <strong>
// and <b> strong; <a href> a reference whose target is the address; inline
// styles for underlining, striking out, italic and small capitals. Within
// the words, brackets and omissions read as in a transcription file: page
// markers, notes, stamps, signatures, "[…]" and "…". Other elements keep
// their text and are reported once a post; scripts, styles, frames and
// images are left out, and so are WordPress's [caption]-like shortcodes.
package wxr

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html/charset"

	"fonds"
	"fonds/mojibake"
)

// Conventions says how a collection's HTML encodes what a typed page does
// not: handwriting, insertions.
type Conventions struct {
	// ItalicIsHandwriting reads <em> and <i> as text written by hand, and
	// underlined italic (<u><em>…</em></u>) as a handwritten insertion, as
	// the Bukovsky Archive writes them. When false, italic is emphasis.
	ItalicIsHandwriting bool
}

// Reader implements fonds.Reader for WordPress export files.
type Reader struct {
	Conventions Conventions
}

var _ fonds.Reader = Reader{}

// Sniff reports whether head, the start of a file, is a WordPress export:
// an RSS document declaring the WordPress export namespace. The namespace
// declaration follows the generator's comments, within the first 4 KiB.
func Sniff(head []byte) bool {
	head = bytes.TrimPrefix(head, []byte("\uFEFF"))
	head = bytes.TrimLeft(head, " \t\r\n")
	if !bytes.HasPrefix(head, []byte("<")) {
		return false
	}
	i := bytes.Index(head, []byte("<rss"))
	return i >= 0 && bytes.Contains(head[i:], []byte("wordpress.org/export/"))
}

// The XML namespaces of the elements read. The wp namespace changes with
// the export's version (…/export/1.2/), so it is matched by its prefix.
const (
	contentNS  = "http://purl.org/rss/1.0/modules/content/"
	wpNSPrefix = "http://wordpress.org/export/"
)

// item is what an export says of one post.
type item struct {
	line        int // where <item> starts
	title       string
	link        string
	guid        string
	content     string
	contentLine int
	postID      string
	postDate    string
	pubDate     string
	status      string
	postType    string
	password    string
	categories  []term
	tags        []term
}

// term is a category or tag of a post.
type term struct {
	name, slug string
}

// skipped counts the items that are not documents, by reason.
type skipped struct {
	lines map[string][]int
}

func (s *skipped) add(reason string, line int) {
	if s.lines == nil {
		s.lines = make(map[string][]int)
	}
	s.lines[reason] = append(s.lines[reason], line)
}

func (s *skipped) total() int {
	n := 0
	for _, l := range s.lines {
		n += len(l)
	}
	return n
}

// warnings returns one warning a reason, naming the first lines.
func (s *skipped) warnings() []fonds.Warning {
	reasons := make([]string, 0, len(s.lines))
	for r := range s.lines {
		reasons = append(reasons, r)
	}
	sort.Slice(reasons, func(i, j int) bool { return s.lines[reasons[i]][0] < s.lines[reasons[j]][0] })
	var ws []fonds.Warning
	for _, r := range reasons {
		lines := s.lines[r]
		msg := fmt.Sprintf("skipped %d item", len(lines))
		if len(lines) > 1 {
			msg += "s"
		}
		msg += ": " + r
		if len(lines) > 1 {
			msg += " (lines " + lineList(lines, 10) + ")"
		}
		ws = append(ws, fonds.Warning{Line: lines[0], Message: msg})
	}
	return ws
}

func lineList(lines []int, max int) string {
	var parts []string
	for i, l := range lines {
		if i == max {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, strconv.Itoa(l))
	}
	return strings.Join(parts, ", ")
}

// ReadDocuments reads the posts of the export in r, the file named name,
// and calls fn for each published post, in the order of the file, with the
// warnings about it. Items that are not documents (pages without a
// catalogue heading, attachments, menu items, drafts, private posts) are
// skipped, and counted in warnings given with the document before them (or,
// for those before the first, with the first).
//
// It reads the export as a stream, one item at a time: it holds no more
// than the item it reads and the document before it, however large the
// export.
//
// The reader sets neither the status nor the origin of a document: the
// importer does. An error in the file is a *fonds.ParseError naming the
// file and the line; a file without a single post to import is an error.
func (rd Reader) ReadDocuments(r io.Reader, name string, fn func(*fonds.Document, []fonds.Warning) error) error {
	rep, err := newRepairer(r)
	if err != nil {
		return &fonds.ParseError{Path: name, Msg: "read: " + err.Error()}
	}
	type post struct {
		d        *fonds.Document
		warnings []fonds.Warning
	}
	var (
		pending *post // the document before, held until the items after it are read
		skip    skipped
		posts   int
	)
	// give passes the document held on, with the warnings about the items
	// skipped since and the repairs made so far.
	give := func() error {
		if pending == nil {
			return nil
		}
		ws := append(rep.take(), skip.warnings()...)
		skip = skipped{}
		p := pending
		pending = nil
		return fn(p.d, append(ws, p.warnings...))
	}
	err = readItems(rep, name, func(it item, ch channel) error {
		if reason := skipReason(it); reason != "" {
			skip.add(reason, it.line)
			return nil
		}
		d, ws, ok := rd.document(it, ch)
		if !ok {
			skip.add("a page without a dated catalogue heading", it.line)
			return nil
		}
		posts++
		if posts > 1 {
			if err := give(); err != nil {
				return err
			}
		}
		pending = &post{d, ws}
		return nil
	})
	if err != nil {
		return err
	}
	if posts == 0 {
		msg := "no published posts to import"
		if n := skip.total(); n > 0 {
			var reasons []string
			for _, w := range skip.warnings() {
				reasons = append(reasons, w.Message)
			}
			msg += " (" + strings.Join(reasons, "; ") + ")"
		}
		return &fonds.ParseError{Path: name, Msg: msg}
	}
	return give()
}

// skipReason says why the item is not a document, or "" if it may be one.
func skipReason(it item) string {
	switch {
	case it.postType != "post" && it.postType != "page":
		t := it.postType
		if t == "" {
			t = "(none)"
		}
		return fmt.Sprintf("of type %q", t)
	case it.status != "publish":
		s := it.status
		if s == "" {
			s = "(none)"
		}
		return fmt.Sprintf("with status %q (only published posts are read)", s)
	case it.password != "":
		return "protected by a password"
	}
	return ""
}

// channel is what the export says of the whole site.
type channel struct {
	baseBlogURL string
}

// readItems parses the XML of the export in r and calls fn with each item,
// and what the export said of the site before it.
func readItems(r io.Reader, name string, fn func(item, channel) error) error {
	var ch channel
	dec := xml.NewDecoder(r)
	dec.Strict = true
	// WordPress writes HTML's named entities in titles now and then; the
	// table is fixed, so nothing is expanded recursively. Entities a
	// DOCTYPE declares are not read: using one is an error.
	dec.Entity = xml.HTMLEntity
	dec.CharsetReader = charset.NewReaderLabel
	fail := func(err error) error {
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			return &fonds.ParseError{Path: name, Line: se.Line, Msg: "invalid XML: " + se.Msg}
		}
		var pe *fonds.ParseError
		if errors.As(err, &pe) {
			return pe
		}
		line, _ := dec.InputPos()
		return &fonds.ParseError{Path: name, Line: line, Msg: "invalid XML: " + err.Error()}
	}
	var (
		root      bool
		depth     int
		inChannel bool
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fail(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			line, _ := dec.InputPos()
			if !root {
				root = true
				if t.Name.Local != "rss" {
					return &fonds.ParseError{Path: name, Line: line,
						Msg: fmt.Sprintf("not a WordPress export: the document is <%s>, not <rss>", t.Name.Local)}
				}
				depth++
				continue
			}
			switch {
			case depth == 1 && t.Name.Local == "channel":
				inChannel = true
				depth++
			case inChannel && depth == 2 && t.Name.Local == "item":
				it, err := readItem(dec, line)
				if err != nil {
					return fail(err)
				}
				if err := fn(it, ch); err != nil {
					return err
				}
			case inChannel && depth == 2 && t.Name.Local == "base_blog_url" && isWP(t.Name):
				var s string
				if err := dec.DecodeElement(&s, &t); err != nil {
					return fail(err)
				}
				ch.baseBlogURL = strings.TrimSpace(s)
			default:
				if err := dec.Skip(); err != nil {
					return fail(err)
				}
			}
		case xml.EndElement:
			depth--
			if depth == 1 {
				inChannel = false
			}
		}
	}
	if !root {
		return &fonds.ParseError{Path: name, Line: 1, Msg: "not a WordPress export: no XML element"}
	}
	return nil
}

func isWP(n xml.Name) bool { return strings.HasPrefix(n.Space, wpNSPrefix) }

// readItem reads the children of an <item> that the reader uses; the
// decoder stands after its start tag.
func readItem(dec *xml.Decoder, line int) (item, error) {
	it := item{line: line}
	for {
		tok, err := dec.Token()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return it, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return it, nil
		case xml.StartElement:
			at, _ := dec.InputPos()
			var field *string
			n := t.Name
			switch {
			case n.Space == "" && n.Local == "title":
				field = &it.title
			case n.Space == "" && n.Local == "link":
				field = &it.link
			case n.Space == "" && n.Local == "guid":
				field = &it.guid
			case n.Space == "" && n.Local == "pubDate":
				field = &it.pubDate
			case n.Space == contentNS && n.Local == "encoded":
				field = &it.content
				it.contentLine = at
			case isWP(n) && n.Local == "post_id":
				field = &it.postID
			case isWP(n) && n.Local == "post_date":
				field = &it.postDate
			case isWP(n) && n.Local == "status":
				field = &it.status
			case isWP(n) && n.Local == "post_type":
				field = &it.postType
			case isWP(n) && n.Local == "post_password":
				field = &it.password
			case n.Space == "" && n.Local == "category":
				var c struct {
					Domain   string `xml:"domain,attr"`
					Nicename string `xml:"nicename,attr"`
					Name     string `xml:",chardata"`
				}
				if err := dec.DecodeElement(&c, &t); err != nil {
					return it, err
				}
				tm := term{name: strings.TrimSpace(c.Name), slug: c.Nicename}
				switch c.Domain {
				case "category":
					it.categories = append(it.categories, tm)
				case "post_tag":
					it.tags = append(it.tags, tm)
				}
				continue
			}
			if field == nil {
				if err := dec.Skip(); err != nil {
					return it, err
				}
				continue
			}
			if err := dec.DecodeElement(field, &t); err != nil {
				return it, err
			}
			if field != &it.content {
				*field = strings.TrimSpace(*field)
			}
		}
	}
}

// document makes the document of a post. ok is false for a page that is not
// a document: one without a dated catalogue heading.
func (rd Reader) document(it item, ch channel) (*fonds.Document, []fonds.Warning, bool) {
	var warnings []fonds.Warning
	warn := func(line int, format string, args ...any) {
		warnings = append(warnings, fonds.Warning{Line: line, Message: fmt.Sprintf(format, args...)})
	}
	contentLine := it.contentLine
	if contentLine == 0 {
		contentLine = it.line
	}

	title := cleanTitle(it.title)
	if r, ok := mojibake.Repair(title); ok {
		title = r
		warn(it.line, "repaired mojibake (UTF-8 read as Windows-1252) in the title")
	}
	content := it.content
	if r, ok := mojibake.Repair(content); ok {
		content = r
		warn(contentLine, "repaired mojibake (UTF-8 read as Windows-1252) in the content")
	}

	conv := converter{conventions: rd.Conventions}
	blocks := conv.blocks(content)
	for _, m := range conv.messages {
		warn(contentLine, "%s", m)
	}

	cat, blocks, ws := catalogue(title, blocks, contentLine)
	warnings = append(warnings, ws...)
	if !cat.found && it.postType == "page" {
		return nil, nil, false
	}
	d := cat.doc
	if !cat.found {
		date, err := postDate(it)
		if err != nil {
			warn(it.line, "no date in the title or first line, and the post's date is unreadable (%v): undated", err)
		} else {
			d.Date = date
			warn(it.line, "no date in the title or first line: dated by the post's date, %s", date.Start)
		}
	}

	var tc textConverter
	body := tc.text(blocks)
	for _, m := range tc.messages {
		warn(contentLine, "%s", m)
	}
	body, credits := takeCredits(body)
	lang := language(body)
	role := cat.role
	if lang == "ru" {
		role = fonds.RoleOriginal
	}
	for _, c := range credits {
		if c.Role == "translator" && lang != "ru" {
			role = fonds.RoleTranslation
		}
	}
	d.Witnesses = []fonds.Witness{{Language: lang, Role: role, Credits: credits, Text: body}}
	d.Languages = []string{lang}
	var pageRefs []fonds.Reference
	d.Pages, pageRefs = pages(body, tc.pages)
	d.References = append(d.References, pageRefs...)

	for _, c := range it.categories {
		if c.slug == "uncategorized" || c.name == "" || slices.Contains(d.Categories, c.name) {
			continue
		}
		d.Categories = append(d.Categories, c.name)
	}
	for _, t := range it.tags {
		if t.name == "" || hasPerson(d.Persons, t.name) {
			continue
		}
		d.Persons = append(d.Persons, fonds.Person{Name: t.name})
	}
	d.Aliases = aliases(it, ch)
	d.ID = fonds.DocumentID(d)
	if it.postID != "" {
		// The post's place in the export, for the importer: stable
		// however many posts are added before it.
		d.Origin = "#p" + it.postID
	}
	return d, warnings, true
}

func hasPerson(ps []fonds.Person, name string) bool {
	for _, p := range ps {
		if strings.EqualFold(p.Name, name) || strings.EqualFold(p.Written, name) {
			return true
		}
	}
	return false
}

// postDate returns the date WordPress gives the post, to the day.
func postDate(it item) (fonds.Date, error) {
	var t time.Time
	var err error
	switch {
	case it.postDate != "" && !strings.HasPrefix(it.postDate, "0000"):
		t, err = time.Parse("2006-01-02 15:04:05", it.postDate)
	case it.pubDate != "":
		t, err = time.Parse(time.RFC1123Z, it.pubDate)
	default:
		err = errors.New("none given")
	}
	if err != nil {
		return fonds.Date{}, err
	}
	day := t.Format("2006-01-02")
	return fonds.Date{Start: day, End: day, Precision: fonds.PrecisionDay}, nil
}

// aliases returns the paths the post was published at: its permalink, and
// the "?p=ID" address every WordPress post answers to.
func aliases(it item, ch channel) []string {
	var paths []string
	add := func(p string) {
		if p != "" && !slices.Contains(paths, p) {
			paths = append(paths, p)
		}
	}
	add(urlPath(it.link))
	if u, err := url.Parse(it.guid); err == nil && it.guid != "" {
		if p := u.Query().Get("p"); isDigits(p) {
			add(pathOf(u) + "?p=" + p)
		}
	}
	if isDigits(it.postID) {
		base := "/"
		if u, err := url.Parse(ch.baseBlogURL); err == nil && ch.baseBlogURL != "" {
			base = pathOf(u)
			if !strings.HasSuffix(base, "/") {
				base += "/"
			}
		}
		add(base + "?p=" + it.postID)
	}
	return paths
}

// urlPath returns the path and query of an address, as a request for it
// would ask: "/1977/05/pb-56-68/", "/?p=12".
func urlPath(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	p := pathOf(u)
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p
}

func pathOf(u *url.URL) string {
	if u.Path == "" {
		return "/"
	}
	if !strings.HasPrefix(u.Path, "/") {
		return "/" + u.Path
	}
	return u.Path
}

func isDigits(s string) bool {
	if s == "" || len(s) > 19 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
