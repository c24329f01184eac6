package iiif

import (
	"container/list"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// DefaultCacheBytes is the size the cache of derived images keeps within
// when Config.CacheBytes is 0.
const DefaultCacheBytes = 1 << 30

// diskCache accounts for the files of the cache of derived images, and
// removes the least recently used when they add up to more than the limit.
// What is on disk is measured at open, so the bound holds across restarts;
// the time a file was last used is its modification time, which a use
// renews (at most once a minute, to spare writes).
type diskCache struct {
	dir string

	mu    sync.Mutex
	limit int64
	total int64
	order *list.List               // of *cacheEntry, the least recently used first
	files map[string]*list.Element // by path
}

type cacheEntry struct {
	path string
	size int64
	used time.Time
}

// openDiskCache measures the cache in dir, which it creates if need be.
func openDiskCache(dir string, limit int64) (*diskCache, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	c := &diskCache{dir: dir, limit: limit, order: list.New(), files: make(map[string]*list.Element)}
	var found []*cacheEntry
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // a file removed while walking
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") {
			// A file left half written by a crash.
			os.Remove(path)
			return nil
		}
		found = append(found, &cacheEntry{path: path, size: info.Size(), used: info.ModTime()})
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(found, func(i, j int) bool { return found[i].used.Before(found[j].used) })
	for _, e := range found {
		c.files[e.path] = c.order.PushBack(e)
		c.total += e.size
	}
	c.mu.Lock()
	c.evict()
	c.mu.Unlock()
	return c, nil
}

// setLimit changes the limit, removing what is beyond it.
func (c *diskCache) setLimit(limit int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.limit = limit
	c.evict()
}

// size returns the bytes the cache holds.
func (c *diskCache) size() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.total
}

// used records a use of the file at path, which is in the cache.
func (c *diskCache) used(path string) {
	now := time.Now()
	c.mu.Lock()
	el, ok := c.files[path]
	renew := false
	if ok {
		e := el.Value.(*cacheEntry)
		renew = now.Sub(e.used) > time.Minute
		e.used = now
		c.order.MoveToBack(el)
	}
	c.mu.Unlock()
	if renew {
		os.Chtimes(path, now, now)
	}
}

// added records a file just written to the cache, and removes the least
// recently used files while the cache is over its limit: the file itself,
// if it alone is larger, which whoever holds it open can still read.
func (c *diskCache) added(path string, size int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.files[path]; ok {
		c.total -= el.Value.(*cacheEntry).size
		c.order.Remove(el)
	}
	c.files[path] = c.order.PushBack(&cacheEntry{path: path, size: size, used: time.Now()})
	c.total += size
	c.evict()
}

// forget drops what the cache knows of the files under dir, which the
// caller removes.
func (c *diskCache) forget(dir string) {
	prefix := dir + string(filepath.Separator)
	c.mu.Lock()
	defer c.mu.Unlock()
	for path, el := range c.files {
		if path == dir || strings.HasPrefix(path, prefix) {
			c.total -= el.Value.(*cacheEntry).size
			c.order.Remove(el)
			delete(c.files, path)
		}
	}
}

// evict removes the least recently used files while the total is over the
// limit. A file being served stays readable once removed. The caller holds
// c.mu.
func (c *diskCache) evict() {
	for el := c.order.Front(); el != nil && c.total > c.limit; el = c.order.Front() {
		e := el.Value.(*cacheEntry)
		os.Remove(e.path)
		c.total -= e.size
		c.order.Remove(el)
		delete(c.files, e.path)
	}
}
