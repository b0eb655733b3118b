// Package scaletest holds the tests that run sessionkit on a Redis Cluster
// and on a Sentinel-managed master: the store and manager round trips, the
// commands per request, and failover under a bounded load. It has no code
// of its own; the servers come from internal/redistest.
package scaletest
