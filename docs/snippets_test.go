// Package docs holds the guides; its test compiles every Go snippet in them
// and in the README, so that no example a reader copies can be out of date.
package docs

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// snippet is one ```go block of a Markdown file.
type snippet struct {
	file string // path relative to the repository root
	line int    // line of the opening fence
	code string

	offset int // lines the generated file has before the snippet's first
}

func (s snippet) String() string { return fmt.Sprintf("%s:%d", s.file, s.line) }

// extract returns the ```go blocks of the Markdown text md.
func extract(file, md string) []snippet {
	var out []snippet
	var cur *snippet
	var body []string
	for i, line := range strings.Split(md, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case cur == nil && trimmed == "```go":
			cur = &snippet{file: file, line: i + 1}
			body = body[:0]
		case cur != nil && trimmed == "```":
			cur.code = strings.Join(body, "\n") + "\n"
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			body = append(body, line)
		}
	}
	return out
}

// imports maps the package names a snippet may use without importing them
// to their paths: a fragment gets the imports it refers to.
var imports = map[string]string{
	"bytes": "bytes", "context": "context", "errors": "errors", "fmt": "fmt", "log": "log",
	"http": "net/http", "os": "os", "time": "time", "slog": "log/slog",
	"strings": "strings", "json": "encoding/json", "gob": "encoding/gob",
	"expvar": "expvar", "flag": "flag", "cmp": "cmp",
	"scs":        "github.com/alexedwards/scs/v2",
	"redis":      "github.com/gomodule/redigo/redis",
	"manager":    "github.com/sessionkit/sessionkit/manager",
	"typed":      "github.com/sessionkit/sessionkit/typed",
	"codec":      "github.com/sessionkit/sessionkit/codec",
	"observe":    "github.com/sessionkit/sessionkit/observe",
	"herokuurl":  "github.com/sessionkit/sessionkit/herokuurl",
	"redisstore": "github.com/sessionkit/sessionkit/store/redisstore",
	"boltstore":  "github.com/sessionkit/sessionkit/store/boltstore",
	"memstore":   "github.com/sessionkit/sessionkit/store/memstore",
	"express":    "github.com/sessionkit/sessionkit/express",
}

// prelude declares what the guides' fragments take as given: a request's
// context, a handler's writer and request, a Manager, a User type. A
// snippet that declares one of these itself does not get the prelude's.
var prelude = []struct{ name, decl string }{
	{"ctx", "var ctx context.Context"},
	{"w", "var w http.ResponseWriter"},
	{"r", "var r *http.Request"},
	{"m", "var m *manager.Manager"},
	{"mux", "var mux *http.ServeMux"},
	{"pool", "var pool *redis.Pool"},
	{"cfg", "var cfg herokuurl.Config"},
	{"User", "type User struct {\n\tID   int\n\tName string\n}"},
}

var (
	pkgRef    = regexp.MustCompile(`\b([a-z][a-z0-9]*)\.[A-Za-z_]`)
	topFunc   = regexp.MustCompile(`(?m)^func `)
	generated = regexp.MustCompile(`(s\d{3})\.go:(\d+):\d+: (.*)`)
	declared  = func(name string) *regexp.Regexp {
		return regexp.MustCompile(`(?m)(^|\s)(type|var|const|func)\s+` + name + `\b|\b` + name + `(\s*,\s*\w+)*\s*:=`)
	}
)

// source turns s into a compilable file of package main: a complete file
// stays as it is; a fragment gets the imports it uses and the prelude, and
// unless it declares functions it becomes the body of one.
func source(s snippet) string {
	code := s.code
	if strings.HasPrefix(strings.TrimSpace(code), "package ") {
		return code
	}
	used := map[string]bool{}
	for _, m := range pkgRef.FindAllStringSubmatch(code, -1) {
		if _, ok := imports[m[1]]; ok {
			used[m[1]] = true
		}
	}
	var decls []string
	for _, p := range prelude {
		if declared(p.name).MatchString(code) {
			continue
		}
		decls = append(decls, p.decl)
		for _, m := range pkgRef.FindAllStringSubmatch(p.decl, -1) {
			used[m[1]] = true
		}
	}
	var b strings.Builder
	b.WriteString("package main\n\n")
	names := make([]string, 0, len(used))
	for n := range used {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "import %s %q\n", n, imports[n])
	}
	b.WriteString("\n" + strings.Join(decls, "\n") + "\n\n")
	if topFunc.MatchString(code) {
		b.WriteString(code)
	} else {
		b.WriteString("func _() {\n" + code + "}\n")
	}
	if !strings.Contains(code, "func main()") {
		b.WriteString("\nfunc main() {}\n")
	}
	return b.String()
}

