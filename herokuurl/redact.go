package herokuurl

import (
	"log/slog"
	"strconv"
)

// GoString is String for %#v, quoted: fmt's %#v prints every field
// otherwise, both passwords included, and it is what a debugging print or
// a test failure message often uses. Costs one String.
func (c Config) GoString() string { return "herokuurl.Config(" + strconv.Quote(c.String()) + ")" }

// LogValue makes log/slog print String, the redacted URL: its JSON handler
// would otherwise marshal every exported field, both passwords included.
// Costs one String per logged record.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }
