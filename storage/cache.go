package storage

import (
	"slices"
	"sync"
	"time"

	"cercle/commands"
)

// Every command, button and form starts by looking up the member behind
// it, so members are cached in memory. All writes to members, and to the
// groups they are in, go through this package, which invalidates the
// cache after each; the TTL bounds how long a change made outside Cercle
// (the sqlite3 shell) stays unseen. A deployment with several processes
// on one database would drop the cache.
const (
	memberCacheSize = 10_000
	memberCacheTTL  = 5 * time.Minute
)

type memberCache struct {
	// Every request reads; few write: readers share the lock.
	mu      sync.RWMutex
	entries map[commands.UserID]cachedMember
	// version changes on every invalidation, so a lookup that read the
	// database before a write committed cannot store its stale result.
	version uint64
	size    int
	ttl     time.Duration
}

type cachedMember struct {
	member  commands.Member
	company commands.Company
	until   time.Time
}

func newMemberCache(size int, ttl time.Duration) *memberCache {
	return &memberCache{entries: map[commands.UserID]cachedMember{}, size: size, ttl: ttl}
}

// get returns a copy of the cached member, or false, and the version to
// pass to put after reading the database.
func (c *memberCache) get(id commands.UserID) (*commands.Member, uint64, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.entries[id]
	if !ok || time.Now().After(e.until) {
		return nil, c.version, false
	}
	m := e.member
	if m.Company != nil {
		company := e.company
		m.Company = &company
	}
	m.Groups = slices.Clone(m.Groups)
	return &m, c.version, true
}

// put stores a copy of m if nothing was invalidated since version.
func (c *memberCache) put(m *commands.Member, version uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version != c.version {
		return
	}
	if len(c.entries) >= c.size {
		// Crude but bounded: a network has a few thousand members at most,
		// so this only happens under abuse.
		clear(c.entries)
	}
	e := cachedMember{member: *m, until: time.Now().Add(c.ttl)}
	if m.Company != nil {
		e.company = *m.Company
	}
	// The caller keeps m: its slice must not be the cache's.
	e.member.Groups = slices.Clone(m.Groups)
	c.entries[m.UserID] = e
}

// invalidate forgets the given members, or all of them when none is given.
func (c *memberCache) invalidate(ids ...commands.UserID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.version++
	if len(ids) == 0 {
		clear(c.entries)
		return
	}
	for _, id := range ids {
		delete(c.entries, id)
	}
}
