package soak

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// rawConn is a keep-alive HTTP/1.1 connection that sends one fixed GET
// request, depth copies at a time (pipelined), and reads back only what
// the soak needs: each response's status and session cookie. It exists so
// that the load generator costs the machine little next to the server it
// measures: net/http's client allocates a request, a response, a header
// map and cookies for every round trip and needs a goroutine wake-up per
// request; this writes depth requests in one syscall and parses the
// responses in place, with no allocation per request.
type rawConn struct {
	c      net.Conn
	r      *bufio.Reader
	batch  []byte // depth copies of the request
	depth  int
	cookie []byte // reused for each response's cookie value
}

// errRawResponse is a response the raw client cannot parse (no status
// line, chunked body, a header line longer than its buffer).
var errRawResponse = errors.New("soak: unexpected HTTP response")

// dialRaw connects to addr (host:port) for GETs of path, with the session
// cookie when token is not empty, sent depth at a time.
func dialRaw(addr, path, token string, depth int) (*rawConn, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, fmt.Errorf("soak: dial %s: %w", addr, err)
	}
	req := "GET " + path + " HTTP/1.1\r\nHost: soak\r\n"
	if token != "" {
		req += "Cookie: session=" + token + "\r\n"
	}
	req += "\r\n"
	return &rawConn{
		c:     c,
		r:     bufio.NewReaderSize(c, 16<<10),
		batch: bytes.Repeat([]byte(req), depth),
		depth: depth,
	}, nil
}

func (rc *rawConn) Close() error { return rc.c.Close() }

// do sends one batch and calls got for each response in order, with its
// status code and the value of the session cookie it set (nil when none;
// valid only during the call). It returns the first error that breaks the
// connection, after which the connection must be closed.
func (rc *rawConn) do(got func(status int, cookie []byte)) error {
	if err := rc.c.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		return err
	}
	if _, err := rc.c.Write(rc.batch); err != nil {
		return fmt.Errorf("soak: write: %w", err)
	}
	for i := 0; i < rc.depth; i++ {
		if err := rc.response(got); err != nil {
			return err
		}
	}
	return nil
}

var (
	setCookiePrefix = []byte("set-cookie: session=")
	lengthPrefix    = []byte("content-length: ")
	chunkedHeader   = []byte("transfer-encoding:")
)

// response reads one response: status line, headers (only Set-Cookie
// session= and Content-Length are looked at) and body, discarded.
func (rc *rawConn) response(got func(status int, cookie []byte)) error {
	line, err := rc.r.ReadSlice('\n')
	if err != nil {
		return fmt.Errorf("soak: reading the status line: %w", err)
	}
	// "HTTP/1.1 200 OK\r\n"
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return fmt.Errorf("%w: status line %q", errRawResponse, line)
	}
	status, ok := atoi(line[9:12])
	if !ok {
		return fmt.Errorf("%w: status line %q", errRawResponse, line)
	}
	var cookie []byte // nil unless this response sets one
	length := -1
	for {
		line, err := rc.r.ReadSlice('\n')
		if err != nil {
			return fmt.Errorf("soak: reading headers: %w", err)
		}
		if len(line) <= 2 { // the blank line ending the headers
			break
		}
		switch {
		case hasPrefixFold(line, setCookiePrefix):
			v := line[len(setCookiePrefix):]
			if i := bytes.IndexAny(v, ";\r"); i >= 0 {
				v = v[:i]
			}
			// Copied out: the next ReadSlice may overwrite the buffer.
			rc.cookie = append(rc.cookie[:0], v...)
			cookie = rc.cookie
		case hasPrefixFold(line, lengthPrefix):
			n, ok := atoi(bytes.TrimRight(line[len(lengthPrefix):], "\r\n"))
			if !ok {
				return fmt.Errorf("%w: %q", errRawResponse, line)
			}
			length = n
		case hasPrefixFold(line, chunkedHeader):
			return fmt.Errorf("%w: %q (the soak server's responses are small enough for Content-Length)", errRawResponse, line)
		}
	}
	if length < 0 {
		return fmt.Errorf("%w: no Content-Length", errRawResponse)
	}
	if _, err := rc.r.Discard(length); err != nil {
		return fmt.Errorf("soak: reading the body: %w", err)
	}
	got(status, cookie)
	return nil
}

