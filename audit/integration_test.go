package audit

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	tu "github.com/harden-dev/harden/internal/testutil"
	"github.com/harden-dev/harden/report"
)

// TestFixtureImages audits the node:18 fixture and the seed's app built on
// it, read from the Docker engine.
func TestFixtureImages(t *testing.T) {
	if testing.Short() {
		t.Skip("reads ~350 MB images from Docker")
	}
	for _, ref := range []string{tu.Node18Image, tu.AppImage} {
		t.Run(ref, func(t *testing.T) {
			tu.RequireImage(t, ref)
			res, in := auditRef(t, "docker-daemon:"+ref, WithReference(ref))
			s := res.Summary
			got := ids(res)
			for _, id := range []string{"shell-present", "package-manager-present", "language-installer-present", "debug-tool-present",
				"runs-as-root", "no-healthcheck", "setuid-file", "latest-tag"} {
				if got[id] == 0 {
					t.Errorf("no %s finding", id)
				}
			}
			for _, want := range []string{"apt", "apt-get", "dpkg", "npm"} {
				if !slices.Contains(s.PackageManagers, want) {
					t.Errorf("package managers %v lack %s", s.PackageManagers, want)
				}
			}
			for _, want := range []string{"curl", "wget", "git", "ssh", "ps"} {
				if !slices.Contains(s.Tools, want) {
					t.Errorf("tools %v lack %s", s.Tools, want)
				}
			}
			for _, needed := range []string{"node", "nodejs"} {
				if slices.Contains(s.Tools, needed) {
					t.Errorf("tools list %s, which the entrypoint runs", needed)
				}
			}
			if !slices.Contains(s.Shells, "bash") || !slices.Contains(s.Shells, "sh") || !s.RunsAsRoot {
				t.Errorf("shells %v, root %v", s.Shells, s.RunsAsRoot)
			}
			if s.Score >= 70 || (s.Grade != "D" && s.Grade != "F") {
				t.Errorf("score %d grade %s, want D or worse", s.Score, s.Grade)
			}
			if s.Packages.Dpkg < 100 || s.SizeBytes < 100<<20 || s.Executables < 100 || s.AttackSurface != "large" {
				t.Errorf("summary = %+v", s)
			}
			if got["stale-package"] != 0 || got["secret-in-file"] != 0 || got["secret-in-env"] != 0 {
				t.Errorf("false positives in a clean fixture: %v", got)
			}
			for _, c := range res.Checks {
				if c.Status == StatusError {
					t.Errorf("check %s failed: %s", c.ID, c.Message)
				}
			}
			if ref == tu.AppImage {
				if ep := in.Entrypoint(); ep.Real != "/usr/bin/node" {
					t.Errorf("entrypoint %+v, want /usr/bin/node", ep)
				}
				found := false
				for _, f := range res.Findings {
					if f.ID == "unnecessary-file" && f.Evidence[0].Path == "/app/Dockerfile" {
						found = true
						if f.Evidence[0].Origin != "own" || !strings.HasPrefix(f.Evidence[0].CreatedBy, "COPY ") {
							t.Errorf("Dockerfile evidence = %+v, want the own COPY layer", f.Evidence[0])
						}
					}
				}
				if !found {
					t.Error("the app's COPY . . did not report /app/Dockerfile")
				}
			}
		})
	}
}

// TestScratchStaticBinary builds a static Go binary, puts it alone in an
// image with go-containerregistry, run as 65532: grade A, nothing above info.
func TestScratchStaticBinary(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "main.go")
	if err := os.WriteFile(src, []byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "app")
	cmd := exec.Command("go", "build", "-trimpath", "-o", bin, src)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOFLAGS=")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.Append(empty.Image, mutate.Addendum{
		Layer:   tu.Layer(t, tu.File{Name: "app", Mode: 0o755, Body: string(data), UID: 65532, GID: 65532}),
		History: v1.History{CreatedBy: "COPY app /app # buildkit", Created: v1.Time{Time: time.Unix(1700000000, 0)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	cf, _ := img.ConfigFile()
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", "amd64"
	cf.Config.User = "65532:65532"
	cf.Config.Entrypoint = []string{"/app"}
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		t.Fatal(err)
	}
	res := auditImage(t, img, WithReference("app:1.0.0"))
	s := res.Summary
	if s.Grade != "A" || s.Score < 90 {
		t.Errorf("score %d grade %s, want A", s.Score, s.Grade)
	}
	for _, f := range res.Findings {
		if f.Severity > report.Info {
			t.Errorf("finding above info: %s %s", f.ID, f.Message)
		}
	}
	if len(s.Shells)+len(s.PackageManagers)+len(s.Tools) != 0 || s.RunsAsRoot || s.AttackSurface != "minimal" || s.Executables != 1 {
		t.Errorf("summary = %+v", s)
	}
	if rows := s.Rows; rows[0].Value != "no" || rows[1].Value != "no" || rows[2].Value != "none" {
		t.Errorf("rows = %+v", rows)
	}
	// Requiring ELF hardening gates on the Go binary (no PIE, no RELRO).
	strict := auditImage(t, img, WithRequireELFHardening(true))
	if !report.AtLeast(strict.Findings, report.High) {
		t.Error("--require-elf-hardening did not raise the unhardened own binary")
	}
}

