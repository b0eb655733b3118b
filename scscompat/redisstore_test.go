// Ported from github.com/alexedwards/scs/redisstore
// v0.0.0-20251002162104-209de6e426de, redisstore_test.go,
// Copyright (c) 2016 Alex Edwards, MIT licence (see LICENSE-scs).
// Changes: each test is a scsCase; instead of New(redisPool) on the server
// named by SCS_REDIS_TEST_DSN, e.RedisStore(t) returns the store under test
// (for "<codec>/redis": m.SessionManager().Store of a sessionkit manager on
// store/redisstore; for "none/redis": store/redisstore itself), a pool on
// its own database of the package's private redis-server, and the key
// prefix that r.prefix was.

package scscompat

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"
)

var redisstoreCases = []scsCase{
	{"TestFind", testRedisFind},
	{"TestSaveNew", testRedisSaveNew},
	{"TestFindMissing", testRedisFindMissing},
	{"TestSaveUpdated", testRedisSaveUpdated},
	{"TestExpiry", testRedisExpiry},
	{"TestDelete", testRedisDelete},
}

func testRedisFind(t testing.TB, e *env) {
	r, redisPool, prefix := e.RedisStore(t)

	conn := redisPool.Get()
	defer conn.Close()
	_, err := conn.Do("FLUSHDB")
	if err != nil {
		t.Fatal(err)
	}
	_, err = conn.Do("SET", prefix+"session_token", "encoded_data")
	if err != nil {
		t.Fatal(err)
	}

	b, found, err := r.Find("session_token")
	if err != nil {
		t.Fatal(err)
	}
	if found != true {
		t.Fatalf("got %v: expected %v", found, true)
	}
	if bytes.Equal(b, []byte("encoded_data")) == false {
		t.Fatalf("got %v: expected %v", b, []byte("encoded_data"))
	}
}

func testRedisSaveNew(t testing.TB, e *env) {
	r, redisPool, prefix := e.RedisStore(t)

	conn := redisPool.Get()
	defer conn.Close()
	_, err := conn.Do("FLUSHDB")
	if err != nil {
		t.Fatal(err)
	}

	err = r.Commit("session_token", []byte("encoded_data"), time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}

	data, err := redis.Bytes(conn.Do("GET", prefix+"session_token"))
	if err != nil {
		t.Fatal(err)
	}

	if reflect.DeepEqual(data, []byte("encoded_data")) == false {
		t.Fatalf("got %v: expected %v", data, []byte("encoded_data"))
	}
}

func testRedisFindMissing(t testing.TB, e *env) {
	r, redisPool, _ := e.RedisStore(t)

	conn := redisPool.Get()
	defer conn.Close()
	_, err := conn.Do("FLUSHDB")
	if err != nil {
		t.Fatal(err)
	}

	_, found, err := r.Find("missing_session_token")
	if err != nil {
		t.Fatalf("got %v: expected %v", err, nil)
	}
	if found != false {
		t.Fatalf("got %v: expected %v", found, false)
	}
}

func testRedisSaveUpdated(t testing.TB, e *env) {
	r, redisPool, prefix := e.RedisStore(t)

	conn := redisPool.Get()
	defer conn.Close()
	_, err := conn.Do("FLUSHDB")
	if err != nil {
		t.Fatal(err)
	}
	_, err = conn.Do("SET", prefix+"session_token", "encoded_data")
	if err != nil {
		t.Fatal(err)
	}

	err = r.Commit("session_token", []byte("new_encoded_data"), time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}

	data, err := redis.Bytes(conn.Do("GET", prefix+"session_token"))
	if err != nil {
		t.Fatal(err)
	}

	if reflect.DeepEqual(data, []byte("new_encoded_data")) == false {
		t.Fatalf("got %v: expected %v", data, []byte("new_encoded_data"))
	}
}

func testRedisExpiry(t testing.TB, e *env) {
	r, redisPool, _ := e.RedisStore(t)

	conn := redisPool.Get()
	defer conn.Close()
	_, err := conn.Do("FLUSHDB")
	if err != nil {
		t.Fatal(err)
	}

	err = r.Commit("session_token", []byte("encoded_data"), time.Now().Add(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}

	_, found, _ := r.Find("session_token")
	if found != true {
		t.Fatalf("got %v: expected %v", found, true)
	}

	time.Sleep(200 * time.Millisecond)
	_, found, _ = r.Find("session_token")
	if found != false {
		t.Fatalf("got %v: expected %v", found, false)
	}
}

func testRedisDelete(t testing.TB, e *env) {
	r, redisPool, prefix := e.RedisStore(t)

	conn := redisPool.Get()
	defer conn.Close()
	_, err := conn.Do("FLUSHDB")
	if err != nil {
		t.Fatal(err)
	}
	_, err = conn.Do("SET", prefix+"session_token", "encoded_data")
	if err != nil {
		t.Fatal(err)
	}

	err = r.Delete("session_token")
	if err != nil {
		t.Fatal(err)
	}

	data, err := conn.Do("GET", prefix+"session_token")
	if err != nil {
		t.Fatal(err)
	}
	if data != nil {
		t.Fatalf("got %v: expected %v", data, nil)
	}
}
