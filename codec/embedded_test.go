package codec

import "testing"

type embeddedBase struct{ ID int }

type embeddingUser struct {
	embeddedBase
	Name string
}

// TestEmbeddedUnexportedType pins what docs/codecs.md says: gob drops the
// fields promoted from an embedded struct of an unexported type, without
// an error; msgpack and JSON keep them.
func TestEmbeddedUnexportedType(t *testing.T) {
	in := embeddingUser{embeddedBase{ID: 7}, "Ada"}
	for _, c := range []Codec{Msgpack(), JSON(), Gob()} {
		v, err := c.Marshal(in)
		if err != nil {
			t.Fatalf("%s: Marshal: %v", c.Name(), err)
		}
		var out embeddingUser
		if err := v.Decode(&out); err != nil {
			t.Fatalf("%s: Decode: %v", c.Name(), err)
		}
		wantID := 7
		if c.Name() == "gob" {
			wantID = 0
		}
		if out.ID != wantID || out.Name != "Ada" {
			t.Errorf("%s: got %+v, want ID %d and Name Ada", c.Name(), out, wantID)
		}
	}
}
