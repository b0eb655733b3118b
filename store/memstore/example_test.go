package memstore_test

import (
	"fmt"
	"time"

	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/store/memstore"
)

// The zero Config already uses a memstore; pass one explicitly to choose
// its sweep interval. A store passed in Config is the caller's to close.
func ExampleNew() {
	s := memstore.New(memstore.WithCleanupInterval(10 * time.Second))
	defer s.Close()
	m := manager.New(manager.Config{Store: s})
	defer m.Close() // closes nothing here: the Manager did not create s

	_ = s.Commit("key", []byte("blob"), time.Now().Add(time.Hour))
	all, _ := s.All()
	fmt.Println(len(all), m.CookieName())
	// Output: 1 session
}
