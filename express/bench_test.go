package express

import (
	"testing"
	"time"
)

func BenchmarkUnsign(b *testing.B) {
	s, _ := NewSigner("new secret", "old secret")
	old, _ := NewSigner("old secret")
	cur, rot := s.Sign("j0H3LumyDy3oFGSgQMGk32NloxqAYLgq"), old.Sign("j0H3LumyDy3oFGSgQMGk32NloxqAYLgq")
	for name, v := range map[string]string{"first-secret": cur, "second-secret": rot, "forged": cur[:len(cur)-2] + "AA"} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				s.Unsign(v)
			}
		})
	}
}

func BenchmarkCodec(b *testing.B) {
	c := NewCodec(CookieOptions{MaxAge: time.Hour})
	b.Run("Decode", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, _, err := c.Decode([]byte(expressBlob)); err != nil {
				b.Fatal(err)
			}
		}
	})
	d, values, _ := c.Decode([]byte(expressBlob))
	b.Run("Encode", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := c.Encode(d, values); err != nil {
				b.Fatal(err)
			}
		}
	})
}
