package liquid

import (
	"container/list"
	"sync"
)

// cacheKey tells the compiled forms of one source apart: JSON and URL modes
// compile a rewritten source.
type cacheKey struct {
	src      string
	jsonMode bool
	urlMode  bool
}

type cacheEntry struct {
	key cacheKey
	c   *compiled
}

// templateCache is a small LRU of compiled templates. Bodies come from a bounded
// set of triggers, so a few hundred entries keep every live one compiled, while the
// cap stops dry runs of edited drafts from growing memory without end.
type templateCache struct {
	mu    sync.Mutex
	cap   int
	order *list.List // front = most recently used
	items map[cacheKey]*list.Element
}

func newTemplateCache(capacity int) *templateCache {
	return &templateCache{cap: capacity, order: list.New(), items: make(map[cacheKey]*list.Element)}
}

func (c *templateCache) get(k cacheKey) (*compiled, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[k]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cacheEntry).c, true
}

func (c *templateCache) put(k cacheKey, t *compiled) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		c.order.MoveToFront(el)
		el.Value.(*cacheEntry).c = t
		return
	}
	c.items[k] = c.order.PushFront(&cacheEntry{key: k, c: t})
	for c.order.Len() > c.cap {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.items, oldest.Value.(*cacheEntry).key)
	}
}

func (c *templateCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
