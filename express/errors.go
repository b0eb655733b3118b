package express

import "errors"

// ErrNoSecret is returned by [NewSigner] for an empty secret list or an
// empty secret: express-session refuses both too.
var ErrNoSecret = errors.New("express: a non-empty session secret is required")
