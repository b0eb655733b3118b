package redistest

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"

	"github.com/gomodule/redigo/redis"
)

// ClientCalls runs fn and returns the commands clients sent meanwhile, by
// name ("evalsha", "get", ...), as the server's MONITOR saw them: unlike
// Calls, it leaves out the commands Lua scripts run inside, so it counts
// round trips. It costs the server a MONITOR: for tests, not load runs.
func (s *Server) ClientCalls(fn func()) map[string]int64 {
	s.tb.Helper()
	mon, err := redis.Dial("tcp", s.Addr(), redis.DialPassword(s.opts.Password),
		redis.DialReadTimeout(30*time.Second))
	if err != nil {
		s.tb.Fatalf("redistest: dial: %v", err)
	}
	defer mon.Close()
	if ok, err := redis.String(mon.Do("MONITOR")); err != nil || ok != "OK" {
		s.tb.Fatalf("redistest: MONITOR: %q %v", ok, err)
	}
	fn()
	// MONITOR streams asynchronously: an ECHO of a fresh marker, sent
	// after fn, ends what belongs to fn.
	var nonce [8]byte
	_, _ = rand.Read(nonce[:])
	marker := "redistest-end-" + hex.EncodeToString(nonce[:])
	s.Do("ECHO", marker)
	calls := map[string]int64{}
	for {
		line, err := redis.String(mon.Receive())
		if err != nil {
			s.tb.Fatalf("redistest: reading MONITOR: %v", err)
		}
		if strings.Contains(line, marker) {
			return calls
		}
		// 1700000000.123456 [0 127.0.0.1:4242] "GET" "key" — or [0 lua]
		// for a command a script ran.
		_, rest, ok := strings.Cut(line, "[")
		if !ok {
			continue
		}
		src, rest, ok := strings.Cut(rest, "]")
		if !ok || strings.HasSuffix(src, " lua") {
			continue
		}
		name, _, _ := strings.Cut(strings.TrimSpace(rest), " ")
		calls[strings.ToLower(strings.Trim(name, `"`))]++
	}
}
