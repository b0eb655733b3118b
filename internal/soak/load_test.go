package soak

import (
	"sync"
	"sync/atomic"
	"time"
)

// mix is the shape of the traffic.
type mix struct {
	// readers and writers are connections on the one session, each sending
	// one request at a time and at most rate requests a second (0: as fast
	// as the server answers). Pacing them keeps their share of the machine
	// the same on any machine, so what varies is the creation rate.
	readers, writers int
	rate             int
	// creators are connections making new sessions, depth pipelined
	// requests at a time, as fast as the server answers.
	creators, depth int
}

// sampleEvery: one created session in this many is kept, to be read back
// at the end.
const sampleEvery = 1000

// load is the traffic and its counts. Only successful requests count as
// reads, writes and creations; failures are the rest.
type load struct {
	reads, writes, creates, failures atomic.Int64

	mu      sync.Mutex
	samples []string // every sampleEvery-th created session's token
	err     error    // the first error that broke a connection
}

func (l *load) fail(err error) {
	l.failures.Add(1)
	l.mu.Lock()
	if l.err == nil {
		l.err = err
	}
	l.mu.Unlock()
}

// firstErr is the first error that broke a connection, if any.
func (l *load) firstErr() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// run drives the server at addr with m, the readers and writers on the
// session token, until creates reaches until or max has passed; onSample
// is called every 250 ms meanwhile.
func (l *load) run(addr, token string, m mix, until int64, max time.Duration, onSample func()) {
	var stop atomic.Bool
	var wg sync.WaitGroup
	conn := func(path, token string, depth, rate int, got func(status int, cookie []byte)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var interval time.Duration
			if rate > 0 {
				interval = time.Second / time.Duration(rate)
			}
			next := time.Now()
			for !stop.Load() {
				rc, err := dialRaw(addr, path, token, depth)
				if err != nil {
					l.fail(err)
					return
				}
				for !stop.Load() {
					if err = rc.do(got); err != nil {
						// The rest of the batch is lost with the
						// connection: one failure is enough to fail
						// the soak; dial again.
						l.fail(err)
						break
					}
					if interval == 0 {
						continue
					}
					next = next.Add(interval)
					if d := time.Until(next); d > 0 {
						time.Sleep(d)
					} else if d < -time.Second {
						next = time.Now() // a stall is not made up in a burst
					}
				}
				rc.Close()
			}
		}()
	}
	for i := 0; i < m.readers; i++ {
		conn("/read", token, 1, m.rate, func(status int, _ []byte) {
			if status != 200 {
				l.failures.Add(1)
				return
			}
			l.reads.Add(1)
		})
	}
	for i := 0; i < m.writers; i++ {
		conn("/write", token, 1, m.rate, func(status int, _ []byte) {
			if status != 200 {
				l.failures.Add(1)
				return
			}
			l.writes.Add(1)
		})
	}
	for i := 0; i < m.creators; i++ {
		conn("/write", "", m.depth, 0, func(status int, cookie []byte) {
			if status != 200 || len(cookie) == 0 {
				l.failures.Add(1)
				return
			}
			if l.creates.Add(1)%sampleEvery == 0 {
				l.mu.Lock()
				l.samples = append(l.samples, string(cookie))
				l.mu.Unlock()
			}
		})
	}
	end := time.Now().Add(max)
	for time.Now().Before(end) && l.creates.Load() < until {
		time.Sleep(250 * time.Millisecond)
		if onSample != nil {
			onSample()
		}
	}
	stop.Store(true)
	wg.Wait()
}
