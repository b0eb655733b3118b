package typed_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2/memstore"

	"github.com/sessionkit/sessionkit/codec"
	"github.com/sessionkit/sessionkit/internal/webtest"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/typed"
)

// tamperStore hands out stored blobs with their last n bytes overwritten
// by garbage: for a session holding one key, the value's bytes, while the
// envelope around them stays well-formed.
type tamperStore struct {
	*memstore.MemStore
	n       atomic.Int64
	garbage byte
	planted atomic.Pointer[[]byte] // when set, Find returns it instead
}

func (s *tamperStore) Find(token string) ([]byte, bool, error) {
	b, found, err := s.MemStore.Find(token)
	if p := s.planted.Load(); found && p != nil {
		return *p, true, err
	}
	if n := int(s.n.Load()); found && n > 0 && n <= len(b) {
		b = append([]byte(nil), b...)
		for i := len(b) - n; i < len(b); i++ {
			b[i] = s.garbage
		}
	}
	return b, found, err
}

// TestGetCorruptValue is issue 9 defect 5: a value whose bytes are not
// valid for its format is codec.ErrCorrupt, not a type mismatch, and
// removing it lets the session carry on.
func TestGetCorruptValue(t *testing.T) {
	// Bytes that no value of the format starts with, or that cannot end one.
	garbage := map[string]byte{"msgpack": 0xc1, "json": '}', "gob": 0xff}
	for _, c := range codecs() {
		for _, v := range []any{12345, "some text", []string{"a", "b"}, User{ID: 1, Name: "Ada"}} {
			t.Run(fmt.Sprintf("%s/%T", c.Name(), v), func(t *testing.T) {
				val, err := c.Marshal(v)
				if err != nil {
					t.Fatal(err)
				}
				st := &tamperStore{MemStore: memstore.New(), garbage: garbage[c.Name()]}
				m := manager.New(manager.Config{Store: st, Codec: c})
				var getErr, afterRemove error
				mux := http.NewServeMux()
				mux.HandleFunc("/put", func(w http.ResponseWriter, r *http.Request) {
					if err := typed.Put(r.Context(), "k", v); err != nil {
						http.Error(w, err.Error(), 500)
					}
				})
				mux.HandleFunc("/get", func(w http.ResponseWriter, r *http.Request) {
					getErr = get(r.Context(), v)
					if errors.Is(getErr, codec.ErrCorrupt) {
						_ = typed.Remove(r.Context(), "k")
						_, afterRemove = typed.Get[int](r.Context(), "k")
					}
				})
				srv := httptest.NewServer(m.LoadAndSave(mux))
				defer srv.Close()
				client := webtest.Client(t)
				webtest.Get(t, client, srv.URL+"/put")
				st.n.Store(int64(val.Size()))
				if r := webtest.Get(t, client, srv.URL+"/get"); r.Status != 200 {
					t.Fatalf("get: %d %s (the session must load; only the value is bad)", r.Status, r.Body)
				}
				if !errors.Is(getErr, codec.ErrCorrupt) || errors.Is(getErr, typed.ErrType) {
					t.Fatalf("Get of a corrupt value: %v; want codec.ErrCorrupt and not typed.ErrType", getErr)
				}
				if !errors.Is(afterRemove, typed.ErrNotFound) {
					t.Errorf("after Remove: %v, want ErrNotFound", afterRemove)
				}
			})
		}
	}
}

func get(ctx context.Context, like any) error {
	var err error
	switch like.(type) {
	case int:
		_, err = typed.Get[int](ctx, "k")
	case string:
		_, err = typed.Get[string](ctx, "k")
	case []string:
		_, err = typed.Get[[]string](ctx, "k")
	case User:
		_, err = typed.Get[User](ctx, "k")
	}
	return err
}

// TestGetWellFormedMismatch: a well-formed value that does not fit T is
// still typed.ErrType, not codec.ErrCorrupt.
func TestGetWellFormedMismatch(t *testing.T) {
	for _, c := range codecs() {
		t.Run(c.Name(), func(t *testing.T) {
			m := manager.New(manager.Config{Codec: c})
			var err error
			srv, client := serve(t, m,
				func(ctx context.Context) error { return typed.Put(ctx, "list", []string{"a"}) },
				func(ctx context.Context) error {
					_, err = typed.Get[[]time.Duration](ctx, "list")
					return nil
				})
			webtest.Get(t, client, srv.URL+"/put")
			webtest.Get(t, client, srv.URL+"/read")
			if !errors.Is(err, typed.ErrType) || errors.Is(err, codec.ErrCorrupt) {
				t.Fatalf("Get[[]time.Duration] of a []string: %v; want ErrType only", err)
			}
		})
	}
}

// TestGetPlantedDeepValue: a msgpack value planted four million levels
// deep under an ordinary key loads (the session is kept), and reading it
// is codec.ErrCorrupt, not a crash.
func TestGetPlantedDeepValue(t *testing.T) {
	const depth = 4_000_000
	value := append(bytes.Repeat([]byte{0x91}, depth), 0x01) // [[[...[1]...]]]
	var blob bytes.Buffer
	blob.WriteString("\x00SK\x01m")           // marker, version, writer format
	blob.Write(make([]byte, 8))               // deadline
	blob.Write([]byte{2})                     // two entries
	blob.Write([]byte{1, 'n', 'm', 0x40 | 2}) // "n": a plain msgpack int
	blob.Write([]byte{0, 0, 0, 1, 7})
	blob.Write([]byte{4, 'd', 'e', 'e', 'p', 'm', 23}) // "deep": a msgpack slice
	var l [4]byte
	binary.BigEndian.PutUint32(l[:], uint32(len(value)))
	blob.Write(l[:])
	blob.Write(value)

	st := &tamperStore{MemStore: memstore.New()}
	// No size limit: with the default 1 MiB the manager discards the blob
	// before decoding (manager/oversize_test.go); here the codec's depth
	// guard is under test.
	m := manager.New(manager.Config{Store: st, MaxSize: -1})
	var n int
	var nErr, deepErr error
	srv, client := serve(t, m, func(ctx context.Context) error { return typed.Put(ctx, "x", 1) },
		func(ctx context.Context) error {
			n, nErr = typed.Get[int](ctx, "n")
			_, deepErr = typed.Get[[]any](ctx, "deep")
			return nil
		})
	webtest.Get(t, client, srv.URL+"/put")
	planted := blob.Bytes()
	st.planted.Store(&planted)
	if r := webtest.Get(t, client, srv.URL+"/read"); r.Status != 200 {
		t.Fatalf("read: %d %s", r.Status, r.Body)
	}
	if nErr != nil || n != 7 {
		t.Errorf("the rest of the session: n = %d, %v", n, nErr)
	}
	if !errors.Is(deepErr, codec.ErrCorrupt) || errors.Is(deepErr, typed.ErrType) {
		t.Errorf("Get of a value nested %d deep: %v, want codec.ErrCorrupt", depth, deepErr)
	}
}
