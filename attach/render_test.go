package attach

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestWriteList(t *testing.T) {
	created := time.Date(2026, 12, 5, 1, 2, 3, 0, time.UTC)
	list := []Attached{
		{Digest: "sha256:aa", Kind: Audit, Format: "json", MediaType: TypeAudit, Created: created, Version: "v1.2.3"},
		{Digest: "sha256:bb", MediaType: "application/vnd.dev.cosign.simplesigning.v1+json"},
	}
	var table bytes.Buffer
	if err := WriteList(&table, "table", "reg/app@sha256:cc", list); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(table.String()), "\n")
	if len(lines) != 5 || lines[0] != "reg/app@sha256:cc" || !strings.HasPrefix(lines[2], "CREATED") {
		t.Fatalf("table:\n%s", table.String())
	}
	if f := strings.Fields(lines[3]); strings.Join(f, " ") != "2026-12-05T01:02:03Z audit json v1.2.3 sha256:aa" {
		t.Errorf("harden's row: %q", lines[3])
	}
	// another tool's artifact: no date, no kind, its media type for a format
	if f := strings.Fields(lines[4]); strings.Join(f, " ") != "- - application/vnd.dev.cosign.simplesigning.v1+json sha256:bb" {
		t.Errorf("another tool's row: %q", lines[4])
	}
	var empty bytes.Buffer
	if err := WriteList(&empty, "table", "reg/app@sha256:cc", nil); err != nil || !strings.Contains(empty.String(), "No results attached.") {
		t.Errorf("empty list: %v %q", err, empty.String())
	}
	var js bytes.Buffer
	if err := WriteList(&js, "json", "reg/app@sha256:cc", list); err != nil {
		t.Fatal(err)
	}
	var v Listing
	if err := json.Unmarshal(js.Bytes(), &v); err != nil || v.Image != "reg/app@sha256:cc" || len(v.Results) != 2 || v.Results[0].Kind != Audit {
		t.Errorf("json: %v %+v", err, v)
	}
}
