package redistest

import (
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"
)

// ClusterNodeTimeout is the cluster-node-timeout of the clusters
// StartCluster builds: a master that stops answering for this long is
// marked failing and its replica starts an election.
const ClusterNodeTimeout = 1000 * time.Millisecond

// Cluster is a running Redis Cluster of private servers: three masters,
// each with one replica, on loopback ports.
type Cluster struct {
	Nodes []*Server // the six nodes; which are masters changes on failover
	tb    testing.TB
}

// ClusterOptions configure StartCluster. The zero value has no password.
type ClusterOptions struct {
	// Password is every node's requirepass and masterauth.
	Password string
	// FullCoverage keeps Redis's default cluster-require-full-coverage yes:
	// while any slot has no master (between a master's failure and its
	// replica's promotion), every node refuses every query with
	// CLUSTERDOWN. By default the nodes run with no, so the masters that
	// are up keep serving their slots.
	FullCoverage bool
}

// StartCluster starts six cluster-enabled servers, joins them with
// redis-cli --cluster create (three masters, one replica each) and waits
// until every node reports cluster_state:ok, all 16384 slots are served and
// every replica is in sync. The nodes are stopped when the test ends.
// A missing redis-cli fails the test.
func StartCluster(tb testing.TB, opts ClusterOptions) *Cluster {
	tb.Helper()
	if _, err := exec.LookPath("redis-cli"); err != nil {
		tb.Fatal("redis-cli not found on PATH; install it (Debian/Ubuntu: sudo apt-get install -y redis-tools; macOS: brew install redis)")
	}
	c := &Cluster{tb: tb}
	args := []string{"--cluster", "create"}
	extra := []string{"--cluster-require-full-coverage", "no"}
	if opts.FullCoverage {
		extra[1] = "yes"
	}
	if opts.Password != "" {
		extra = append(extra, "--masterauth", opts.Password)
	}

	for i := 0; i < 6; i++ {
		s := Start(tb, Options{Password: opts.Password, Args: append([]string{
			"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
			// The bus port is chosen, not port+10000, which may be taken or
			// past 65535.
			"--cluster-port", strconv.Itoa(FreePort(tb)),
			"--cluster-node-timeout", strconv.Itoa(int(ClusterNodeTimeout.Milliseconds())),
			"--appendonly", "no",
		}, extra...)})
		c.Nodes = append(c.Nodes, s)
		args = append(args, s.Addr())
	}
	args = append(args, "--cluster-replicas", "1", "--cluster-yes")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "redis-cli", args...)
	if opts.Password != "" {
		cmd.Env = append(cmd.Environ(), "REDISCLI_AUTH="+opts.Password)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("redistest: redis-cli --cluster create: %v\n%s\nfirst node's log:\n%s", err, out, c.Nodes[0].log())
	}
	c.WaitHealthy(30 * time.Second)
	return c
}

// Addrs are the nodes' addresses.
func (c *Cluster) Addrs() []string {
	var a []string
	for _, s := range c.Nodes {
		a = append(a, s.Addr())
	}
	return a
}

// alive reports whether the node runs and answers (within 5 s: a loaded
// machine is not a dead node).
func (s *Server) alive() bool {
	s.mu.Lock()
	running := s.cmd != nil
	s.mu.Unlock()
	if !running {
		return false
	}
	_, err := s.do("PING")
	return err == nil
}

// do runs one command on a fresh connection, returning the error.
func (s *Server) do(cmd string, args ...any) (any, error) {
	conn, err := redis.Dial("tcp", s.Addr(), redis.DialPassword(s.opts.Password),
		redis.DialConnectTimeout(time.Second), redis.DialReadTimeout(5*time.Second))
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	return conn.Do(cmd, args...)
}

// role is the node's ROLE: "master", "slave" or "" when it does not answer.
func (s *Server) role() string {
	r, err := redis.Values(s.do("ROLE"))
	if err != nil || len(r) == 0 {
		return ""
	}
	role, _ := redis.String(r[0], nil)
	return role
}

// Masters are the running nodes that are masters now.
func (c *Cluster) Masters() []*Server {
	var m []*Server
	for _, s := range c.Nodes {
		if s.alive() && s.role() == "master" {
			m = append(m, s)
		}
	}
	return m
}

// MasterOf is the running master that serves key's slot now, or nil.
func (c *Cluster) MasterOf(key string) *Server {
	c.tb.Helper()
	masters := c.Masters()
	if len(masters) == 0 {
		return nil
	}
	slot, err := redis.Int(masters[0].do("CLUSTER", "KEYSLOT", key))
	if err != nil {
		c.tb.Fatalf("redistest: CLUSTER KEYSLOT: %v", err)
	}
	for _, s := range masters {
		if owner, err := c.owner(s, slot); err == nil && owner == s.Addr() {
			return s
		}
	}
	return nil
}

