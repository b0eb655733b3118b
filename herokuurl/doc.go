// Package herokuurl turns a Redis URL, or the environment of a Heroku-style
// platform, into a working redigo connection pool.
//
//	cfg, err := herokuurl.FromEnv() // REDIS_TLS_URL, REDIS_URL, REDISTOGO_URL, ...
//	if err != nil { ... }           // errors never contain the password
//	pool := cfg.Pool()
//	log.Printf("sessions in %s", cfg) // password redacted
//
// Config.Connect goes further: it returns a client for a single node, a
// Sentinel-managed master (master_name=) or a Redis Cluster (addr= seeds,
// or a single node that says it is a cluster node), for redisstore.New.
//
// Parse is strict where other clients are lenient, because a lenient parse
// of a credential-bearing URL fails in production, not in review: it rejects
// unknown schemes and query keys, malformed database paths ("/1/2", "/3/"),
// bad percent-escapes and unbracketed IPv6, and its errors name the faulty
// part without repeating any of the input.
//
// FromEnv applies two platform quirks on Heroku (when DYNO is set) or when
// asked with WithHeroku(true): the legacy username "h" is dropped (Redis
// before 6 rejects AUTH with a username), and TLS certificates are not
// verified, because Heroku Redis serves self-signed certificates. The second
// is a deliberate trade-off, the one Heroku documents: the connection is
// encrypted but not authenticated, so it stops passive eavesdropping but not
// an active man in the middle inside the platform's network. Pass
// WithHeroku(false) or use Parse to keep verification on.
//
// The user part of a URL from a legacy add-on variable (REDISTOGO_URL and
// the like) is a placeholder those pre-ACL servers never saw; Dial falls
// back to the password alone when a modern server refuses it. A user in
// REDIS_URL is never replaced: refused credentials are ErrAuth.
package herokuurl
