package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/harden-dev/harden/engine"
	tu "github.com/harden-dev/harden/internal/testutil"
	"github.com/spf13/cobra"
)

// planted holds secrets made up for one test run, so no fixed value can be
// special-cased and none is in the repository.
type planted struct {
	awsID, awsSecret, github, password string
}

func randomString(t *testing.T, alphabet string, n int) string {
	t.Helper()
	b := make([]byte, n)
	for i := range b {
		k, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			t.Fatal(err)
		}
		b[i] = alphabet[k.Int64()]
	}
	return string(b)
}

func newPlanted(t *testing.T) planted {
	const upper, lower, digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz", "0123456789"
	return planted{
		awsID:     "AKIA" + randomString(t, upper+digits, 15) + "7",
		awsSecret: randomString(t, upper+lower+digits+"/+", 38) + "a9",
		github:    "ghp_" + randomString(t, upper+lower+digits, 35) + "Z",
		password:  "Pw9" + randomString(t, upper+lower+digits, 17),
	}
}

// values are the strings no output may contain, by name: the four secrets,
// and a well-known example key assigned to a key that names a secret.
func (p planted) values() map[string]string {
	return map[string]string{"AWS key ID": p.awsID, "AWS secret key": p.awsSecret, "GitHub token": p.github,
		"password": p.password, "example AWS key ID": "AKIA" + "IOSFODNN7EXAMPLE"}
}

// leak returns what of a planted value data holds: the whole value, or
// (a cell cut short) any 10 characters of it after its fixed prefix.
func leak(data []byte, v string) (int, bool) {
	if i := bytes.Index(data, []byte(v)); i >= 0 {
		return i, true
	}
	for i := 4; i+10 <= len(v); i++ {
		if j := bytes.Index(data, []byte(v[i:i+10])); j >= 0 {
			return j, true
		}
	}
	return 0, false
}

// secretImage builds, without Docker, an image with the secrets in ENV,
// LABEL, build arguments a RUN used (as the history records them), ENV and
// LABEL steps of the history, the command line, files, a symlink target
// and a file name. Its entrypoint is ggcr's static hello binary (so minify
// has a program to keep), and it has an npm package with known
// vulnerabilities (so scan has findings to print).
func secretImage(t *testing.T, p planted, shared, archive string) {
	t.Helper()
	hello, err := tarball.ImageFromPath(filepath.Join(shared, "testdata", "images", "ggcr-hello-world-v25.tar"), nil)
	if err != nil {
		t.Fatal(err)
	}
	base, err := hello.Layers()
	if err != nil {
		t.Fatal(err)
	}
	awsEnv := "AWS_ACCESS_KEY_ID=" + p.awsID + "\nAWS_SECRET_ACCESS_KEY=" + p.awsSecret + "\n"
	files := tu.Layer(t,
		tu.Dir("app/"), tu.Dir("root/"), tu.Dir("root/.aws/"), tu.Dir("etc/"),
		tu.Reg("root/.aws/credentials", "[default]\naws_access_key_id = "+p.awsID+"\naws_secret_access_key = "+p.awsSecret+"\n"),
		tu.Reg("app/.env", awsEnv+"GITHUB_TOKEN="+p.github+"\nDB_PASSWORD="+p.password+"\n"),
		tu.Reg("app/config.yml", "database:\n  password: "+p.password+"\n"),
		tu.Reg("app/deploy.sh", "#!/bin/sh\ncurl -H 'Authorization: token "+p.github+"' https://deploy:"+p.password+"@mirror.internal/x\n"),
		tu.Symlink("app/mirror", "https://deploy:"+p.password+"@mirror.internal/pkgs"),
		tu.Reg("app/"+p.github+".json", "{}\n"),
		tu.Dir("app/node_modules/"), tu.Dir("app/node_modules/lodash/"),
		tu.Reg("app/node_modules/lodash/package.json", `{"name": "lodash", "version": "4.17.20"}`+"\n"),
		tu.Reg("etc/passwd", "root:x:0:0:root:/root:/sbin/nologin\n"),
	)
	at := v1.Time{Time: time.Unix(1700000000, 0)}
	args := "|4 AWS_ACCESS_KEY_ID=" + p.awsID + " AWS_SECRET_ACCESS_KEY=" + p.awsSecret + " GITHUB_TOKEN=" + p.github + " DB_PASSWORD=" + p.password
	img, err := mutate.Append(empty.Image,
		mutate.Addendum{Layer: base[0], History: v1.History{Created: at, CreatedBy: "COPY hello / # buildkit"}},
		mutate.Addendum{Layer: files, History: v1.History{Created: at, CreatedBy: "RUN |1 DEPLOY_TOKEN=" + p.github + ` /bin/sh -c curl -fsS -H "Authorization: token $DEPLOY_TOKEN" https://example.invalid/x # buildkit`}},
	)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{
		"RUN " + args + " /bin/sh -c ./deploy.sh # buildkit",
		"ENV AWS_SECRET_ACCESS_KEY=" + p.awsSecret + " DB_PASSWORD=" + p.password,
		"LABEL deploy.token=" + p.github,
		"ENV AWS_EXAMPLE_KEY=AKIA" + "IOSFODNN7EXAMPLE",
		`CMD ["/hello" "--password" "` + p.password + `"]`,
	} {
		if img, err = mutate.Append(img, mutate.Addendum{History: v1.History{Created: at, CreatedBy: h, EmptyLayer: true}}); err != nil {
			t.Fatal(err)
		}
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", "amd64"
	cf.Config.Env = []string{"PATH=/", "AWS_ACCESS_KEY_ID=" + p.awsID, "AWS_SECRET_ACCESS_KEY=" + p.awsSecret,
		"GITHUB_TOKEN=" + p.github, "DB_PASSWORD=" + p.password, "AWS_EXAMPLE_KEY=AKIA" + "IOSFODNN7EXAMPLE",
		"PIP_INDEX_URL=https://deploy:" + p.password + "@pypi.internal/simple"}
	cf.Config.Labels = map[string]string{"deploy.token": p.github, "org.example.db-password": p.password,
		"aws.access-key": p.awsID, "aws.secret-access-key": p.awsSecret}
	cf.Config.Entrypoint = []string{"/hello"}
	cf.Config.Cmd = []string{"--password", p.password, "--token=" + p.github}
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		t.Fatal(err)
	}
	tag, err := name.NewTag("h-redact/secrets:test")
	if err != nil {
		t.Fatal(err)
	}
	if err := tarball.WriteToFile(archive, tag, img); err != nil {
		t.Fatal(err)
	}
}

