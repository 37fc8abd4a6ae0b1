package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var writerFindings = []Finding{
	{ID: "DL3008", Severity: Medium, Title: "Pin versions", Message: "unpinned: curl", Evidence: []Evidence{{Path: "a/Dockerfile", Line: 3, Column: 1, EndLine: 4}}},
	{ID: "DL3002", Severity: High, Title: "Last USER should not be root", Evidence: []Evidence{{Path: "b/Dockerfile", Line: 7, Column: 1}}},
	{ID: "HD005", Severity: Low, Title: "Not pinned", Message: "debian:12 <not pinned> & \"quoted\""},
}

func TestWriteCheckstyle(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCheckstyle(&buf, "stdin", writerFindings); err != nil {
		t.Fatal(err)
	}
	var doc checkstyleDoc
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("output is not XML: %v\n%s", err, buf.String())
	}
	want := checkstyleDoc{XMLName: xml.Name{Local: "checkstyle"}, Version: "4.3", Files: []checkstyleFile{
		{Name: "a/Dockerfile", Errors: []checkstyleError{{Line: 3, Column: 1, Severity: "warning", Message: "unpinned: curl", Source: "DL3008"}}},
		{Name: "b/Dockerfile", Errors: []checkstyleError{{Line: 7, Column: 1, Severity: "error", Message: "Last USER should not be root", Source: "DL3002"}}},
		{Name: "stdin", Errors: []checkstyleError{{Severity: "info", Message: "debian:12 <not pinned> & \"quoted\"", Source: "HD005"}}},
	}}
	if diff := cmp.Diff(want, doc); diff != "" {
		t.Errorf("WriteCheckstyle mismatch (-want +got):\n%s", diff)
	}
}

func TestWriteGitLab(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteGitLab(&buf, "stdin", writerFindings); err != nil {
		t.Fatal(err)
	}
	var got []gitlabIssue
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	if len(got) != 3 {
		t.Fatalf("got %d issues, want 3", len(got))
	}
	for i := range got {
		if len(got[i].Fingerprint) != 32 {
			t.Errorf("issue %d: fingerprint %q is not 32 hex digits", i, got[i].Fingerprint)
		}
		got[i].Fingerprint = ""
	}
	want := []gitlabIssue{
		{Description: "DL3008: unpinned: curl", CheckName: "DL3008", Severity: "major", Location: gitlabLocation{Path: "a/Dockerfile", Lines: gitlabLines{Begin: 3, End: 4}}},
		{Description: "DL3002: Last USER should not be root", CheckName: "DL3002", Severity: "critical", Location: gitlabLocation{Path: "b/Dockerfile", Lines: gitlabLines{Begin: 7}}},
		{Description: "HD005: debian:12 <not pinned> & \"quoted\"", CheckName: "HD005", Severity: "minor", Location: gitlabLocation{Path: "stdin", Lines: gitlabLines{Begin: 1}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("WriteGitLab mismatch (-want +got):\n%s", diff)
	}
	// The fingerprint is stable and differs between findings.
	var again bytes.Buffer
	_ = WriteGitLab(&again, "stdin", writerFindings)
	if again.String() != buf.String() {
		t.Error("WriteGitLab is not deterministic")
	}
}