// TestPlantedSecretsAndSetuid builds an image FROM the node:18 fixture with
// secrets in a build argument, ENV, a RUN line and files, and a setuid
// binary, then checks each is found, with its layer, and that no secret
// value reaches the JSON, SARIF or Markdown output.
func TestPlantedSecretsAndSetuid(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an image with Docker")
	}
	docker := tu.RequireDocker(t)
	tu.RequireImage(t, tu.Node18Image)
	f := newFakes(uint64(time.Now().UnixNano()))
	ctxDir := t.TempDir()
	write := func(name, body string) {
		p := filepath.Join(ctxDir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("creds/.ssh/id_rsa", "-----BEGIN RSA PRIVATE KEY-----\n"+f.KeyBody+"-----END RSA PRIVATE KEY-----\n")
	write("creds/.aws/credentials", "[default]\naws_access_key_id = "+f.AWSKeyID+"\naws_secret_access_key = "+f.AWSSecret+"\n")
	write("creds/.npmrc", "//registry.npmjs.org/:_authToken="+f.Password+"\n")
	write("app/config.js", "module.exports = { slack: '"+f.Slack+"' };\n")
	write("Dockerfile", "FROM "+tu.Node18Image+"\nARG NPM_TOKEN\nENV DB_PASSWORD="+f.Password+"\nCOPY creds/ /root/\nCOPY app/ /app/\n"+
		"RUN echo https://me:"+f.GitHub+"@github.com > /root/.git-credentials && chmod u+s /usr/bin/find\nUSER 1000\n")
	var suffix [6]byte
	_, _ = rand.Read(suffix[:])
	tag := "harden-test/planted-" + hex.EncodeToString(suffix[:]) + ":1"
	t.Cleanup(func() { _ = exec.Command(docker, "rmi", "-f", tag).Run() })
	build := exec.Command(docker, "build", "-q", "--network", "none", "--build-arg", "NPM_TOKEN="+f.Password, "-t", tag, ctxDir)
	build.Env = append(os.Environ(), "DOCKER_BUILDKIT=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("docker build: %v\n%s", err, out)
	}
	res, _ := auditRef(t, "docker-daemon:"+tag, WithReference(tag))
	byID := map[string][]report.Finding{}
	for _, fd := range res.Findings {
		byID[fd.ID] = append(byID[fd.ID], fd)
	}
	has := func(id, substr string) *report.Finding {
		for i, fd := range byID[id] {
			if strings.Contains(fd.Message, substr) {
				return &byID[id][i]
			}
		}
		t.Errorf("no %s finding mentioning %q; have %d %s findings", id, substr, len(byID[id]), id)
		return nil
	}
	has("secret-in-env", "DB_PASSWORD")
	has("secret-in-history", "NPM_TOKEN")
	has("secret-in-history", "DB_PASSWORD")
	has("secret-in-history", "GitHub token")
	has("secret-file", "/root/.ssh/id_rsa")
	has("secret-file", "/root/.aws/credentials")
	has("secret-file", "/root/.git-credentials")
	has("secret-in-file", "/root/.ssh/id_rsa line 1 holds a private key")
	has("secret-in-file", "/root/.aws/credentials line 2 holds a AWS access key ID")
	has("secret-in-file", "/root/.npmrc")
	has("secret-in-file", "/app/config.js line 1 holds a Slack token")
	has("secret-in-file", "/root/.git-credentials")
	if fd := has("setuid-file", "/usr/bin/find"); fd != nil {
		ev := fd.Evidence[0]
		if ev.Origin != "own" || !strings.HasPrefix(ev.CreatedBy, "RUN echo https://me:ghp_****@github.com") || ev.LayerDigest == "" {
			t.Errorf("setuid evidence = %+v, want the own RUN layer, redacted", ev)
		}
	}
	if res.Summary.RunsAsRoot || ids(res)["runs-as-root"] != 0 {
		t.Error("USER 1000 reported as root")
	}
	var out bytes.Buffer
	if err := report.WriteJSON(&out, res); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteSARIF(&out, report.SARIFTool{Name: "harden"}, tag, ReportRules(), res.Findings); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteMarkdownFindings(&out, res.Findings); err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]string{"password": f.Password, "github": f.GitHub, "slack": f.Slack, "aws secret": f.AWSSecret,
		"aws key id": f.AWSKeyID, "private key": strings.Split(f.KeyBody, "\n")[0]} {
		if strings.Contains(out.String(), s) {
			t.Errorf("the %s is in the output", name)
		}
	}
}
