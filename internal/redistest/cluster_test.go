package redistest_test

import (
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/internal/redistest"
)

func TestClusterStartsAndFailsOver(t *testing.T) {
	start := time.Now()
	c := redistest.StartCluster(t)
	t.Logf("cluster up in %v", time.Since(start))
	if n := len(c.Masters()); n != 3 {
		t.Fatalf("%d masters, want 3", n)
	}
	m := c.MasterOf("foo")
	if m == nil {
		t.Fatal("no master for foo")
	}
	m.Kill()
	start = time.Now()
	c.WaitHealthy(30 * time.Second)
	t.Logf("failover in %v", time.Since(start))
	if n := len(c.Masters()); n != 3 {
		t.Fatalf("%d masters after failover, want 3", n)
	}
	if c.MasterOf("foo") == m {
		t.Fatal("the killed node still serves foo")
	}
}

func TestSentinelStartsAndFailsOver(t *testing.T) {
	start := time.Now()
	s := redistest.StartSentinel(t, redistest.SentinelOptions{MasterPassword: "m-pw", SentinelPassword: "s-pw"})
	t.Logf("sentinels up in %v", time.Since(start))
	old := s.Master()
	if old == nil || old != s.Data[0] {
		t.Fatalf("master %v, want the first data node", old)
	}
	old.Kill()
	start = time.Now()
	m := s.WaitFailover(old, 30*time.Second)
	t.Logf("failover in %v", time.Since(start))
	if m != s.Data[1] {
		t.Fatal("the replica was not promoted")
	}
}
