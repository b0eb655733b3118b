package redistest

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"
)

// SentinelDownAfter is the down-after-milliseconds of the Sentinels
// StartSentinel starts: a master silent for this long is subjectively down.
const SentinelDownAfter = 1000 * time.Millisecond

// SentinelMasterName is the name the Sentinels know the master by.
const SentinelMasterName = "mymaster"

// SentinelOptions configure StartSentinel. The zero value has no
// passwords.
type SentinelOptions struct {
	// MasterPassword is the requirepass (and masterauth) of the master and
	// replica; the Sentinels use it too.
	MasterPassword string
	// SentinelPassword is the Sentinels' own requirepass.
	SentinelPassword string
}

// SentinelSet is one master, one replica and three Sentinels watching them
// under the name SentinelMasterName, all private and on loopback.
type SentinelSet struct {
	Data      []*Server // master and replica at start; roles change on failover
	Sentinels []*Server
	opts      SentinelOptions
	tb        testing.TB
}

// StartSentinel starts the set and waits until the Sentinels agree on the
// master and know its replica and each other. Everything is stopped when
// the test ends.
func StartSentinel(tb testing.TB, opts SentinelOptions) *SentinelSet {
	tb.Helper()
	set := &SentinelSet{opts: opts, tb: tb}
	auth := func(o Options) Options {
		if opts.MasterPassword != "" {
			o.Password = opts.MasterPassword
			o.Args = append(o.Args, "--masterauth", opts.MasterPassword)
		}
		return o
	}
	master := Start(tb, auth(Options{}))
	replica := Start(tb, auth(Options{Args: []string{"--replicaof", "127.0.0.1", strconv.Itoa(master.Port)}}))
	set.Data = []*Server{master, replica}
	conf := fmt.Sprintf("sentinel monitor %s 127.0.0.1 %d 2\n", SentinelMasterName, master.Port) +
		fmt.Sprintf("sentinel down-after-milliseconds %s %d\n", SentinelMasterName, SentinelDownAfter.Milliseconds()) +
		fmt.Sprintf("sentinel failover-timeout %s 10000\n", SentinelMasterName) +
		fmt.Sprintf("sentinel parallel-syncs %s 1\n", SentinelMasterName)
	if opts.MasterPassword != "" {
		conf += fmt.Sprintf("sentinel auth-pass %s %s\n", SentinelMasterName, opts.MasterPassword)
	}
	if opts.SentinelPassword != "" {
		conf += "sentinel sentinel-pass " + opts.SentinelPassword + "\n"
	}
	for i := 0; i < 3; i++ {
		set.Sentinels = append(set.Sentinels, start(tb, Options{Password: opts.SentinelPassword,
			Args: []string{"--sentinel"}}, conf))
	}
	set.waitSettled(30 * time.Second)
	return set
}

// Addrs are the Sentinels' addresses.
func (s *SentinelSet) Addrs() []string {
	var a []string
	for _, n := range s.Sentinels {
		a = append(a, n.Addr())
	}
	return a
}

// Master is the data node that is master now (by its own ROLE), or nil.
func (s *SentinelSet) Master() *Server {
	for _, n := range s.Data {
		if n.alive() && n.role() == "master" {
			return n
		}
	}
	return nil
}

// MasterAddr is the master's address according to every running
// Sentinel, or "" while they disagree or do not answer.
func (s *SentinelSet) MasterAddr() string {
	var addr string
	for _, n := range s.Sentinels {
		if !n.alive() {
			continue
		}
		r, err := redis.Strings(n.do("SENTINEL", "get-master-addr-by-name", SentinelMasterName))
		if err != nil || len(r) != 2 {
			return ""
		}
		a := r[0] + ":" + r[1]
		if addr != "" && a != addr {
			return ""
		}
		addr = a
	}
	return addr
}

// Settled reports, with the reason when not, whether all Sentinels name the
// running master, which answers ROLE master, and see two other Sentinels
// and a replica whose link is up.
func (s *SentinelSet) Settled() (bool, string) {
	m := s.Master()
	if m == nil {
		return false, "no running master"
	}
	if addr := s.MasterAddr(); addr != m.Addr() {
		return false, fmt.Sprintf("Sentinels name %q, the master is %s", addr, m.Addr())
	}
	for _, n := range s.Sentinels {
		if !n.alive() {
			continue
		}
		info, err := redis.String(n.do("INFO", "sentinel"))
		if err != nil {
			return false, err.Error()
		}
		if !strings.Contains(info, "status=ok") || !strings.Contains(info, "slaves=1") || !strings.Contains(info, "sentinels=3") {
			return false, n.Addr() + ": " + strings.TrimSpace(info[strings.LastIndex(info, "\n"):])
		}
	}
	for _, n := range s.Data {
		if n != m && n.alive() {
			repl, err := redis.String(n.do("INFO", "replication"))
			if err != nil || !strings.Contains(repl, "master_link_status:up") {
				return false, n.Addr() + ": replica not in sync"
			}
		}
	}
	return true, ""
}

func (s *SentinelSet) waitSettled(timeout time.Duration) {
	s.tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, why := s.Settled()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			s.tb.Fatalf("redistest: Sentinels not settled after %v: %s", timeout, why)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// WaitFailover waits until the Sentinels name a running master other than
// old and it answers ROLE master, and fails the test after timeout.
func (s *SentinelSet) WaitFailover(old *Server, timeout time.Duration) *Server {
	s.tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if m := s.Master(); m != nil && m != old && s.MasterAddr() == m.Addr() {
			return m
		}
		if time.Now().After(deadline) {
			s.tb.Fatalf("redistest: no failover from %s within %v", old.Addr(), timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Calls runs fn and returns the commands master received meanwhile, as
// Server.Calls does, without the background traffic of a watched master:
// REPLCONF from its replica, and PING, INFO and PUBLISH (hello messages)
// from the Sentinels, each every second or so. A client of the master that
// sent any of these itself would go unnoticed here.
func (s *SentinelSet) Calls(master *Server, fn func()) map[string]int64 {
	s.tb.Helper()
	calls := master.Calls(fn)
	for _, k := range []string{"replconf", "ping", "info", "publish"} {
		delete(calls, k)
	}
	return calls
}
