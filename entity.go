package fonds

import "context"

// EntityKind names what an entity of the index is.
type EntityKind string

// The kinds of entity, as the spans that mention them.
const (
	EntityPerson EntityKind = "person"
	EntityOrg    EntityKind = "org"
	EntityPlace  EntityKind = "place"
	EntityTerm   EntityKind = "term"
)

// EntityKinds lists the kinds of entity in the order the index shows them.
var EntityKinds = []EntityKind{EntityPerson, EntityOrg, EntityPlace, EntityTerm}

// Valid reports whether k is one of EntityKinds.
func (k EntityKind) Valid() bool {
	for _, v := range EntityKinds {
		if k == v {
			return true
		}
	}
	return false
}

// SpanKind returns the kind of span that mentions an entity of kind k.
func (k EntityKind) SpanKind() SpanKind { return SpanKind(k) }

// Entity is a person, organization, place or glossed term that documents
// of the archive mention, known by its Key: every spelling of one name, in
// Latin or Cyrillic letters and in any case form, has the same key.
type Entity struct {
	Kind EntityKind `json:"kind"`
	Key  string     `json:"key"` // lower-case ASCII letters, digits and '-': "sakharov"
	// Name is the name shown for it: the one an editor chose, or else the
	// fullest name met in Latin letters.
	Name string `json:"name"`
	// Names are the spellings met, the most frequent first.
	Names []EntityName `json:"names,omitempty"`
	// Documents counts the documents that mention it, of those the
	// filter it was read with admits.
	Documents int `json:"documents"`
	// What an editor or a volume's list says of it: the role ("Secretary
	// of State"), the dates ("1921–1989"), a note.
	Role  string `json:"role,omitempty"`
	Dates string `json:"dates,omitempty"`
	Note  string `json:"note,omitempty"`
	// Authority holds identifiers of it in other catalogues (Wikidata,
	// VIAF, …): URIs given by editors and by the sources.
	Authority []string `json:"authority,omitempty"`
}

// EntityName is one spelling of an entity's name and how many documents
// write it so.
type EntityName struct {
	Name      string `json:"name"`
	Documents int    `json:"documents"`
}

// Mention is one document's mention of an entity, as a store keeps it: the
// document's first use of the name, and the passage it stands in.
type Mention struct {
	Kind EntityKind `json:"kind"`
	Key  string     `json:"key"`
	// Name is the canonical name the mention gives or resolves to
	// ("Andrei Sakharov"), or else its words.
	Name string `json:"name"`
	// Written are the words of the document ("Sakharov's", "Сахарова"),
	// when they differ from Name.
	Written string `json:"written,omitempty"`
	// Passage is the sentence around the mention, as plain text.
	Passage string `json:"passage,omitempty"`
	// Spellings are the names and words the document gives it, each once.
	Spellings []string `json:"spellings,omitempty"`
	Authority []string `json:"authority,omitempty"`
}

// Citation is a document's reference to another document, or to a volume,
// by a key that Identities of the target gives: "frus1977-80v02#d9",
// "ref:pb 56/68", "frus1977-80v06".
type Citation struct {
	Target  string `json:"target"`
	Anchor  string `json:"anchor,omitempty"` // a place within the target: "fn3"
	Written string `json:"written,omitempty"`
}

// Mentioning is a document that mentions an entity, with how it does.
type Mentioning struct {
	Document *Document `json:"document"` // brief: without texts
	Written  string    `json:"written,omitempty"`
	Passage  string    `json:"passage,omitempty"`
}

// Section is a chapter of a volume: the documents of a collection that
// share a Document.Section, in the order of their numbers.
type Section struct {
	Title string `json:"title"`
	// First is the smallest number of its documents, which orders the
	// sections of a volume.
	First int `json:"first"`
	Count int `json:"count"`
}

// SettingEntitiesDescribed is the setting a store changes whenever an
// editor describes an entity: the change feed, which follows documents, does
// not record it, and a cache of pages watches it to drop what it showed.
const SettingEntitiesDescribed = "entities.described"

// EntityOrder is the order of a list of entities.
type EntityOrder string

// The orders of a list of entities: by name in the English alphabet (Latin
// names first), or in the Russian (Cyrillic names first).
const (
	ByEnglishName EntityOrder = "en"
	ByRussianName EntityOrder = "ru"
)

// EntityFilter selects entities for a list.
type EntityFilter struct {
	Kind EntityKind
	// Published and Restricted admit only entities that a document the
	// public (or a reader) sees mentions, as in Filter; the name, count
	// and spellings of each then come from those documents alone, as
	// Entity gives them.
	Published  bool
	Restricted bool
	// Prefix admits only entities with a name that begins with it, in any
	// script: "sak" and "сах" find Sakharov.
	Prefix string
	Order  EntityOrder
	// After continues a list where a page ended: the key of its last entity.
	After string
	Limit int // 0 means no limit
}

// Entities is the part of a Store that keeps the linked edition: the
// entities the documents mention, what they cite, and the chapters of
// volumes. A store derives mentions, citations and identities from each
// document it saves (with package entity), in the save's transaction.
type Entities interface {
	// Entities lists entities.
	Entities(ctx context.Context, f EntityFilter) ([]Entity, error)
	// Entity returns one entity, ErrNotFound if no document mentions it
	// and no editor described it. Its name met, spellings, identifiers
	// and count of documents come from the documents f admits (Published,
	// Restricted), so that nothing in it tells of a document the viewer
	// may not see; what an editor said of it shows whatever f says.
	Entity(ctx context.Context, kind EntityKind, key string, f Filter) (*Entity, error)
	// Mentioning lists the documents that mention an entity, by date; f
	// says which documents may be seen (Published, Restricted, Status)
	// and pages (After, Limit).
	Mentioning(ctx context.Context, kind EntityKind, key string, f Filter) ([]Mentioning, error)
	// DescribeEntity keeps what an editor says of an entity (Name, Role,
	// Dates, Note, Authority; an empty Name keeps the name met), audited
	// as the Save says, and gives SettingEntitiesDescribed a new value.
	DescribeEntity(ctx context.Context, e Entity, s Save) error
	// CitedBy lists the documents that cite the document id, by date,
	// filtered and paged as f says.
	CitedBy(ctx context.Context, id string, f Filter) ([]*Document, error)
	// Resolve returns, for each target it finds, the id of the document
	// the target identifies. A target that names a collection is not
	// resolved here.
	Resolve(ctx context.Context, targets []string) (map[string]string, error)
	// Unresolved calls fn for every citation whose target no document
	// has, in the order of the citing documents' ids.
	Unresolved(ctx context.Context, fn func(id string, c Citation) error) error
	// Sections lists the chapters of a collection, in order.
	Sections(ctx context.Context, collection string) ([]Section, error)
}
