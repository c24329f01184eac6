package cite

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteRIS writes the item as a RIS record of type MANSCPT, which Zotero
// reads as a manuscript. Lines end in CRLF, as the format asks; each tag
// holds one value on one line.
//
// The tags are those Zotero reads for a manuscript: AU the creator, A4 each
// translator, DA and PY the date, AN the reference codes (its "Loc. in
// Archive"), DB the archive, M3 the type of document, UR, Y2 the date
// accessed, LA. AV repeats the reference codes for readers that follow
// RefMan (Zotero uses it only where AN is missing), and T2 names the
// collection (RIS's collection title of a manuscript). A document of a
// volume is a CHAP: T2 is then the volume, the book it is part of, and SE
// its number in it. RIS cannot say that a
// date is approximate: a note (N1) says so.
func WriteRIS(w io.Writer, it Item) error {
	bw := bufio.NewWriter(w)
	tag := func(name, value string) {
		value = oneLine(value)
		if value == "" {
			return
		}
		bw.WriteString(name)
		bw.WriteString("  - ")
		bw.WriteString(value)
		bw.WriteString("\r\n")
	}
	if it.Volume != "" {
		tag("TY", "CHAP")
	} else {
		tag("TY", "MANSCPT")
	}
	tag("TI", it.Title)
	tag("AU", it.Creator)
	for _, t := range it.Translators {
		tag("A4", risName(t))
	}
	if it.DateParts != nil {
		tag("PY", pad4(it.DateParts[0]))
		tag("DA", risDate(it.DateParts))
		if it.Circa() {
			tag("N1", "Date approximate: "+it.Date.Display())
		}
	}
	tag("M3", capitalize(it.Type))
	tag("T2", it.Collection)
	if it.Volume != "" {
		tag("SE", strconv.Itoa(it.Number))
	}
	tag("AN", it.ArchiveLocation())
	tag("AV", it.ArchiveLocation())
	tag("DB", it.Archive())
	tag("UR", it.URL)
	if !it.Accessed.IsZero() {
		y, m, d := it.Accessed.Date()
		tag("Y2", risDate([]int{y, int(m), d}))
	}
	tag("LA", it.Language)
	bw.WriteString("ER  - \r\n")
	return bw.Flush()
}

// risDate writes date parts in RIS's YYYY/MM/DD/other form, the parts not
// known left empty: "1990/07//".
func risDate(parts []int) string {
	s := make([]string, 4)
	copy(s, strings.Split(joinDate(parts, "/"), "/"))
	return strings.Join(s, "/")
}

func pad4(year int) string { return fmt.Sprintf("%04d", year) }

// risName writes a person's name as RIS asks, "Family, Given", or as written
// when it cannot be split (a reader then keeps it whole).
func risName(name string) string {
	if given, family, ok := splitName(name); ok {
		return family + ", " + given
	}
	return oneLine(name)
}
