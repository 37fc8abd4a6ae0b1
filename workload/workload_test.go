package workload

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/harden-dev/harden/report"
	"github.com/harden-dev/harden/runconfig"
)

func ids(fs []report.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.ID)
	}
	sort.Strings(out)
	return out
}

func lineOf(t *testing.T, fs []report.Finding, id string) int {
	t.Helper()
	for _, f := range fs {
		if f.ID == id {
			return f.Evidence[0].Line
		}
	}
	t.Fatalf("no %s finding in %v", id, ids(fs))
	return 0
}

func TestKubernetesFindingsWithLines(t *testing.T) {
	res, err := CheckFiles([]string{"testdata/bad.yaml"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Containers) != 2 || res.Containers[0].Workload != "Deployment/web" || res.Containers[1].Workload != "CronJob/nightly" {
		t.Fatalf("containers = %+v", res.Containers)
	}
	var web, job []report.Finding
	for _, f := range res.Findings {
		if strings.HasPrefix(f.Message, "Deployment/web") {
			web = append(web, f)
		} else {
			job = append(job, f)
		}
	}
	want := "capabilities-not-dropped dangerous-capability docker-socket host-network image-without-digest may-run-as-root privilege-escalation privileged sensitive-host-path writable-root-filesystem"
	if got := strings.Join(ids(web), " "); got != want {
		t.Errorf("web findings:\n got %s\nwant %s", got, want)
	}
	if n := lineOf(t, web, "privileged"); n != 37 {
		t.Errorf("privileged is reported on line %d, want 37", n)
	}
	if n := lineOf(t, web, "host-network"); n != 22 {
		t.Errorf("host-network on line %d, want 22", n)
	}
	// /root is declared but not mounted by the container: not reported
	for _, f := range web {
		if strings.Contains(f.Message, "/root") {
			t.Errorf("an unmounted hostPath was reported: %s", f.Message)
		}
	}
	if got := strings.Join(ids(job), " "); got != "host-pid may-run-as-root" {
		t.Errorf("cron job findings = %s", got)
	}
	for _, f := range web {
		if f.ID == "privileged" && (!slices.Contains(f.Aliases, "KSV017") || !slices.Contains(f.Aliases, "C-0057") || !slices.Contains(f.Aliases, "PSS-baseline")) {
			t.Errorf("privileged aliases = %v", f.Aliases)
		}
	}
}

func TestHardenedListPasses(t *testing.T) {
	res, err := CheckFiles([]string{"testdata/good.yaml"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Containers) != 2 || !res.Containers[0].Init {
		t.Fatalf("containers = %+v", res.Containers)
	}
	if len(res.Findings) != 0 {
		t.Errorf("a hardened StatefulSet has findings: %v", ids(res.Findings))
	}
}

func TestStrictDecoding(t *testing.T) {
	src := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: x\n      securityContex:\n        privileged: true\n"
	_, err := Load("pod.yaml", strings.NewReader(src))
	if err == nil || !strings.Contains(err.Error(), "securityContex") {
		t.Fatalf("a misspelt field was accepted: %v", err)
	}
	if _, err := Load("x.yaml", strings.NewReader("apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: d}\n")); err == nil {
		t.Error("a Deployment outside apps/v1 was accepted")
	}
	if _, err := Load("x.yaml", strings.NewReader("a: [1, 2\n")); err == nil {
		t.Error("broken YAML was accepted")
	}
}

func TestCompose(t *testing.T) {
	res, err := CheckFiles([]string{"testdata/compose.yaml"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var app, agent []report.Finding
	for _, f := range res.Findings {
		if strings.HasPrefix(f.Message, "service/app ") {
			app = append(app, f)
		} else {
			agent = append(agent, f)
		}
	}
	if got := strings.Join(ids(app), " "); got != "image-without-digest" {
		t.Errorf("app findings = %s", got)
	}
	want := "capabilities-not-dropped docker-socket host-network host-pid image-without-digest may-run-as-root privilege-escalation privileged sensitive-host-path writable-root-filesystem"
	if got := strings.Join(ids(agent), " "); got != want {
		t.Errorf("agent findings:\n got %s\nwant %s", got, want)
	}
	if n := lineOf(t, agent, "privileged"); n != 10 {
		t.Errorf("privileged on line %d, want 10", n)
	}
}

// TestRuntimeOutputPassesItsOwnCheck: the Pod `harden runtime --format
// kubernetes` prints is hardened by this check's measure, except the
// digest, which only a registry reference has.
func TestRuntimeOutputPassesItsOwnCheck(t *testing.T) {
	for _, image := range []string{"app:1", "registry.local/app:1@sha256:2222222222222222222222222222222222222222222222222222222222222222"} {
		s := runconfig.Settings{Image: image, User: "65532:65532", ReadOnly: true, Tmpfs: []string{"/tmp"}, CapDrop: []string{"ALL"},
			CapAdd: []string{"NET_BIND_SERVICE"}, NoNewPrivileges: true, Seccomp: "RuntimeDefault", Ports: []runconfig.Port{{Port: 80, Proto: "tcp"}}}
		var b strings.Builder
		if err := s.WriteKubernetes(&b); err != nil {
			t.Fatal(err)
		}
		cs, err := Load("pod.yaml", strings.NewReader(b.String()))
		if err != nil || len(cs) != 1 {
			t.Fatalf("runtime's Pod does not load: %v\n%s", err, b.String())
		}
		got := strings.Join(ids(Check(&cs[0])), " ")
		want := ""
		if !strings.Contains(image, "@") {
			want = "image-without-digest"
		}
		if got != want {
			t.Errorf("%s: findings %q, want %q\n%s", image, got, want, b.String())
		}
	}
}
