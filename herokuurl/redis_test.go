package herokuurl_test

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/herokuurl"
	"github.com/sessionkit/sessionkit/internal/redistest"
)

func dial(t *testing.T, raw string) (redis.Conn, error) {
	t.Helper()
	cfg, err := herokuurl.Parse(raw)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return cfg.Dial(ctx)
}

func TestRedisPasswordOnly(t *testing.T) {
	const pw = "s3cr3t-pw"
	srv := redistest.Start(t, redistest.Options{Password: pw})
	c, err := dial(t, fmt.Sprintf("redis://:%s@127.0.0.1:%d", pw, srv.Port))
	if err != nil {
		t.Fatal(err)
	}
	if pong, err := redis.String(c.Do("PING")); err != nil || pong != "PONG" {
		t.Errorf("PING = %q, %v", pong, err)
	}
	c.Close()
	_, err = dial(t, fmt.Sprintf("redis://:wrong-%s@127.0.0.1:%d", pw, srv.Port))
	if err == nil || strings.Contains(err.Error(), pw) {
		t.Errorf("wrong password: %v", err)
	}
}

func TestRedisACLUser(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	srv.Do("ACL", "SETUSER", "alice", "on", ">alice-pw", "~*", "&*", "+@all")
	c, err := dial(t, fmt.Sprintf("redis://alice:alice-pw@127.0.0.1:%d", srv.Port))
	if err != nil {
		t.Fatal(err)
	}
	who, err := redis.String(c.Do("ACL", "WHOAMI"))
	c.Close()
	if err != nil || who != "alice" {
		t.Errorf("ACL WHOAMI = %q, %v", who, err)
	}
	before := srv.CommandStats()["auth"]
	_, err = dial(t, fmt.Sprintf("redis://alice:nope@127.0.0.1:%d", srv.Port))
	if err == nil || !strings.Contains(err.Error(), "WRONGPASS") || strings.Contains(err.Error(), "nope") {
		t.Errorf("wrong ACL password: %v", err)
	}
	if n := srv.CommandStats()["auth"] - before; n != 1 {
		t.Errorf("WRONGPASS led to %d AUTH attempts, want 1 (no retry)", n)
	}
}

func TestRedisDatabaseSelection(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	for _, raw := range []string{"redis://127.0.0.1:%d/3", "redis://127.0.0.1:%d?db=3"} {
		srv.Do("FLUSHALL")
		c3, err := dial(t, fmt.Sprintf(raw, srv.Port))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c3.Do("SET", "k", "in-3"); err != nil {
			t.Fatal(err)
		}
		c3.Close()
		c0, err := dial(t, fmt.Sprintf("redis://127.0.0.1:%d", srv.Port))
		if err != nil {
			t.Fatal(err)
		}
		n, _ := redis.Int(c0.Do("EXISTS", "k"))
		c0.Close()
		if n != 0 {
			t.Errorf("%s: key written in db 3 is visible in db 0", raw)
		}
		if v, _ := redis.String(srv.Do("EVAL", "redis.call('SELECT', 3) return redis.call('GET', 'k')", 0), nil); v != "in-3" {
			t.Errorf("%s: db 3 holds %q", raw, v)
		}
	}
}

// selfSigned writes a self-signed certificate for 127.0.0.1 and localhost.
func selfSigned(t *testing.T) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "sessionkit test redis"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

func TestRedisTLS(t *testing.T) {
	cert, key := selfSigned(t)
	srv := redistest.Start(t, redistest.Options{Password: "tls-pw", TLSCertFile: cert, TLSKeyFile: key})
	base := fmt.Sprintf("rediss://:tls-pw@127.0.0.1:%d", srv.TLSPort)

	_, err := dial(t, base)
	var verr *tls.CertificateVerificationError
	if !errors.As(err, &verr) {
		t.Fatalf("self-signed certificate, default settings: %v; want a certificate verification error", err)
	}
	c, err := dial(t, base+"?skip_verify=true")
	if err != nil {
		t.Fatalf("skip_verify=true: %v", err)
	}
	if _, err := c.Do("PING"); err != nil {
		t.Errorf("PING over TLS: %v", err)
	}
	c.Close()

	t.Setenv("REDIS_TLS_URL", base)
	t.Setenv("DYNO", "web.1")
	cfg, err := herokuurl.FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	pool := cfg.Pool()
	defer pool.Close()
	pc, err := pool.GetContext(context.Background())
	if err != nil {
		t.Fatalf("pool from FromEnv on Heroku: %v", err)
	}
	if _, err := pc.Do("SET", "over", "tls"); err != nil {
		t.Errorf("SET through the pool: %v", err)
	}
	pc.Close()
}

// fakeRedis5 answers like Redis 5 for AUTH: one argument only. It records
// the AUTH commands it saw.
type fakeRedis5 struct {
	password string
	mu       sync.Mutex
	auths    [][]string
	ln       net.Listener
}

func startFakeRedis5(t *testing.T, password string) *fakeRedis5 {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeRedis5{password: password, ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go f.serve(conn)
		}
	}()
	return f
}

func (f *fakeRedis5) serve(conn net.Conn) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	for {
		args, err := readCommand(r)
		if err != nil {
			return
		}
		reply := "-ERR unknown command\r\n"
		switch strings.ToUpper(args[0]) {
		case "AUTH":
			f.mu.Lock()
			f.auths = append(f.auths, args[1:])
			f.mu.Unlock()
			switch {
			case len(args) != 2:
				reply = "-ERR wrong number of arguments for 'auth' command\r\n"
			case args[1] == f.password:
				reply = "+OK\r\n"
			default:
				reply = "-ERR invalid password\r\n"
			}
		case "PING":
			reply = "+PONG\r\n"
		case "SELECT":
			reply = "+OK\r\n"
		}
		if _, err := conn.Write([]byte(reply)); err != nil {
			return
		}
	}
}

func readCommand(r *bufio.Reader) ([]string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "*")))
	if err != nil || n < 1 {
		return nil, fmt.Errorf("bad array header")
	}
	args := make([]string, n)
	for i := range args {
		if _, err := r.ReadString('\n'); err != nil { // $len
			return nil, err
		}
		s, err := r.ReadString('\n')
		if err != nil {
			return nil, err
		}
		args[i] = strings.TrimSuffix(s, "\r\n")
	}
	return args, nil
}

func TestAuthFallbackForRedis5(t *testing.T) {
	f := startFakeRedis5(t, "old-pw")
	c, err := dial(t, fmt.Sprintf("redis://redistogo:old-pw@%s/2", f.ln.Addr()))
	if err != nil {
		t.Fatalf("dial with user:pass against Redis 5: %v", err)
	}
	if pong, err := redis.String(c.Do("PING")); err != nil || pong != "PONG" {
		t.Errorf("PING = %q %v", pong, err)
	}
	c.Close()
	f.mu.Lock()
	got := fmt.Sprint(f.auths)
	f.auths = nil
	f.mu.Unlock()
	if got != "[[redistogo old-pw] [old-pw]]" {
		t.Errorf("AUTH sequence %s, want user+pass then pass alone", got)
	}
	_, err = dial(t, fmt.Sprintf("redis://:bad-pw@%s", f.ln.Addr()))
	if err == nil || strings.Contains(err.Error(), "bad-pw") {
		t.Errorf("wrong password against Redis 5: %v", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.auths) != 1 {
		t.Errorf("a refused password was tried %d times, want 1", len(f.auths))
	}
}
