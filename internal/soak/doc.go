// Package soak holds the process-memory soak of a sessionkit server: its
// test starts a redis-server, runs the server as a child process
// (msgpack, redisstore, IdleTimeout 20m), drives it with 12 connections
// reading and 4 writing one session and 2 connections creating new
// sessions as fast as they can, samples the child's RSS from /proc, and
// counts the Redis commands the server sends.
//
// `go test ./internal/soak` (part of make test) runs it until 20,000
// sessions exist and checks that the server's live heap does not grow with
// them. `make soak` runs it for SOAK_DURATION (default 3m) and checks that
// the server's RSS stays within twice its size after the first 10,000
// sessions. TestIterateMemory checks that Manager.Iterate over a Redis
// store holds one batch of sessions at a time (20,000 sessions; 100,000
// under make soak).
package soak
