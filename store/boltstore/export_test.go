package boltstore

import (
	"testing"

	bolt "go.etcd.io/bbolt"
)

// DBOf exposes a Store's database to the tests, for sharing one file.
func DBOf(tb testing.TB, s *Store) *bolt.DB { return s.db }
