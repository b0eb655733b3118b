package manager_test

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/store/redisstore"
)

// heapAfterGC is the live heap, in bytes, after a full collection.
func heapAfterGC() uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestIdleTimeoutMemoryFlat: with an IdleTimeout, the process keeps nothing
// per session. 20,000 sessions are each created and read once (the read
// is where the manager decides whether to extend the expiry); the live
// heap after the last one is compared with the heap after the first 2,000.
// The bound is generous — 40 bytes a session, a third of what remembering
// each session's last touch costs — so that only per-session state fails.
func TestIdleTimeoutMemoryFlat(t *testing.T) {
	rs := redistest.Start(t, redistest.Options{})
	m := manager.New(manager.Config{Store: redisstore.New(rs.Pool()), IdleTimeout: 20 * time.Minute})
	h := counterApp(m)
	session := func() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/write", nil))
		var ck *http.Cookie
		for _, c := range w.Result().Cookies() {
			if c.Name == "session" {
				ck = c
			}
		}
		if w.Code != 200 || ck == nil {
			t.Fatalf("write: %d %q, cookie %v", w.Code, w.Body, ck)
		}
		r := httptest.NewRequest("GET", "/read", nil)
		r.AddCookie(ck)
		w = httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 200 {
			t.Fatalf("read: %d %q", w.Code, w.Body)
		}
	}
	const warm, total = 2_000, 20_000
	for i := 0; i < warm; i++ {
		session()
	}
	before := heapAfterGC()
	for i := warm; i < total; i++ {
		session()
	}
	after := heapAfterGC()
	runtime.KeepAlive(h) // the manager must be live when the heap is measured
	growth := int64(after) - int64(before)
	t.Logf("live heap after %d sessions: %d B; after %d: %d B (%+d B, %.1f B/session)",
		warm, before, total, after, growth, float64(growth)/(total-warm))
	if limit := int64(40 * (total - warm)); growth > limit {
		t.Errorf("live heap grew by %d B over %d sessions (more than %d B): the process keeps state per session",
			growth, total-warm, limit)
	}
}
