package analysis

// Boosts of the fields a plain word searches, which every index ranks by:
// a word in the title or a name weighs more than one in the text; a
// transliteration key, which merges words Russian keeps apart, weighs less.
const (
	BoostTitle     = 3
	BoostNames     = 2
	BoostSummary   = 1.5
	BoostText      = 1
	BoostSource    = 0.5
	BoostNotes     = 0.5
	BoostTranslit  = 0.7
	BoostCredit    = 0.5 // a translator's name: below a mention
	BoostReference = 50  // a reference code finds its document first
	// BoostRefNumber ranks a document whose code has the number asked but
	// another series ("St 56/68" for "Pb 56/68") after the one with both,
	// and before those that cite it.
	BoostRefNumber = 20
	BoostYear      = 2 // a year in the query favours documents of that year
	// BoostStopsPhrase ranks first the documents that write the stop words
	// of a query in the order typed.
	BoostStopsPhrase = 2
	// BoostStopsInPhrase weighs the stop words of a phrase of other words
	// too, which the phrase's other fields score.
	BoostStopsInPhrase = 0.1
)
