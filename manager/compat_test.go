package manager_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sessionkit/sessionkit/internal/webtest"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/observe"
	"github.com/sessionkit/sessionkit/store/memstore"
)

// versioned is a TokenFormat for the test: the cookie carries "v1." +
// token and the store key is "k-" + token.
type versioned struct{}

func (versioned) ParseCookie(v string) (string, bool) {
	tok, ok := strings.CutPrefix(v, "v1.")
	return tok, ok && tok != ""
}
func (versioned) CookieValue(tok string) string { return "v1." + tok }
func (versioned) StoreKey(tok string) string    { return "k-" + tok }

// TestTokenFormat: Config.Tokens decides the cookie value, the store key,
// and which cookies cost no store access.
func TestTokenFormat(t *testing.T) {
	st := memstore.New()
	defer st.Close()
	var ops atomic.Int64
	m := manager.New(manager.Config{Store: st, Tokens: versioned{},
		Hooks: &observe.Hooks{Store: func(observe.StoreEvent) { ops.Add(1) }}})
	srv := httptest.NewServer(counterApp(m))
	defer srv.Close()
	client := webtest.Client(t)
	r := webtest.Get(t, client, srv.URL+"/write")
	ck := r.SetCookie("session")
	if ck == nil || !strings.HasPrefix(ck.Value, "v1.") {
		t.Fatalf("cookie %v, want the value CookieValue makes", ck)
	}
	tok := strings.TrimPrefix(ck.Value, "v1.")
	if _, found, _ := st.Find("k-" + tok); !found {
		t.Fatal("the session is not under StoreKey(token)")
	}
	if r := webtest.Get(t, client, srv.URL+"/read"); r.Body != "1" {
		t.Fatalf("read with the cookie: %d %s", r.Status, r.Body)
	}

	// A cookie the format refuses: a fresh session, no store access.
	before := ops.Load()
	req, _ := http.NewRequest("GET", srv.URL+"/read", nil)
	req.Header.Set("Cookie", "session="+tok) // the bare token, without "v1."
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 || ops.Load() != before {
		t.Errorf("refused cookie: status %d, %d store operations; want 404 and none", resp.StatusCode, ops.Load()-before)
	}
}
