package image

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseReference(t *testing.T) {
	tests := []struct {
		in      string
		want    Reference
		wantErr string
	}{
		{in: "node:18", want: Reference{Transport: Auto, Name: "node:18"}},
		{in: "my-app:latest", want: Reference{Transport: Auto, Name: "my-app:latest"}},
		{in: "localhost:5000/app:1", want: Reference{Transport: Auto, Name: "localhost:5000/app:1"}},
		{in: "docker-daemon:node:18", want: Reference{Transport: DockerDaemon, Name: "node:18"}},
		{in: "registry:127.0.0.1:5000/app@sha256:abc", want: Reference{Transport: Registry, Name: "127.0.0.1:5000/app@sha256:abc"}},
		{in: "registry://ghcr.io/a/b", want: Reference{Transport: Registry, Name: "ghcr.io/a/b"}},
		{in: "docker-archive:/tmp/app.tar", want: Reference{Transport: DockerArchive, Path: "/tmp/app.tar"}},
		{in: "oci-archive:x.tar", want: Reference{Transport: OCIArchive, Path: "x.tar"}},
		{in: "oci:./layout", want: Reference{Transport: OCILayout, Path: "./layout"}},
		{in: "oci:./layout:v1.2", want: Reference{Transport: OCILayout, Path: "./layout", Name: "v1.2"}},
		{in: "oci:/abs/dir", want: Reference{Transport: OCILayout, Path: "/abs/dir"}},
		{in: "dir:/rootfs", want: Reference{Transport: Dir, Path: "/rootfs"}},
		{in: "", wantErr: "empty image reference"},
		{in: "docker-archive:", wantErr: "needs a path"},
		{in: "docker-daemon:", wantErr: "needs an image name"},
		{in: "docker-archve:x.tar", wantErr: `unknown transport "docker-archve"`},
		{in: "registy:foo/bar", wantErr: `unknown transport "registy"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseReference(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseReference(%q) error = %v, want %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseReference(%q): %v", tt.in, err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("ParseReference(%q) (-want +got):\n%s", tt.in, d)
			}
			if tt.want.Transport != Auto {
				again, err := ParseReference(got.String())
				if err != nil || again != got {
					t.Errorf("round trip of %q gave %+v, %v", got.String(), again, err)
				}
			}
		})
	}
}
