package codec

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/alexedwards/scs/v2"

	"github.com/sessionkit/sessionkit/observe"
)

// Codec is an scs.Codec whose values can be encoded one at a time.
type Codec interface {
	scs.Codec
	// Name is the codec's configuration name: "json", "msgpack" or "gob".
	Name() string
	// Marshal encodes one value. Putting the returned *Value into a session
	// means the value is encoded exactly once, and an unencodable value is
	// reported to the caller of Put rather than at commit time.
	Marshal(v any) (*Value, error)
}

// Sentinel errors; match them with errors.Is.
var (
	// ErrCorrupt means a stored blob could not be decoded: it is truncated,
	// garbage, written by an unknown format version, or not a sessionkit blob.
	ErrCorrupt = errors.New("codec: stored session data is corrupt")
	// ErrEncode means a value cannot be represented by the codec.
	ErrEncode = errors.New("codec: value cannot be encoded")
	// ErrUnknownCodec is returned by ByName for a name it does not know.
	ErrUnknownCodec = errors.New("codec: unknown codec name")
)

// EncodeError reports a value that a codec could not encode.
// errors.Is(err, ErrEncode) matches it.
type EncodeError struct {
	Codec string // codec name
	Type  string // the value's Go type
	Err   error  // the encoder's own error
}

func (e *EncodeError) Error() string {
	return fmt.Sprintf("codec: %s: cannot encode %s: %v", e.Codec, e.Type, e.Err)
}

// Unwrap lets errors.Is match both ErrEncode and the encoder's error.
func (e *EncodeError) Unwrap() []error { return []error{ErrEncode, e.Err} }

// Option configures a codec.
type Option func(*codec)

// WithHooks reports encode and decode work to h. See package observe.
func WithHooks(h *observe.Hooks) Option { return func(c *codec) { c.hooks = h } }

// Msgpack returns the MessagePack codec (github.com/vmihailenco/msgpack/v5),
// sessionkit's default: the smallest blobs and the cheapest round trip.
// Like every codec here, it also reads blobs written by scs's GobCodec.
func Msgpack(opts ...Option) Codec { return newCodec(msgpackFormat, opts) }

// JSON returns the encoding/json codec. Values are readable in a Redis dump
// and obey their MarshalJSON methods and json tags. NaN and ±Inf cannot be
// encoded. It also reads blobs written by scs's GobCodec.
func JSON(opts ...Option) Codec { return newCodec(jsonFormat, opts) }

// Gob returns the encoding/gob codec. It encodes each value as its concrete
// type, so it needs no gob.Register. It is the slowest codec; prefer
// Msgpack, which reads scs's GobCodec blobs just as well.
func Gob(opts ...Option) Codec { return newCodec(gobFormat, opts) }

// ByName returns the codec called name ("json", "msgpack" or "gob", any case),
// for configuration from flags or the environment.
func ByName(name string, opts ...Option) (Codec, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "msgpack":
		return Msgpack(opts...), nil
	case "json":
		return JSON(opts...), nil
	case "gob":
		return Gob(opts...), nil
	}
	return nil, fmt.Errorf("%w %q (want json, msgpack or gob)", ErrUnknownCodec, name)
}

type codec struct {
	f     *format
	hooks *observe.Hooks
}

func newCodec(f *format, opts []Option) *codec {
	c := &codec{f: f}
	for _, o := range opts {
		o(c)
	}
	return c
}

func (c *codec) Name() string { return c.f.name }

func (c *codec) Marshal(v any) (*Value, error) {
	buf := getBuffer()
	defer putBuffer(buf)
	if err := c.encodeValue(buf, v); err != nil {
		return nil, err
	}
	data := make([]byte, buf.Len())
	copy(data, buf.Bytes())
	k := entryKind(v)
	return &Value{f: c.f, kind: reflect.Kind(k &^ plainFlag), plain: k&plainFlag != 0, data: data, hooks: c.hooks}, nil
}
