package manager

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/sessionkit/sessionkit/codec"
	"github.com/sessionkit/sessionkit/internal/bridge"
	"github.com/sessionkit/sessionkit/observe"
	"github.com/sessionkit/sessionkit/store/memstore"
)

// Defaults applied by New to zero Config fields.
const (
	DefaultLifetime    = 24 * time.Hour
	DefaultCookieName  = "session"
	DefaultMaxSize     = 1 << 20
	DefaultIdleRefresh = 0.1
)

// Config configures a Manager. The zero Config is usable: an in-memory store,
// the msgpack codec, 24-hour sessions, a Lax, HttpOnly, persistent cookie
// named "session" that is Secure whenever the request came over HTTPS,
// hashed tokens in the store and a 1 MiB size limit.
type Config struct {
	// Store holds the encoded sessions. Default: a store/memstore the
	// Manager owns (Close stops its sweep), which loses every session on
	// restart; use store/redisstore or store/boltstore to keep them.
	Store scs.Store
	// Codec encodes sessions. Default: codec.Msgpack(). Codecs from package
	// codec keep Go types and decode lazily; any other scs.Codec works too,
	// with scs's own type-assertion semantics.
	Codec scs.Codec
	// Lifetime is the absolute maximum age of a session, counted from its
	// creation or last token renewal. Default 24h.
	Lifetime time.Duration
	// IdleTimeout, if positive, ends a session that sees no request for
	// that long. Default 0: sessions last their whole Lifetime.
	IdleTimeout time.Duration
	// IdleRefresh is the fraction of IdleTimeout after which a read-only
	// request extends the session's expiry (decided and done by the store
	// as it reads the session, see store.IdleFinder); requests in between
	// cost nothing extra, and a session may end up to this fraction of
	// IdleTimeout early. Default 0.1; values outside (0, 1] mean default.
	IdleRefresh float64
	// Cookie configures the session cookie.
	Cookie CookieConfig
	// StoreRawTokens stores sessions under the raw token instead of its
	// sha256 hash. Default false: a dump of the store reveals no live token.
	// The hash is scs's HashTokenInStore scheme, so a store written by scs
	// with HashTokenInStore is read as is; set StoreRawTokens only to take
	// over a store scs wrote without it.
	StoreRawTokens bool
	// Tokens, if set, replaces scs's cookie and store-key scheme (and
	// StoreRawTokens): package express's Config sets it to speak
	// express-session's signed connect.sid cookie. Default nil: scs's.
	Tokens TokenFormat
	// MaxSize limits a session's encoded size in bytes; Put and commit fail
	// with ErrTooLarge beyond it, and a stored session larger than it is
	// treated as undecodable before any of it is decoded: the request gets
	// a fresh session and the blob is deleted. Default 1 MiB; negative
	// means no limit.
	MaxSize int
	// ErrorHandler answers requests whose session cannot be loaded or
	// committed. Default: log with Logger and answer 503 for store errors
	// (errors.Is(err, ErrStore)), 500 otherwise.
	ErrorHandler func(w http.ResponseWriter, r *http.Request, err error)
	// Logger receives problems the manager recovers from (undecodable stored
	// data, hostile cookies, failed touches) and, through the default
	// ErrorHandler, failures. Tokens and passwords are never logged.
	// Default slog.Default().
	Logger *slog.Logger
	// Hooks observes store operations. Codec work is observed with
	// codec.WithHooks. Nil costs nothing.
	Hooks *observe.Hooks
}

