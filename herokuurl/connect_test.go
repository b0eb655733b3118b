package herokuurl_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"
	"github.com/mna/redisc"

	"github.com/sessionkit/sessionkit/herokuurl"
	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/store/redisstore"
)

func connect(t *testing.T, cfg herokuurl.Config) (herokuurl.Client, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cl, err := cfg.Connect(ctx)
	if err == nil {
		t.Cleanup(func() { cl.Close() })
	}
	return cl, err
}

func mustConnect(t *testing.T, raw string) herokuurl.Client {
	t.Helper()
	cfg, err := herokuurl.Parse(raw)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	cl, err := connect(t, cfg)
	if err != nil {
		t.Fatalf("Connect(%s): %v", cfg, err)
	}
	return cl
}

// roundTrip stores n sessions through a redisstore on cl and reads them
// back, so that on a cluster every master is used.
func roundTrip(t *testing.T, cl herokuurl.Client, n int) {
	t.Helper()
	s := redisstore.New(cl)
	ctx := context.Background()
	for i := 0; i < n; i++ {
		tok := fmt.Sprintf("tok-%d", i)
		if err := s.CommitCtx(ctx, tok, []byte(tok), time.Now().Add(time.Minute)); err != nil {
			t.Fatalf("commit %s: %v", tok, err)
		}
	}
	for i := 0; i < n; i++ {
		tok := fmt.Sprintf("tok-%d", i)
		if b, found, err := s.FindCtx(ctx, tok); err != nil || !found || string(b) != tok {
			t.Fatalf("find %s: %q %v %v", tok, b, found, err)
		}
	}
}

// spread checks that every master of c holds some of the keys.
func spread(t *testing.T, c *redistest.Cluster) {
	t.Helper()
	for _, m := range c.Masters() {
		if n, _ := redis.Int(m.Do("DBSIZE"), nil); n == 0 {
			t.Errorf("master %s holds no key: the client did not route by slot", m.Addr())
		}
	}
}

