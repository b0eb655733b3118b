package benchmarks

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/codec"
	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/store"
	"github.com/sessionkit/sessionkit/store/redisstore"
)

// memorySessions is how many sessions BenchmarkRedisMemory stores per
// variant.
const memorySessions = 100_000

// usedMemory is INFO memory's used_memory, in bytes.
func usedMemory(b *testing.B, srv *redistest.Server) int64 {
	info, err := redis.String(srv.Do("INFO", "memory"), nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "used_memory:"); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return n
		}
	}
	b.Fatal("no used_memory in INFO memory")
	return 0
}

// BenchmarkRedisMemory: Redis memory per session (INFO used_memory delta
// over 100,000 sessions, keys of 43 characters under "scs:session:", one
// hour to live) for scs's gob and sessionkit's codecs, small and large
// sessions. Each variant runs once, whatever b.N; the metrics are
// B/session and MB/100k.
func BenchmarkRedisMemory(b *testing.B) {
	srv := redistest.Start(b, redistest.Options{})
	pool := srv.Pool()
	codecs := []struct {
		name string
		c    scs.Codec
	}{
		{"scs-gob", scs.GobCodec{}}, {"sessionkit-msgpack", codec.Msgpack()}, {"sessionkit-json", codec.JSON()},
	}
	for _, size := range []struct {
		name   string
		values func() map[string]any
	}{{"small", smallSession}, {"large", largeSession}} {
		for _, cc := range codecs {
			b.Run(cc.name+"/"+size.name, func(b *testing.B) {
				blob, err := cc.c.Encode(time.Now().Add(time.Hour), size.values())
				if err != nil {
					b.Fatal(err)
				}
				srv.Do("FLUSHALL")
				before := usedMemory(b, srv)
				s := redisstore.New(pool)
				ctx := context.Background()
				var tok [32]byte
				b.ResetTimer()
				for i := 0; i < memorySessions; i++ {
					_, _ = rand.Read(tok[:])
					key := base64.RawURLEncoding.EncodeToString(tok[:])
					if err := s.CommitModeCtx(ctx, key, blob, time.Now().Add(time.Hour), store.Create); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				delta := usedMemory(b, srv) - before
				b.ReportMetric(float64(delta)/memorySessions, "B/session")
				b.ReportMetric(float64(delta)/(1<<20), "MB/100k")
				b.ReportMetric(float64(len(blob)), "blob-B")
			})
		}
	}
}
