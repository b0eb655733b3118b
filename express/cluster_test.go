package express_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"
	"github.com/mna/redisc"

	"github.com/sessionkit/sessionkit/express"
	"github.com/sessionkit/sessionkit/herokuurl"
	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/store"
)

// TestCluster runs Express mode on a 3-master Redis Cluster reached, as a
// user would, through a URL naming one node: the store's operations on
// sessions spread over every master, each key holding connect-redis's
// JSON with connect-redis's TTL, and a manager signing a user in and out.
func TestCluster(t *testing.T) {
	t.Parallel()
	c := redistest.StartCluster(t, redistest.ClusterOptions{})
	cfg, err := herokuurl.Parse("redis://" + c.Nodes[0].Addr())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cl, err := cfg.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	if _, ok := cl.(*redisc.Cluster); !ok {
		t.Fatalf("Connect gave %T, want *redisc.Cluster", cl)
	}

	t.Run("store", func(t *testing.T) {
		s := express.NewStore(cl, "")
		// Sessions on every master.
		sids := map[string]string{} // master address → sid
		for i := 0; len(sids) < 3 && i < 300; i++ {
			sid := fmt.Sprintf("sid%d", i)
			if m := c.MasterOf(express.Key(express.DefaultPrefix, sid)); m != nil && sids[m.Addr()] == "" {
				sids[m.Addr()] = sid
			}
		}
		if len(sids) != 3 {
			t.Fatalf("sessions on %d masters, want 3", len(sids))
		}
		expires := time.Now().Add(90 * time.Minute)
		for addr, sid := range sids {
			blob := []byte(fmt.Sprintf(`{"cookie":{"originalMaxAge":5400000,"expires":%q,"httpOnly":true,"path":"/"},"on":%q}`,
				expires.UTC().Format("2006-01-02T15:04:05.000Z"), addr))
			if err := s.CommitModeCtx(ctx, sid, blob, expires, store.Create); err != nil {
				t.Fatalf("create on %s: %v", addr, err)
			}
			if err := s.CommitModeCtx(ctx, sid, blob, expires, store.Create); !errors.Is(err, store.ErrExists) {
				t.Errorf("second create on %s: %v, want store.ErrExists", addr, err)
			}
			b, found, err := s.FindCtx(ctx, sid)
			if err != nil || !found || string(b) != string(blob) {
				t.Fatalf("find on %s: %q %v %v", addr, b, found, err)
			}
			// connect-redis's key and TTL, on the master that owns the slot.
			m := c.MasterOf(express.DefaultPrefix + sid)
			if m == nil || m.Addr() != addr {
				t.Fatalf("the session of %s is not on its master", addr)
			}
			ttl, err := redis.Int64(m.Do("TTL", express.DefaultPrefix+sid), nil)
			if want := express.TTL(expires, time.Now()); err != nil || ttl < want-2 || ttl > want {
				t.Errorf("TTL on %s = %d %v, want about %d (SET … EX, as connect-redis)", addr, ttl, err, want)
			}
			if err := s.TouchCtx(ctx, sid, time.Now().Add(2*time.Hour)); err != nil {
				t.Errorf("touch on %s: %v", addr, err)
			}
			if ttl, _ := redis.Int64(m.Do("TTL", express.DefaultPrefix+sid), nil); ttl < 7190 || ttl > 7200 {
				t.Errorf("TTL after touch on %s = %d, want about 7200 (EXPIRE)", addr, ttl)
			}
		}
		all, err := s.AllCtx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 3 {
			t.Errorf("All found %d sessions, want the 3 on the 3 masters: %q", len(all), all)
		}
		for addr, sid := range sids {
			if _, ok := all[sid]; !ok {
				t.Errorf("All missed the session on %s", addr)
			}
			if removed, err := s.RemoveCtx(ctx, sid); err != nil || !removed {
				t.Errorf("remove on %s: %v %v", addr, removed, err)
			}
			if _, found, err := s.FindCtx(ctx, sid); found || err != nil {
				t.Errorf("find after remove on %s: %v %v", addr, found, err)
			}
		}
	})

	t.Run("manager", func(t *testing.T) {
		g := startGo(t, cl, time.Hour, nil, "keyboard cat")
		signer, err := express.NewSigner("keyboard cat")
		if err != nil {
			t.Fatal(err)
		}
		masters := map[string]bool{}
		for i := 0; i < 12; i++ { // several sessions, so several masters
			name := fmt.Sprint("ada", i)
			ck := g.signIn(name, nil)
			if u := g.me(ck); u == nil || u.Name != name {
				t.Fatalf("me after sign-in: %+v", u)
			}
			sid, ok := signer.Unsign(ck.Value)
			if !ok {
				t.Fatalf("cookie %q does not verify", ck.Value)
			}
			m := c.MasterOf(express.DefaultPrefix + sid)
			if m == nil {
				t.Fatalf("no master holds the session of %s", name)
			}
			masters[m.Addr()] = true
			if ttl, _ := redis.Int64(m.Do("TTL", express.DefaultPrefix+sid), nil); ttl < 3590 || ttl > 3600 {
				t.Errorf("TTL of %s's session = %d, want about 3600 (maxAge 1h)", name, ttl)
			}
			// The same commands as on one node, each sent straight to the
			// session's master (Calls counts redirected ones too).
			if got := fmt.Sprint(c.Calls(func() { g.me(ck) })); got != "map[get:1]" {
				t.Errorf("a read cost %s, want map[get:1]", got)
			}
			var r goResp
			if got := fmt.Sprint(c.Calls(func() { r = g.do("POST", "/rename", url.Values{"name": {name + "!"}}, ck) })); got != "map[get:1 set:1]" {
				t.Errorf("a write cost %s, want map[get:1 set:1]", got)
			}
			if r.status != 200 {
				t.Fatalf("rename: %d %s", r.status, r.body)
			}
			if u := g.me(ck); u == nil || u.Name != name+"!" {
				t.Fatalf("me after rename: %+v", u)
			}
			if r := g.do("POST", "/signout", nil, ck); r.status != 200 {
				t.Fatalf("sign-out: %d %s", r.status, r.body)
			}
			if u := g.me(ck); u != nil {
				t.Fatalf("me after sign-out: %+v", u)
			}
			if n, _ := redis.Int(m.Do("EXISTS", express.DefaultPrefix+sid), nil); n != 0 {
				t.Errorf("the session of %s is still stored after sign-out", name)
			}
		}
		if len(masters) < 2 {
			t.Errorf("12 sessions on %d masters: keys are not spread", len(masters))
		}
	})
}

