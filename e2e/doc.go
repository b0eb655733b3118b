// Package e2e drives cmd/sessiondemo in a real headless Chromium. It is its
// own module so that chromedp stays out of sessionkit's go.mod.
package e2e
