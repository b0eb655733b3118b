package codec

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vmihailenco/msgpack/v5"
)

type planLeaf struct {
	S     string
	B     bool
	I     int
	I8    int8
	U     uint16
	F32   float32
	F64   float64
	Named planName
}

type planName string

type planNested struct {
	Name   string `msgpack:"n"`
	Skip   string `msgpack:"-"`
	Omit   string `msgpack:",omitempty"`
	Items  []planLeaf
	Tags   []string
	Ptr    *planLeaf
	M      map[string]int
	T      time.Time
	Raw    []byte
	Any    any
	Money  planText
	Matrix [][]int
	hidden int
}

// planText decodes itself: the plan must leave it to msgpack.
type planText struct{ v string }

func (p planText) MarshalText() ([]byte, error)  { return []byte(strings.ToUpper(p.v)), nil }
func (p *planText) UnmarshalText(b []byte) error { p.v = strings.ToLower(string(b)); return nil }

type planEmbedded struct {
	planLeaf
	X int
}

type planTree struct {
	V    int
	Kids []planTree
}

type planAsArray struct {
	//lint:ignore U1000 msgpack reads this marker field's tag, not its value
	_msgpack struct{} `msgpack:",as_array"`
	A, B     int
}

// planTargets decode the same bytes both ways in the tests.
var planTargets = []func() any{
	func() any { return new(planLeaf) },
	func() any { return new(planNested) },
	func() any { return new([]planNested) },
	func() any { return new(planEmbedded) },
	func() any { return new(planTree) },
	func() any { return new(planAsArray) },
	func() any { return new([]string) },
	func() any { return new([][]planLeaf) },
}

func planValues() []any {
	leaf := planLeaf{S: "s", B: true, I: -70000, I8: -5, U: 65535, F32: 1.5, F64: -2.25e300, Named: "named"}
	return []any{
		leaf,
		planNested{Name: "n", Skip: "not stored", Items: []planLeaf{leaf, {}}, Tags: []string{"a", ""}, Ptr: &leaf,
			M: map[string]int{"k": 1}, T: time.Unix(1700000000, 5).UTC(), Raw: []byte{0, 0xff}, Any: map[string]any{"x": "y"},
			Money: planText{"eur"}, Matrix: [][]int{{1}, {}, nil}, hidden: 7},
		[]planNested{{Name: "a"}, {Name: "b", Items: []planLeaf{leaf}}},
		planEmbedded{planLeaf: leaf, X: 3},
		planTree{V: 1, Kids: []planTree{{V: 2, Kids: []planTree{{V: 3}}}, {V: 4}}},
		planAsArray{A: 1, B: 2},
		[]string{"x", "y"},
		[][]planLeaf{{leaf}, nil, {}},
		// Shapes a different version of a type could have written:
		map[string]any{"S": "renamed?", "Extra": []any{1, "two"}, "I": 3},
		map[string]any{"n": 5, "Items": "not a list"},
		map[string]any{"V": 1, "Kids": nil},
		nil,
		[]any{1, 2},
	}
}

// referenceDecode is msgpack's own decoder, without plans.
func referenceDecode(data []byte, ptr any) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return msgpack.NewDecoder(bytes.NewReader(data)).Decode(ptr)
}

// comparePlan decodes data into a fresh target both ways and reports any
// difference in outcome or result.
func comparePlan(t *testing.T, data []byte) {
	t.Helper()
	compareTargets(t, data, planTargets)
	compareTargets(t, data, recTargets)
}

func compareTargets(t *testing.T, data []byte, targets []func() any) {
	t.Helper()
	if checkMsgpack(data) != nil {
		return
	}
	for _, target := range targets {
		want, got := target(), target()
		wantErr := referenceDecode(data, want)
		gotErr := safeDecode(msgpackFormat, data, got)
		if (wantErr == nil) != (gotErr == nil) {
			t.Fatalf("%T from %x: msgpack error %v, plan error %v", want, data, wantErr, gotErr)
		}
		if wantErr == nil && !sameDecoded(want, got) {
			t.Fatalf("%T from %x:\nmsgpack %#v\nplan    %#v", want, data, want, got)
		}
	}
}

// sameDecoded is reflect.DeepEqual, except that NaN equals NaN: two
// results that DeepEqual tells apart must also encode differently (map
// keys sorted).
func sameDecoded(a, b any) bool {
	if reflect.DeepEqual(a, b) {
		return true
	}
	enc := func(v any) []byte {
		var buf bytes.Buffer
		e := msgpack.NewEncoder(&buf)
		e.SetSortMapKeys(true)
		if err := e.Encode(v); err != nil {
			return []byte(err.Error())
		}
		return buf.Bytes()
	}
	return bytes.Equal(enc(a), enc(b))
}

