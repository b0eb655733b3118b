// Package signin is one sign-in flow written once against net/http and
// mounted, unchanged, under net/http's ServeMux, chi, gin and echo: the
// manager's LoadAndSave is plain func(http.Handler) http.Handler middleware.
package signin

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/typed"
)

// User is the signed-in user, stored in the session as a struct.
type User struct {
	Name  string
	Admin bool
}

// CurrentUser is the session key holding the User.
var CurrentUser = typed.NewKey[User]("user")

// Handlers holds the two handlers every example mounts.
type Handlers struct{ M *manager.Manager }

// SignIn renews the session token (against fixation) and stores the user
// named by the "name" form value.
func (h Handlers) SignIn(w http.ResponseWriter, r *http.Request) {
	name := r.FormValue("name")
	if name == "" {
		http.Error(w, "name required", http.StatusBadRequest)
		return
	}
	if err := h.M.RenewToken(r.Context()); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if err := CurrentUser.Put(r.Context(), User{Name: name, Admin: name == "root"}); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// Me answers with the signed-in user's name, or 401.
func (h Handlers) Me(w http.ResponseWriter, r *http.Request) {
	u, err := CurrentUser.Get(r.Context())
	switch {
	case errors.Is(err, typed.ErrNotFound):
		http.Error(w, "not signed in", http.StatusUnauthorized)
	case err != nil:
		http.Error(w, err.Error(), http.StatusInternalServerError)
	default:
		fmt.Fprintf(w, "%s admin=%v", u.Name, u.Admin)
	}
}
