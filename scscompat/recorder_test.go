package scscompat

import (
	"strings"
	"testing"
)

// TestRecorder checks the machinery that lets a listed case fail without
// failing the run: every way a test can fail is recorded, and Fatal, Skip
// and panics end the case there.
func TestRecorder(t *testing.T) {
	for _, tc := range []struct {
		name string
		fn   func(testing.TB)
		want string // in the recorded messages; "" means no failure
	}{
		{"pass", func(tb testing.TB) { tb.Log("fine") }, ""},
		{"Errorf", func(tb testing.TB) { tb.Errorf("got %d", 1) }, "got 1"},
		{"Error", func(tb testing.TB) { tb.Error("bad") }, "bad"},
		{"Fail", func(tb testing.TB) { tb.Fail() }, "Fail called"},
		{"Fatal stops", func(tb testing.TB) { tb.Fatal("stop"); tb.Error("not reached") }, "stop"},
		{"Fatalf stops", func(tb testing.TB) { tb.Fatalf("stop %d", 2); tb.Error("not reached") }, "stop 2"},
		{"FailNow stops", func(tb testing.TB) { tb.FailNow(); tb.Error("not reached") }, "FailNow called"},
		{"Skip is a failure", func(tb testing.TB) { tb.Skip("why"); tb.Error("not reached") }, "skip: why"},
		{"SkipNow is a failure", func(tb testing.TB) { tb.SkipNow() }, "SkipNow called"},
		{"panic", func(tb testing.TB) { panic("boom") }, "panic: boom"},
		{"Failed", func(tb testing.TB) {
			tb.Error("x")
			if !tb.Failed() {
				tb.Error("Failed is false after Error")
			}
		}, "x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			failed, msgs, _ := runRecorded(t, tc.fn)
			joined := strings.Join(msgs, "\n")
			if failed != (tc.want != "") {
				t.Fatalf("failed = %v, want %v (messages %q)", failed, tc.want != "", joined)
			}
			if !strings.Contains(joined, tc.want) || strings.Contains(joined, "not reached") ||
				strings.Contains(joined, "Failed is false") {
				t.Errorf("messages %q, want %q only", joined, tc.want)
			}
		})
	}
}

// TestLookupDifference checks the patterns: one "*" is one path element.
func TestLookupDifference(t *testing.T) {
	for name, want := range map[string]bool{
		"msgpack/memory/TestEnable":                         true,
		"json/bolt/TestGetTime":                             true,
		"msgpack/bolt/TestGetTime":                          false,
		"gob/redis/TestFind":                                true,
		"none/redis/TestFind":                               false,
		"msgpack/memory/TestEnableX":                        false,
		"msgpack/memory/TestSessionManager_Load/happy_path": false,
	} {
		if got := lookupDifference(name) != nil; got != want {
			t.Errorf("lookupDifference(%q) found = %v, want %v", name, got, want)
		}
	}
}
