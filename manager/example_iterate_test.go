package manager_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/typed"
)

// Log a user out everywhere: visit every stored session and destroy those
// that belong to the user.
func ExampleManager_Iterate() {
	m := manager.New(manager.Config{})
	defer m.Close()
	signIn := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = typed.Put(r.Context(), "user", r.URL.Query().Get("user"))
	}))
	for _, u := range []string{"ada", "ada", "grace"} { // ada on two devices
		signIn.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/?user="+u, nil))
	}

	ended := 0
	err := m.Iterate(context.Background(), func(ctx context.Context) error {
		if u, _ := typed.Get[string](ctx, "user"); u != "ada" {
			return nil
		}
		ended++
		return m.Destroy(ctx)
	})
	left := 0
	_ = m.Iterate(context.Background(), func(context.Context) error { left++; return nil })
	fmt.Println(ended, "ended,", left, "left, err:", err)
	// Output: 2 ended, 1 left, err: <nil>
}

// A handler that needs the session stored before it answers commits it
// itself; with an idle timeout, the expiry returned is the idle one.
func ExampleManager_Commit() {
	m := manager.New(manager.Config{Lifetime: 24 * time.Hour, IdleTimeout: 30 * time.Minute})
	defer m.Close()
	h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = typed.Put(r.Context(), "cart", []string{"book"})
		_, expiry, err := m.Commit(r.Context())
		if err != nil {
			http.Error(w, "try again", http.StatusServiceUnavailable)
			return
		}
		fmt.Println("stored until about", time.Until(expiry).Round(time.Minute))
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	// Output: stored until about 30m0s
}
