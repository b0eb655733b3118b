package express_test

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/express"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/typed"
)

func ExampleConfig_ManagerConfig() {
	// The Express app has:
	//   session({ name: 'connect.sid', secret: ['current', 'previous'],
	//     store: new RedisStore({ client, prefix: 'sess:' }),
	//     resave: false, saveUninitialized: false, cookie: { maxAge: 3600000 } })
	// In production the pool comes from herokuurl.FromEnv (REDIS_URL).
	pool := &redis.Pool{Dial: func() (redis.Conn, error) { return redis.Dial("tcp", "127.0.0.1:6379") }}
	mc, err := express.Config{
		Secrets: []string{"current", "previous"},
		Cookie:  express.CookieOptions{MaxAge: time.Hour},
		Pool:    pool,
	}.ManagerConfig()
	if err != nil {
		panic(err)
	}
	m := manager.New(mc)

	// Handlers read what Express stored with req.session.user = {name, signedInAt}.
	type User struct {
		Name       string    `json:"name"`
		SignedInAt time.Time `json:"signedInAt"`
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		u, err := typed.Get[User](r.Context(), "user")
		if err != nil {
			http.Error(w, "not signed in", http.StatusUnauthorized)
			return
		}
		fmt.Fprintf(w, "Hello, %s", u.Name)
	})
	_ = m.LoadAndSave(mux) // serve this

	fmt.Println(m.CookieName(), mc.Lifetime, mc.IdleTimeout)
	// Output:
	// connect.sid 1h0m0s 1h0m0s
}
