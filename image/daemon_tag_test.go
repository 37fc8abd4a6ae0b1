package image

import "testing"

func TestWithDefaultTag(t *testing.T) {
	for in, want := range map[string]string{
		"nginx":                "nginx:latest",
		"my/app":               "my/app:latest",
		"localhost:5000/app":   "localhost:5000/app:latest",
		"app:1":                "app:1",
		"localhost:5000/app:1": "localhost:5000/app:1",
		"app@sha256:abc":       "app@sha256:abc",
		"sha256:abc":           "sha256:abc",
	} {
		if got := withDefaultTag(in); got != want {
			t.Errorf("withDefaultTag(%q) = %q, want %q", in, got, want)
		}
	}
}
