// Package ci_test checks the CI integrations the repository ships: the
// GitHub Action (action.yml and its scripts) and the GitLab template.
package ci_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harden-dev/harden/internal/testutil"
	"gopkg.in/yaml.v3"
)

func repoRoot(t *testing.T) string {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func run(t *testing.T, dir string, env []string, name string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestActionMetadata checks action.yml and the example workflow with
// GitHub's own parser and schema (@actions/workflow-parser, pinned in
// ci/github/validate), and that the check rejects a broken action.
func TestActionMetadata(t *testing.T) {
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			testutil.Unavailable(t, "%s is not installed", tool)
		}
	}
	root := repoRoot(t)
	dir := t.TempDir()
	for _, f := range []string{"package.json", "package-lock.json", "check.mjs", "json-hook.mjs", "register.mjs"} {
		data, err := os.ReadFile(filepath.Join(root, "ci/github/validate", f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, f), data, 0o644)
	}
	if out, err := run(t, dir, nil, "npm", "ci", "--no-audit", "--no-fund", "--silent"); err != nil {
		testutil.Unavailable(t, "npm ci of GitHub's workflow parser: %v\n%s", err, out)
	}
	check := func(kind, file string) (string, error) {
		return run(t, dir, nil, "node", "--import", "./register.mjs", "check.mjs", kind, file)
	}
	if out, err := check("action", filepath.Join(root, "action.yml")); err != nil {
		t.Errorf("action.yml does not pass GitHub's action schema:\n%s", out)
	}
	if out, err := check("workflow", filepath.Join(root, "ci/github/example-workflow.yml")); err != nil {
		t.Errorf("the example workflow does not pass GitHub's workflow schema:\n%s", out)
	}
	data, _ := os.ReadFile(filepath.Join(root, "action.yml"))
	bad := filepath.Join(dir, "bad-action.yml")
	os.WriteFile(bad, []byte(strings.Replace(string(data), "runs:", "run:", 1)), 0o644)
	if out, err := check("action", bad); err == nil || !strings.Contains(out, "runs") {
		t.Errorf("an action without runs passed the check: %v\n%s", err, out)
	}
	// every input the steps read is declared, and every declared one is used
	var meta struct {
		Inputs map[string]any `yaml:"inputs"`
	}
	if err := yaml.Unmarshal(data, &meta); err != nil {
		t.Fatal(err)
	}
	for name := range meta.Inputs {
		if !strings.Contains(string(data), "inputs."+name+" ") && !strings.Contains(string(data), "inputs."+name+"}") {
			t.Errorf("input %s is declared but not used", name)
		}
	}
}

