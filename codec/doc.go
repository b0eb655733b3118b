// Package codec provides scs.Codec implementations that keep every value's
// Go type and leave composite values encoded until a handler reads them.
//
// Three formats are offered: Msgpack (the default, smallest and fastest),
// JSON (readable in redis-cli, portable) and Gob. None of them needs
// gob.Register for the values it writes: each value is encoded on its own,
// as its concrete type, and decoded straight into the type the reader asks
// for (see package typed).
//
// # Moving from scs
//
// Every codec also reads blobs written by scs's GobCodec (they have no
// sessionkit marker), so an scs application can switch straight to
// Msgpack without signing anyone out; the next write of each session
// stores the configured format. Reading such a blob is gob's own decoding
// of the whole session, so a custom type in it still needs the
// gob.Register call the scs application made. Gob finds the type by the
// name it was registered under: by default its import path and name, such
// as "example.com/app/models.User" or "main.User", so a type that has
// moved since must be registered under its old name with gob.RegisterName.
// Without that, the whole blob is corrupt and the user gets a fresh
// session.
//
// # Blob layout
//
// Every blob starts with the marker "\x00SK", a format version byte and the
// writer's format id, then the session deadline and the entries. Each entry
// records its own format id and the reflect.Kind of the value that was put, so
// a blob written by one codec can be read by another (a codec switch loses no
// sessions) and a read with the wrong type is detected before decoding.
//
// # Laziness
//
// Decode splits a blob into entries. Plain values (bools, strings,
// integers, floats, []byte and time.Time, of a type without marshaling
// methods of its own) are decoded at once into the predeclared Go type:
// they are cheap, and scs's GetString, GetInt, PopString and friends
// assert exactly those types. Keys that start with "__" (scs's own, such
// as "__rememberMe") are decoded at once too. Every other value is a
// *Value holding its encoded bytes, decoded when a handler reads it.
// Encode copies the bytes of untouched *Values back unchanged, so a
// request that reads or changes one composite value pays for that value
// only.
//
// # Limits
//
// A stored value is checked before it is decoded: declared lengths must
// fit in the data, and arrays, maps and structs may nest at most MaxDepth
// levels. A value that fails is ErrCorrupt, never a crash.
//
// # Msgpack decode plans
//
// Msgpack decodes plain structs and slices (no embedded fields, no
// decoding methods) with a plan built once per type, which skips the
// msgpack library's per-element cache lookups and field-name map lookups.
// Everything else goes to the library's own decoder, and the two are
// checked against each other by differential fuzz tests over generated
// and recursive types. One difference remains: a struct type given a
// custom decoder with msgpack.Register (rather than by implementing
// msgpack.CustomDecoder) is decoded field by field; implement the
// interface instead.
package codec
