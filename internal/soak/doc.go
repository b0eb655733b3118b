// Package soak holds the process-memory soak of a sessionkit server: its
// test starts a redis-server, runs the server as a child process
// (msgpack, redisstore, IdleTimeout 20m), drives it with 12 connections
// reading and 4 writing one session (each paced to 100 requests a second)
// and 4 connections creating new sessions as fast as the server answers
// (16 pipelined requests in flight on each), samples the child's RSS from
// /proc, and counts the Redis commands the server sends.
//
// The load generator is a raw HTTP/1.1 client (rawConn) that writes a
// fixed request and parses only the status line, Set-Cookie and
// Content-Length, so that the server, not the client, limits the rate;
// the soak logs the CPU time the server, redis-server and the generator
// each used (/proc/<pid>/stat) to show it.
//
// `go test ./internal/soak` (part of make test) runs it until 20,000
// sessions exist and checks that the server's live heap does not grow with
// them. `make soak` runs it for SOAK_DURATION (default 3m) and checks that
// at least 500,000 sessions were created per 3 minutes, that the server's
// RSS stays within twice its size after the first 10,000 sessions, that
// Redis holds one key per session created, and that a read still costs
// one Redis command. Both read a sample of the created sessions back.
// TestIterateMemory checks that Manager.Iterate over a Redis store holds
// one batch of sessions at a time (20,000 sessions; 100,000 under make
// soak).
package soak
