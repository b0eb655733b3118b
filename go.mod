// The Heroku Go buildpack builds the demo from this file as it is:
// +heroku install ./cmd/sessiondemo
module github.com/sessionkit/sessionkit

go 1.25

require (
	github.com/FZambia/sentinel v1.1.1
	github.com/alexedwards/scs/redisstore v0.0.0-20251002162104-209de6e426de
	github.com/alexedwards/scs/v2 v2.9.0
	github.com/gomodule/redigo v1.9.3
	github.com/mna/redisc v1.4.0
	github.com/vmihailenco/msgpack/v5 v5.4.1
	go.etcd.io/bbolt v1.4.3
)

require (
	github.com/vmihailenco/tagparser/v2 v2.0.0 // indirect
	golang.org/x/sys v0.29.0 // indirect
)
