package codec

import (
	"bytes"
	"encoding"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"

	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// A decode plan decodes msgpack maps into plain structs, and arrays into
// slices, without the msgpack library's per-element work: a type-cache
// lookup for every element, a struct-cache lookup for every struct and a
// map lookup for every field name. The plan is built once per type and
// resolves fields by position first (an encoder writes them in declaration
// order), by name second. It yields exactly what msgpack's own decoder
// yields: it covers only types msgpack decodes by plain reflection, and
// anything else, including any value not encoded as a map or array, goes
// to msgpack's decoder. TestPlanMatchesMsgpack and FuzzPlanMatchesMsgpack
// compare the two.
type planKind uint8

const (
	planFallback planKind = iota // msgpack's DecodeValue
	planString
	planBool
	planInt
	planUint
	planFloat32
	planFloat64
	planStruct
	planSlice
)

type decodePlan struct {
	kind   planKind
	typ    reflect.Type
	elem   *decodePlan    // planSlice
	fields []planField    // planStruct, in declaration order
	byName map[string]int // planStruct
}

type planField struct {
	name  string
	index int
	plan  *decodePlan
}

var fallbackPlan = &decodePlan{kind: planFallback}

var plans sync.Map // reflect.Type → *decodePlan

// planFor returns the decode plan for t, or nil when msgpack's decoder
// gains nothing from one (t is not, and holds no, struct or slice).
func planFor(t reflect.Type) *decodePlan {
	if p, ok := plans.Load(t); ok {
		return p.(*decodePlan)
	}
	p := buildPlan(t, map[reflect.Type]*decodePlan{})
	if p.kind != planStruct && p.kind != planSlice {
		p = nil
	}
	plans.Store(t, p)
	return p
}

var (
	customDecoderType     = reflect.TypeFor[msgpack.CustomDecoder]()
	unmarshalerType       = reflect.TypeFor[msgpack.Unmarshaler]()
	binaryUnmarshalerType = reflect.TypeFor[encoding.BinaryUnmarshaler]()
	textUnmarshalerType   = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// decodesItself reports whether msgpack would call a method of t (or *t)
// instead of decoding it by reflection.
func decodesItself(t reflect.Type) bool {
	for _, it := range []reflect.Type{customDecoderType, unmarshalerType, binaryUnmarshalerType, textUnmarshalerType} {
		if t.Implements(it) || reflect.PointerTo(t).Implements(it) {
			return true
		}
	}
	return false
}

func buildPlan(t reflect.Type, seen map[reflect.Type]*decodePlan) *decodePlan {
	if p, ok := seen[t]; ok {
		return p
	}
	if decodesItself(t) {
		return fallbackPlan
	}
	switch t.Kind() {
	case reflect.String:
		return &decodePlan{kind: planString}
	case reflect.Bool:
		return &decodePlan{kind: planBool}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return &decodePlan{kind: planInt}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return &decodePlan{kind: planUint}
	case reflect.Float32:
		return &decodePlan{kind: planFloat32}
	case reflect.Float64:
		return &decodePlan{kind: planFloat64}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return fallbackPlan // bytes have their own encoding
		}
		p := &decodePlan{kind: planSlice, typ: t}
		seen[t] = p
		p.elem = buildPlan(t.Elem(), seen)
		return p
	case reflect.Struct:
		return structPlan(t, seen)
	}
	return fallbackPlan
}

// structPlan covers structs whose fields msgpack maps one to one: no
// embedded fields, no special "_msgpack" field, no tag options but
// omitempty (which only matters when encoding).
//
// Whether t falls back is decided from t's own fields before t enters seen
// and before any field plan is built: a plan registered in seen is never
// abandoned, so no plan built meanwhile can reach a half-built one (issue
// 9: in a recursive type such a plan decoded embedded fields as zero).
func structPlan(t reflect.Type, seen map[reflect.Type]*decodePlan) *decodePlan {
	type field struct {
		name  string
		index int
	}
	var fields []field
	byName := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous || f.Name == "_msgpack" {
			return fallbackPlan
		}
		name, opts, _ := strings.Cut(f.Tag.Get("msgpack"), ",")
		if name == "-" {
			continue
		}
		if f.PkgPath != "" { // unexported: msgpack skips it too
			continue
		}
		if (opts != "" && opts != "omitempty") || strings.ContainsAny(name, `"'=`) {
			return fallbackPlan
		}
		if name == "" {
			name = f.Name
		}
		if _, dup := byName[name]; dup {
			return fallbackPlan
		}
		byName[name] = len(fields)
		fields = append(fields, field{name, i})
	}
	p := &decodePlan{kind: planStruct, typ: t, byName: byName, fields: make([]planField, len(fields))}
	seen[t] = p
	for i, f := range fields {
		p.fields[i] = planField{name: f.name, index: f.index, plan: buildPlan(t.Field(f.index).Type, seen)}
	}
	return p
}

