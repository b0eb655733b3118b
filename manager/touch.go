package manager

import (
	"sync"
	"time"
)

// touchLog remembers when this process last extended each session's
// expiry, so a read-only request extends it at most once per window.
// It keeps two generations of one window each: anything older is no longer
// needed for the decision, so memory is bounded by the sessions seen in
// the last two windows.
type touchLog struct {
	window time.Duration

	mu        sync.Mutex
	cur, prev map[string]time.Time
	rotated   time.Time
}

func newTouchLog(window time.Duration) *touchLog {
	return &touchLog{window: window, cur: map[string]time.Time{}, prev: map[string]time.Time{}}
}

// due reports whether key's expiry was last extended a window or more ago
// (or never, as far as this process knows).
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

func (t *touchLog) rotate(now time.Time) {
	if now.Sub(t.rotated) < t.window {
		return
	}
	t.prev, t.cur = t.cur, make(map[string]time.Time, len(t.cur))
	t.rotated = now
}
