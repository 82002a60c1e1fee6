package bot

import (
	"container/list"
	"sync"
	"time"
)

// lru is a cache of at most max entries, each valid until its own expiry:
// the least recently used entry goes when a new one would exceed max, so
// memory stays flat however many distinct keys come by. Safe for
// concurrent use.
type lru[K comparable, V any] struct {
	max   int
	mu    sync.Mutex
	order *list.List // of *lruEntry; front = most recently used
	items map[K]*list.Element
}

type lruEntry[K comparable, V any] struct {
	key   K
	value V
	until time.Time
}

func newLRU[K comparable, V any](max int) *lru[K, V] {
	return &lru[K, V]{max: max, order: list.New(), items: make(map[K]*list.Element, max)}
}

// get returns the value for key if it is there and still valid at now.
func (c *lru[K, V]) get(key K, now time.Time) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		var zero V
		return zero, false
	}
	e := el.Value.(*lruEntry[K, V])
	if !now.Before(e.until) {
		c.order.Remove(el)
		delete(c.items, key)
		var zero V
		return zero, false
	}
	c.order.MoveToFront(el)
	return e.value, true
}

// put stores value for key until the given moment, evicting the least
// recently used entry if the cache is full.
func (c *lru[K, V]) put(key K, value V, until time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		e := el.Value.(*lruEntry[K, V])
		e.value, e.until = value, until
		c.order.MoveToFront(el)
		return
	}
	c.items[key] = c.order.PushFront(&lruEntry[K, V]{key: key, value: value, until: until})
	for c.order.Len() > c.max {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.items, oldest.Value.(*lruEntry[K, V]).key)
	}
}

// len returns the number of entries held, expired ones included until
// they are looked up or evicted.
func (c *lru[K, V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
