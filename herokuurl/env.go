package herokuurl

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
)

// Variables FromEnv reads after REDIS_PROVIDER, in order.
var searchOrder = []string{
	"REDIS_TLS_URL", "REDIS_URL",
	"REDISTOGO_URL", "REDISCLOUD_URL", "OPENREDIS_URL", "REDISGREEN_URL", "MYREDIS_URL",
	"STACKHERO_REDIS_URL_TLS",
}

// legacyAddOns are the variables of hosted Redis add-ons that predate
// Redis 6. Their URLs carry a user part (redis://redistogo:pw@...) that
// those servers never received, since AUTH then took a password alone.
var legacyAddOns = map[string]bool{
	"REDISTOGO_URL": true, "REDISCLOUD_URL": true, "OPENREDIS_URL": true, "REDISGREEN_URL": true, "MYREDIS_URL": true,
}

var herokuColour = regexp.MustCompile(`^HEROKU_REDIS_([A-Z]+)_(TLS_)?URL$`)

// EnvOption adjusts FromEnv.
type EnvOption func(*envConfig)

type envConfig struct {
	heroku  *bool
	environ []string
}

// WithHeroku forces the Heroku quirks on or off; by default they apply
// when the DYNO variable is set. See the package documentation.
func WithHeroku(on bool) EnvOption { return func(e *envConfig) { e.heroku = &on } }

// WithEnviron reads vars ("KEY=value" strings, as os.Environ returns)
// instead of the process environment.
func WithEnviron(vars []string) EnvOption { return func(e *envConfig) { e.environ = vars } }

// FromEnv finds the Redis URL in the environment and parses it:
//
//  1. REDIS_PROVIDER, if set, names the variable to use (its _TLS_URL twin
//     is preferred when set); if that variable is unset, FromEnv notes it
//     and goes on with step 2.
//  2. REDIS_TLS_URL, REDIS_URL, then the legacy add-ons' REDISTOGO_URL,
//     REDISCLOUD_URL, OPENREDIS_URL, REDISGREEN_URL, MYREDIS_URL and
//     STACKHERO_REDIS_URL_TLS.
//  3. HEROKU_REDIS_<COLOUR>_TLS_URL or _URL, if exactly one colour is set;
//     several colours are ErrAmbiguous.
//
// Empty variables count as unset; nothing found is ErrNoRedisURL. Then the
// Heroku quirks apply (see the package documentation and WithHeroku).
//
// The user part of a URL from one of the legacy add-on variables is taken
// as a placeholder: those add-ons ran Redis before 6, which never saw it,
// and a Redis 6 or later answers "AUTH redistogo pw" with WRONGPASS unless
// such a user exists. So [Config.Dial] tries the user first and, only for
// these variables and only after WRONGPASS, the password alone: one extra
// AUTH per new connection. A user named in any other variable, REDIS_URL
// included, is never swapped for the default user.
func FromEnv(opts ...EnvOption) (Config, error) {
	e := envConfig{}
	for _, o := range opts {
		o(&e)
	}
	if e.environ == nil {
		e.environ = os.Environ()
	}
	env := map[string]string{}
	for _, kv := range e.environ {
		if k, v, ok := strings.Cut(kv, "="); ok && v != "" {
			env[k] = v
		}
	}
	name, notes, err := pick(env)
	if err != nil {
		return Config{}, err
	}
	cfg, err := Parse(env[name])
	if err != nil {
		var pe *parseError
		if errors.As(err, &pe) {
			pe.source = name
		}
		return Config{}, err
	}
	cfg.Source, cfg.Notes = name, notes
	if legacyAddOns[name] && cfg.Username != "" {
		cfg.placeholderUser = true
		cfg.Notes = append(cfg.Notes, fmt.Sprintf("%s names user %s, a placeholder on add-ons of that era: if the server refuses it, AUTH is retried with the password alone", name, cfg.Username))
	}
	heroku := env["DYNO"] != ""
	if e.heroku != nil {
		heroku = *e.heroku
	}
	if heroku {
		if cfg.Username == "h" {
			cfg.Username = ""
			cfg.Notes = append(cfg.Notes, "dropped Heroku's legacy username h")
		}
		if cfg.TLS && !cfg.SkipVerify {
			cfg.SkipVerify = true
			cfg.Notes = append(cfg.Notes, "not verifying the TLS certificate: Heroku Redis certificates are self-signed")
		}
	}
	return cfg, nil
}

func pick(env map[string]string) (name string, notes []string, err error) {
	if p := env["REDIS_PROVIDER"]; p != "" {
		if strings.ContainsAny(p, ":/") {
			return "", nil, fmt.Errorf("%w, not a URL", ErrInvalidProvider)
		}
		if twin := tlsTwin(p); twin != "" && env[twin] != "" {
			return twin, nil, nil
		}
		if env[p] != "" {
			return p, nil, nil
		}
		notes = append(notes, fmt.Sprintf("REDIS_PROVIDER names %s, which is unset; fell back to REDIS_URL and the usual order", p))
	}
	for _, n := range searchOrder {
		if env[n] != "" {
			return n, notes, nil
		}
	}
	colours := map[string][]string{}
	for k := range env {
		if m := herokuColour.FindStringSubmatch(k); m != nil {
			colours[m[1]] = append(colours[m[1]], k)
		}
	}
	switch len(colours) {
	case 0:
		return "", nil, fmt.Errorf("%w: set REDIS_URL (or REDIS_TLS_URL, REDISTOGO_URL, ...)", ErrNoRedisURL)
	case 1:
		for colour := range colours {
			if n := "HEROKU_REDIS_" + colour + "_TLS_URL"; env[n] != "" {
				return n, notes, nil
			}
			return "HEROKU_REDIS_" + colour + "_URL", notes, nil
		}
	}
	var names []string
	for _, vs := range colours {
		names = append(names, vs...)
	}
	sort.Strings(names)
	return "", nil, fmt.Errorf("%w: %s; set REDIS_PROVIDER to the one to use", ErrAmbiguous, strings.Join(names, ", "))
}

// tlsTwin maps X_URL to X_TLS_URL.
func tlsTwin(name string) string {
	if base, ok := strings.CutSuffix(name, "_URL"); ok && !strings.HasSuffix(base, "_TLS") {
		return base + "_TLS_URL"
	}
	return ""
}
