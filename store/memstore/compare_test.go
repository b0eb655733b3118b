package memstore_test

import (
	"testing"

	"github.com/sessionkit/sessionkit/store/internal/storetest"
	"github.com/sessionkit/sessionkit/store/memstore"
)

func TestCommitIf(t *testing.T) {
	s := memstore.New()
	defer s.Close()
	storetest.CommitIf(t, s)
}

func TestUsers(t *testing.T) {
	s := memstore.New()
	defer s.Close()
	storetest.Users(t, s)
}

func TestSweepUsers(t *testing.T) {
	s := memstore.New()
	defer s.Close()
	storetest.SweepUsers(t, s, func() { s.DeleteExpired() })
}
