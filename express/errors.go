package express

import "errors"

// ErrNoSecret is returned by [NewSigner] for an empty secret list or an
// empty secret: express-session refuses both too.
var ErrNoSecret = errors.New("express: a non-empty session secret is required")

// ErrConfig is returned by [Config.ManagerConfig] for a Config that cannot
// work (no Redis pool, an unknown SameSite, a negative MaxAge).
var ErrConfig = errors.New("express: invalid configuration")
