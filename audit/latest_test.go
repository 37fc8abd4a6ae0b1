package audit

import "testing"

func TestLatestTag(t *testing.T) {
	runCases(t, latestTag{}, []checkCase{
		{name: "no name", status: StatusSkipped},
		{name: "versioned reference", opts: []Option{WithReference("app:1.2.3", "app:latest")}},
		{name: "digest", opts: []Option{WithReference("app@sha256:" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")}},
		{name: "latest", opts: []Option{WithReference("registry.example:5000/app:latest")},
			want: []string{"registry.example:5000/app:latest uses the tag latest"}},
		{name: "no tag", opts: []Option{WithReference("node")}, want: []string{"node has no tag, which means latest"}},
		{name: "archive tags", opts: []Option{WithReference("", "dive-test:latest")}, want: []string{"dive-test:latest uses the tag latest"}},
	})
}
