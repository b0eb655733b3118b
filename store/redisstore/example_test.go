package redisstore_test

import (
	"log"
	"net/http"

	"github.com/sessionkit/sessionkit/herokuurl"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/store/redisstore"
)

// A store on the Redis the environment names (REDIS_URL, or Heroku's
// REDIS_TLS_URL, REDISTOGO_URL, ...). New only keeps the pool: nothing is
// dialled until the first request needs its session.
func ExampleNew() {
	cfg, err := herokuurl.FromEnv()
	if err != nil {
		log.Fatal(err) // the message never holds the password
	}
	pool := cfg.Pool()
	defer pool.Close()

	m := manager.New(manager.Config{Store: redisstore.New(pool)})
	log.Fatal(http.ListenAndServe(":8080", m.LoadAndSave(http.NotFoundHandler())))
}

// Two applications on one Redis keep their sessions apart with their own
// key prefixes. The default, redisstore.DefaultPrefix, is scs/redisstore's,
// so an scs application's sessions are found where scs left them.
func ExampleWithPrefix() {
	cfg, err := herokuurl.FromEnv()
	if err != nil {
		log.Fatal(err)
	}
	pool := cfg.Pool()
	defer pool.Close()

	shop := manager.New(manager.Config{Store: redisstore.New(pool, redisstore.WithPrefix("shop:session:"))})
	admin := manager.New(manager.Config{Store: redisstore.New(pool, redisstore.WithPrefix("admin:session:"))})
	_, _ = shop, admin
}
