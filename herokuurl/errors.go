package herokuurl

import (
	"errors"
	"strings"
)

// Sentinel errors; match them with errors.Is. Error texts never repeat the
// input, so they never leak a password.
var (
	// ErrInvalidURL: the URL breaks one of the rules in Parse.
	ErrInvalidURL = errors.New("herokuurl: invalid Redis URL")
	// ErrNoRedisURL: FromEnv found no variable holding a Redis URL.
	ErrNoRedisURL = errors.New("herokuurl: no Redis URL in the environment")
	// ErrAmbiguous: several Heroku Redis add-ons are attached and none is
	// named by REDIS_PROVIDER.
	ErrAmbiguous = errors.New("herokuurl: several Redis URLs in the environment")
	// ErrAuth: the server refused the credentials (AUTH failed). The
	// server's reply is wrapped too, as a redis.Error.
	ErrAuth = errors.New("herokuurl: Redis refused the credentials")
	// ErrInvalidProvider: REDIS_PROVIDER holds something other than a
	// variable name.
	ErrInvalidProvider = errors.New("herokuurl: REDIS_PROVIDER must name an environment variable")
)

func invalid(reason string) error { return &parseError{reason: reason} }

// parseError carries a fixed reason; it is never built from the input.
// FromEnv adds the variable's name, so the context appears once, after the
// package prefix.
type parseError struct{ source, reason string }

func (e *parseError) Error() string {
	msg := strings.TrimPrefix(ErrInvalidURL.Error(), prefix)
	if e.source != "" {
		msg = e.source + ": " + msg
	}
	return prefix + msg + ": " + e.reason
}

func (e *parseError) Unwrap() error { return ErrInvalidURL }

const prefix = "herokuurl: "
