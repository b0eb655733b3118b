package codec

import (
	"errors"
	"math"
	"reflect"
	"testing"
	"time"
)

func TestRawJSONDecodesByTarget(t *testing.T) {
	type user struct {
		Name       string    `json:"name"`
		SignedInAt time.Time `json:"signedInAt"`
	}
	v := RawJSON([]byte(`{"name":"Ada","signedInAt":"2026-11-28T16:52:28.917Z","extra":1}`))
	if v.Kind() != reflect.Interface || v.Format() != "json" {
		t.Fatalf("RawJSON object: kind %v format %s, want interface json", v.Kind(), v.Format())
	}
	var u user
	if err := v.Decode(&u); err != nil || u.Name != "Ada" || u.SignedInAt.UnixMilli() != 1795884748917 {
		t.Fatalf("Decode into struct = %+v, %v", u, err)
	}
	var i8 int8
	if err := RawJSON([]byte(`42`)).Decode(&i8); err != nil || i8 != 42 {
		t.Fatalf("42 into int8 = %d, %v", i8, err)
	}
	if err := RawJSON([]byte(`300`)).Decode(&i8); err == nil {
		t.Fatalf("300 into int8: no error (got %d)", i8)
	}
	var s string
	if err := RawJSON([]byte(`{"a":1}`)).Decode(&s); err == nil {
		t.Fatal("an object decoded into a string without error")
	}
	if k := RawJSON([]byte(` null `)).Kind(); k != reflect.Invalid {
		t.Fatalf("RawJSON(null).Kind() = %v, want invalid", k)
	}
}

func TestAppendJSON(t *testing.T) {
	raw := RawJSON([]byte(`{"b":1,"a":[true,null]}`))
	mp, err := Msgpack().Marshal(map[string]any{"n": 1.5})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		in   any
		want string
	}{
		{raw, `{"b":1,"a":[true,null]}`}, // copied byte for byte
		{mp, `{"n":1.5}`},                // re-encoded from msgpack
		{struct {
			X string `json:"x"`
		}{"<&>"}, `{"x":"<&>"}`}, // no HTML escaping, as JSON.stringify
		{nil, `null`},
	} {
		got, err := AppendJSON([]byte("pre:"), c.in)
		if err != nil || string(got) != "pre:"+c.want {
			t.Errorf("AppendJSON(%v) = %s, %v; want pre:%s", c.in, got, err, c.want)
		}
	}
	if _, err := AppendJSON(nil, math.NaN()); !errors.Is(err, ErrEncode) {
		t.Fatalf("AppendJSON(NaN) error = %v, want ErrEncode", err)
	}
}
