# The two commands a newcomer needs are in README.md: `go run ./cmd/sessiondemo`
# and `make test`.

GO ?= go
STATICCHECK = honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: test deps vet lint test-core test-examples bench demo fuzz

## test: everything CI checks: deps, vet, race-enabled tests of both modules
test: deps vet test-core test-examples

deps:
	@bash scripts/ensure-deps

vet:
	gofmt -l . | (! grep .) || (echo "gofmt needed on the files above" && false)
	$(GO) vet ./...

test-core:
	$(GO) test -race -count=1 ./...

test-examples:
	cd examples && $(GO) vet ./... && $(GO) test -race -count=1 ./...

## lint: staticcheck, pinned
lint:
	$(GO) run $(STATICCHECK) ./...
	cd examples && $(GO) run $(STATICCHECK) ./...

## bench: the hot-path benchmarks on a private redis-server; writes
## docs/benchmarks.md and its chart from this run
bench: deps
	bash benchmarks/run.sh

demo:
	$(GO) run ./cmd/sessiondemo
