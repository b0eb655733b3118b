package boltstore_test

import (
	"path/filepath"
	"testing"

	"github.com/sessionkit/sessionkit/store/internal/storetest"
)

func TestCommitIf(t *testing.T) {
	storetest.CommitIf(t, open(t, filepath.Join(t.TempDir(), "s.db")))
}

func TestUsers(t *testing.T) {
	storetest.Users(t, open(t, filepath.Join(t.TempDir(), "s.db")))
}

func TestSweepUsers(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "s.db"))
	storetest.SweepUsers(t, s, func() {
		if _, err := s.DeleteExpired(); err != nil {
			t.Fatal(err)
		}
	})
}
