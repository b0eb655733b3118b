package benchmarks

import (
	"fmt"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/sessionkit/sessionkit/codec"
	"github.com/sessionkit/sessionkit/observe"
)

type codecCase struct {
	name  string
	codec scs.Codec
}

// benchCodecs: "gob" is scs's GobCodec, the baseline.
func benchCodecs() []codecCase {
	return []codecCase{
		{"gob", scs.GobCodec{}},
		{"json", codec.JSON()},
		{"msgpack", codec.Msgpack()},
	}
}

type sizeCase struct {
	name string
	make func() map[string]any
}

var sizes = []sizeCase{{"small", smallSession}, {"large", largeSession}}

var deadline = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

// as turns one decoded value into a T, as a handler's typed.Get would.
func as[T any](v any) (T, error) {
	var out T
	if enc, ok := v.(*codec.Value); ok {
		return out, enc.Decode(&out)
	}
	t, ok := v.(T)
	if !ok {
		return out, fmt.Errorf("decoded %T, want %T", v, out)
	}
	return t, nil
}

// materialize turns every decoded value into its Go type, as handlers
// reading the whole session would; for scs's gob they already are.
func materialize(values map[string]any) error {
	if _, err := as[User](values[KeyUser]); err != nil {
		return err
	}
	if _, err := as[int](values[KeyVisits]); err != nil {
		return err
	}
	if _, err := as[string](values[KeyFlash]); err != nil {
		return err
	}
	if v, ok := values[KeyCart]; ok {
		if _, err := as[[]CartItem](v); err != nil {
			return err
		}
	}
	return nil
}

// BenchmarkCodec: encoding a session from Go values, decoding it back to
// Go values (every value), and both, with the encoded size as B/session.
func BenchmarkCodec(b *testing.B) {
	for _, c := range benchCodecs() {
		for _, size := range sizes {
			values := size.make()
			blob, err := c.codec.Encode(deadline, values)
			if err != nil {
				b.Fatal(err)
			}
			b.Run(fmt.Sprintf("%s/%s/encode", c.name, size.name), func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					if _, err := c.codec.Encode(deadline, values); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(len(blob)), "B/session")
			})
			b.Run(fmt.Sprintf("%s/%s/decode", c.name, size.name), func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					_, got, err := c.codec.Decode(blob)
					if err == nil {
						err = materialize(got)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(len(blob)), "B/session")
			})
			b.Run(fmt.Sprintf("%s/%s/roundtrip", c.name, size.name), func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					enc, err := c.codec.Encode(deadline, values)
					if err != nil {
						b.Fatal(err)
					}
					_, got, err := c.codec.Decode(enc)
					if err == nil {
						err = materialize(got)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(len(blob)), "B/session")
			})
		}
	}
}

// valuesDecoded counts, through the codec hooks and outside the timed
// loop, how many values one read of one key decodes. scs's gob has no
// hooks; it decodes every value by design.
func valuesDecoded(b *testing.B, c codecCase, blob []byte) float64 {
	var n int
	hooks := &observe.Hooks{Codec: func(e observe.CodecEvent) {
		if e.Op == observe.OpDecodeValue {
			n++
		}
	}}
	if _, ours := c.codec.(codec.Codec); !ours { // the scs gob baseline
		_, values, err := c.codec.Decode(blob)
		if err != nil {
			b.Fatal(err)
		}
		return float64(len(values))
	}
	hooked, err := codec.ByName(c.name, codec.WithHooks(hooks))
	if err != nil {
		b.Fatal(err)
	}
	_, values, err := hooked.Decode(blob)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := as[int](values[KeyVisits]); err != nil {
		b.Fatal(err)
	}
	return float64(n)
}

// BenchmarkReadOneKey: load a large session and read one small key, what
// most requests do.
func BenchmarkReadOneKey(b *testing.B) {
	for _, c := range benchCodecs() {
		blob, err := c.codec.Encode(deadline, largeSession())
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name+"/large", func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				_, values, err := c.codec.Decode(blob)
				if err != nil {
					b.Fatal(err)
				}
				if n, err := as[int](values[KeyVisits]); err != nil || n != 42 {
					b.Fatal(n, err)
				}
			}
			b.StopTimer()
			b.ReportMetric(valuesDecoded(b, c, blob), "values-decoded/op")
		})
	}
}