// TestNoSecretInAnyOutput runs every command that reads an image, in every
// format it has, on an image full of secrets, and looks for them in
// standard output, standard error and every report file written; audit
// must still report each place they are.
func TestNoSecretInAnyOutput(t *testing.T) {
	shared := tu.SharedDir(t)
	p := newPlanted(t)
	dir := t.TempDir()
	archive := filepath.Join(dir, "secrets.tar")
	secretImage(t, p, shared, archive)
	ref := "docker-archive:" + archive
	other := "docker-archive:" + filepath.Join(shared, "testdata", "images", "ggcr-hello-world-v25.tar")
	db := filepath.Join(dir, "db")
	if code := Main(context.Background(), []string{"db", "import", "--db", db, "-q", filepath.Join(shared, "vulndb", "osv", "npm")}, nil, &bytes.Buffer{}, &bytes.Buffer{}); code != 0 {
		t.Fatalf("db import: exit %d", code)
	}

	check := func(t *testing.T, what string, data []byte) {
		t.Helper()
		for name, v := range p.values() {
			if i, ok := leak(data, v); ok {
				lo, hi := max(0, i-60), min(len(data), i+len(v)+20)
				t.Errorf("%s holds the %s (or part of it): %q", what, name, data[lo:hi])
			}
		}
	}
	cacheDir := filepath.Join(dir, "cache")
	run := func(t *testing.T, args ...string) []byte {
		t.Helper()
		var stdout, stderr bytes.Buffer
		args = append(args, "--cache-dir", cacheDir) // the layer cache is written output too
		code := Main(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
		if code > 1 {
			t.Errorf("harden %s: exit %d\n%s", strings.Join(args, " "), code, stderr.String())
		}
		check(t, "stdout", stdout.Bytes())
		check(t, "stderr", stderr.Bytes())
		return stdout.Bytes()
	}
	type cmd struct {
		args    []string
		formats []string
	}
	out := filepath.Join(dir, "out")
	for _, c := range []cmd{
		{[]string{"audit", ref, "--all"}, []string{"table", "json", "sarif", "markdown"}},
		{[]string{"layers", ref}, []string{"table", "json"}},
		{[]string{"files", ref}, []string{"table", "json"}},
		{[]string{"sbom", ref}, []string{"table", "json", "cyclonedx", "spdx"}},
		{[]string{"scan", ref, "--db", db}, []string{"table", "json", "sarif", "cyclonedx"}},
		{[]string{"compare", ref, other, "--db", db}, []string{"table", "json", "markdown", "html"}},
		{[]string{"report", ref, "--compare", other, "--db", db, "--all", "-o", filepath.Join(out, "report.html")}, []string{"table", "json"}},
		{[]string{"minify", ref, "-o", "docker-archive:" + filepath.Join(dir, "min.tar"), "--list", "--explain", "/app/mirror", "--explain", "/app/" + p.github + ".json"}, []string{"table", "json"}},
		{[]string{"runtime", ref}, []string{"table", "json", "docker", "compose", "kubernetes"}},
	} {
		for _, f := range c.formats {
			t.Run(c.args[0]+"/"+f, func(t *testing.T) {
				if err := os.MkdirAll(out, 0o755); err != nil {
					t.Fatal(err)
				}
				stdout := run(t, append(append([]string{}, c.args...), "--format", f)...)
				switch f {
				case "json", "sarif", "cyclonedx", "spdx":
					if !json.Valid(stdout) {
						t.Errorf("redacted output is not JSON any more:\n%s", stdout)
					}
				}
				written, _ := filepath.Glob(filepath.Join(out, "*"))
				for _, w := range written {
					data, err := os.ReadFile(w)
					if err != nil {
						t.Fatal(err)
					}
					check(t, w, data)
				}
				os.RemoveAll(out)
			})
		}
	}

	// nothing the layer cache stored holds a planted value, and it stored
	// something (the layers without a secret)
	t.Run("cache", func(t *testing.T) {
		n := 0
		err := filepath.WalkDir(cacheDir, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			n++
			check(t, p, data)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Error("the layer cache stored nothing")
		}
	})

	// audit still finds every one of them, by its rule
	t.Run("audit/finds", func(t *testing.T) {
		var res struct {
			Findings []struct {
				ID, Message string
				Evidence    []struct {
					Path, ConfigKey, Value string
				}
			}
		}
		if err := json.Unmarshal(run(t, "audit", ref, "--format", "json"), &res); err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, f := range res.Findings {
			seen[f.ID] = true
			for _, e := range f.Evidence {
				seen[f.ID+" "+e.Path+e.ConfigKey] = true
			}
		}
		for _, want := range []string{"secret-in-env", "secret-in-history", "secret-in-file", "secret-file"} {
			if !seen[want] {
				t.Errorf("audit does not report %s; findings: %v", want, seen)
			}
		}
		for _, want := range []string{"secret-in-file /app/.env", "secret-in-file /app/config.yml", "secret-in-file /app/deploy.sh", "secret-file /root/.aws/credentials"} {
			if !seen[want] {
				t.Errorf("audit does not report %q; findings: %v", want, seen)
			}
		}
		// each planted value, in each place, by the name it was given
		var messages strings.Builder
		for _, f := range res.Findings {
			messages.WriteString(f.ID + ": " + f.Message + "\n")
		}
		for _, want := range []string{
			"secret-in-env: environment variable AWS_ACCESS_KEY_ID holds a secret (AWS access key ID)",
			"secret-in-env: environment variable AWS_SECRET_ACCESS_KEY holds a secret",
			"secret-in-env: environment variable GITHUB_TOKEN holds a secret",
			"secret-in-env: environment variable DB_PASSWORD holds a secret",
			"secret-in-env: label deploy.token holds a secret",
			"secret-in-env: label org.example.db-password holds a secret",
			"secret-in-env: label aws.secret-access-key holds a secret",
			"secret-in-history: history step 1 holds a secret: DEPLOY_TOKEN",
			"secret-in-history: history step 2 holds a secret: AWS_SECRET_ACCESS_KEY",
			"secret-in-history: history step 2 holds a secret: GITHUB_TOKEN",
			"secret-in-history: history step 2 holds a secret: DB_PASSWORD",
			"secret-in-history: history step 2 holds a secret: AWS access key ID",
			"secret-in-file: /app/.env line 3 holds a GitHub token",
			"secret-in-file: /root/.aws/credentials line 3 holds a AWS secret access key",
		} {
			if !strings.Contains(messages.String(), want) {
				t.Errorf("audit does not report %q; it reports:\n%s", want, messages.String())
			}
		}
	})

	// an image read from the Docker engine goes the same way
	t.Run("daemon", func(t *testing.T) {
		tu.RequireDocker(t)
		tag := "h-redact/secrets:" + strings.ToLower(randomString(t, "abcdefghijklmnopqrstuvwxyz0123456789", 10))
		ctx, e := context.Background(), engine.New()
		loaded, err := e.LoadArchive(ctx, archive)
		if err != nil {
			t.Fatal(err)
		}
		defer e.RemoveImage(ctx, loaded)
		if err := e.Tag(ctx, loaded, tag); err != nil {
			t.Fatal(err)
		}
		defer e.RemoveImage(ctx, tag)
		for _, f := range []string{"table", "json", "docker", "kubernetes"} {
			run(t, "runtime", "docker-daemon:"+tag, "--format", f)
		}
		run(t, "audit", "docker-daemon:"+tag, "--format", "json")
		run(t, "layers", "docker-daemon:"+tag)
	})
}

// TestHelpNotRedacted: harden's own help goes through the redactor too, and
// it must come out unchanged (KEY=VALUE and --token TOKEN are not secrets).
func TestHelpNotRedacted(t *testing.T) {
	var walk func(path []string, c *cobra.Command)
	walk = func(path []string, c *cobra.Command) {
		var raw bytes.Buffer
		args := append(append([]string{}, path...), "--help")
		root := New(&globals{stdin: strings.NewReader(""), stdout: &raw, stderr: &raw, getenv: func(string) string { return "" }})
		root.SetArgs(args)
		root.SetOut(&raw)
		if err := root.Execute(); err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		Main(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
		if stdout.String() != raw.String() {
			t.Errorf("harden %s --help changed going through the redactor:\n%s", strings.Join(path, " "), stdout.String())
		}
		for _, sub := range c.Commands() {
			if !sub.Hidden && sub.Name() != "help" {
				walk(append(append([]string{}, path...), sub.Name()), sub)
			}
		}
	}
	g := &globals{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, getenv: func(string) string { return "" }}
	walk(nil, New(g))
}
