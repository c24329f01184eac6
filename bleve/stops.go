package bleve

// fieldStops is the stop words field: the stop words of each page alone,
// each at its position in the page (see package analysis for why), so that
// a query of only stop words finds the documents that write them, as a
// phrase when it is one, and a phrase of other words too finds only the
// documents that write its stop words in its order.
const fieldStops = "stops"
