package herokuurl_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/herokuurl"
	"github.com/sessionkit/sessionkit/internal/redistest"
)

// TestConnectErrorReturnsNilClient: a failed Connect returns a nil
// Client, not an interface holding a nil *redisc.Cluster, which compares
// != nil and panics when closed. And with addr= seeds that are not cluster
// nodes, the error says so even when another seed is down, rather than
// sending the user to fix the dead one first.
func TestConnectErrorReturnsNilClient(t *testing.T) {
	const pw = "pw-Zt4!q"
	a := redistest.Start(t, redistest.Options{Password: pw})
	b := redistest.Start(t, redistest.Options{Password: pw})
	dead := redistest.FreePort(t)
	for _, tc := range []struct{ url, want string }{
		{fmt.Sprintf("redis://:%s@%s?addr=%s", pw, a.Addr(), b.Addr()), "cluster support disabled"},
		{fmt.Sprintf("redis://:%s@127.0.0.1:%d?addr=%s", pw, dead, b.Addr()), "cluster support disabled"},
		{fmt.Sprintf("redis://:%s@127.0.0.1:%d?addr=%s&master_name=m", pw, dead, b.Addr()), "Sentinels"},
		{fmt.Sprintf("redis://:%s@127.0.0.1:%d", pw, dead), "refused"},
	} {
		cfg, err := herokuurl.Parse(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		cl, err := cfg.Connect(ctx)
		cancel()
		if err == nil {
			cl.Close()
			t.Errorf("%s: Connect succeeded", cfg)
			continue
		}
		if cl != nil {
			t.Errorf("%s: Connect failed (%v) but returned a non-nil Client %T", cfg, err, cl)
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %q does not mention %q", cfg, err, tc.want)
		}
		if strings.Contains(err.Error(), pw) {
			t.Errorf("%s: error %q shows the password", cfg, err)
		}
	}
}