// planDecoder decodes with plans. d reads from rd, a reader over data with
// no buffering in between, so field names can be read in place.
type planDecoder struct {
	d    *msgpack.Decoder
	rd   *bytes.Reader
	data []byte
	// str is data as a string, made on the first string decoded: the
	// strings of one value are slices of it, one allocation for all of
	// them instead of one each (see inPlaceString).
	str string
}

// maxSharedString bounds the values whose strings share one allocation:
// a string kept from a larger value keeps at most this much memory alive.
const maxSharedString = 4 << 10

func (pd *planDecoder) decode(p *decodePlan, v reflect.Value) error {
	d := pd.d
	switch p.kind {
	case planString:
		if s, ok := pd.inPlaceString(); ok {
			v.SetString(s)
			return nil
		}
		s, err := d.DecodeString()
		if err == nil {
			v.SetString(s)
		}
		return err
	case planBool:
		b, err := d.DecodeBool()
		if err == nil {
			v.SetBool(b)
		}
		return err
	case planInt:
		n, err := d.DecodeInt64()
		if err == nil {
			v.SetInt(n)
		}
		return err
	case planUint:
		n, err := d.DecodeUint64()
		if err == nil {
			v.SetUint(n)
		}
		return err
	case planFloat32:
		f, err := d.DecodeFloat32()
		if err == nil {
			v.SetFloat(float64(f))
		}
		return err
	case planFloat64:
		f, err := d.DecodeFloat64()
		if err == nil {
			v.SetFloat(f)
		}
		return err
	case planStruct:
		return pd.decodeStruct(p, v)
	case planSlice:
		return pd.decodeSlice(p, v)
	}
	return d.DecodeValue(v)
}

func (pd *planDecoder) decodeSlice(p *decodePlan, v reflect.Value) error {
	c, err := pd.d.PeekCode()
	if err != nil {
		return err
	}
	if !isArrayCode(c) && c != msgpcode.Nil {
		return pd.d.DecodeValue(v)
	}
	n, err := pd.d.DecodeArrayLen()
	if err != nil {
		return err
	}
	// Mirror msgpack's decodeSliceValue, reuse of capacity included, so
	// that even a field given twice decodes the same.
	if n == -1 {
		v.Set(reflect.Zero(v.Type()))
		return nil
	}
	if n == 0 && v.IsNil() {
		v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		return nil
	}
	switch {
	case v.Cap() >= n:
		v.Set(v.Slice(0, n))
	case v.Cap() == 0: // the usual case, n bounded by checkMsgpack
		// Grown in place: one allocation, where MakeSlice and Set cost a
		// second one for the slice header MakeSlice returns.
		v.Grow(n)
		v.SetLen(n)
	default: // a field given twice: keep what msgpack keeps
		v.Set(v.Slice(0, v.Cap()))
		v.Set(reflect.AppendSlice(v, reflect.MakeSlice(v.Type(), n-v.Len(), n-v.Len())))
	}
	for i := 0; i < n; i++ {
		if err := pd.decode(p.elem, v.Index(i)); err != nil {
			return err
		}
	}
	return nil
}

