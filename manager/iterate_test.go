package manager_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/alexedwards/scs/v2"

	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/store/boltstore"
	"github.com/sessionkit/sessionkit/store/memstore"
	"github.com/sessionkit/sessionkit/store/redisstore"
)

// listedStore is a store the test can list directly, bypassing the
// manager, plus a count of every Redis key (marks included) where there is
// one.
type listedStore struct {
	name string
	open func(t *testing.T) (listable, func() int64)
}

type listable interface {
	scs.Store
	scs.IterableStore
}

func listedStores() []listedStore {
	return []listedStore{
		{"memory", func(t *testing.T) (listable, func() int64) {
			s := memstore.New()
			t.Cleanup(func() { s.Close() })
			return s, nil
		}},
		{"bolt", func(t *testing.T) (listable, func() int64) {
			s, err := boltstore.Open(filepath.Join(t.TempDir(), "s.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s, nil
		}},
		{"redis", func(t *testing.T) (listable, func() int64) {
			rs := redistest.Start(t, redistest.Options{})
			return redisstore.New(rs.Pool()), func() int64 { n, _ := rs.Do("DBSIZE").(int64); return n }
		}},
	}
}

// TestIterateDestroyEmptiesStore: scs's README revokes sessions with
// Iterate + Destroy. Both spellings — scs's methods on SessionManager(), and
// the Manager's own — must leave the store empty.
func TestIterateDestroyEmptiesStore(t *testing.T) {
	for _, ls := range listedStores() {
		for _, via := range []string{"SessionManager", "Manager"} {
			t.Run(ls.name+"/"+via, func(t *testing.T) {
				st, keys := ls.open(t)
				m := manager.New(manager.Config{Store: st})
				defer m.Close()
				srv := httptest.NewServer(counterApp(m))
				defer srv.Close()
				for i := 0; i < 3; i++ {
					if status, _, tok := get(t, srv.URL+"/write", ""); status != http.StatusOK || tok == "" {
						t.Fatalf("/write: %d, token %q", status, tok)
					}
				}
				if all, err := st.All(); err != nil || len(all) != 3 {
					t.Fatalf("before: %d sessions stored, err %v; want 3", len(all), err)
				}
				visited := 0
				var err error
				if via == "SessionManager" {
					sm := m.SessionManager()
					err = sm.Iterate(context.Background(), func(ctx context.Context) error {
						visited++
						return sm.Destroy(ctx)
					})
				} else {
					err = m.Iterate(context.Background(), func(ctx context.Context) error {
						visited++
						return m.Destroy(ctx)
					})
				}
				if err != nil || visited != 3 {
					t.Fatalf("Iterate: visited %d, err %v", visited, err)
				}
				all, err := st.All()
				if err != nil || len(all) != 0 {
					t.Errorf("after Destroy of every session: %d sessions left in the store (err %v)", len(all), err)
				}
				if keys != nil {
					if n := keys(); n != 0 {
						t.Errorf("after Destroy of every session: %d Redis keys left", n)
					}
				}
			})
		}
	}
}