// TestConnectPicksTheTopology: one URL configures a single node, a
// cluster (one node named, or seeds with addr=) and a Sentinel-managed
// master; the credentials apply on every node and Sentinel; no error
// shows a password.
func TestConnectPicksTheTopology(t *testing.T) {
	const pw, spw = "cl-pw-Zq81x", "snt-pw-Pw27r"
	single := redistest.Start(t, redistest.Options{Password: pw})
	cluster := redistest.StartCluster(t, redistest.ClusterOptions{Password: pw})
	snt := redistest.StartSentinel(t, redistest.SentinelOptions{MasterPassword: pw, SentinelPassword: spw})
	noPassword := func(t *testing.T, err error) {
		t.Helper()
		t.Logf("error: %v", err)
		for _, p := range []string{pw, spw} {
			if strings.Contains(err.Error(), p) {
				t.Errorf("error shows a password: %v", err)
			}
		}
	}

	t.Run("single node", func(t *testing.T) {
		cl := mustConnect(t, fmt.Sprintf("redis://:%s@%s", pw, single.Addr()))
		if _, ok := cl.(*redis.Pool); !ok {
			t.Fatalf("Connect to a plain server gave %T, want *redis.Pool", cl)
		}
		roundTrip(t, cl, 10)
	})
	t.Run("one cluster node, probed", func(t *testing.T) {
		cl := mustConnect(t, fmt.Sprintf("redis://:%s@%s", pw, cluster.Nodes[4].Addr()))
		if _, ok := cl.(*redisc.Cluster); !ok {
			t.Fatalf("Connect to a cluster node gave %T, want *redisc.Cluster", cl)
		}
		roundTrip(t, cl, 60)
		spread(t, cluster)
	})
	t.Run("addr= seeds", func(t *testing.T) {
		cl := mustConnect(t, fmt.Sprintf("redis://:%s@%s?addr=%s&addr=%s", pw, cluster.Nodes[0].Addr(), cluster.Nodes[1].Addr(), cluster.Nodes[2].Addr()))
		if _, ok := cl.(*redisc.Cluster); !ok {
			t.Fatalf("Connect with addr= gave %T, want *redisc.Cluster", cl)
		}
		roundTrip(t, cl, 60)
	})
	t.Run("addr= seeds, the first one down", func(t *testing.T) {
		// Any seed that answers is enough to learn the layout: the reason
		// to name more than one node (docs/scaling.md).
		dead := redistest.FreePort(t)
		cl := mustConnect(t, fmt.Sprintf("redis://:%s@127.0.0.1:%d?addr=%s", pw, dead, cluster.Nodes[1].Addr()))
		if _, ok := cl.(*redisc.Cluster); !ok {
			t.Fatalf("Connect with addr= gave %T, want *redisc.Cluster", cl)
		}
		roundTrip(t, cl, 60)
	})
	t.Run("legacy placeholder user on every cluster node", func(t *testing.T) {
		cfg, err := herokuurl.FromEnv(herokuurl.WithEnviron([]string{fmt.Sprintf("REDISTOGO_URL=redis://redistogo:%s@%s", pw, cluster.Nodes[0].Addr())}))
		if err != nil {
			t.Fatal(err)
		}
		cl, err := connect(t, cfg)
		if err != nil {
			t.Fatalf("Connect: %v", err)
		}
		roundTrip(t, cl, 30)
		// Connections dialled outside the pools (the store's retry) take
		// the same fallback.
		c, err := cl.(*redisc.Cluster).Dial()
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := c.Do("SET", "direct", "1"); err != nil {
			t.Fatalf("SET on a directly dialled cluster connection: %v", err)
		}
	})
	t.Run("wrong cluster password", func(t *testing.T) {
		cfg, _ := herokuurl.Parse(fmt.Sprintf("redis://:wrong-%s@%s?addr=%s", pw, cluster.Nodes[0].Addr(), cluster.Nodes[1].Addr()))
		_, err := connect(t, cfg)
		if !errors.Is(err, herokuurl.ErrAuth) {
			t.Fatalf("Connect with a wrong password: %v, want ErrAuth", err)
		}
		noPassword(t, err)
	})
	t.Run("sentinel", func(t *testing.T) {
		var cl herokuurl.Client
		calls := snt.Calls(snt.Master(), func() {
			cl = mustConnect(t, fmt.Sprintf("redis://:%s@%s?addr=%s&addr=%s&master_name=%s&password=%s",
				spw, snt.Sentinels[0].Addr(), snt.Sentinels[1].Addr(), snt.Sentinels[2].Addr(), redistest.SentinelMasterName, pw))
		})
		if calls["role"] != 1 {
			t.Errorf("Connect sent the master %v, want one ROLE check of the connection it dialled", calls)
		}
		if _, ok := cl.(*redis.Pool); !ok {
			t.Fatalf("Connect with master_name gave %T, want *redis.Pool", cl)
		}
		roundTrip(t, cl, 10)
		if n, _ := redis.Int(snt.Master().Do("DBSIZE"), nil); n != 10 {
			t.Errorf("the master holds %d keys, want 10", n)
		}
	})
	t.Run("wrong sentinel password", func(t *testing.T) {
		cfg, _ := herokuurl.Parse(fmt.Sprintf("redis://:wrong-%s@%s?master_name=%s&password=%s", spw, snt.Sentinels[0].Addr(), redistest.SentinelMasterName, pw))
		_, err := connect(t, cfg)
		if !errors.Is(err, herokuurl.ErrAuth) {
			t.Fatalf("Connect with a wrong Sentinel password: %v, want ErrAuth", err)
		}
		noPassword(t, err)
	})
	t.Run("wrong master password", func(t *testing.T) {
		cfg, _ := herokuurl.Parse(fmt.Sprintf("redis://:%s@%s?master_name=%s&password=wrong-%s", spw, snt.Sentinels[0].Addr(), redistest.SentinelMasterName, pw))
		_, err := connect(t, cfg)
		if !errors.Is(err, herokuurl.ErrAuth) {
			t.Fatalf("Connect with a wrong master password: %v, want ErrAuth", err)
		}
		noPassword(t, err)
	})
	t.Run("unknown master name", func(t *testing.T) {
		cfg, _ := herokuurl.Parse(fmt.Sprintf("redis://:%s@%s?master_name=nosuch&password=%s", spw, snt.Sentinels[0].Addr(), pw))
		if _, err := connect(t, cfg); err == nil || !strings.Contains(err.Error(), "nosuch") {
			t.Fatalf("Connect to an unknown master: %v", err)
		}
	})
}

// TestConnectProbeRefused: a node that refuses INFO cannot be probed;
// Connect says so instead of guessing a single node.
func TestConnectProbeRefused(t *testing.T) {
	const pw = "probe-pw-Kd02"
	srv := redistest.Start(t, redistest.Options{Args: []string{"--user", "app", "on", ">" + pw, "~*", "+@all", "-info"}})
	cfg, _ := herokuurl.Parse(fmt.Sprintf("redis://app:%s@%s", pw, srv.Addr()))
	_, err := connect(t, cfg)
	if !errors.Is(err, herokuurl.ErrClusterProbe) {
		t.Fatalf("Connect to a node that refuses INFO: %v, want ErrClusterProbe", err)
	}
	if strings.Contains(err.Error(), pw) {
		t.Errorf("error shows the password: %v", err)
	}
}