// TestActionSteps runs the action's shell steps as the runner would:
// install.sh builds harden from the checkout, run.sh runs a command from
// INPUT_* variables and writes the report, the outputs and the summary.
func TestActionSteps(t *testing.T) {
	root := repoRoot(t)
	tmp := t.TempDir()
	env := []string{"GITHUB_ACTION_PATH=" + root, "RUNNER_TEMP=" + tmp, "GITHUB_ACTION_REF=v0.0.0-test"}
	if out, err := run(t, root, env, "bash", "ci/github/install.sh"); err != nil {
		t.Fatalf("install.sh: %v\n%s", err, out)
	}
	work := t.TempDir()
	os.WriteFile(filepath.Join(work, "Dockerfile"), []byte("FROM debian:latest\nRUN apt-get update && apt-get install -y curl\nCMD [\"curl\"]\n"), 0o644)
	step := func(inputs ...string) (outputs map[string]string, summary string) {
		t.Helper()
		out := filepath.Join(t.TempDir(), "output")
		sum := filepath.Join(t.TempDir(), "summary")
		e := append(append([]string{}, env...), "GITHUB_OUTPUT="+out, "GITHUB_STEP_SUMMARY="+sum)
		e = append(e, inputs...)
		if o, err := run(t, work, e, "bash", filepath.Join(root, "ci/github/run.sh")); err != nil {
			t.Fatalf("run.sh %v: %v\n%s", inputs, err, o)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		outputs = map[string]string{}
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			k, v, _ := strings.Cut(line, "=")
			outputs[k] = v
		}
		s, _ := os.ReadFile(sum)
		return outputs, string(s)
	}
	// lint: findings at the threshold give exit code 1, and a SARIF report
	o, summary := step("INPUT_COMMAND=lint", "INPUT_TARGET=Dockerfile", "INPUT_FORMAT=sarif", "INPUT_FAIL_ON=warning", "INPUT_OUTPUT=lint")
	if o["exit-code"] != "1" || o["report"] != "lint.sarif" {
		t.Errorf("lint outputs = %v, want exit-code 1 and report lint.sarif", o)
	}
	sarif, err := os.ReadFile(filepath.Join(work, "lint.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	testutil.ValidateSARIF(t, sarif)
	if !strings.Contains(string(sarif), "DL3007") || !strings.Contains(summary, "harden lint `Dockerfile`: exit 1") {
		t.Errorf("the SARIF lacks DL3007 or the summary is off: %s", summary)
	}
	// the same file passes with --fail-on none... as a lint threshold
	o, _ = step("INPUT_COMMAND=lint", "INPUT_TARGET=Dockerfile", "INPUT_FORMAT=json", "INPUT_FAIL_ON=none")
	if o["exit-code"] != "0" || o["report"] != "harden-report.json" {
		t.Errorf("lint with threshold none: outputs %v", o)
	}
	// a bad command is refused before harden runs
	e := append(append([]string{}, env...), "GITHUB_OUTPUT="+filepath.Join(tmp, "o"), "INPUT_COMMAND=rm", "INPUT_TARGET=x")
	if out, err := run(t, work, e, "bash", filepath.Join(root, "ci/github/run.sh")); err == nil || !strings.Contains(out, "must be lint, audit, scan or minify") {
		t.Errorf("run.sh accepted command rm: %v %s", err, out)
	}
	// audit of a real image, through the docker engine
	testutil.RequireImage(t, testutil.GoAppImage)
	o, summary = step("INPUT_COMMAND=audit", "INPUT_TARGET=docker-daemon:"+testutil.GoAppImage, "INPUT_FORMAT=markdown", "INPUT_FAIL_ON=critical")
	if o["exit-code"] != "0" && o["exit-code"] != "1" {
		t.Errorf("audit outputs = %v", o)
	}
	if !strings.Contains(summary, "Grade") && !strings.Contains(summary, "grade") {
		t.Errorf("the markdown audit is not in the summary:\n%s", summary)
	}
}

// TestGitLabTemplate checks the template's jobs write the report kinds
// GitLab reads, with formats harden has.
func TestGitLabTemplate(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "ci/gitlab/harden.gitlab-ci.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var tpl map[string]struct {
		Extends   string   `yaml:"extends"`
		Script    []string `yaml:"script"`
		Artifacts struct {
			Reports map[string]string `yaml:"reports"`
		} `yaml:"artifacts"`
	}
	if err := yaml.Unmarshal(data, &tpl); err != nil {
		t.Fatalf("the template is not YAML: %v", err)
	}
	want := map[string]string{"harden-lint": "codequality", "harden-scan": "container_scanning"}
	for job, report := range want {
		j, ok := tpl[job]
		if !ok {
			t.Fatalf("job %s is missing", job)
		}
		file := j.Artifacts.Reports[report]
		if file == "" || !strings.Contains(strings.Join(j.Script, "\n"), "--format gitlab > "+file) {
			t.Errorf("job %s does not write its %s report with --format gitlab: %+v", job, report, j)
		}
		if j.Extends != ".harden" {
			t.Errorf("job %s does not install harden", job)
		}
	}
}
