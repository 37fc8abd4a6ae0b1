package redact

import (
	"bytes"
	"html/template"
	"strings"
	"testing"
)

type env struct {
	Name, Value string
}

type result struct {
	Image   string
	Labels  map[string]string
	Env     []env
	Argv    []string
	History []*step
	Any     any
	Page    template.HTML
	Nested  map[string]any
	hidden  string
}

type step struct{ CreatedBy string }

func TestValue(t *testing.T) {
	s := &step{CreatedBy: "RUN |1 DEPLOY_TOKEN=" + ghToken + " /bin/sh -c make"}
	r := &result{
		Image:   "registry.example.com/app",
		Labels:  map[string]string{"deploy.token": "plain-looking", "maintainer": "me", "https://" + ghToken + "@x": "k"},
		Env:     []env{{"DB_PASSWORD", "hunter2"}, {"HOME", "/root"}, {"AWS_SECRET_KEY", example}},
		Argv:    []string{"/app", "--token", "abcdefgh"},
		History: []*step{s, s}, // shared pointers are walked once
		Any:     step{CreatedBy: "AWS_SECRET_ACCESS_KEY=" + awsSecret},
		Page:    template.HTML("<td>" + ghToken + "</td>"),
		Nested:  map[string]any{"api_key": "x1y2z3w4", "list": []any{"TOKEN=abc123"}},
		hidden:  ghToken,
	}
	Value(r)
	want := map[string]string{
		"image":   "registry.example.com/app",
		"label":   Label(RuleSecretName),
		"env0":    Label(RuleSecretName),
		"env1":    "/root",
		"env2":    Label(RuleSecretName),
		"argv":    Label(RuleSecretName),
		"history": "RUN |1 DEPLOY_TOKEN=<redacted:github-token> /bin/sh -c make",
		"any":     "AWS_SECRET_ACCESS_KEY=<redacted:aws-secret-access-key>",
		"page":    "<td>&lt;redacted:github-token&gt;</td>",
		"nested":  Label(RuleSecretName),
		"list":    "TOKEN=<redacted:secret-name>",
		"hidden":  ghToken, // unexported: no encoder prints it
	}
	got := map[string]string{
		"image": r.Image, "label": r.Labels["deploy.token"], "env0": r.Env[0].Value, "env1": r.Env[1].Value,
		"env2": r.Env[2].Value, "argv": r.Argv[2], "history": r.History[1].CreatedBy, "any": r.Any.(step).CreatedBy,
		"page": string(r.Page), "nested": r.Nested["api_key"].(string), "list": r.Nested["list"].([]any)[0].(string), "hidden": r.hidden,
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: got %q, want %q", k, got[k], w)
		}
	}
	if r.Labels["maintainer"] != "me" || r.Labels["https://<redacted:github-token>@x"] != "k" || len(r.Labels) != 3 {
		t.Errorf("labels: %q", r.Labels)
	}
}

// TestWriter: secrets split across writes, progress lines ended by \r,
// and an HTML page, whose labels must stay text.
func TestWriter(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b)
	in := "progress 10%\rGITHUB_TOKEN=" + ghToken + "\nlast AWS_SECRET_ACCESS_KEY=" + awsSecret
	for i := 0; i < len(in); i += 7 {
		if _, err := w.Write([]byte(in[i:min(len(in), i+7)])); err != nil {
			t.Fatal(err)
		}
	}
	if strings.Contains(b.String(), "last") {
		t.Errorf("an unfinished line was written before Flush: %q", b.String())
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if want := "progress 10%\rGITHUB_TOKEN=<redacted:github-token>\nlast AWS_SECRET_ACCESS_KEY=<redacted:aws-secret-access-key>"; b.String() != want {
		t.Errorf("got %q\nwant %q", b.String(), want)
	}

	page := Bytes([]byte("<!DOCTYPE html>\n<p title=\"TOKEN&#61;abc123def\">" + strings.ReplaceAll(ghToken, "_", "&#95;") + "</p>\n"))
	if want := "<!DOCTYPE html>\n<p title=\"TOKEN&#61;&lt;redacted:secret-name&gt;\">&lt;redacted:github-token&gt;</p>\n"; string(page) != want {
		t.Errorf("HTML: got %q\nwant %q", page, want)
	}
}

// TestNameValueStream: a name and its value on two lines, as CycloneDX
// properties and Kubernetes env entries are written.
func TestNameValueStream(t *testing.T) {
	in := "{\n  \"name\": \"DB_PASSWORD\",\n  \"value\": \"hunter22\"\n},\n{\n  \"name\": \"HOME\",\n  \"value\": \"/root\"\n}\n" +
		"env:\n  - name: API_TOKEN\n    value: abc123xyz\n  - name: LANG\n    value: C.UTF-8\n"
	got := string(Bytes([]byte(in)))
	for _, leak := range []string{"hunter22", "abc123xyz"} {
		if strings.Contains(got, leak) {
			t.Errorf("%s not redacted:\n%s", leak, got)
		}
	}
	for _, keep := range []string{`"/root"`, "C.UTF-8"} {
		if !strings.Contains(got, keep) {
			t.Errorf("%s redacted:\n%s", keep, got)
		}
	}
}
