package manager_test

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/sessionkit/sessionkit/codec"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/typed"
)

type rvBase struct{ ID int }
type rvY struct {
	rvBase
	X  *rvX
	Xs []rvX
}
type rvX struct {
	Name string
	Ys   []rvY
	M    map[string][]rvX
	Arr  [2]rvY
	T    rvTags
}
type rvTags struct {
	A  int `msgpack:"a,omitempty"`
	Bs []rvTags
	Ys []rvY `msgpack:"ys"`
}
type rvList []rvNode
type rvNode struct {
	V    int
	Kids rvList
	P    *rvNode
}

func rvRoundTrip[T any](t *testing.T, c codec.Codec, v T) {
	t.Helper()
	m := manager.New(manager.Config{Codec: c})
	defer m.Close()
	var got T
	var gerr error
	h := m.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" {
			if err := typed.Put(r.Context(), "v", v); err != nil {
				t.Fatal(err)
			}
			return
		}
		got, gerr = typed.Get[T](r.Context(), "v")
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/", nil))
	r := httptest.NewRequest("GET", "/", nil)
	r.AddCookie(rec.Result().Cookies()[0])
	h.ServeHTTP(httptest.NewRecorder(), r)
	if gerr != nil || !reflect.DeepEqual(got, v) {
		t.Errorf("%s %T: err %v", c.Name(), v, gerr)
	}
}

func TestReviewRecursiveShapes(t *testing.T) {
	x := rvX{Name: "x", Ys: []rvY{{rvBase{9}, &rvX{Name: "in", Ys: []rvY{{rvBase: rvBase{11}}}}, []rvX{{Name: "xs", Arr: [2]rvY{{rvBase: rvBase{12}}, {}}}}}},
		M:   map[string][]rvX{"k": {{Name: "m", Ys: []rvY{{rvBase: rvBase{13}}}}}},
		Arr: [2]rvY{{rvBase: rvBase{14}}, {rvBase: rvBase{15}}},
		T:   rvTags{A: 1, Bs: []rvTags{{A: 2, Ys: []rvY{{rvBase: rvBase{16}}}}}, Ys: []rvY{{rvBase: rvBase{17}}}}}
	n := rvNode{1, rvList{{2, rvList{{3, nil, &rvNode{V: 4}}}, nil}}, &rvNode{5, rvList{{V: 6}}, nil}}
	// gob: see TestReviewGobEmbeddedUnexportedType (rvBase is unexported).
	for _, c := range []codec.Codec{codec.Msgpack(), codec.JSON()} {
		rvRoundTrip(t, c, x)
		rvRoundTrip(t, c, []rvX{x, x})
		rvRoundTrip(t, c, x.Ys)
		rvRoundTrip(t, c, x.T)
		rvRoundTrip(t, c, []rvTags{x.T})
		rvRoundTrip(t, c, n)
		rvRoundTrip(t, c, rvList{n})
		rvRoundTrip(t, c, map[string]rvY{"a": x.Ys[0]})
	}
}
