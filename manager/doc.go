// Package manager puts typed, lazily decoded sessions on top of scs.
//
// A Manager wraps an *scs.SessionManager and replaces its middleware with one
// that
//
//   - puts the Manager in the request context, so package typed finds it;
//   - can be wrapped twice without loading or committing twice;
//   - ignores session cookies that cannot have been issued (wrong length or
//     alphabet, several of them) without touching the store;
//   - starts a fresh session when the stored blob no longer decodes, deleting
//     the bad entry, instead of answering 500 until the cookie expires;
//   - with an IdleTimeout, extends the session's expiry at most once per
//     IdleRefresh of the idle window, in the same store operation as the
//     read (store.IdleFinder; one Redis command) and with no memory per
//     session in the process, instead of rewriting the whole session on
//     every request;
//   - commits loaded sessions only if they still exist, so a slow request
//     cannot undo a concurrent logout (with stores that support it);
//   - stores sha256(token), never the token itself, unless told otherwise;
//   - makes no session for a request without a session cookie until its
//     handler uses one (a public page behind the middleware costs two
//     allocations, scs's middleware nine), and reads and writes scs's
//     session data in place instead of through scs's per-call context
//     lookups — the same data scs's own methods see.
//
// Everything else scs does (RenewToken, Destroy, RememberMe, Deadline, ...)
// is available through SessionManager.
package manager
