package codec

import (
	"sync"
	"sync/atomic"
)

// Session key names are few and the same in every session ("user",
// "visits", "__rememberMe"...), yet Decode would allocate each one anew
// per request. keyNames interns them: a read-only map swapped whole on
// the rare insert, so a lookup takes no lock and, indexed by
// string(bytes), allocates nothing.
var keyNames struct {
	m  atomic.Pointer[map[string]string]
	mu sync.Mutex // serialises inserts
}

// Bounds on what keyNames holds: the first maxKeyNames distinct names up to
// maxKeyNameLen bytes. Further names are allocated per decode as before, so
// sessions with unbounded key sets cannot grow the table.
const (
	maxKeyNames   = 256
	maxKeyNameLen = 64
)

// keyName returns b as a string, shared between decodes when interned.
func keyName(b []byte) string {
	if m := keyNames.m.Load(); m != nil {
		if s, ok := (*m)[string(b)]; ok {
			return s
		}
	}
	s := string(b)
	if len(s) > maxKeyNameLen {
		return s
	}
	keyNames.mu.Lock()
	defer keyNames.mu.Unlock()
	old := keyNames.m.Load()
	if old != nil && len(*old) >= maxKeyNames {
		return s
	}
	next := make(map[string]string, 1+lenOf(old))
	if old != nil {
		for k, v := range *old {
			next[k] = v
		}
	}
	next[s] = s
	keyNames.m.Store(&next)
	return s
}

func lenOf(m *map[string]string) int {
	if m == nil {
		return 0
	}
	return len(*m)
}
