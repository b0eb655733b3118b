package herokuurl_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestHerokuAppManifest backs the README's "Deploy to Heroku" button and
// docs/heroku.md: app.json declares the Go buildpack and a Heroku Redis
// add-on attached as REDIS (so the platform sets REDIS_URL, the variable
// FromEnv reads), and the Procfile runs the demo the buildpack builds.
func TestHerokuAppManifest(t *testing.T) {
	raw, err := os.ReadFile("../app.json")
	if err != nil {
		t.Fatalf("the README's Deploy button needs app.json at the repository root: %v", err)
	}
	var app struct {
		Buildpacks []struct{ URL string } `json:"buildpacks"`
		Addons     []struct {
			Plan string `json:"plan"`
			As   string `json:"as"`
		} `json:"addons"`
	}
	if err := json.Unmarshal(raw, &app); err != nil {
		t.Fatalf("app.json: %v", err)
	}
	if len(app.Buildpacks) != 1 || app.Buildpacks[0].URL != "heroku/go" {
		t.Errorf("app.json buildpacks = %+v, want heroku/go", app.Buildpacks)
	}
	redis := false
	for _, a := range app.Addons {
		redis = redis || strings.HasPrefix(a.Plan, "heroku-redis:") && a.As == "REDIS"
	}
	if !redis {
		t.Errorf("app.json add-ons %+v: no heroku-redis attached as REDIS", app.Addons)
	}
	proc, err := os.ReadFile("../Procfile")
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(proc)) != "web: bin/sessiondemo" {
		t.Errorf("Procfile = %q, want web: bin/sessiondemo", proc)
	}
	if _, err := os.Stat("../cmd/sessiondemo/main.go"); err != nil {
		t.Errorf("the Procfile's sessiondemo: %v", err)
	}
}
