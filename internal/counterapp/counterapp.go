// Package counterapp is the session app the store and manager tests share.
package counterapp

import (
	"fmt"
	"net/http"

	"github.com/sessionkit/sessionkit/typed"
)

// Handler returns the app, to be wrapped in a manager's LoadAndSave:
// /write increments the session's counter "n" and answers its new value,
// /read answers it (404 when the session has none), /static never touches
// the session.
func Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/write", func(w http.ResponseWriter, r *http.Request) {
		n, err := typed.GetOr(r.Context(), "n", 0)
		if err == nil {
			err = typed.Put(r.Context(), "n", n+1)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprint(w, n+1)
	})
	mux.HandleFunc("/read", func(w http.ResponseWriter, r *http.Request) {
		n, err := typed.Get[int](r.Context(), "n")
		if err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		fmt.Fprint(w, n)
	})
	mux.HandleFunc("/static", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "static") })
	return mux
}
