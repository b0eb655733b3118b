package herokuurl_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/sessionkit/sessionkit/herokuurl"
)

// TestConfigNeverPrintsAPassword: the usual ways a program prints a value
// it holds (fmt verbs, log/slog's text and JSON handlers) show neither the
// master's nor the Sentinels' password. String() alone is not enough:
// %#v and slog's JSON handler do not call it.
func TestConfigNeverPrintsAPassword(t *testing.T) {
	for _, raw := range []string{
		"redis://alice:m4st3r-pw@host:6380/2",
		"redis://sen:s3ntinel-pw@s1:26379?master_name=m&addr=s2:26379&username=app&password=m4st3r-pw",
		"unix://:m4st3r-pw@/tmp/redis.sock",
	} {
		c, err := herokuurl.Parse(raw)
		if err != nil {
			t.Fatalf("Parse(%q): %v", raw, err)
		}
		var printed []string
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			printed = append(printed, verb+" "+fmt.Sprintf(verb, c), verb+" (pointer) "+fmt.Sprintf(verb, &c))
		}
		for name, h := range map[string]func(*bytes.Buffer) slog.Handler{
			"slog text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
			"slog json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
		} {
			var b bytes.Buffer
			slog.New(h(&b)).Info("redis", "cfg", c, "ptr", &c)
			printed = append(printed, name+" "+b.String())
		}
		for _, out := range printed {
			for _, secret := range []string{"m4st3r-pw", "s3ntinel-pw"} {
				if strings.Contains(out, secret) {
					t.Errorf("%s: printed a password: %s", raw, out)
				}
			}
		}
	}
}
