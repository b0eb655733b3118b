package webtest

import (
	"bytes"
	"log/slog"
	"sync"
)

// SyncBuffer is a bytes.Buffer safe for concurrent writers and readers:
// slog handlers and exec's output copiers write from their own goroutines
// while the test reads.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Logger returns a text slog.Logger that records every level, from debug
// up, into b.
func (b *SyncBuffer) Logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
