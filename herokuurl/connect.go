package herokuurl

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/FZambia/sentinel"
	"github.com/gomodule/redigo/redis"
	"github.com/mna/redisc"
)

// Client hands out connections to the Redis a Config names, as Connect
// builds it: a *redis.Pool for a single node or a Sentinel-managed master,
// a *redisc.Cluster for a cluster. redisstore.New takes one.
type Client interface {
	Get() redis.Conn
	Close() error
}

// Errors of Connect; match them with errors.Is.
var (
	// ErrClusterProbe: Connect could not ask the node whether it is part of
	// a cluster (the INFO cluster command failed). It does not fall back to
	// a single-node client, which would fail on most keys of a cluster.
	ErrClusterProbe = errors.New("herokuurl: cannot tell whether Redis is a cluster")
	// ErrNotMaster: the node the Sentinels named does not answer ROLE
	// master (a failover is under way).
	ErrNotMaster = errors.New("herokuurl: the node the Sentinels name is not a master")
)

// Connect returns a Client for the Redis c names, checked once:
//
//   - With MasterName, the hosts are Sentinels: a *redis.Pool whose every
//     new connection asks the Sentinels (FZambia/sentinel, in URL order)
//     for the master's address, dials it with the master's credentials and
//     checks ROLE is master. A borrowed connection idle for over a minute
//     is checked with ROLE instead of Pool's PING, so the per-request cost
//     is a single node's. A master demoted by the Sentinels drops its
//     clients, so the next command fails on the network, and the store's
//     retry dials the new master. Connect borrows one connection to check.
//   - With Seeds, the hosts are cluster nodes: a *redisc.Cluster that
//     learns the layout (CLUSTER SLOTS) from them at once, keeps a Pool per
//     node, and follows MOVED replies.
//   - Otherwise Connect dials Addr once and asks INFO cluster: with
//     cluster_enabled:1 it returns a *redisc.Cluster started from that node,
//     so one node of a cluster is enough in REDIS_URL; else c.Pool(opts...).
//     An INFO refused or failed is [ErrClusterProbe]; a reply without the
//     field is a server that has no cluster mode.
//
// Every connection, to a node, a master or a Sentinel, is made the way
// [Config.Dial] makes it: the same TLS settings (ServerName is the node's
// host), the same credentials and AUTH fallbacks; Sentinels use
// SentinelUsername and SentinelPassword. opts adjust every pool, as in
// [Config.Pool]. Errors never contain a password. Connect returns when ctx
// ends, even while Sentinels that accepted the connection never answer;
// so does the Sentinel pool's dial of a new connection, with the context
// it is given (GetContext's: the request's, in the store).
func (c Config) Connect(ctx context.Context, opts ...func(*redis.Pool)) (Client, error) {
	switch {
	case c.MasterName != "":
		p := c.sentinelPool(opts)
		conn, err := p.GetContext(ctx)
		if err == nil {
			err = conn.Close()
		}
		if err != nil {
			p.Close()
			return nil, err
		}
		return p, nil
	case len(c.Seeds) > 0:
		return c.clusterClient(ctx, opts)
	}
	conn, err := c.Dial(ctx)
	if err != nil {
		return nil, err
	}
	info, err := redis.String(redis.DoContext(conn, ctx, "INFO", "cluster"))
	conn.Close()
	if err != nil {
		return nil, fmt.Errorf("%w: INFO cluster on %s: %w", ErrClusterProbe, c.Addr, err)
	}
	if !strings.Contains(info, "cluster_enabled:1") {
		return c.Pool(opts...), nil
	}
	if c.Network != "tcp" {
		return nil, fmt.Errorf("herokuurl: %s is a cluster node; a cluster needs a redis:// URL with host and port", c.Addr)
	}
	return c.clusterClient(ctx, opts)
}

// clusterClient is cluster as a Client: nil on error, not an interface
// holding a nil *redisc.Cluster, which would compare != nil and panic when
// closed.
func (c Config) clusterClient(ctx context.Context, opts []func(*redis.Pool)) (Client, error) {
	cl, err := c.cluster(ctx, opts)
	if err != nil {
		return nil, err
	}
	return cl, nil
}

