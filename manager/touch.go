package manager

import (
	"sync"
	"time"
)

// touchLogMax bounds each generation of a touchLog: with both full, it
// holds 2×16,384 entries, about 4 MB.
const touchLogMax = 1 << 14

// touchLog is the idle-timeout fallback for stores that cannot decide a
// touch themselves (no store.IdleFinder): it remembers when this process
// last extended each session's expiry, so a read-only request extends it
// at most once per window. It keeps two generations of at most max entries
// each and starts a new generation every window or when the current one is
// full, so its memory is bounded however many sessions there are. The
// cost of the bound: a session forgotten early is extended again on its
// next read — one extra store touch, at most once per generation.
type touchLog struct {
	window time.Duration
	max    int

	mu        sync.Mutex
	cur, prev map[string]time.Time
	rotated   time.Time
}

func newTouchLog(window time.Duration, max int) *touchLog {
	return &touchLog{window: window, max: max, cur: map[string]time.Time{}, prev: map[string]time.Time{}}
}

// due reports whether key's expiry was last extended a window or more ago
// (or never, as far as this process remembers).
func (t *touchLog) due(key string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.rotate(now)
	last, ok := t.cur[key]
	if !ok {
		last, ok = t.prev[key]
	}
	return !ok || now.Sub(last) >= t.window
}

func (t *touchLog) record(key string, now time.Time) {
	t.mu.Lock()
	t.rotate(now)
	t.cur[key] = now
	t.mu.Unlock()
}

func (t *touchLog) forget(key string) {
	t.mu.Lock()
	delete(t.cur, key)
	delete(t.prev, key)
	t.mu.Unlock()
}

// len is the number of sessions remembered.
func (t *touchLog) len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.cur) + len(t.prev)
}

func (t *touchLog) rotate(now time.Time) {
	if now.Sub(t.rotated) < t.window && len(t.cur) < t.max {
		return
	}
	// A fresh map, not a cleared one: a map never shrinks its buckets.
	t.prev, t.cur = t.cur, make(map[string]time.Time, min(len(t.cur), t.max))
	t.rotated = now
}