func TestPlanMatchesMsgpack(t *testing.T) {
	for _, v := range planValues() {
		var buf bytes.Buffer
		if err := msgpackEncode(&buf, v); err != nil {
			t.Fatal(err)
		}
		comparePlan(t, buf.Bytes())
	}
	if planFor(reflect.TypeFor[planEmbedded]()) != nil && planFor(reflect.TypeFor[planEmbedded]()).kind == planStruct {
		t.Error("an embedded struct got a plan; msgpack inlines embedded fields")
	}
	if p := planFor(reflect.TypeFor[planNested]()); p == nil || p.kind != planStruct {
		t.Error("planNested got no plan: the fast path is not exercised")
	}
}

// FuzzPlanMatchesMsgpack: on any well-formed msgpack, the plan decoder and
// msgpack's own decoder agree on success and on the value.
func FuzzPlanMatchesMsgpack(f *testing.F) {
	for _, v := range planValues() {
		var buf bytes.Buffer
		if err := msgpackEncode(&buf, v); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) { comparePlan(t, data) })
}

// Recursive and mutually recursive named types: reflect cannot build these,
// so the fuzzer's generated universe is completed with them.
type recBase struct{ ID int }

type recComment struct {
	recBase
	Replies []recComment
}

type recPost struct {
	Top recComment
	All []recComment
}

type recA struct {
	N  int
	B  *recB
	Bs map[string][]recB
}

type recB struct {
	S  string
	A  []recA
	Ar [2]*recA
}

// An embedded pointer to the struct itself would crash msgpack's own field
// resolution (unbounded recursion in its shouldInline); a cycle through an
// embedded pointer and a slice does not.
type recEmbedPtr struct {
	*recEmbedPtr2
	V int
}

type recEmbedPtr2 struct {
	W    int
	Back []recEmbedPtr
}

type recMapCycle struct {
	V int
	M map[string]recMapCycle
}

type recArrCycle struct {
	V    int
	Next []([1]recArrCycle)
}

type recMutualEmbed struct {
	recMutualEmbed2
	Outer []recMutualEmbed
}

type recMutualEmbed2 struct {
	Inner *recMutualEmbed
	X     string
}

var recTargets = []func() any{
	func() any { return new(recPost) },
	func() any { return new([]recComment) },
	func() any { return new(recComment) },
	func() any { return new(recA) },
	func() any { return new(recB) },
	func() any { return new(recEmbedPtr) },
	func() any { return new(recMapCycle) },
	func() any { return new(recArrCycle) },
	func() any { return new(recMutualEmbed) },
	func() any { return new(map[string]recMutualEmbed2) },
}

// TestPlanRecursiveTypes is issue 9 defect 1: a struct plan abandoned for
// a fallback stayed reachable through the plans built meanwhile.
func TestPlanRecursiveTypes(t *testing.T) {
	post := recPost{
		Top: recComment{recBase{1}, []recComment{{recBase{2}, nil}}},
		All: []recComment{{recBase{9}, []recComment{{recBase{10}, nil}}}},
	}
	var buf bytes.Buffer
	if err := msgpackEncode(&buf, post); err != nil {
		t.Fatal(err)
	}
	var got recPost
	if err := msgpackDecode(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, post) {
		t.Fatalf("round trip lost data:\ngot  %+v\nwant %+v", got, post)
	}
	a := recA{N: 1, B: &recB{S: "b", A: []recA{{N: 2}}, Ar: [2]*recA{{N: 3}, nil}},
		Bs: map[string][]recB{"k": {{S: "x", A: []recA{{N: 4, B: &recB{S: "y"}}}}}}}
	for _, v := range []any{post, post.All, a, recB{S: "s", A: []recA{a}},
		recEmbedPtr{&recEmbedPtr2{1, []recEmbedPtr{{&recEmbedPtr2{W: 5}, 6}}}, 2},
		recMapCycle{1, map[string]recMapCycle{"a": {2, map[string]recMapCycle{"b": {3, nil}}}}},
		recArrCycle{1, [][1]recArrCycle{{{2, nil}}}},
		recMutualEmbed{recMutualEmbed2{&recMutualEmbed{recMutualEmbed2: recMutualEmbed2{X: "in"}}, "x"}, []recMutualEmbed{{recMutualEmbed2: recMutualEmbed2{X: "o"}}}},
	} {
		buf.Reset()
		if err := msgpackEncode(&buf, v); err != nil {
			t.Fatal(err)
		}
		comparePlan(t, buf.Bytes())
	}
}
