package codec

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// errMsgpackShape is wrapped when msgpack bytes are malformed.
var errMsgpackShape = errors.New("malformed msgpack")

// checkMsgpack verifies that data is exactly one well-formed msgpack value
// whose declared lengths fit in data and whose arrays and maps nest at most
// MaxDepth deep. The msgpack decoder trusts declared lengths when it sizes
// maps, so without this check ten hostile bytes can make it allocate
// gigabytes; and it recurses once per level, so a deep value would exhaust
// the stack. One pass; it allocates only for values nested over 32 deep.
func checkMsgpack(data []byte) error {
	var small [32]int
	open := small[:0] // per open array or map: elements not yet started
	p, pending := 0, 1
	for pending > 0 {
		if p >= len(data) {
			return fmt.Errorf("%w: truncated at byte %d", errMsgpackShape, p)
		}
		pending--
		for len(open) > 0 && open[len(open)-1] == 0 {
			open = open[:len(open)-1]
		}
		if len(open) > 0 {
			open[len(open)-1]--
		}
		c := data[p]
		p++
		var skip, children int
		switch {
		case c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 || c == 0xc3:
		case c >= 0x80 && c <= 0x8f:
			children = 2 * int(c&0x0f)
		case c >= 0x90 && c <= 0x9f:
			children = int(c & 0x0f)
		case c >= 0xa0 && c <= 0xbf:
			skip = int(c & 0x1f)
		default:
			var n int
			var err error
			switch c {
			case 0xc4, 0xd9: // bin8, str8
				n, p, err = readLen(data, p, 1)
				skip = n
			case 0xc5, 0xda:
				n, p, err = readLen(data, p, 2)
				skip = n
			case 0xc6, 0xdb:
				n, p, err = readLen(data, p, 4)
				skip = n
			case 0xc7: // ext8: length, type, data
				n, p, err = readLen(data, p, 1)
				skip = n + 1
			case 0xc8:
				n, p, err = readLen(data, p, 2)
				skip = n + 1
			case 0xc9:
				n, p, err = readLen(data, p, 4)
				skip = n + 1
			case 0xca, 0xce, 0xd2:
				skip = 4
			case 0xcb, 0xcf, 0xd3:
				skip = 8
			case 0xcc, 0xd0:
				skip = 1
			case 0xcd, 0xd1:
				skip = 2
			case 0xd4, 0xd5, 0xd6, 0xd7, 0xd8: // fixext 1, 2, 4, 8, 16 plus type
				skip = 1 + 1<<(c-0xd4)
			case 0xdc:
				n, p, err = readLen(data, p, 2)
				children = n
			case 0xdd:
				n, p, err = readLen(data, p, 4)
				children = n
			case 0xde:
				n, p, err = readLen(data, p, 2)
				children = 2 * n
			case 0xdf:
				n, p, err = readLen(data, p, 4)
				children = 2 * n
			default: // 0xc1 is never used
				return fmt.Errorf("%w: invalid byte %#x at %d", errMsgpackShape, c, p-1)
			}
			if err != nil {
				return err
			}
		}
		if skip > len(data)-p {
			return fmt.Errorf("%w: length %d at byte %d exceeds the data", errMsgpackShape, skip, p)
		}
		p += skip
		// Every child takes at least one byte.
		if children > len(data)-p || pending+children > len(data) {
			return fmt.Errorf("%w: %d elements at byte %d exceed the data", errMsgpackShape, children, p)
		}
		pending += children
		if children > 0 {
			if len(open) >= MaxDepth {
				return fmt.Errorf("%w: %w at byte %d", errMsgpackShape, errTooDeep, p)
			}
			open = append(open, children)
		}
	}
	if p != len(data) {
		return fmt.Errorf("%w: %d trailing bytes", errMsgpackShape, len(data)-p)
	}
	return nil
}

func readLen(data []byte, p, size int) (int, int, error) {
	if len(data)-p < size {
		return 0, p, fmt.Errorf("%w: length truncated at byte %d", errMsgpackShape, p)
	}
	var n uint64
	switch size {
	case 1:
		n = uint64(data[p])
	case 2:
		n = uint64(binary.BigEndian.Uint16(data[p:]))
	case 4:
		n = uint64(binary.BigEndian.Uint32(data[p:]))
	}
	if n > uint64(len(data)) {
		return 0, p, fmt.Errorf("%w: length %d at byte %d exceeds the data", errMsgpackShape, n, p)
	}
	return int(n), p + size, nil
}