// tolerated are compiler complaints that only mean a fragment shows a
// result without using it.
var tolerated = regexp.MustCompile(`declared and not used|imported and not used|"[^"]+" imported as \w+ and not used`)

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repository root not found from %s: %v", root, err)
	}
	return root
}

func collect(t *testing.T, root string) []snippet {
	t.Helper()
	files := []string{"README.md"}
	guides, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range guides {
		files = append(files, filepath.Join("docs", filepath.Base(g)))
	}
	var all []snippet
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, extract(f, string(b))...)
	}
	return all
}

// TestSnippetsCompile builds every ```go block of README.md and docs/*.md
// as its own package of this module (through a build overlay, so nothing is
// written into the tree).
func TestSnippetsCompile(t *testing.T) {
	root := repoRoot(t)
	snippets := collect(t, root)
	if len(snippets) == 0 {
		t.Fatal("no Go snippets found in README.md and docs/*.md")
	}
	tmp := t.TempDir()
	overlay := map[string]string{}
	var pkgs []string
	where := map[string]snippet{}
	for i, s := range snippets {
		dir := filepath.Join(root, "internal", "docsnippets", fmt.Sprintf("s%03d", i))
		file := filepath.Join(tmp, fmt.Sprintf("s%03d.go", i))
		src := source(s)
		s.offset = strings.Count(src[:strings.Index(src, s.code)], "\n")
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		overlay[filepath.Join(dir, "main.go")] = file
		pkg := "./internal/docsnippets/" + filepath.Base(dir)
		pkgs = append(pkgs, pkg)
		where[filepath.Base(dir)] = s
	}
	ov, _ := json.Marshal(map[string]any{"Replace": overlay})
	ovFile := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(ovFile, ov, 0o644); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"build", "-o", os.DevNull, "-overlay", ovFile, "-gcflags=-e"}, pkgs...)
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	out, _ := cmd.CombinedOutput()

	var problems []string
	for _, line := range strings.Split(string(out), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") || tolerated.MatchString(line) {
			continue
		}
		// Map ".../s003.go:12:3: msg" back to the guide it came from.
		if m := generated.FindStringSubmatch(line); m != nil {
			if s, ok := where[m[1]]; ok {
				n, _ := strconv.Atoi(m[2])
				line = fmt.Sprintf("%s:%d: %s", s.file, s.line+n-s.offset, m[3])
			}
		}
		problems = append(problems, line)
	}
	if len(problems) > 0 {
		t.Errorf("Go snippets in the docs do not compile:\n%s\n\nGenerated sources are built as package main with the imports they use and this prelude: %v",
			strings.Join(problems, "\n"), prelude)
	}
	t.Logf("%d snippets from README.md and docs/*.md built", len(snippets))
}

// TestSnippetWrapping checks the wrapping rules on known shapes, so that a
// broken generator cannot make TestSnippetsCompile pass vacuously.
func TestSnippetWrapping(t *testing.T) {
	frag := source(snippet{code: "u, err := typed.Get[User](ctx, \"user\")\n"})
	for _, want := range []string{`import typed "github.com/sessionkit/sessionkit/typed"`, "type User struct", "var ctx context.Context", "func _() {"} {
		if !strings.Contains(frag, want) {
			t.Errorf("fragment source lacks %q:\n%s", want, frag)
		}
	}
	own := source(snippet{code: "type User struct{ Email string }\nfunc f() {}\n"})
	if strings.Contains(own, "Name string") || strings.Contains(own, "func _() {") {
		t.Errorf("a snippet declaring User and functions got the prelude's User or a wrapper:\n%s", own)
	}
	full := "package main\n\nfunc main() {}\n"
	if got := source(snippet{code: full}); got != full {
		t.Errorf("a complete file was changed:\n%s", got)
	}
	if n := len(extract("x.md", "text\n```go\na := 1\n```\n```sh\nls\n```\n")); n != 1 {
		t.Errorf("extract found %d go blocks, want 1", n)
	}
}