// owner asks s which address serves slot.
func (c *Cluster) owner(s *Server, slot int) (string, error) {
	ranges, err := redis.Values(s.do("CLUSTER", "SLOTS"))
	if err != nil {
		return "", err
	}
	for _, r := range ranges {
		v, err := redis.Values(r, nil)
		if err != nil || len(v) < 3 {
			continue
		}
		lo, _ := redis.Int(v[0], nil)
		hi, _ := redis.Int(v[1], nil)
		if slot < lo || slot > hi {
			continue
		}
		node, err := redis.Values(v[2], nil)
		if err != nil || len(node) < 2 {
			return "", fmt.Errorf("malformed CLUSTER SLOTS")
		}
		host, _ := redis.String(node[0], nil)
		port, _ := redis.Int(node[1], nil)
		return host + ":" + strconv.Itoa(port), nil
	}
	return "", fmt.Errorf("slot %d not served", slot)
}

// Healthy reports, with the reason when not, whether every running node
// says cluster_state:ok, three masters serve all 16384 slots, and every
// running replica's link to its master is up.
func (c *Cluster) Healthy() (bool, string) {
	slots := 0
	for _, s := range c.Nodes {
		if !s.alive() {
			continue
		}
		info, err := redis.String(s.do("CLUSTER", "INFO"))
		if err != nil {
			return false, fmt.Sprintf("%s: CLUSTER INFO: %v", s.Addr(), err)
		}
		if !strings.Contains(info, "cluster_state:ok") {
			return false, s.Addr() + " is not cluster_state:ok"
		}
		switch s.role() {
		case "master":
			n, err := c.slotsOf(s)
			if err != nil {
				return false, err.Error()
			}
			slots += n
		case "slave":
			repl, err := redis.String(s.do("INFO", "replication"))
			if err != nil || !strings.Contains(repl, "master_link_status:up") {
				return false, s.Addr() + ": replica not in sync"
			}
		default:
			return false, s.Addr() + ": no role"
		}
	}
	if slots != 16384 {
		return false, fmt.Sprintf("masters serve %d slots", slots)
	}
	return true, ""
}

// slotsOf counts the slots s serves, from its own CLUSTER SLOTS.
func (c *Cluster) slotsOf(s *Server) (int, error) {
	ranges, err := redis.Values(s.do("CLUSTER", "SLOTS"))
	if err != nil {
		return 0, fmt.Errorf("%s: CLUSTER SLOTS: %w", s.Addr(), err)
	}
	n := 0
	for _, r := range ranges {
		v, err := redis.Values(r, nil)
		if err != nil || len(v) < 3 {
			continue
		}
		node, _ := redis.Values(v[2], nil)
		if len(node) < 2 {
			continue
		}
		port, _ := redis.Int(node[1], nil)
		if port == s.Port {
			lo, _ := redis.Int(v[0], nil)
			hi, _ := redis.Int(v[1], nil)
			n += hi - lo + 1
		}
	}
	return n, nil
}

// WaitHealthy waits until Healthy, and fails the test after timeout.
func (c *Cluster) WaitHealthy(timeout time.Duration) {
	c.tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, why := c.Healthy()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			c.tb.Fatalf("redistest: cluster not healthy after %v: %s", timeout, why)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// CommandStats sums INFO commandstats over the running masters.
func (c *Cluster) CommandStats() map[string]int64 {
	c.tb.Helper()
	sum := map[string]int64{}
	for _, s := range c.Masters() {
		for k, v := range s.CommandStats() {
			sum[k] += v
		}
	}
	return sum
}

// Calls runs fn and returns the commands the masters received meanwhile,
// summed, leaving out the measuring INFO calls and REPLCONF, which replicas
// send their master every second (the cluster bus is not counted in
// commandstats). A command a master refused with a redirection (MOVED,
// ASK: sent to the wrong node) counts as "<name> rejected": it cost a
// round trip too.
func (c *Cluster) Calls(fn func()) map[string]int64 {
	c.tb.Helper()
	masters := c.Masters()
	if len(masters) != 3 {
		// A master that did not answer would go uncounted.
		c.tb.Fatalf("redistest: %d masters answer, want 3; cannot count commands", len(masters))
	}
	before := map[string]map[string]int64{}
	for _, s := range masters {
		before[s.Addr()] = s.commandStats(true)
	}
	fn()
	diff := map[string]int64{}
	for _, s := range masters {
		for k, v := range s.commandStats(true) {
			diff[k] += v - before[s.Addr()][k]
		}
		diff["info"]--
	}
	delete(diff, "replconf")
	for k, v := range diff {
		if v <= 0 {
			delete(diff, k)
		}
	}
	return diff
}