// TestSentinel runs the Express store on a master and replica watched by
// three Sentinels, reached through a master_name URL: a session written
// before the master is killed is read back from the promoted replica, on
// the same client, once the failover is over.
func TestSentinel(t *testing.T) {
	t.Parallel()
	snt := redistest.StartSentinel(t, redistest.SentinelOptions{})
	u := "redis://" + snt.Sentinels[0].Addr() + "?master_name=" + redistest.SentinelMasterName
	for _, a := range snt.Addrs()[1:] {
		u += "&addr=" + a
	}
	cfg, err := herokuurl.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cl, err := cfg.Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	s := express.NewStore(cl, "")
	expires := time.Now().Add(time.Hour)
	blob := []byte(`{"cookie":{"originalMaxAge":3600000,"httpOnly":true,"path":"/"},"user":"ada"}`)
	if err := s.CommitModeCtx(ctx, "sid", blob, expires, store.Create); err != nil {
		t.Fatal(err)
	}
	old := snt.Master()
	if ttl, _ := redis.Int64(old.Do("TTL", "sess:sid"), nil); ttl < 3590 || ttl > 3600 {
		t.Errorf("TTL on the master = %d, want about 3600 (SET … EX)", ttl)
	}
	// The replica must have the write before the kill: replication is
	// asynchronous, and this test is about the client, not about that.
	var replica *redistest.Server
	for _, n := range snt.Data {
		if n != old {
			replica = n
		}
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if b, _ := redis.Bytes(replica.Do("GET", "sess:sid"), nil); string(b) == string(blob) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the replica does not have the session 10 s after it was written")
		}
	}
	old.Kill()
	promoted := snt.WaitFailover(old, 30*time.Second)
	var last error
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		b, found, err := s.FindCtx(ctx, "sid")
		if err == nil && found && string(b) == string(blob) {
			if err := s.TouchCtx(ctx, "sid", expires); err != nil {
				t.Errorf("touch on the promoted master: %v", err)
			}
			return
		}
		last = fmt.Errorf("found %v, %q, %v", found, b, err)
	}
	direct, _ := redis.String(promoted.Do("GET", "sess:sid"), nil)
	t.Fatalf("the session is not readable on the promoted master %s: %v (the master itself has %q)", promoted.Addr(), last, direct)
}
