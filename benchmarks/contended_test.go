package benchmarks

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/observe"
	"github.com/sessionkit/sessionkit/store/redisstore"
	"github.com/sessionkit/sessionkit/typed"
)

// BenchmarkContendedWrite measures what merging costs: parallelism ×
// GOMAXPROCS goroutines send write requests (typed.Update of a counter)
// through the handler, in process, against a private redis-server —
// "own": each goroutine on its own session (no conflicts: the
// uncontended write), "shared": all on one session, so commits conflict
// and merge. Besides ns/op it reports redis-cmds/op and conflicts/op
// (failed conditional commits, each followed by a reload and a retry).
func BenchmarkContendedWrite(b *testing.B) {
	srv := redistest.Start(b, redistest.Options{})
	pool := newPool(srv)
	var conflicts atomic.Int64
	hooks := &observe.Hooks{Store: func(e observe.StoreEvent) {
		if e.Err != nil && strings.Contains(e.Err.Error(), "changed since it was loaded") {
			conflicts.Add(1)
		}
	}}
	m := manager.New(manager.Config{Store: redisstore.New(pool), Hooks: hooks})
	mux := http.NewServeMux()
	mux.HandleFunc("/seed", func(w http.ResponseWriter, r *http.Request) {
		for k, v := range smallSession() {
			if err := m.Put(r.Context(), k, v); err != nil {
				panic(err)
			}
		}
	})
	mux.HandleFunc("/write", func(w http.ResponseWriter, r *http.Request) {
		if err := typed.Update(r.Context(), KeyVisits, func(n int) int { return n + 1 }); err != nil {
			panic(err)
		}
	})
	h := m.LoadAndSave(mux)
	tokens := seedThrough(b, h, m.CookieName(), sessionsPerVariant)
	for _, mode := range []string{"own", "shared"} {
		b.Run("sessionkit-msgpack/write-"+mode, func(b *testing.B) {
			var next atomic.Int64
			b.ReportAllocs()
			b.SetParallelism(parallelism)
			before := sentTotal()
			conflicts.Store(0)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				tok := tokens[0]
				if mode == "own" {
					tok = tokens[int(next.Add(1)-1)%len(tokens)]
				}
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				req, _ := http.NewRequestWithContext(ctx, "GET", "/write", nil)
				req.Header.Set("Cookie", m.CookieName()+"="+tok)
				w := &discardWriter{h: http.Header{}}
				for pb.Next() {
					clear(w.h)
					h.ServeHTTP(w, req)
				}
			})
			b.StopTimer()
			redisCmdsPerOp(b, before)
			b.ReportMetric(float64(conflicts.Load())/float64(b.N), "conflicts/op")
		})
	}
}
