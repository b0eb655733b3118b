// Package codec provides scs.Codec implementations that keep every value's
// Go type and leave values encoded until a handler reads them.
//
// Three formats are offered: Msgpack (the default, smallest and fastest),
// JSON (readable in redis-cli, portable) and Gob (for apps coming from scs's
// GobCodec; it also reads blobs written by scs's GobCodec). None of them needs
// gob.Register: each value is encoded on its own, as its concrete type, and
// decoded straight into the type the reader asks for (see package typed).
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
// Decode splits a blob into entries without decoding any value; each value
// is a *Value holding its encoded bytes. Encode copies the bytes of untouched
// *Values back unchanged, so a request that reads or changes one key pays
// for that key only. Keys that start with "__" (scs's own, such as
// "__rememberMe") are decoded eagerly into plain Go types so that scs's
// GetBool and friends keep working.
//
// # Msgpack decode plans
//
// Msgpack decodes plain structs and slices (no embedded fields, no
// decoding methods) with a plan built once per type, which skips the
// msgpack library's per-element cache lookups and field-name map lookups.
// Everything else goes to the library's own decoder, and the two are
// checked against each other by a differential fuzz test. One difference
// remains: a struct type given a custom decoder with msgpack.Register
// (rather than by implementing msgpack.CustomDecoder) is decoded field by
// field; implement the interface instead.
package codec
