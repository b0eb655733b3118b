package codec

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"math/rand"
	"reflect"
	"testing"
	"time"
)

// The differential fuzzer's type universe: types generated from the fuzz
// input with reflect (nested and embedded structs, tags, pointers, maps,
// arrays, slices) and, since reflect cannot build a named recursive type,
// the declared recursive and mutually recursive types of recTargets. Each
// is decoded both ways from an encoded random value, from that encoding
// mutated, and from the raw fuzz bytes.

type byteSrc struct {
	b []byte
	i int
}

func (s *byteSrc) next() int {
	if s.i >= len(s.b) {
		return 0
	}
	s.i++
	return int(s.b[s.i-1])
}

var universeLeaves = []reflect.Type{
	reflect.TypeFor[bool](), reflect.TypeFor[string](), reflect.TypeFor[int](),
	reflect.TypeFor[int8](), reflect.TypeFor[int16](), reflect.TypeFor[int32](),
	reflect.TypeFor[int64](), reflect.TypeFor[uint](), reflect.TypeFor[uint8](),
	reflect.TypeFor[uint16](), reflect.TypeFor[uint32](), reflect.TypeFor[uint64](),
	reflect.TypeFor[float32](), reflect.TypeFor[float64](), reflect.TypeFor[[]byte](),
	reflect.TypeFor[time.Time](), reflect.TypeFor[any](), reflect.TypeFor[planName](),
	reflect.TypeFor[planText](), reflect.TypeFor[planLeaf](), reflect.TypeFor[recBase](),
	reflect.TypeFor[recComment](), reflect.TypeFor[recA](), reflect.TypeFor[recMapCycle](),
	reflect.TypeFor[recPost](), reflect.TypeFor[recEmbedPtr](), reflect.TypeFor[recMutualEmbed](),
}

// embeddable are named struct types a generated struct may embed (reflect
// names an embedded field after its type).
var embeddable = []reflect.Type{
	reflect.TypeFor[planLeaf](), reflect.TypeFor[recBase](), reflect.TypeFor[recComment](),
	reflect.TypeFor[recA](), reflect.TypeFor[recMutualEmbed2](), reflect.TypeFor[planTree](),
}

var fieldTags = []string{"", "", "", `msgpack:"-"`, `msgpack:",omitempty"`, `msgpack:"F0"`, `msgpack:"x"`, `msgpack:",inline"`}

func genType(s *byteSrc, depth int) reflect.Type {
	c := s.next()
	if depth >= 4 {
		return universeLeaves[c%len(universeLeaves)]
	}
	switch c % 9 {
	case 0, 1, 2:
		return universeLeaves[s.next()%len(universeLeaves)]
	case 3:
		return reflect.SliceOf(genType(s, depth+1))
	case 4:
		return reflect.MapOf(reflect.TypeFor[string](), genType(s, depth+1))
	case 5:
		return reflect.PointerTo(genType(s, depth+1))
	case 6:
		return reflect.ArrayOf(s.next()%3, genType(s, depth+1))
	}
	n := 1 + s.next()%4
	fields := make([]reflect.StructField, 0, n)
	for i := 0; i < n; i++ {
		f := reflect.StructField{Name: fmt.Sprintf("F%d", i), Tag: reflect.StructTag(fieldTags[s.next()%len(fieldTags)])}
		switch s.next() % 6 {
		case 0: // embedded named struct, by value or pointer
			et := embeddable[s.next()%len(embeddable)]
			f = reflect.StructField{Name: et.Name(), Type: et, Anonymous: true}
			if s.next()%2 == 1 {
				f.Type = reflect.PointerTo(et)
			}
		case 1: // unexported
			f.Name = fmt.Sprintf("f%d", i)
			f.PkgPath = "codec"
			f.Type = genType(s, depth+1)
		default:
			f.Type = genType(s, depth+1)
		}
		dup := false
		for _, g := range fields {
			dup = dup || g.Name == f.Name
		}
		if !dup {
			fields = append(fields, f)
		}
	}
	return reflect.StructOf(fields)
}

// genValue fills a new value of type t with random content, bounded in
// depth so that recursive types stay finite.
func genValue(r *rand.Rand, t reflect.Type, depth int) reflect.Value {
	v := reflect.New(t).Elem()
	fill(r, v, depth)
	return v
}

