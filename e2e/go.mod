module github.com/sessionkit/sessionkit/e2e

go 1.25

replace github.com/sessionkit/sessionkit => ../

require (
	github.com/chromedp/chromedp v0.23.0
	github.com/sessionkit/sessionkit v0.0.0-00010101000000-000000000000
)

require (
	github.com/chromedp/cdproto v0.159.0 // indirect
	github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
	github.com/gomodule/redigo v1.9.3 // indirect
)
