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
	if checkMsgpack(data) != nil {
		return
	}
	for _, target := range planTargets {
		want, got := target(), target()
		wantErr := referenceDecode(data, want)
		gotErr := safeDecode(msgpackFormat, data, got)
		if (wantErr == nil) != (gotErr == nil) {
			t.Fatalf("%T from %x: msgpack error %v, plan error %v", want, data, wantErr, gotErr)
		}
		if wantErr == nil && !reflect.DeepEqual(want, got) {
			t.Fatalf("%T from %x:\nmsgpack %#v\nplan    %#v", want, data, want, got)
		}
	}
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