func fill(r *rand.Rand, v reflect.Value, depth int) {
	if depth > 6 || r.Intn(8) == 0 {
		return // zero value
	}
	t := v.Type()
	if t == reflect.TypeFor[time.Time]() {
		v.Set(reflect.ValueOf(time.Unix(r.Int63n(1<<33), r.Int63n(1e9)).UTC()))
		return
	}
	if t == reflect.TypeFor[planText]() {
		v.Set(reflect.ValueOf(planText{fmt.Sprint(r.Intn(100))}))
		return
	}
	switch t.Kind() {
	case reflect.Bool:
		v.SetBool(r.Intn(2) == 1)
	case reflect.String:
		v.SetString([]string{"", "a", "F0", "x", "ID", "héllo"}[r.Intn(6)])
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(r.Int63() >> (r.Intn(64)) * int64(1-2*r.Intn(2)))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(r.Uint64() >> r.Intn(64))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(r.NormFloat64() * 1e6)
	case reflect.Interface:
		v.Set(reflect.ValueOf([]any{"s", int64(3), []any{"a"}, map[string]any{"k": true}}[r.Intn(4)]))
	case reflect.Slice:
		n := r.Intn(3)
		s := reflect.MakeSlice(t, n, n)
		for i := 0; i < n; i++ {
			fill(r, s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Array:
		for i := 0; i < v.Len(); i++ {
			fill(r, v.Index(i), depth+1)
		}
	case reflect.Map:
		m := reflect.MakeMap(t)
		for i := r.Intn(3); i > 0; i-- {
			m.SetMapIndex(reflect.ValueOf(fmt.Sprint("k", r.Intn(5))), genValue(r, t.Elem(), depth+1))
		}
		v.Set(m)
	case reflect.Pointer:
		v.Set(reflect.New(t.Elem()))
		fill(r, v.Elem(), depth+1)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if t.Field(i).IsExported() {
				fill(r, v.Field(i), depth+1)
			}
		}
	}
}

// universeCase checks one type: a random value of it encoded, that
// encoding with a few bytes changed, and raw, all decoded both ways.
func universeCase(t *testing.T, typ reflect.Type, seed int64, raw []byte) {
	t.Helper()
	target := []func() any{func() any { return reflect.New(typ).Interface() }}
	r := rand.New(rand.NewSource(seed))
	for i := 0; i < 4; i++ {
		var buf bytes.Buffer
		if err := msgpackEncode(&buf, genValue(r, typ, 0).Interface()); err != nil {
			continue // a value msgpack cannot encode says nothing about decoding
		}
		compareTargets(t, buf.Bytes(), target)
		if data := buf.Bytes(); len(data) > 0 {
			for j := r.Intn(3); j >= 0; j-- {
				data[r.Intn(len(data))] = byte(r.Intn(256))
			}
			compareTargets(t, data, target)
		}
	}
	compareTargets(t, raw, target)
}

func FuzzPlanUniverse(f *testing.F) {
	f.Add([]byte{7, 4, 3, 0, 21, 0, 2, 1, 5}, []byte{0x81, 0xa2, 'I', 'D', 0x09})
	f.Add([]byte{3, 0, 22}, []byte{0x91, 0x82, 0xa2, 'I', 'D', 0x09, 0xa7, 'R', 'e', 'p', 'l', 'i', 'e', 's', 0x90})
	f.Add([]byte{7, 3, 0, 3, 1, 5, 7, 1, 0, 2, 0, 0}, []byte{0xc0})
	f.Fuzz(func(t *testing.T, spec, raw []byte) {
		var typ reflect.Type
		func() {
			defer func() {
				if recover() != nil {
					typ = nil // a struct reflect refuses to build
				}
			}()
			typ = genType(&byteSrc{b: spec}, 0)
		}()
		h := fnv.New64a()
		h.Write(spec)
		h.Write(raw)
		seed := int64(h.Sum64())
		if typ != nil {
			universeCase(t, typ, seed, raw)
		}
		for _, target := range recTargets {
			universeCase(t, reflect.TypeOf(target()).Elem(), seed, raw)
		}
	})
}
