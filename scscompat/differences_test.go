package scscompat

import "path"

// A difference is a ported scs case that fails through sessionkit, and why.
// pattern is a subtest name under TestSCS/cases, <codec>/<store>/<scs test>,
// where "*" stands for one path element (path.Match).
type difference struct {
	pattern  string
	category string // "bug: issue 10 item N" or "deliberate: <doc reference>"
	reason   string
}

// expectedDifferences lists every case that fails today. A listed case must
// still fail scs's assertion, or TestSCS fails with "now passes: remove
// from expectedDifferences": fix a bug, then delete its lines.
var expectedDifferences = []difference{
	// scs's getters see nothing after a round trip through the store.
	{"*/*/TestEnable", item1,
		"Get(ctx, \"foo\").(string) panics: the loaded value is a *codec.Value (masked behind it: the third /put sends no Set-Cookie, since sessionkit sends it only when token or expiry changed)"},
	{"*/*/TestLifetime", item1,
		"v.(string) panics on the loaded *codec.Value"},
	{"*/*/TestIdleTimeout", item1,
		"v.(string) panics on the loaded *codec.Value"},
	{"*/*/TestRenewToken", item1,
		"v.(string) panics on the loaded *codec.Value"},
	{"*/*/TestIterate", item1,
		"GetString inside Iterate returns \"\" for the undecoded *codec.Value"},
	{"*/*/TestGet", item1,
		"Get(ctx, \"foo\").(string) fails: the loaded value is a *codec.Value"},
	{"*/*/TestGetString", item1,
		"GetString returns the zero value for the loaded *codec.Value"},
	{"*/*/TestGetBool", item1,
		"GetBool returns the zero value for the loaded *codec.Value"},
	{"*/*/TestGetInt", item1,
		"GetInt returns the zero value for the loaded *codec.Value"},
	{"*/*/TestGetFloat", item1,
		"GetFloat returns the zero value for the loaded *codec.Value"},
	{"*/*/TestGetBytes", item1,
		"GetBytes returns the zero value for the loaded *codec.Value"},
	{"*/*/TestGetTime", item1,
		"GetTime returns the zero time for the loaded *codec.Value (masked behind it for JSON: the time comes back in UTC, not time.Local, so == fails)"},
	{"*/*/TestPop", item1,
		"Pop(ctx, \"foo\").(string) fails on the *codec.Value, and the value is gone"},
	{"*/*/TestPopString", item1,
		"PopString returns the zero value for the loaded *codec.Value and deletes it"},
	{"*/*/TestPopBool", item1,
		"PopBool returns the zero value for the loaded *codec.Value and deletes it"},
	{"*/*/TestPopInt", item1,
		"PopInt returns the zero value for the loaded *codec.Value and deletes it"},
	{"*/*/TestPopFloat", item1,
		"PopFloat returns the zero value for the loaded *codec.Value and deletes it"},
	{"*/*/TestPopBytes", item1,
		"PopBytes returns the zero value for the loaded *codec.Value and deletes it"},
	{"*/*/TestPopTime", item1,
		"PopTime returns the zero time and deletes the value (masked behind it for JSON: the time comes back in UTC, not time.Local)"},

	// The response writer hides http.Hijacker.
	{"*/*/TestHijacker", item5,
		"w.(http.Hijacker) is false behind m.LoadAndSave"},

	// scs's redisstore tests, run on m.SessionManager().Store: the manager
	// stores sha256(token), so keys written or read by raw token differ.
	// store/redisstore itself ("none/redis") passes them all.
	{"msgpack/redis/TestFind", tokenHashing, "Find hashes the token; the test SET the raw key"},
	{"json/redis/TestFind", tokenHashing, "Find hashes the token; the test SET the raw key"},
	{"gob/redis/TestFind", tokenHashing, "Find hashes the token; the test SET the raw key"},
	{"msgpack/redis/TestSaveNew", tokenHashing, "Commit writes the hashed key; the test GETs the raw one"},
	{"json/redis/TestSaveNew", tokenHashing, "Commit writes the hashed key; the test GETs the raw one"},
	{"gob/redis/TestSaveNew", tokenHashing, "Commit writes the hashed key; the test GETs the raw one"},
	{"msgpack/redis/TestSaveUpdated", tokenHashing, "Commit writes the hashed key; the raw key keeps the old data"},
	{"json/redis/TestSaveUpdated", tokenHashing, "Commit writes the hashed key; the raw key keeps the old data"},
	{"gob/redis/TestSaveUpdated", tokenHashing, "Commit writes the hashed key; the raw key keeps the old data"},
	{"msgpack/redis/TestDelete", tokenHashing, "Delete removes the hashed key; the raw key stays"},
	{"json/redis/TestDelete", tokenHashing, "Delete removes the hashed key; the raw key stays"},
	{"gob/redis/TestDelete", tokenHashing, "Delete removes the hashed key; the raw key stays"},
}

const (
	item1        = "bug: issue 10 item 1"
	item5        = "bug: issue 10 item 5"
	tokenHashing = "deliberate: stores sha256(token) (manager/doc.go, Config.StoreRawTokens, docs/reliability.md §3)"
)

func lookupDifference(name string) *difference {
	for i := range expectedDifferences {
		if ok, _ := path.Match(expectedDifferences[i].pattern, name); ok {
			return &expectedDifferences[i]
		}
	}
	return nil
}
