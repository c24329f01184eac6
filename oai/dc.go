package oai

import (
	"net/url"
	"time"

	"fonds"
)

// openDC writes the start tag of an oai_dc record, with its namespaces and
// schema.
func openDC(w *xmlWriter) {
	w.open("oai_dc:dc", "xmlns:oai_dc", nsOAIDC, "xmlns:dc", nsDC, "xmlns:xsi", nsXSI,
		"xsi:schemaLocation", nsOAIDC+" "+schemaOAIDC)
}

// writeDC writes the document as simple Dublin Core.
func writeDC(_ *handler, w *xmlWriter, d *fonds.Document, s *site) error {
	each := func(name string, values ...string) {
		for _, v := range values {
			if v != "" {
				w.elem(name, v)
			}
		}
	}
	openDC(w)
	each("dc:title", d.Heading())
	each("dc:creator", d.Creator)
	each("dc:subject", d.Categories...)
	for _, p := range d.Persons {
		each("dc:subject", p.Name)
	}
	if d.Title != "" {
		// Without a title, the summary is the heading already.
		each("dc:description", d.DisplaySummary())
	}
	if d.Source != "" {
		each("dc:description", "Source: "+d.Source)
	}
	each("dc:contributor", d.Translators()...)
	each("dc:date", dcDate(d.Date))
	each("dc:type", "Text", d.Type)
	each("dc:format", "text/html")
	each("dc:identifier", s.root+"/documents/"+url.PathEscape(d.ID))
	for _, r := range d.References {
		each("dc:identifier", r.Written)
	}
	each("dc:language", d.Languages...)
	if d.Collection != "" {
		title := s.collections[d.Collection]
		if title == "" {
			title = d.Collection
		}
		each("dc:relation", title)
	}
	w.close("oai_dc:dc")
	return nil
}

// dcDate returns the date in ISO 8601: a day, a month ("1991-06") or a year
// when the date covers just that, or else the interval "start/end".
func dcDate(d fonds.Date) string {
	if d.IsZero() {
		return ""
	}
	if d.End == "" || d.End == d.Start {
		return d.Start
	}
	start, err1 := time.Parse(time.DateOnly, d.Start)
	end, err2 := time.Parse(time.DateOnly, d.End)
	if err1 != nil || err2 != nil {
		return d.Start
	}
	switch {
	case start.Day() == 1 && end.Equal(start.AddDate(0, 1, -1)):
		return start.Format("2006-01")
	case start.YearDay() == 1 && end.Equal(start.AddDate(1, 0, -1)):
		return start.Format("2006")
	}
	return d.Start + "/" + d.End
}
