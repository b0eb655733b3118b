package express_test

import (
	"fmt"
	"time"

	"github.com/sessionkit/sessionkit/codec"
	"github.com/sessionkit/sessionkit/express"
)

func ExampleSigner_Sign() {
	// Node computes the same value: the Express app has secret: ['new secret', 'old secret'].
	signer, err := express.NewSigner("new secret", "old secret")
	if err != nil {
		panic(err)
	}
	fmt.Println(signer.Sign("j0H3LumyDy3oFGSgQMGk32NloxqAYLgq"))
	// Output:
	// s%3Aj0H3LumyDy3oFGSgQMGk32NloxqAYLgq.1NOvE0jm9uyRTTje8BDG385teE%2Bf7Q9d0fUnhIaYDEM
}

func ExampleSigner_Unsign() {
	signer, _ := express.NewSigner("new secret", "old secret")
	// A connect.sid cookie value express-session signed with "old secret"
	// (computed with its cookie-signature package).
	sid, ok := signer.Unsign("s%3Aj0H3LumyDy3oFGSgQMGk32NloxqAYLgq.LUgi0eqjbYhVuQPvlq6bFjMXxXR74HXMFJEWsDeyZiM")
	fmt.Println(sid, ok)
	_, ok = signer.Unsign("s%3Aj0H3LumyDy3oFGSgQMGk32NloxqAYLgq.forged")
	fmt.Println(ok)
	// Output:
	// j0H3LumyDy3oFGSgQMGk32NloxqAYLgq true
	// false
}

func ExampleCodec() {
	c := express.NewCodec(express.CookieOptions{MaxAge: time.Hour})

	// What connect-redis stored under sess:<sid> after
	// req.session.user = {name, signedInAt: new Date()}.
	blob := []byte(`{"cookie":{"originalMaxAge":3600000,"expires":"2026-11-28T17:52:28.936Z","httpOnly":true,"path":"/"},` +
		`"user":{"name":"Ada","signedInAt":"2026-11-28T16:52:28.917Z"}}`)
	_, values, err := c.Decode(blob)
	if err != nil {
		panic(err)
	}
	type User struct {
		Name       string    `json:"name"`
		SignedInAt time.Time `json:"signedInAt"`
	}
	var u User
	if err := values["user"].(*codec.Value).Decode(&u); err != nil {
		panic(err)
	}
	fmt.Println(u.Name, u.SignedInAt.Format(time.RFC3339))

	// Write it back with a new field, as express-session would.
	values["visits"] = 3
	deadline := time.Date(2026, 11, 28, 18, 0, 0, 0, time.UTC)
	out, err := c.Encode(deadline, values)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(out))
	ttl, _ := express.BlobTTL(out, deadline.Add(-30*time.Minute))
	fmt.Println("SET", express.Key(express.DefaultPrefix, "<sid>"), "<blob> EX", ttl)
	// Output:
	// Ada 2026-11-28T16:52:28Z
	// {"cookie":{"originalMaxAge":3600000,"expires":"2026-11-28T18:00:00.000Z","httpOnly":true,"path":"/"},"user":{"name":"Ada","signedInAt":"2026-11-28T16:52:28.917Z"},"visits":3}
	// SET sess:<sid> <blob> EX 1800
}
