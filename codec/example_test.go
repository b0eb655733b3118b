package codec_test

import (
	"cmp"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/sessionkit/sessionkit/codec"
	"github.com/sessionkit/sessionkit/manager"
)

// ByName knows the three codecs in any case, and refuses anything else,
// including the empty name, with ErrUnknownCodec.
func ExampleByName() {
	for _, name := range []string{"msgpack", "JSON", "gob", "", "xml"} {
		c, err := codec.ByName(name)
		if err != nil {
			fmt.Printf("%q: unknown codec: %v\n", name, errors.Is(err, codec.ErrUnknownCodec))
			continue
		}
		fmt.Printf("%q: %s\n", name, c.Name())
	}
	// Output:
	// "msgpack": msgpack
	// "JSON": json
	// "gob": gob
	// "": unknown codec: true
	// "xml": unknown codec: true
}

// The codec from the environment. An unset variable means the default:
// cmp.Or replaces the empty name, which ByName refuses.
func ExampleByName_environment() {
	c, err := codec.ByName(cmp.Or(os.Getenv("SESSION_CODEC"), "msgpack"))
	if err != nil {
		log.Fatal(err)
	}
	m := manager.New(manager.Config{Codec: c})
	_ = m
}
