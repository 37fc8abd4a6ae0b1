package testutil

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// CycloneDXSchema compiles CycloneDX's 1.6 JSON schema, with the SPDX
// license and JSF schemas it references, from cyclonedx-go's copy in the
// module cache (no network).
func CycloneDXSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		Unavailable(t, "go env GOMODCACHE: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "github.com/!cyclone!d!x/cyclonedx-go@v0.12.0/schema")
	c := jsonschema.NewCompiler()
	for url, file := range map[string]string{
		"http://cyclonedx.org/schema/bom-1.6.schema.json":  "bom-1.6.schema.json",
		"http://cyclonedx.org/schema/spdx.schema.json":     "spdx.schema.json",
		"http://cyclonedx.org/schema/jsf-0.82.schema.json": "jsf-0.82.schemax.json",
	} {
		f, err := os.Open(filepath.Join(dir, file))
		if err != nil {
			t.Fatalf("CycloneDX schema: %v", err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := c.AddResource(url, doc); err != nil {
			t.Fatal(err)
		}
	}
	c.AssertFormat()
	sch, err := c.Compile("http://cyclonedx.org/schema/bom-1.6.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// spdxSchemaModule is a module that ships SPDX's own 2.3 JSON schema
// (schema/spdx-json/spdx-schema-2.3.json, copied unchanged from spdx-spec).
// No Go module of SPDX's carries it; syft's does, and the Go module proxy
// serves it, so the test fetches that one module zip (about 8 MB, cached
// in the module cache afterwards). It is downloaded, never built.
const spdxSchemaModule = "github.com/anchore/syft@v1.57.1"

// SPDXSchema compiles the SPDX 2.3 JSON schema.
func SPDXSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	cmd := exec.Command("go", "mod", "download", "-json", spdxSchemaModule)
	cmd.Dir = t.TempDir() // outside harden's module: go.mod is not touched
	out, err := cmd.Output()
	if err != nil {
		Unavailable(t, "go mod download %s (for the SPDX 2.3 schema): %v", spdxSchemaModule, err)
	}
	var mod struct{ Dir string }
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		t.Fatalf("go mod download %s: %v: %s", spdxSchemaModule, err, out)
	}
	f, err := os.Open(filepath.Join(mod.Dir, "schema", "spdx-json", "spdx-schema-2.3.json"))
	if err != nil {
		t.Fatalf("SPDX schema: %v", err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("http://spdx.org/rdf/terms/2.3", doc); err != nil {
		t.Fatal(err)
	}
	c.AssertFormat()
	sch, err := c.Compile("http://spdx.org/rdf/terms/2.3")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// SARIFSchema compiles the SARIF 2.1.0 JSON schema kept in this package's
// testdata (testdata/sarif/README.md says where it is from).
func SARIFSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	_, self, _, _ := runtime.Caller(0)
	f, err := os.Open(filepath.Join(filepath.Dir(self), "testdata", "sarif", "sarif-2.1.0-rtm.5.json"))
	if err != nil {
		t.Fatalf("SARIF schema: %v", err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("sarif.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("sarif.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// ValidateSARIF fails t when data is not valid SARIF 2.1.0.
func ValidateSARIF(t testing.TB, data []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("SARIF output is not JSON: %v", err)
	}
	if err := SARIFSchema(t).Validate(inst); err != nil {
		t.Fatalf("SARIF output is not valid SARIF 2.1.0: %v", err)
	}
}

// ValidateCycloneDX reports an error on t when data is not valid
// CycloneDX 1.6 JSON.
func ValidateCycloneDX(t testing.TB, data []byte) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("CycloneDX output is not JSON: %v", err)
	}
	if err := CycloneDXSchema(t).Validate(doc); err != nil {
		t.Errorf("CycloneDX output is not valid against the 1.6 schema: %v", err)
	}
}
