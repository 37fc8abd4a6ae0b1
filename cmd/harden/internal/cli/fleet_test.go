package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harden-dev/harden/fleet"
)

// TestFleetKubernetesPassesRuntimeCheck writes the Job for a list of
// images and runs harden runtime check --fail-on low over it: the objects
// decode strictly and no container setting is flagged.
func TestFleetKubernetesPassesRuntimeCheck(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "images.txt")
	if err := os.WriteFile(list, []byte("# nightly\nregistry.example/a:1\nregistry.example/b:1\n\nregistry.example/a:2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "fleet.yaml")
	img := "ghcr.io/harden-dev/harden:v1@sha256:" + strings.Repeat("ab", 32)
	_, stderr := run(t, "fleet", "kubernetes", "--images-from", list, "--parallelism", "2", "--image", img, "--registry-secret", "regcred", "-o", out)
	if !strings.Contains(stderr, "3 images in 2 shards, 2 pods at a time") {
		t.Errorf("stderr: %s", stderr)
	}
	check, _ := run(t, "runtime", "check", "--fail-on", "low", "--format", "json", out)
	var res struct {
		Containers []struct{ Workload, Image string }
		Findings   []struct{ ID string }
	}
	if err := json.Unmarshal([]byte(check), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Containers) != 1 || res.Containers[0].Workload != "Job/harden-fleet" || res.Containers[0].Image != img || len(res.Findings) != 0 {
		t.Fatalf("runtime check: %+v", res)
	}

	// stdout is the file's bytes: the user's own artifact, not redacted
	// (automountServiceAccountToken and secretName look like secrets)
	yamlOut, _ := run(t, "fleet", "kubernetes", "--images-from", list, "--parallelism", "2", "--image", img, "--registry-secret", "regcred")
	if b, _ := os.ReadFile(out); yamlOut != string(b) || strings.Contains(yamlOut, "redacted") {
		t.Fatalf("stdout differs from -o or is redacted:\n%s", yamlOut)
	}

	// --format json is a v1 List of the same three objects; stdin works
	var stdout, errb bytes.Buffer
	code := Main(context.Background(), []string{"fleet", "kubernetes", "--images-from", "-", "--parallelism", "1", "--image", img, "--format", "json"},
		strings.NewReader("registry.example/a:1\n"), &stdout, &errb)
	var l struct {
		Kind  string
		Items []struct {
			Kind                         string
			AutomountServiceAccountToken *bool
		}
	}
	if code != 0 || json.Unmarshal(stdout.Bytes(), &l) != nil || l.Kind != "List" || len(l.Items) != 3 || l.Items[2].Kind != "Job" ||
		l.Items[0].AutomountServiceAccountToken == nil || *l.Items[0].AutomountServiceAccountToken {
		t.Fatalf("exit %d: %s %s", code, stdout.String(), errb.String())
	}
	if code := Main(context.Background(), []string{"fleet", "kubernetes", "--parallelism", "1", "--image", img}, nil, &stdout, &errb); code == 0 {
		t.Error("no --images-from: exit 0")
	}
}

// TestFleetArgsAreAuditFlags parses the pods' command line with the real
// audit command's flags, so a misspelt flag in the Job fails here rather
// than in every pod.
func TestFleetArgsAreAuditFlags(t *testing.T) {
	o, err := fleet.Build(fleet.Job{Image: "harden:dev", Images: []string{"r.example/a:1"}, Parallelism: 1, Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	args := o.Job.Spec.Template.Spec.Containers[0].Args
	if args[0] != "audit" {
		t.Fatalf("the pod runs %q, not audit", args[0])
	}
	root := New(&globals{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, getenv: func(string) string { return "" }})
	audit, _, err := root.Find([]string{"audit"})
	if err != nil {
		t.Fatal(err)
	}
	fs := audit.Flags()
	fs.AddFlagSet(root.PersistentFlags())
	for i := 1; i < len(args); i++ {
		name, ok := strings.CutPrefix(args[i], "--")
		if !ok {
			t.Fatalf("argument %q is not a flag (the images come from --images-from)", args[i])
		}
		fl := fs.Lookup(name)
		if fl == nil {
			t.Fatalf("audit has no flag --%s", name)
		}
		if fl.Value.Type() != "bool" {
			i++
			if name == "format" && args[i] != "jsonl" {
				t.Errorf("--format %s, want jsonl (one line per image in the pod's log)", args[i])
			}
		}
	}
}
