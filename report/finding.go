package report

// Finding is one result of a check: what was found, how bad it is, where the
// proof is, and how to fix it. Checks fill it; renderers print it.
type Finding struct {
	// ID is the check's stable identifier, e.g. "shell-present". Never reused.
	ID string `json:"id"`
	// Aliases are the same check's IDs in other tools (CIS-DI-0001, DL3007, DS002).
	Aliases []string `json:"aliases,omitempty"`
	// Severity says how much the finding matters.
	Severity Severity `json:"severity"`
	// Title is the check's one-line name; the same for every finding of a check.
	Title string `json:"title"`
	// Message says what was found in this instance, with the offending value redacted.
	Message string `json:"message"`
	// Evidence points at what proves the finding; there may be several places.
	Evidence []Evidence `json:"evidence,omitempty"`
	// Fix is a short hint on how to remove the finding.
	Fix string `json:"fix,omitempty"`
}

// Evidence locates a finding: a path in an image or a file, the layer that
// brought it and the instruction that made that layer, or a config key.
type Evidence struct {
	// Path is a file in the image (absolute, cleaned) or a file on disk.
	Path string `json:"path,omitempty"`
	// Line and Column locate the finding in a text file (1-based; 0 when not known).
	Line   int `json:"line,omitempty"`
	Column int `json:"column,omitempty"`
	// EndLine closes a range of lines, when a finding spans several.
	EndLine int `json:"endLine,omitempty"`
	// Layer is the index of the image layer that brought the evidence, or -1.
	Layer *int `json:"layer,omitempty"`
	// LayerDigest is that layer's diff ID.
	LayerDigest string `json:"layerDigest,omitempty"`
	// CreatedBy is the history instruction that made the layer.
	CreatedBy string `json:"createdBy,omitempty"`
	// Origin says whether the layer comes from the base image or the user's own build.
	Origin string `json:"origin,omitempty"`
	// ConfigKey names the image config field, e.g. "Config.User" or "Config.Env[3]".
	ConfigKey string `json:"configKey,omitempty"`
	// Value is a short, already redacted excerpt that shows the problem.
	Value string `json:"value,omitempty"`
}

// LayerIndex returns a pointer to i, for Evidence.Layer.
func LayerIndex(i int) *int { return &i }

// CountBySeverity counts findings per severity.
func CountBySeverity(fs []Finding) map[Severity]int {
	m := make(map[Severity]int)
	for _, f := range fs {
		m[f.Severity]++
	}
	return m
}

// AtLeast reports whether any finding has severity s or higher.
func AtLeast(fs []Finding, s Severity) bool {
	for _, f := range fs {
		if f.Severity >= s {
			return true
		}
	}
	return false
}
