package typed_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/sessionkit/sessionkit/internal/webtest"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/typed"
)

// TestUpdate: a missing key starts from the zero value; an existing one
// from its value; a value of another type fails with ErrType and stays;
// without a session, ErrNoSession. For each codec.
func TestUpdate(t *testing.T) {
	if err := typed.Update(context.Background(), "n", func(n int) int { return n + 1 }); !errors.Is(err, typed.ErrNoSession) {
		t.Errorf("Update without a session: %v, want ErrNoSession", err)
	}
	for _, c := range codecs() {
		t.Run(c.Name(), func(t *testing.T) {
			m := manager.New(manager.Config{Codec: c})
			visits := typed.NewKey[int]("visits")
			put := func(ctx context.Context) error {
				var seen []int
				add := func(n int) int { seen = append(seen, n); return n + 5 }
				if err := visits.Update(ctx, add); err != nil {
					return err
				}
				if err := typed.Update(ctx, "visits", func(n int) int { seen = append(seen, n); return n * 2 }); err != nil {
					return err
				}
				if fmt.Sprint(seen) != "[0 5]" {
					return fmt.Errorf("update functions saw %v, want [0 5]", seen)
				}
				return typed.Put(ctx, "name", "ada")
			}
			read := func(ctx context.Context) error {
				if n, err := visits.Get(ctx); n != 10 || err != nil {
					return fmt.Errorf("visits = %d, %v; want 10", n, err)
				}
				err := typed.Update(ctx, "name", func(n int) int { return n + 1 })
				if !errors.Is(err, typed.ErrType) {
					return fmt.Errorf("Update[int] of a string: %v, want ErrType", err)
				}
				if s, err := typed.Get[string](ctx, "name"); s != "ada" || err != nil {
					return fmt.Errorf("after a failed Update, name = %q, %v", s, err)
				}
				return nil
			}
			srv, client := serve(t, m, put, read)
			if r := webtest.Get(t, client, srv.URL+"/put"); r.Body != "ok" {
				t.Fatalf("put: %s", r.Body)
			}
			if r := webtest.Get(t, client, srv.URL+"/read"); r.Body != "ok" {
				t.Errorf("read: %s", r.Body)
			}
		})
	}
}
