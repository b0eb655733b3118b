package observe_test

import (
	"expvar"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/sessionkit/sessionkit/codec"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/observe"
	"github.com/sessionkit/sessionkit/typed"
)

// Hooks wired to expvar: counts and total microseconds per store and codec
// operation, served at /debug/vars by expvar's handler.
func Example_expvar() {
	stats := expvar.NewMap("sessionkit")
	hooks := &observe.Hooks{
		Store: func(e observe.StoreEvent) {
			stats.Add("store_"+e.Op, 1)
			stats.Add("store_"+e.Op+"_us", e.Duration.Microseconds())
			if e.Err != nil {
				stats.Add("store_errors", 1)
			}
		},
		Codec: func(e observe.CodecEvent) {
			stats.Add("codec_"+e.Op, 1)
			stats.Add("codec_"+e.Op+"_bytes", int64(e.Bytes))
		},
	}
	m := manager.New(manager.Config{Hooks: hooks, Codec: codec.Msgpack(codec.WithHooks(hooks))})
	h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = typed.Put(r.Context(), "greeting", "hello")
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))

	// In a real server: mux.Handle("/debug/vars", expvar.Handler())
	fmt.Println("commits:", stats.Get("store_commit"))
	fmt.Println("values encoded:", stats.Get("codec_encode-value"))
	fmt.Println("blobs encoded:", stats.Get("codec_encode"))
	// Output:
	// commits: 1
	// values encoded: 1
	// blobs encoded: 1
}
