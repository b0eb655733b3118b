package manager_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/alexedwards/scs/v2"
	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/codec"
	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/store/redisstore"
)

// The depth cap itself (MaxSize raised so the size check does not fire first).
func TestReviewPlantedDeepBlobLargeMaxSize(t *testing.T) {
	for _, c := range []struct {
		name   string
		codec  scs.Codec
		format byte
	}{{"msgpack", codec.Msgpack(), 'm'}, {"json", codec.JSON(), 'j'}, {"gob", codec.Gob(), 'g'}} {
		t.Run(c.name, func(t *testing.T) {
			rs := redistest.Start(t, redistest.Options{})
			m := manager.New(manager.Config{Store: redisstore.New(rs.Pool()), Codec: c.codec, MaxSize: 64 << 20, Logger: quietLogger()})
			srv := httptest.NewServer(counterApp(m))
			defer srv.Close()
			_, _, tok := get(t, srv.URL+"/write", "")
			rs.Do("SET", storeKey(tok), plantedBlob(c.format))
			status, body, _ := get(t, srv.URL+"/write", tok)
			if status != http.StatusOK || body != "1" {
				t.Fatalf("%d %q", status, body)
			}
			if n, _ := redis.Int(rs.Do("EXISTS", storeKey(tok)), nil); n != 0 {
				t.Error("the planted blob is still in the store")
			}
		})
	}
}
