package typed_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"sync"

	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/typed"
)

// A counter that parallel requests of one browser all add to: at a
// commit that finds the session changed by another request, the increment
// runs again on the newer count.
func ExampleUpdate() {
	m := manager.New(manager.Config{}) // memstore here; Redis in production
	defer m.Close()
	mux := http.NewServeMux()
	mux.HandleFunc("/visit", func(w http.ResponseWriter, r *http.Request) {
		if err := typed.Update(r.Context(), "visits", func(n int) int { return n + 1 }); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	mux.HandleFunc("/count", func(w http.ResponseWriter, r *http.Request) {
		n, _ := typed.GetOr(r.Context(), "visits", 0)
		fmt.Fprintln(w, n)
	})
	srv := httptest.NewServer(m.LoadAndSave(mux))
	defer srv.Close()

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	visit := func() {
		if resp, err := client.Get(srv.URL + "/visit"); err == nil {
			resp.Body.Close()
		}
	}
	visit() // the first request creates the session
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); visit() }()
	}
	wg.Wait()
	resp, err := client.Get(srv.URL + "/count")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Print(string(body))
	// Output: 21
}
