package memstore

// Entries counts raw entries, expired ones and marks included.
func Entries(s *Store) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.items)
}
