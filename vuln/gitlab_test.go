package vuln

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestGitLabReport checks the container scanning report against the
// required part of GitLab's schema 15.0.7 (testdata/gitlab: GitLab's
// schema file cannot be fetched here, see its $comment).
func TestGitLabReport(t *testing.T) {
	db := testDB(t, filepath.Join(sharedVulnDB(t), "osv", "Go"))
	s := testSBOM(pkg("go-module", "Go", "golang.org/x/net", "v0.15.0"))
	s.Source.Name = "docker-daemon:app:1"
	res, err := Match(context.Background(), db, s, WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	rep := GitLab(res, "v1.2.3", fixedNow, fixedNow)
	data, _ := json.Marshal(rep)
	f, err := os.Open("testdata/gitlab/container-scanning-required.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AddResource("gitlab.json", doc)
	sch, err := c.Compile("gitlab.json")
	if err != nil {
		t.Fatal(err)
	}
	inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("the report fails the schema: %v", err)
	}
	if len(rep.Vulnerabilities) != len(res.Findings) || len(rep.Vulnerabilities) == 0 {
		t.Fatalf("%d vulnerabilities for %d findings", len(rep.Vulnerabilities), len(res.Findings))
	}
	v := rep.Vulnerabilities[0]
	if v.Location.Image != "app:1" || v.Location.Dependency.Package.Name != "golang.org/x/net" || v.Identifiers[0].Value != res.Findings[0].ID {
		t.Errorf("first vulnerability = %+v", v)
	}
	// the same finding keeps its ID from one pipeline to the next
	again := GitLab(res, "v1.2.3", fixedNow.Add(3600e9), fixedNow.Add(3600e9))
	if again.Vulnerabilities[0].ID != v.ID {
		t.Error("vulnerability IDs are not stable")
	}
	// and a report missing an identifier fails the schema (the check can fail)
	rep.Vulnerabilities[0].Identifiers = nil
	data, _ = json.Marshal(rep)
	inst, _ = jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err := sch.Validate(inst); err == nil {
		t.Error("a vulnerability without identifiers passed")
	}
}
