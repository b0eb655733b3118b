package codec

import (
	"errors"
	"fmt"
)

// MaxDepth is how deeply arrays, maps, objects and structs may nest in one
// stored value. Decoders recurse once per level, so without a limit a
// planted value a few megabytes long would exhaust the goroutine stack, a
// fatal error no recover can stop. Every format checks it before decoding;
// a deeper value is corrupt (errors.Is(err, ErrCorrupt)). Encoding is not
// limited, but a value nested deeper than MaxDepth does not decode.
const MaxDepth = 1000

// errTooDeep is wrapped when a value nests deeper than MaxDepth.
var errTooDeep = fmt.Errorf("nested deeper than %d levels", MaxDepth)

// errJSONShape is wrapped when JSON bytes are malformed.
var errJSONShape = errors.New("malformed JSON")

// checkJSON verifies that data nests at most MaxDepth deep; the decoder
// checks everything else. One pass over the bytes, no allocations.
func checkJSON(data []byte) error {
	depth, inString := 0, false
	for i := 0; i < len(data); i++ {
		c := data[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '[', '{':
			depth++
			if depth > MaxDepth {
				return fmt.Errorf("%w: %w at byte %d", errJSONShape, errTooDeep, i)
			}
		case ']', '}':
			depth--
		}
	}
	return nil
}
