# The two commands a newcomer needs are in README.md: `go run ./cmd/sessiondemo`
# and `make test`.

GO ?= go
STATICCHECK = honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: test deps vet lint test-core test-examples test-e2e bench demo fuzz soak

## test: everything CI checks: deps, vet, race-enabled tests of all three
## modules (core, examples, e2e browser test)
test: deps vet test-core test-examples test-e2e

deps:
	@bash scripts/ensure-deps

vet:
	gofmt -l . | (! grep .) || (echo "gofmt needed on the files above" && false)
	$(GO) vet ./...
	# go.mod and go.sum say exactly what the code imports, in every module.
	$(GO) mod tidy -diff
	cd examples && $(GO) mod tidy -diff
	cd e2e && $(GO) mod tidy -diff

test-core:
	$(GO) test -race -count=1 ./...

test-examples:
	cd examples && $(GO) vet ./... && $(GO) test -race -count=1 ./...

test-e2e:
	cd e2e && $(GO) vet ./... && $(GO) test -race -count=1 ./...

## lint: staticcheck, pinned
lint:
	$(GO) run $(STATICCHECK) ./...
	cd examples && $(GO) run $(STATICCHECK) ./...
	cd e2e && $(GO) run $(STATICCHECK) ./...

## fuzz: each fuzz target for FUZZTIME (default 1m)
FUZZTIME ?= 1m
fuzz:
	$(GO) test ./codec -run '^$$' -fuzz 'FuzzDecode$$' -fuzztime $(FUZZTIME)
	$(GO) test ./codec -run '^$$' -fuzz FuzzPlanMatchesMsgpack -fuzztime $(FUZZTIME)
	$(GO) test ./manager -run '^$$' -fuzz FuzzToken -fuzztime $(FUZZTIME)
	$(GO) test ./herokuurl -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME)

## bench: the hot-path benchmarks (5 runs) and how cost grows (session size,
## clients, single node vs 3-master cluster; Redis memory; Iterate) on
## private redis-servers; writes docs/benchmarks.md and its charts from this
## run (~20 min on 2 cores; BENCH_COUNT, GROWTH_COUNT: see benchmarks/run.sh)
bench: deps
	bash benchmarks/run.sh

## soak: the process-memory soak of a sessionkit server (not part of test):
## IdleTimeout 20m, 12+4 connections on one session (paced, 100 requests/s
## each), 4 creating sessions (16 pipelined requests in flight each) for
## SOAK_DURATION (default 3m); reports sessions and rate, RSS, CPU per
## process, Redis keys, commands per read; fails below 500,000 sessions per
## 3 minutes, RSS above 2x its size after 10,000 sessions, or a read costing
## other than one command; and Manager.Iterate over 100,000 sessions (time,
## peak live heap)
SOAK_DURATION ?= 3m
soak: deps
	SOAK_DURATION=$(SOAK_DURATION) $(GO) test -count=1 -v -timeout 0 -run '^(TestSoak|TestIterateMemory)$$' ./internal/soak

demo:
	$(GO) run ./cmd/sessiondemo