// cluster is a redisc cluster started from Addr and Seeds whose per-node
// pools are Pool's and whose directly dialled connections (Cluster.Dial)
// are made as Dial makes them.
func (c Config) cluster(ctx context.Context, opts []func(*redis.Pool)) (*redisc.Cluster, error) {
	if c.DB != 0 {
		return nil, fmt.Errorf("%w: a cluster has only database 0; drop the /N or ?db=", ErrInvalidURL)
	}
	cl := &redisc.Cluster{
		StartupNodes: append([]string{c.Addr}, c.Seeds...),
		DialOptions:  c.nodeDialOptions(),
		CreatePool: func(addr string, _ ...redis.DialOption) (*redis.Pool, error) {
			n, err := c.node(addr)
			if err != nil {
				return nil, err
			}
			return n.Pool(opts...), nil
		},
		// Waiting for a node's busy pool is bounded, as the dial is.
		PoolWaitTime: or(c.DialTimeout, DefaultDialTimeout),
	}
	if err := cl.Refresh(); err != nil {
		cl.Close()
		// redisc joins its nodes' errors into one text; dialling the nodes
		// again gives an error errors.Is can match: refused credentials
		// (ErrAuth) on any node, or the dial error when no node answers.
		// When some node answers, its refusal (not a cluster node, ...)
		// is in redisc's text, and a dead seed beside it is not the cause.
		var dialErr error
		answered := false
		for _, addr := range cl.StartupNodes {
			n, derr := c.node(addr)
			if derr == nil {
				var conn redis.Conn
				if conn, derr = n.Dial(ctx); derr == nil {
					conn.Close()
					answered = true
					continue
				}
			}
			if errors.Is(derr, ErrAuth) {
				return nil, fmt.Errorf("herokuurl: cluster layout: %w", derr)
			}
			if dialErr == nil {
				dialErr = derr
			}
		}
		if dialErr != nil && !answered {
			return nil, fmt.Errorf("herokuurl: cluster layout: %w", dialErr)
		}
		return nil, fmt.Errorf("herokuurl: cluster layout from %s: %s", c.Addr, strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	return cl, nil
}

// node is c for the node at addr ("host:port"), with no Sentinel or seed.
func (c Config) node(addr string) (Config, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return Config{}, fmt.Errorf("herokuurl: node address %q: %w", addr, err)
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		return Config{}, fmt.Errorf("herokuurl: node address %q: bad port", addr)
	}
	n := c
	n.Network, n.Addr, n.Host, n.Port = "tcp", addr, host, p
	n.Seeds, n.MasterName, n.SentinelUsername, n.SentinelPassword = nil, "", "", ""
	return n, nil
}

// nodeDialOptions make redis.Dial("tcp", addr, ...) connect to any node as
// Dial would: the connection is made, wrapped in TLS and authenticated by
// the dial function itself, so the AUTH fallbacks apply there too.
func (c Config) nodeDialOptions() []redis.DialOption {
	return []redis.DialOption{
		redis.DialReadTimeout(or(c.ReadTimeout, DefaultReadTimeout)),
		redis.DialWriteTimeout(or(c.WriteTimeout, DefaultWriteTimeout)),
		redis.DialContextFunc(func(ctx context.Context, _, addr string) (net.Conn, error) {
			n, err := c.node(addr)
			if err != nil {
				return nil, err
			}
			return n.dialNet(ctx)
		}),
	}
}

// dialNet connects to c.Addr, with TLS if asked, and runs the handshake
// (AUTH, SELECT), returning the ready network connection.
func (c Config) dialNet(ctx context.Context) (net.Conn, error) {
	d := net.Dialer{Timeout: or(c.DialTimeout, DefaultDialTimeout), KeepAlive: 5 * time.Minute}
	nc, err := d.DialContext(ctx, c.Network, c.Addr)
	if err != nil {
		return nil, fmt.Errorf("herokuurl: dial %s: %w", c.Addr, err)
	}
	if c.TLS {
		tc := tls.Client(nc, c.TLSConfig())
		hctx, cancel := context.WithTimeout(ctx, or(c.DialTimeout, DefaultDialTimeout))
		err := tc.HandshakeContext(hctx)
		cancel()
		if err != nil {
			nc.Close()
			return nil, fmt.Errorf("herokuurl: TLS with %s: %w", c.Addr, err)
		}
		nc = tc
	}
	// The handshake's replies are read in full, so nothing is left buffered
	// in this temporary reader when the caller wraps nc anew.
	if err := c.handshake(ctx, redis.NewConn(nc, or(c.ReadTimeout, DefaultReadTimeout), or(c.WriteTimeout, DefaultWriteTimeout))); err != nil {
		nc.Close()
		return nil, err
	}
	return nc, nil
}

// sentinelPool is a Pool whose connections go to the master the Sentinels
// name.
func (c Config) sentinelPool(opts []func(*redis.Pool)) *redis.Pool {
	sc := c
	sc.Username, sc.Password, sc.DB, sc.placeholderUser = c.SentinelUsername, c.SentinelPassword, 0, false
	snt := &sentinel.Sentinel{
		Addrs:      append([]string{c.Addr}, c.Seeds...),
		MasterName: c.MasterName,
		Dial: func(addr string) (redis.Conn, error) {
			n, err := sc.node(addr)
			if err != nil {
				return nil, err
			}
			ctx, cancel := context.WithTimeout(context.Background(), or(c.DialTimeout, DefaultDialTimeout))
			defer cancel()
			return n.Dial(ctx)
		},
		// Sentinels are asked only when a connection to the master is
		// dialled: keep no idle connection to them.
		Pool: nil,
	}
	snt.Pool = func(addr string) *redis.Pool {
		return &redis.Pool{MaxIdle: 0, MaxActive: 8, Wait: true, Dial: func() (redis.Conn, error) { return snt.Dial(addr) }}
	}
	// One query at a time, shared: sentinel v1.1.1 reorders Addrs while
	// concurrent queries read it (a data race the failover test caught
	// with -race), and the library takes no context. A dial joins the
	// query in flight, or starts one, and stops waiting when its context
	// ends (Connect's, or the request's when a pool dials), so Sentinels
	// that accept but never answer, each holding a query for its read
	// timeout in turn, hold up no caller past its deadline, and abandoned
	// dials leave at most that one query running, not one queued each.
	type query struct {
		done chan struct{} // closed when addr and err are set
		addr string
		err  error
	}
	var (
		queryMu  sync.Mutex
		inFlight *query
	)
	masterAddr := func(ctx context.Context) (string, error) {
		queryMu.Lock()
		q := inFlight
		if q == nil {
			q = &query{done: make(chan struct{})}
			inFlight = q
			go func() {
				q.addr, q.err = snt.MasterAddr()
				queryMu.Lock()
				inFlight = nil
				queryMu.Unlock()
				close(q.done)
			}()
		}
		queryMu.Unlock()
		select {
		case <-q.done:
			return q.addr, q.err
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	viaSentinel := func(p *redis.Pool) {
		p.DialContext = func(ctx context.Context) (redis.Conn, error) {
			addr, err := masterAddr(ctx)
			if err != nil {
				var none sentinel.NoSentinelsAvailable
				if errors.As(err, &none) && ctx.Err() == nil {
					// Its text holds the last Sentinel's error; dialling
					// one again gives an error errors.Is can match.
					if conn, derr := snt.Dial(c.Addr); derr != nil {
						err = derr
					} else {
						conn.Close()
					}
				}
				return nil, fmt.Errorf("herokuurl: asking the Sentinels for master %q: %w", c.MasterName, err)
			}
			n, err := c.node(addr)
			if err != nil {
				return nil, err
			}
			conn, err := n.Dial(ctx)
			if err != nil {
				return nil, err
			}
			if !sentinel.TestRole(conn, "master") {
				conn.Close()
				return nil, fmt.Errorf("%w (%s, for %q)", ErrNotMaster, addr, c.MasterName)
			}
			return conn, nil
		}
		p.TestOnBorrow = func(conn redis.Conn, lastUsed time.Time) error {
			if time.Since(lastUsed) < time.Minute {
				return nil
			}
			if !sentinel.TestRole(conn, "master") {
				return ErrNotMaster
			}
			return nil
		}
	}
	return c.Pool(append([]func(*redis.Pool){viaSentinel}, opts...)...)
}

func or(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
