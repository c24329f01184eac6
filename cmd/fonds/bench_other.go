//go:build !unix

package main

import (
	"os"
	"time"
)

// selfUsage reports ok false: only Unix systems give a process's peak
// memory to bench.
func selfUsage() (cpu time.Duration, peak int64, ok bool) { return 0, 0, false }

// childPeak reports ok false, as selfUsage does.
func childPeak(*os.ProcessState) (int64, bool) { return 0, false }

// processMemory reports ok false, as selfUsage does.
func processMemory(pid int) (pss, rss int64, ok bool) { return 0, 0, false }

// anonymousMemory reports ok false, as selfUsage does.
func anonymousMemory(pid int) (int64, bool) { return 0, false }

// residentPeak reports ok false, as selfUsage does.
func residentPeak(pid int) (int64, bool) { return 0, false }
