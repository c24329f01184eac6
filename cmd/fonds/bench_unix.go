//go:build unix

package main

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// selfUsage returns the CPU time this process has used, user and system,
// on all its threads, and its peak resident memory in bytes (getrusage's
// ru_maxrss).
func selfUsage() (cpu time.Duration, peak int64, ok bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), maxRSS(int64(ru.Maxrss)), true
}

// childPeak returns the peak resident memory in bytes of a process that has
// ended.
func childPeak(ps *os.ProcessState) (int64, bool) {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, false
	}
	return maxRSS(int64(ru.Maxrss)), true
}

// maxRSS converts ru_maxrss to bytes: macOS counts bytes, the others
// kilobytes.
func maxRSS(v int64) int64 {
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return v
	}
	return v << 10
}

// processMemory returns the proportional and resident set sizes of the
// process pid in bytes, from /proc/PID/smaps_rollup (Linux; reading
// another user's asks for the right to trace it, which root has).
func processMemory(pid int) (pss, rss int64, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/smaps_rollup")
	if err != nil {
		return 0, 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		name, value, found := strings.Cut(line, ":")
		if !found || (name != "Pss" && name != "Rss") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			return 0, 0, false
		}
		if name == "Pss" {
			pss = kb << 10
		} else {
			rss = kb << 10
		}
	}
	return pss, rss, rss > 0
}

// residentPeak returns the peak resident set of the running process pid in
// bytes, from VmHWM in /proc/PID/status (Linux; other systems report ok
// false). The ru_maxrss of a child that has ended will not do: Linux
// counts in it the resident set of the process that started it, which it
// was a copy of until it ran its program.
func residentPeak(pid int) (int64, bool) {
	return statusField(pid, "VmHWM:")
}

// anonymousMemory returns the resident anonymous memory of the process pid
// in bytes: its heap and stacks, without the pages of the files it maps
// (the index's segments, the database), which the kernel shares with its
// page cache and takes back when memory runs short. Linux says it in
// /proc/PID/status; other systems report ok false.
func anonymousMemory(pid int) (int64, bool) {
	return statusField(pid, "RssAnon:")
}

// statusField returns a size in /proc/PID/status, in bytes.
func statusField(pid int, name string) (int64, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if value, found := strings.CutPrefix(line, name); found {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}