// CookieConfig configures the session cookie. The cookie is always HttpOnly:
// no script needs the session token.
type CookieConfig struct {
	// Name defaults to "session". A name starting with "__Host-" (the
	// safest choice on HTTPS: browsers then bind the cookie to this exact
	// host, Secure, with Path "/") makes the cookie Secure on every
	// response and requires Path "/" (the default) and no Domain; one
	// starting with "__Secure-" makes it Secure. New panics when such a
	// name is combined with settings browsers would reject.
	Name   string
	Domain string // default: host-only
	Path   string // default "/"
	// Secure and Insecure set the cookie's Secure attribute on every
	// response, or on none. Leaving both false (the zero value) is
	// automatic: Secure when the request arrived over TLS or with
	// "X-Forwarded-Proto: https" (set by Heroku's router and most proxies),
	// so a deployed app gets Secure cookies while http://localhost still
	// works. Setting both panics in New.
	Secure      bool
	Insecure    bool
	SameSite    http.SameSite // default http.SameSiteLaxMode
	Partitioned bool          // CHIPS; browsers require Secure with it
	// SessionOnly makes the cookie a browser-session cookie (no Expires)
	// unless the handler calls SessionManager().RememberMe(ctx, true).
	SessionOnly bool
}

// rememberMeKey is the session key under which scs keeps RememberMe's flag.
const rememberMeKey = "__rememberMe"

// Manager serves typed sessions. It is safe for concurrent use.
type Manager struct {
	sm         *scs.SessionManager
	store      *storeAdapter
	valueCodec codec.Codec // nil when Config.Codec is not one of ours
	idle       time.Duration
	refresh    time.Duration
	touches    *touchLog
	maxSize    int
	errHandler func(http.ResponseWriter, *http.Request, error)
	logger     *slog.Logger
	cookie     cookieSettings
	tokens     TokenFormat
	set        newSettings     // what New set on sm, to see later changes
	owned      *memstore.Store // the default store, created by New
	// scsKey is the key sm keeps a request's session data under in its
	// context (scsContextKey); nil if it could not be found, and then
	// every request loads its session through scs's Load up front.
	scsKey any
	// sdType is scs's *sessionData type when the mirror (scsdata.go) fits
	// it, else nil.
	sdType reflect.Type
}

