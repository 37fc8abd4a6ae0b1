package testutil

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// moduleDirs and schemas cache, per test binary, what ModuleDir found and
// what compileSchema compiled: a package validates many documents against
// one schema, and neither the go command nor the compiler need run twice.
var moduleDirs, schemas sync.Map

// ModuleDir returns the folder of module path@version in the module cache,
// downloading it through the Go module proxy when it is not there yet. The
// go command runs outside harden's module, so go.mod is never touched.
func ModuleDir(t testing.TB, mod string) string {
	t.Helper()
	if dir, ok := moduleDirs.Load(mod); ok {
		return dir.(string)
	}
	cmd := exec.Command("go", "mod", "download", "-json", mod)
	cmd.Dir = t.TempDir()
	out, err := cmd.Output()
	if err != nil {
		Unavailable(t, "go mod download %s: %v", mod, err)
	}
	var m struct{ Dir string }
	if err := json.Unmarshal(out, &m); err != nil || m.Dir == "" {
		t.Fatalf("go mod download %s: %v: %s", mod, err, out)
	}
	moduleDirs.Store(mod, m.Dir)
	return m.Dir
}

// compileSchema compiles the schema at root from resources (URL → file),
// once per test binary.
func compileSchema(t testing.TB, root string, resources map[string]string, assertFormat bool) *jsonschema.Schema {
	t.Helper()
	if sch, ok := schemas.Load(root); ok {
		return sch.(*jsonschema.Schema)
	}
	c := jsonschema.NewCompiler()
	for url, file := range resources {
		f, err := os.Open(file)
		if err != nil {
			t.Fatalf("schema %s: %v", root, err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatalf("schema %s: %s: %v", root, file, err)
		}
		if err := c.AddResource(url, doc); err != nil {
			t.Fatal(err)
		}
	}
	if assertFormat {
		c.AssertFormat()
	}
	sch, err := c.Compile(root)
	if err != nil {
		t.Fatal(err)
	}
	schemas.Store(root, sch)
	return sch
}

// validate fails t when data is not JSON, and returns why it is not valid
// against sch, or nil.
func validate(t testing.TB, what string, sch *jsonschema.Schema, data []byte) error {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s output is not JSON: %v", what, err)
	}
	return sch.Validate(doc)
}

// CycloneDXModule ships CycloneDX's JSON schemas (schema/), among them the
// SPDX license list (spdx.schema.json).
const CycloneDXModule = "github.com/CycloneDX/cyclonedx-go@v0.12.0"

// CycloneDXSchema compiles CycloneDX's 1.6 JSON schema, with the SPDX
// license and JSF schemas it references, from cyclonedx-go's copy.
func CycloneDXSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	dir := filepath.Join(ModuleDir(t, CycloneDXModule), "schema")
	return compileSchema(t, "http://cyclonedx.org/schema/bom-1.6.schema.json", map[string]string{
		"http://cyclonedx.org/schema/bom-1.6.schema.json":  filepath.Join(dir, "bom-1.6.schema.json"),
		"http://cyclonedx.org/schema/spdx.schema.json":     filepath.Join(dir, "spdx.schema.json"),
		"http://cyclonedx.org/schema/jsf-0.82.schema.json": filepath.Join(dir, "jsf-0.82.schemax.json"),
	}, true)
}

// ValidateCycloneDX reports an error on t when data is not valid
// CycloneDX 1.6 JSON.
func ValidateCycloneDX(t testing.TB, data []byte) {
	t.Helper()
	if err := validate(t, "CycloneDX", CycloneDXSchema(t), data); err != nil {
		t.Errorf("CycloneDX output is not valid against the 1.6 schema: %v", err)
	}
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
	file := filepath.Join(ModuleDir(t, spdxSchemaModule), "schema", "spdx-json", "spdx-schema-2.3.json")
	return compileSchema(t, "http://spdx.org/rdf/terms/2.3", map[string]string{"http://spdx.org/rdf/terms/2.3": file}, true)
}

// ValidateSPDX reports an error on t when data is not valid SPDX 2.3 JSON.
func ValidateSPDX(t testing.TB, data []byte) {
	t.Helper()
	if err := validate(t, "SPDX", SPDXSchema(t), data); err != nil {
		t.Errorf("SPDX output is not valid against the 2.3 schema: %v", err)
	}
}

// SARIFSchema compiles the SARIF 2.1.0 JSON schema kept in this package's
// testdata (testdata/sarif/README.md says where it is from).
func SARIFSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	_, self, _, _ := runtime.Caller(0)
	file := filepath.Join(filepath.Dir(self), "testdata", "sarif", "sarif-2.1.0-rtm.5.json")
	return compileSchema(t, "sarif.json", map[string]string{"sarif.json": file}, false)
}

// ValidateSARIF fails t when data is not valid SARIF 2.1.0.
func ValidateSARIF(t testing.TB, data []byte) {
	t.Helper()
	if err := validate(t, "SARIF", SARIFSchema(t), data); err != nil {
		t.Fatalf("SARIF output is not valid SARIF 2.1.0: %v", err)
	}
}
