package benchmarks

import (
	"encoding/gob"
	"fmt"
	"time"
)

// User is the typical signed-in user of the benchmark sessions.
type User struct {
	ID       int64
	Name     string
	Email    string
	Roles    []string
	LoggedIn time.Time
}

// CartItem is one line of the large session's 50-item cart.
type CartItem struct {
	SKU        string
	Name       string
	Qty        int
	PriceCents int64
}

func init() {
	// scs's GobCodec, the baseline, needs its interface values registered.
	gob.Register(User{})
	gob.Register([]CartItem{})
}

// Session keys.
const (
	KeyUser   = "user"
	KeyVisits = "visits"
	KeyFlash  = "flash"
	KeyCart   = "cart"
)

// smallSession: a user, a counter and a flash message.
func smallSession() map[string]any {
	return map[string]any{
		KeyUser: User{ID: 7, Name: "Ada Lovelace", Email: "ada@example.com",
			Roles: []string{"admin", "dev"}, LoggedIn: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)},
		KeyVisits: 42,
		KeyFlash:  "Signed in.",
	}
}

// largeSession: the small session plus a 50-item cart.
func largeSession() map[string]any {
	s := smallSession()
	cart := make([]CartItem, 50)
	for i := range cart {
		cart[i] = CartItem{SKU: fmt.Sprintf("SKU-%05d", i), Name: fmt.Sprintf("Item number %d", i), Qty: i%3 + 1, PriceCents: int64(100 + i*7)}
	}
	s[KeyCart] = cart
	return s
}
