package storetest

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/store"
)

// Users checks store.UserIndexer: listing reports live sessions, keeps a
// recent entry whose session does not exist yet, drops older entries
// whose session is gone (expired, retired, never there), and Unbind
// removes entries; users do not see each other's entries.
func Users(t *testing.T, s interface {
	Store
	store.UserIndexer
}) {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	hour := now.Add(time.Hour)
	old, recent := now.Add(-2*time.Minute), now.Add(-time.Minute)
	for _, k := range []string{"live", "retired", "short"} {
		exp := hour
		if k == "short" {
			exp = now.Add(30 * time.Millisecond)
		}
		if err := s.CommitCtx(ctx, k, []byte("v"), exp); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.RetireCtx(ctx, "retired", time.Minute); err != nil {
		t.Fatal(err)
	}
	bind := func(user, key string, at time.Time) {
		if err := s.BindUserCtx(ctx, user, key, at, hour); err != nil {
			t.Fatal(err)
		}
	}
	bind("u", "live", old)
	bind("u", "retired", old)
	bind("u", "short", old)
	bind("u", "gone", old)
	bind("u", "soon", now) // a renewal about to create it
	bind("v", "live", old)
	time.Sleep(50 * time.Millisecond) // "short" expires
	list := func(user string) string {
		t.Helper()
		es, err := s.UserSessionsCtx(ctx, user, recent)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range es {
			out = append(out, fmt.Sprintf("%s:%v", e.Key, e.Live))
			if e.Key == "live" && e.BoundAt.Sub(old).Abs() > time.Millisecond {
				t.Errorf("bound at %v, want %v", e.BoundAt, old)
			}
		}
		sort.Strings(out)
		return fmt.Sprint(out)
	}
	if got := list("u"); got != "[live:true soon:false]" {
		t.Errorf("u's sessions: %s, want [live:true soon:false]", got)
	}
	if got := list("u"); got != "[live:true soon:false]" {
		t.Errorf("u's sessions, listed again: %s", got)
	}
	if err := s.UnbindUserCtx(ctx, "u", "live", "soon"); err != nil {
		t.Fatal(err)
	}
	if got := list("u"); got != "[]" {
		t.Errorf("after unbinding: %s, want none", got)
	}
	if got := list("v"); got != "[live:true]" {
		t.Errorf("v's sessions: %s", got)
	}
}

// SweepUsers checks that the store's expiry sweep drops index entries
// whose session is gone and that are over a minute old, keeping recent
// ones, so a user who never lists sessions does not make the index grow.
func SweepUsers(t *testing.T, s interface {
	Store
	store.UserIndexer
}, sweep func()) {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	hour := now.Add(time.Hour)
	if err := s.CommitCtx(ctx, "live", []byte("v"), hour); err != nil {
		t.Fatal(err)
	}
	for key, at := range map[string]time.Time{"live": now.Add(-2 * time.Minute), "gone": now.Add(-2 * time.Minute), "soon": now} {
		if err := s.BindUserCtx(ctx, "u", key, at, hour); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.BindUserCtx(ctx, "w", "gone2", now.Add(-2*time.Minute), hour); err != nil {
		t.Fatal(err)
	}
	sweep()
	for _, user := range []string{"u", "w"} {
		es, err := s.UserSessionsCtx(ctx, user, time.Time{}) // keeps every entry the sweep left
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range es {
			got = append(got, fmt.Sprintf("%s:%v", e.Key, e.Live))
		}
		sort.Strings(got)
		wantAfter := map[string]string{"u": "[live:true soon:false]", "w": "[]"}[user]
		if fmt.Sprint(got) != wantAfter {
			t.Errorf("%s's entries after the sweep: %v, want %s", user, got, wantAfter)
		}
	}
}