func hasPrefixFold(s, lowerPrefix []byte) bool {
	return len(s) >= len(lowerPrefix) && bytes.EqualFold(s[:len(lowerPrefix)], lowerPrefix)
}

// atoi parses a small non-negative decimal number.
func atoi(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// TestRawConn: the raw client reads pipelined responses of net/http's
// server back in order, with their status and session cookie, and
// refuses a chunked response rather than misreading it.
func TestRawConn(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/new":
			http.SetCookie(w, &http.Cookie{Name: "other", Value: "x"})
			http.SetCookie(w, &http.Cookie{Name: "session", Value: "tok", Path: "/", HttpOnly: true})
			fmt.Fprint(w, "made")
		case "/check":
			if c, err := r.Cookie("session"); err != nil || c.Value != "abc" {
				http.Error(w, "no session", http.StatusNotFound)
				return
			}
			fmt.Fprint(w, "ok")
		case "/chunked":
			w.(http.Flusher).Flush()
			fmt.Fprint(w, "late")
		}
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")

	type result struct {
		status int
		cookie string
	}
	run := func(path, token string, depth, batches int) ([]result, error) {
		rc, err := dialRaw(addr, path, token, depth)
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		var got []result
		for i := 0; i < batches; i++ {
			err := rc.do(func(st int, ck []byte) { got = append(got, result{st, string(ck)}) })
			if err != nil {
				return got, err
			}
		}
		return got, nil
	}

	got, err := run("/new", "", 5, 3)
	if err != nil || len(got) != 15 {
		t.Fatalf("15 pipelined requests: %d responses, error %v", len(got), err)
	}
	for _, r := range got {
		if r != (result{200, "tok"}) {
			t.Fatalf("response %+v, want 200 with session cookie \"tok\"", r)
		}
	}
	if got, err := run("/check", "abc", 2, 1); err != nil || len(got) != 2 || got[0] != (result{200, ""}) || got[1] != got[0] {
		t.Errorf("with the cookie: %+v, %v; want two 200s setting no cookie", got, err)
	}
	if got, err := run("/check", "", 1, 1); err != nil || len(got) != 1 || got[0] != (result{404, ""}) {
		t.Errorf("without the cookie: %+v, %v; want one 404", got, err)
	}
	if _, err := run("/chunked", "", 1, 1); !errors.Is(err, errRawResponse) {
		t.Errorf("chunked response: error %v, want errRawResponse", err)
	}
}

// TestRawConnNoAllocs: a batch of requests and their responses allocate
// nothing in the client, so the load generator's cost does not grow with
// the garbage it makes. The server here replays canned responses from
// fixed buffers, since AllocsPerRun counts the whole process.
func TestRawConnNoAllocs(t *testing.T) {
	const depth = 16
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	resp := bytes.Repeat([]byte("HTTP/1.1 200 OK\r\n"+
		"Set-Cookie: session=0123456789abcdef0123456789abcdef0123456789a; Path=/; Max-Age=1200; HttpOnly; SameSite=Lax\r\n"+
		"Content-Length: 1\r\nContent-Type: text/plain; charset=utf-8\r\nVary: Cookie\r\n\r\n1"), depth)
	reqLen := len("GET /write HTTP/1.1\r\nHost: soak\r\n\r\n")
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		buf := make([]byte, reqLen*depth)
		for {
			if _, err := io.ReadFull(c, buf); err != nil {
				return
			}
			if _, err := c.Write(resp); err != nil {
				return
			}
		}
	}()
	rc, err := dialRaw(ln.Addr().String(), "/write", "", depth)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var n, bad int
	got := func(status int, cookie []byte) {
		n++
		if status != 200 || len(cookie) != 43 {
			bad++
		}
	}
	var doErr error
	allocs := testing.AllocsPerRun(500, func() {
		if err := rc.do(got); err != nil && doErr == nil {
			doErr = err
		}
	})
	if doErr != nil || bad != 0 || n != 501*depth {
		t.Fatalf("%d responses (%d wrong), error %v; want %d", n, bad, doErr, 501*depth)
	}
	if allocs != 0 {
		t.Errorf("%v allocations per batch of %d requests, want 0", allocs, depth)
	}
}
