//go:build !race

package sqlite

// raceEnabled reports whether the race detector is on: it changes what
// allocates, so tests that count allocations skip.
const raceEnabled = false
