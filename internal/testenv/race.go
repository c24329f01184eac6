//go:build race

package testenv

// Race reports whether the race detector is on: it multiplies the memory
// and time a test takes, so tests that measure either skip under it.
const Race = true
