package typed_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/redisstore"
	"github.com/alexedwards/scs/v2"
	"github.com/alexedwards/scs/v2/memstore"

	"github.com/sessionkit/sessionkit/codec"
	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/internal/webtest"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/typed"
)

type Address struct {
	Street string
	Tags   []string
}

type Profile struct {
	ID       int64
	Name     string
	Roles    []string
	Limits   map[string]int
	Home     *Address
	Previous []*Address
	Nested   map[string][]Address
	Joined   time.Time
}

// Money has only unexported fields: it survives a codec only through its
// own marshalling methods (text for JSON; binary for gob, which ignores
// TextMarshaler, and for msgpack).
type Money struct {
	cents    int64
	currency string
}

func (m Money) MarshalText() ([]byte, error) {
	return []byte(fmt.Sprintf("%d %s", m.cents, m.currency)), nil
}

func (m *Money) UnmarshalText(b []byte) error {
	c, cur, ok := strings.Cut(string(b), " ")
	if !ok {
		return fmt.Errorf("bad money %q", b)
	}
	n, err := strconv.ParseInt(c, 10, 64)
	if err != nil {
		return err
	}
	m.cents, m.currency = n, cur
	return nil
}

func (m Money) MarshalBinary() ([]byte, error) { return m.MarshalText() }

func (m *Money) UnmarshalBinary(b []byte) error { return m.UnmarshalText(b) }

// roundTrip is one value kind: put in one request, read back in the next.
type roundTrip struct {
	name  string
	put   func(ctx context.Context, key string) error
	check func(ctx context.Context, key string) error
}

func rt[T any](name string, v T) roundTrip {
	return roundTrip{
		name: name,
		put:  func(ctx context.Context, key string) error { return typed.Put(ctx, key, v) },
		check: func(ctx context.Context, key string) error {
			got, err := typed.Get[T](ctx, key)
			if err != nil {
				return err
			}
			if !equal(got, v) {
				return fmt.Errorf("got %#v, want %#v", got, v)
			}
			return nil
		},
	}
}

// equal is reflect.DeepEqual, except that times compare as instants.
func equal(a, b any) bool {
	if ta, ok := a.(time.Time); ok {
		return ta.Equal(b.(time.Time))
	}
	if pa, ok := a.(Profile); ok {
		pb := b.(Profile)
		if !pa.Joined.Equal(pb.Joined) {
			return false
		}
		pa.Joined, pb.Joined = time.Time{}, time.Time{}
		return reflect.DeepEqual(pa, pb)
	}
	return reflect.DeepEqual(a, b)
}

func roundTrips() []roundTrip {
	tokyo := time.FixedZone("JST", 9*3600)
	now := time.Now().In(tokyo) // carries a monotonic reading and a zone
	return []roundTrip{
		rt("int", 42),
		rt("int-negative", -7),
		rt("int64-max", int64(math.MaxInt64)),
		rt("int64-min", int64(math.MinInt64)),
		rt("uint64-max", uint64(math.MaxUint64)),
		rt("float64", 3.141592653589793),
		rt("float64-tiny", math.SmallestNonzeroFloat64),
		rt("bool-true", true),
		rt("bool-false", false),
		rt("string", "héllo, 世界 <&>"),
		rt("string-empty", ""),
		rt("bytes-binary", []byte{0x00, 0xff, 0xfe, 0x80, 'a', 0xc3}),
		rt("time", now),
		rt("time-utc", time.Date(2024, 2, 29, 23, 59, 59, 999999999, time.UTC)),
		rt("struct-nested", Profile{
			ID: 7, Name: "Ada", Roles: []string{"admin", "dev"},
			Limits:   map[string]int{"uploads": 10, "seats": 0},
			Home:     &Address{Street: "1 Loop Rd", Tags: []string{"home"}},
			Previous: []*Address{{Street: "Old St"}},
			Nested:   map[string][]Address{"work": {{Street: "A"}, {Street: "B", Tags: []string{"x"}}}},
			Joined:   time.Date(2020, 1, 2, 3, 4, 5, 6, time.UTC),
		}),
		rt("struct-pointer", &Address{Street: "Ptr Ave", Tags: []string{"p"}}),
		rt("map-of-structs", map[string]Address{"a": {Street: "A"}, "b": {Street: "B"}}),
		rt("map-of-ints", map[string]int{"x": 1, "y": -2}),
		rt("slice-of-strings", []string{"a", "", "c"}),
		rt("custom-marshaler", Money{cents: 12345, currency: "EUR"}),
	}
}

type storeCase struct {
	name string
	new  func(t *testing.T) scs.Store
}

func stores() []storeCase {
	return []storeCase{
		{"memstore", func(t *testing.T) scs.Store { return memstore.New() }},
		{"redis", func(t *testing.T) scs.Store {
			return redisstore.New(redistest.Start(t, redistest.Options{}).Pool())
		}},
	}
}

func codecs() []codec.Codec { return []codec.Codec{codec.JSON(), codec.Msgpack(), codec.Gob()} }

// TestRoundTrip puts every value kind in one HTTP request and reads it with
// typed.Get in the next, through every codec and store.
func TestRoundTrip(t *testing.T) {
	for _, sc := range stores() {
		t.Run(sc.name, func(t *testing.T) {
			st := sc.new(t)
			for _, c := range codecs() {
				t.Run(c.Name(), func(t *testing.T) {
					cases := roundTrips()
					byName := map[string]roundTrip{}
					for _, tc := range cases {
						byName[tc.name] = tc
					}
					m := manager.New(manager.Config{Store: st, Codec: c})
					mux := http.NewServeMux()
					mux.HandleFunc("/put/{case}", func(w http.ResponseWriter, r *http.Request) {
						tc := byName[r.PathValue("case")]
						if err := tc.put(r.Context(), tc.name); err != nil {
							http.Error(w, err.Error(), http.StatusInternalServerError)
						}
					})
					mux.HandleFunc("/get/{case}", func(w http.ResponseWriter, r *http.Request) {
						tc := byName[r.PathValue("case")]
						if err := tc.check(r.Context(), tc.name); err != nil {
							http.Error(w, err.Error(), http.StatusInternalServerError)
							return
						}
						fmt.Fprint(w, "ok")
					})
					srv := httptest.NewServer(m.LoadAndSave(mux))
					defer srv.Close()
					for _, tc := range cases {
						t.Run(tc.name, func(t *testing.T) {
							client := webtest.Client(t)
							if r := webtest.Get(t, client, srv.URL+"/put/"+tc.name); r.Status != 200 {
								t.Fatalf("put: %d %s", r.Status, r.Body)
							}
							r := webtest.Get(t, client, srv.URL+"/get/"+tc.name)
							if r.Status != 200 || r.Body != "ok" {
								t.Fatalf("get: %d %s", r.Status, r.Body)
							}
						})
					}
				})
			}
		})
	}
}

// TestPutUnencodable: Put reports a value the codec cannot represent and
// stores nothing.
func TestPutUnencodable(t *testing.T) {
	for _, c := range codecs() {
		t.Run(c.Name(), func(t *testing.T) {
			var putErr error
			var existed bool
			h := manager.New(manager.Config{Codec: c}).LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				putErr = typed.Put(r.Context(), "ch", make(chan int))
				existed = typed.Exists(r.Context(), "ch")
			}))
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
			if !errors.Is(putErr, codec.ErrEncode) {
				t.Fatalf("Put(chan) error = %v, want codec.ErrEncode", putErr)
			}
			if existed {
				t.Fatal("an unencodable value was stored")
			}
		})
	}
}