func (pd *planDecoder) decodeStruct(p *decodePlan, v reflect.Value) error {
	c, err := pd.d.PeekCode()
	if err != nil {
		return err
	}
	if !isMapCode(c) {
		// nil, an array-encoded struct, an extension: msgpack's business.
		return pd.d.DecodeValue(v)
	}
	n, err := pd.d.DecodeMapLen()
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		key, err := pd.readKey()
		if err != nil {
			return err
		}
		fi := -1
		if i < len(p.fields) && p.fields[i].name == string(key) {
			fi = i
		} else if j, ok := p.byName[string(key)]; ok {
			fi = j
		}
		if fi < 0 {
			if err := pd.d.Skip(); err != nil {
				return err
			}
			continue
		}
		f := &p.fields[fi]
		if err := pd.decode(f.plan, v.Field(f.index)); err != nil {
			return err
		}
	}
	return nil
}

// inPlaceString reads a str-encoded string (what msgpack's encoder writes
// for a Go string) as msgpack's DecodeString does, but as a slice of
// pd.str when the value is at most maxSharedString bytes. ok is false
// for anything else (a bin, nil, a truncated header, a larger value):
// msgpack's decoder then decides.
func (pd *planDecoder) inPlaceString() (string, bool) {
	if len(pd.data) > maxSharedString {
		return "", false
	}
	pos := int(pd.rd.Size()) - pd.rd.Len()
	b := pd.data[pos:]
	if len(b) == 0 {
		return "", false
	}
	c := b[0]
	var hdr, n int
	switch {
	case msgpcode.IsFixedString(c):
		hdr, n = 1, int(c&msgpcode.FixedStrMask)
	case c == msgpcode.Str8 && len(b) >= 2:
		hdr, n = 2, int(b[1])
	case c == msgpcode.Str16 && len(b) >= 3:
		hdr, n = 3, int(binary.BigEndian.Uint16(b[1:]))
	default: // str32 cannot fit in maxSharedString
		return "", false
	}
	if n > len(b)-hdr {
		return "", false
	}
	if _, err := pd.rd.Seek(int64(hdr+n), io.SeekCurrent); err != nil {
		return "", false
	}
	if n == 0 {
		return "", true
	}
	if pd.str == "" {
		pd.str = string(pd.data)
	}
	return pd.str[pos+hdr : pos+hdr+n], true
}

var errKeyType = errors.New("msgpack: struct field name is not a string")

// readKey reads a map key as msgpack's struct decoder does (a str, a bin,
// or nil for ""), in place: no copy, no allocation.
func (pd *planDecoder) readKey() ([]byte, error) {
	pos := int(pd.rd.Size()) - pd.rd.Len()
	b := pd.data[pos:]
	if len(b) == 0 {
		return nil, io.ErrUnexpectedEOF
	}
	c := b[0]
	var hdr, n int
	switch {
	case msgpcode.IsFixedString(c):
		hdr, n = 1, int(c&msgpcode.FixedStrMask)
	case (c == msgpcode.Str8 || c == msgpcode.Bin8) && len(b) >= 2:
		hdr, n = 2, int(b[1])
	case (c == msgpcode.Str16 || c == msgpcode.Bin16) && len(b) >= 3:
		hdr, n = 3, int(binary.BigEndian.Uint16(b[1:]))
	case (c == msgpcode.Str32 || c == msgpcode.Bin32) && len(b) >= 5:
		hdr, n = 5, int(binary.BigEndian.Uint32(b[1:]))
	case c == msgpcode.Nil:
		hdr = 1
	case c == msgpcode.Str8, c == msgpcode.Bin8, c == msgpcode.Str16, c == msgpcode.Bin16, c == msgpcode.Str32, c == msgpcode.Bin32:
		return nil, io.ErrUnexpectedEOF
	default:
		return nil, fmt.Errorf("%w (code %#x)", errKeyType, c)
	}
	if n > len(b)-hdr {
		return nil, io.ErrUnexpectedEOF
	}
	if _, err := pd.rd.Seek(int64(hdr+n), io.SeekCurrent); err != nil {
		return nil, err
	}
	return b[hdr : hdr+n], nil
}

func isMapCode(c byte) bool {
	return msgpcode.IsFixedMap(c) || c == msgpcode.Map16 || c == msgpcode.Map32
}

func isArrayCode(c byte) bool {
	return msgpcode.IsFixedArray(c) || c == msgpcode.Array16 || c == msgpcode.Array32
}