// New returns a Manager for cfg; zero fields take the documented defaults.
// It panics if cfg.Cookie is a cookie no browser would keep (see
// CookieConfig.Name), a programming error best found at startup.
func New(cfg Config) *Manager {
	var owned *memstore.Store
	if cfg.Store == nil {
		owned = memstore.New()
		cfg.Store = owned
	}
	if cfg.Codec == nil {
		cfg.Codec = codec.Msgpack()
	}
	if cfg.Lifetime <= 0 {
		cfg.Lifetime = DefaultLifetime
	}
	if cfg.IdleRefresh <= 0 || cfg.IdleRefresh > 1 {
		cfg.IdleRefresh = DefaultIdleRefresh
	}
	if cfg.MaxSize == 0 {
		cfg.MaxSize = DefaultMaxSize
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	c := newCookieSettings(cfg.Cookie)

	m := &Manager{
		idle:       cfg.IdleTimeout,
		maxSize:    cfg.MaxSize,
		logger:     cfg.Logger,
		errHandler: cfg.ErrorHandler,
		cookie:     c,
		owned:      owned,
	}
	if m.errHandler == nil {
		m.errHandler = m.defaultErrorHandler
	}
	m.tokens = cfg.Tokens
	if m.tokens == nil {
		m.tokens = scsTokens{raw: cfg.StoreRawTokens}
	}
	m.valueCodec, _ = cfg.Codec.(codec.Codec)
	be := wrapStore(cfg.Store)
	if m.idle > 0 {
		m.refresh = time.Duration(float64(m.idle) * cfg.IdleRefresh)
		if !be.canFindIdle() {
			m.touches = newTouchLog(m.refresh, touchLogMax)
		}
	}
	m.store = &storeAdapter{
		be: be, tokens: m.tokens, maxSize: m.maxSize,
		idle: m.idle, below: m.idle - m.refresh, touches: m.touches, hooks: cfg.Hooks,
	}

	sm := scs.New()
	sm.Store = m.store
	sm.Codec = cfg.Codec
	sm.Lifetime = cfg.Lifetime
	// The manager handles idle expiry and hashing itself: scs's IdleTimeout
	// rewrites every session on every request, and scs's hashing would hide
	// the raw token from the adapter that needs it to pick a commit mode.
	sm.IdleTimeout = 0
	sm.HashTokenInStore = false
	// The manager writes the cookie itself (writeCookie, to decide Secure
	// per request); this is for code that calls scs's WriteSessionCookie.
	sm.Cookie = scs.SessionCookie{
		Name: c.name, Domain: c.domain, Path: c.path, HttpOnly: true,
		Secure: c.secure == secureAlways, SameSite: c.sameSite, Partitioned: c.partitioned,
		Persist: c.persist,
	}
	sm.ErrorFunc = m.errHandler
	m.sm = sm
	m.scsKey = scsContextKey(sm)
	m.sdType = scsDataLayout(sm, m.scsKey)
	m.set = newSettings{cookie: sm.Cookie, codec: sm.Codec,
		codecComparable: reflect.TypeOf(sm.Codec).Comparable()}
	return m
}

// Close releases what New created: the default in-memory store's expiry
// sweep stops (its sessions stay readable). A Store passed in Config is the
// caller's to close. A Manager that is garbage collected stops the sweep
// too; Close makes it prompt. Close is safe to call more than once.
func (m *Manager) Close() error {
	if m.owned == nil {
		return nil
	}
	return m.owned.Close()
}

// SessionManager returns the underlying scs manager: the escape hatch for
// code written for scs (its getters, Keys, Iterate, Status...). Serve
// requests with [Manager.LoadAndSave], not with its LoadAndSave, and prefer
// the Manager's own lifecycle methods ([Manager.RenewToken],
// [Manager.Destroy], [Manager.Commit]...), which return ErrNoSession where
// scs's panic.
//
// Settings changed on it after New, as scs's README teaches, behave so:
//   - Cookie (every field), ErrorFunc, Lifetime: honoured from the next
//     request on; they are read per request. Cookie.Secure left as New set
//     it keeps the automatic choice (Secure over HTTPS); changed, it is
//     forced on or off.
//   - IdleTimeout: honoured the way scs does it, which rewrites the whole
//     session on every request; Config.IdleTimeout does the same with at
//     most one cheap touch per IdleRefresh window.
//   - Store, Codec, HashTokenInStore: fixed at New. Changed, every request
//     is answered through the error handler with [ErrSettings] (500 and one
//     log line by default) until they are set back; set them in [Config].
//
// With Config.IdleTimeout, two things differ from scs: Status of a loaded
// session the handler did not change is Unmodified (scs says Modified,
// because it rewrites every session to extend it), and its Commit returns
// the absolute deadline, not the idle expiry; [Manager.Commit] returns the
// idle expiry.
func (m *Manager) SessionManager() *scs.SessionManager { return m.sm }

// CookieName is the name of the session cookie.
func (m *Manager) CookieName() string { return m.liveCookie().name }

// Put stores v under key. With a codec from package codec, v is encoded now,
// once: an unencodable value (errors.Is(err, codec.ErrEncode)) or one larger
// than MaxSize (ErrTooLarge) is reported here and nothing is stored. Later
// changes to v do not reach the session; Put it again. A basic value (bool,
// string, number, []byte, time.Time, or a named type of one of these
// without marshaling methods) is kept as its predeclared Go type, what
// every later request decodes too, so scs's getters read it at once.
func (m *Manager) Put(ctx context.Context, key string, v any) error {
	if err := m.hasSession(ctx); err != nil {
		return err // scs's Put would panic
	}
	if m.valueCodec == nil {
		// A foreign scs.Codec: trial-encode so that errors still surface here.
		b, err := m.sm.Codec.Encode(time.Time{}, map[string]any{key: v})
		if err != nil {
			return fmt.Errorf("manager: put %q: %w", key, err)
		}
		if err := checkSize(len(b), m.maxSize); err != nil {
			return fmt.Errorf("%w (put %q)", err, key)
		}
		m.put(ctx, key, v)
		return nil
	}
	if nv, ok := bridge.Native(v); ok {
		// A basic value is kept as the Go value the next request decodes,
		// so scs's getters (GetString, PopString...) read it in this
		// request too. It always encodes, in about its own size, so it is
		// encoded once, at commit: only a string or byte slice can be too
		// large, and its length is the least its encoding takes (the
		// commit still checks the whole session).
		if err := checkSize(nativeSize(nv), m.maxSize); err != nil {
			return fmt.Errorf("%w (put %q)", err, key)
		}
		m.put(ctx, key, nv)
		return nil
	}
	val, err := m.valueCodec.Marshal(v)
	if err != nil {
		return fmt.Errorf("manager: put %q: %w", key, err)
	}
	if err := checkSize(val.Size(), m.maxSize); err != nil {
		return fmt.Errorf("%w (put %q)", err, key)
	}
	m.put(ctx, key, val)
	return nil
}

// Remove deletes key from the session; a missing key is not an error.
func (m *Manager) Remove(ctx context.Context, key string) { m.sm.Remove(ctx, key) }

// nativeSize is the least number of bytes a basic value encodes to that
// can matter for MaxSize: the length of a string or byte slice.
func nativeSize(v any) int {
	switch v := v.(type) {
	case string:
		return len(v)
	case []byte:
		return len(v)
	}
	return 0
}

// checkSize returns ErrTooLarge when n encoded bytes exceed max (> 0).
func checkSize(n, max int) error {
	if max > 0 && n > max {
		return fmt.Errorf("%w: %d bytes encoded, limit %d", ErrTooLarge, n, max)
	}
	return nil
}

// Iterate calls fn with a context for each session in the store (the store
// must list sessions: memstore, redisstore and boltstore do). Inside fn,
// typed works, and [Manager.Destroy] ends that session — e.g. to log a user
// out everywhere — as does SessionManager().Destroy, also inside scs's own
// SessionManager().Iterate. [Manager.Token] there is the session's store
// key behind a "~" mark, not its token (the store never holds tokens). It
// reads every session: an administrative operation, not one for the
// request path. With a store.Walker (redisstore, boltstore) it holds one
// batch of sessions in memory at a time (redisstore may then hand fn a
// session twice, see store.Walker); with other stores, memstore included,
// scs loads every session at once.
func (m *Manager) Iterate(ctx context.Context, fn func(context.Context) error) error {
	st := &requestState{m: m, iterating: true, walk: &walkState{}}
	base := context.WithValue(ctx, ctxKey{}, st)
	if !m.store.be.canWalk() {
		return m.sm.Iterate(base, fn)
	}
	return m.store.walk(base, func(key string, b []byte) error {
		// scs's Load builds the session from b: the adapter's Find hands
		// it over without a second read.
		st.mu.Lock()
		st.walk.key, st.walk.blob = key, b
		st.mu.Unlock()
		// The token is the marked store key, as scs's Iterate hands out:
		// Destroy inside fn deletes that key, not a hash of it.
		sctx, err := m.sm.Load(base, keyMark+key)
		st.mu.Lock()
		st.walk.key, st.walk.blob = "", nil
		st.mu.Unlock()
		if err != nil {
			return err
		}
		return fn(sctx)
	})
}

func (m *Manager) defaultErrorHandler(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusInternalServerError
	if isStoreError(err) {
		status = http.StatusServiceUnavailable
	}
	m.logger.LogAttrs(r.Context(), slog.LevelError, "sessionkit: session unavailable",
		slog.String("method", r.Method), slog.String("path", r.URL.Path),
		slog.Int("status", status), slog.String("err", err.Error()))
	http.Error(w, http.StatusText(status), status)
}
