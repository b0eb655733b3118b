package manager_test

import (
	"bytes"
	"encoding/binary"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/gomodule/redigo/redis"

	"github.com/sessionkit/sessionkit/codec"
	"github.com/sessionkit/sessionkit/internal/redistest"
	"github.com/sessionkit/sessionkit/internal/webtest"
	"github.com/sessionkit/sessionkit/manager"
	"github.com/sessionkit/sessionkit/store/redisstore"
)

const plantedDepth = 4_000_000

// plantedBlob is a well-formed sessionkit envelope (see codec/envelope.go:
// marker, version 1, writer format, deadline, entry count, then key,
// format, kind, length, value) holding one value under "__x", a key the
// codecs decode eagerly at load, nested plantedDepth levels deep:
// msgpack one-element arrays (0x91…0xc0), JSON arrays ([[…null…]]), or,
// for gob, which has no compact nesting syntax, a value of the same size.
func plantedBlob(format byte) []byte {
	var v []byte
	switch format {
	case 'm':
		v = append(bytes.Repeat([]byte{0x91}, plantedDepth), 0xc0)
	case 'j':
		v = append(append(bytes.Repeat([]byte("["), plantedDepth), "null"...), bytes.Repeat([]byte("]"), plantedDepth)...)
	default:
		v = bytes.Repeat([]byte{0x01}, plantedDepth)
	}
	var b bytes.Buffer
	b.WriteString("\x00SK")
	b.WriteByte(1)
	b.WriteByte(format)
	_ = binary.Write(&b, binary.BigEndian, time.Now().Add(time.Hour).UnixNano())
	b.WriteByte(1) // one entry
	b.WriteByte(3)
	b.WriteString("__x")
	b.WriteByte(format)
	b.WriteByte(byte(reflect.Slice))
	_ = binary.Write(&b, binary.BigEndian, uint32(len(v)))
	b.Write(v)
	return b.Bytes()
}

// TestPlantedDeepBlob: a stored blob larger than MaxSize is corrupt before
// anything decodes it: the request gets a fresh session, the process lives
// (a decoder recursing 4,000,000 levels would die of a stack overflow that
// recover cannot catch), the blob is deleted, and the log says why without
// the token.
func TestPlantedDeepBlob(t *testing.T) {
	for _, c := range []struct {
		name   string
		codec  scs.Codec
		format byte
	}{{"msgpack", codec.Msgpack(), 'm'}, {"json", codec.JSON(), 'j'}, {"gob", codec.Gob(), 'g'}} {
		t.Run(c.name, func(t *testing.T) {
			rs := redistest.Start(t, redistest.Options{})
			var logs webtest.SyncBuffer
			m := manager.New(manager.Config{Store: redisstore.New(rs.Pool()), Codec: c.codec, Logger: logs.Logger()})
			srv := httptest.NewServer(counterApp(m))
			defer srv.Close()

			_, _, tok := get(t, srv.URL+"/write", "")
			rs.Do("SET", storeKey(tok), plantedBlob(c.format))
			status, body, newTok := get(t, srv.URL+"/write", tok)
			if status != http.StatusOK || body != "1" {
				t.Fatalf("request with a planted blob: %d %q, want a fresh session counting 1", status, body)
			}
			if newTok == "" || newTok == tok {
				t.Error("the fresh session kept the old token")
			}
			if n, _ := redis.Int(rs.Do("EXISTS", storeKey(tok)), nil); n != 0 {
				t.Error("the planted blob is still in the store")
			}
			out := logs.String()
			if !strings.Contains(out, "discarded undecodable session") || !strings.Contains(out, "MaxSize") {
				t.Errorf("no log record says the blob was over MaxSize:\n%s", out)
			}
			if strings.Contains(out, tok) {
				t.Error("the log contains the raw token")
			}
		})
	}
}
