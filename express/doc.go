// Package express speaks the session formats of Node's express-session
// (1.x) with connect-redis (9.x), so that a Go service can share signed-in
// users with an Express application during a migration, both ways.
//
// Most applications need only [Config]: it describes the Express app's
// settings (secrets, cookie name, key prefix, cookie options) and its
// Redis, and [Config.ManagerConfig] returns the manager.Config that makes
// a sessionkit Manager read and write Express sessions, with package typed
// working on their values.
//
// The pieces it is made of are usable on their own:
//
//   - [Signer] signs and verifies the session cookie (connect.sid) exactly
//     as express-session does with cookie-signature: "s:" + sid + "." +
//     base64(HMAC-SHA256(secret, sid)) without padding, URL-encoded, with a
//     list of secrets for rotation.
//   - [NewSID] generates session ids as express-session's uid-safe does.
//   - [Codec] reads and writes the session blob connect-redis stores:
//     JSON.stringify(req.session), the application's fields at the top
//     level plus express-session's cookie object. It is an scs.Codec and a
//     codec.Codec whose values package typed reads by Go type.
//   - [Store] keeps sessions in Redis with connect-redis's keys, commands
//     and TTLs.
//
// [TTL] and [Key] give the store-side rules: connect-redis keys sessions
// as "sess:" + sid and sets their expiry with SET ... EX ttl.
//
// The Express application must use resave: false and saveUninitialized:
// false, the same secret list, cookie name and key prefix; see
// docs/migrating-from-express.md.
package express
