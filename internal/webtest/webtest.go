// Package webtest has the small helpers the tests share: an HTTP client
// with a cookie jar, as a browser would have, one-line GET/POST calls, and
// a goroutine-safe buffer for captured logs and process output.
package webtest

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Client returns an HTTP client with its own cookie jar that does not
// follow redirects, so tests see each response as sent.
func Client(tb testing.TB) *http.Client {
	tb.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return &http.Client{
		Jar:     jar,
		Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// Response is what a test usually needs from a response.
type Response struct {
	Status int
	Body   string
	Header http.Header
}

// Get fetches u and fails the test on transport errors.
func Get(tb testing.TB, c *http.Client, u string) Response {
	tb.Helper()
	resp, err := c.Get(u)
	return read(tb, resp, err)
}

// PostForm posts form values to u.
func PostForm(tb testing.TB, c *http.Client, u string, form url.Values) Response {
	tb.Helper()
	resp, err := c.Post(u, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	return read(tb, resp, err)
}

func read(tb testing.TB, resp *http.Response, err error) Response {
	tb.Helper()
	if err != nil {
		tb.Fatalf("webtest: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("webtest: reading body: %v", err)
	}
	return Response{Status: resp.StatusCode, Body: string(b), Header: resp.Header}
}

// SetCookie returns the response's Set-Cookie for name, or nil.
func (r Response) SetCookie(name string) *http.Cookie {
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}
