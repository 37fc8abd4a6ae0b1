package policy

import (
	"strings"
	"testing"
)

func TestAuditValidate(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		wantErr string
	}{
		{"empty", "", ""},
		{"valid", "audit:\n  acceptFiles: [id_rsa, /app/certs/**]\n  acceptKeys: [GPG_*]\n  minScore: 70\n  requireELFHardening: true\n", ""},
		{"bad file glob", "audit:\n  acceptFiles: ['[x']\n", "audit.acceptFiles: bad pattern"},
		{"bad key glob", "audit:\n  acceptKeys: ['[']\n", "audit.acceptKeys: bad pattern"},
		{"empty key", "audit:\n  acceptKeys: ['']\n", "audit.acceptKeys: empty pattern"},
		{"score too high", "audit:\n  minScore: 101\n", "audit.minScore: 101"},
		{"score negative", "audit:\n  minScore: -1\n", "audit.minScore: -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Load checks every section, so a bad audit value fails the load
			_, err := Load(strings.NewReader(tt.yaml))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Validate() = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestAuditSectionParses(t *testing.T) {
	c, err := Load(strings.NewReader("audit:\n  acceptKeys: [MY_KEY]\n  minScore: 80\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Audit.MinScore != 80 || len(c.Audit.AcceptKeys) != 1 || c.Audit.AcceptKeys[0] != "MY_KEY" {
		t.Errorf("Audit = %+v", c.Audit)
	}
}
