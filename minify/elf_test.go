package minify_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	tu "github.com/harden-dev/harden/internal/testutil"
	"github.com/harden-dev/harden/minify"
)

func TestELFClosure(t *testing.T) {
	tests := []struct {
		name     string
		cfg      func(*v1.Config)
		files    []tu.File
		want     []string // kept
		notWant  []string
		warnings []string // substrings
	}{
		{
			name: "RUNPATH, then $ORIGIN in a library's RUNPATH; a missing library is a warning",
			cfg:  cmdCfg("/opt/app/bin/app"),
			files: []tu.File{
				tu.Exe("opt/app/bin/app", elfFile(t, "app-runpath")),
				tu.Exe("opt/app/lib/liba.so.1", elfFile(t, "liba.so.1")),
				tu.Exe("opt/app/b/libb.so.1", elfFile(t, "libb.so.1")),
				tu.Exe("opt/app/b/unused.so", elfFile(t, "libb.so.1")),
			},
			want: []string{"/opt/app/bin/app", "/opt/app/lib/liba.so.1", "/opt/app/b/libb.so.1",
				"/lib64", "/usr/lib64/ld-linux-x86-64.so.2", "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"},
			notWant:  []string{"/opt/app/b/unused.so"},
			warnings: []string{"libmissing.so.1, needed by /opt/app/bin/app, is not in the image"},
		},
		{
			name: "DT_RPATH with $ORIGIN, libc from the multiarch default through /lib -> usr/lib",
			cfg:  cmdCfg("/srv/app"),
			files: []tu.File{
				tu.Exe("srv/app", elfFile(t, "app-rpath")),
				tu.Exe("srv/lib/liba.so.1", elfFile(t, "liba.so.1")),
				tu.Exe("srv/b/libb.so.1", elfFile(t, "libb.so.1")),
				tu.Exe("usr/lib/x86_64-linux-gnu/libc.so.6", elfFile(t, "libc.so.6")),
			},
			want: []string{"/srv/app", "/srv/lib/liba.so.1", "/srv/b/libb.so.1", "/usr/lib/x86_64-linux-gnu/libc.so.6"},
		},
		{
			name: "ld.so.conf and its includes",
			cfg:  cmdCfg("app"),
			files: []tu.File{
				tu.Exe("usr/bin/app", elfFile(t, "app-plain")),
				tu.Reg("etc/ld.so.conf", "# comment\ninclude /etc/ld.so.conf.d/*.conf\n"),
				tu.Reg("etc/ld.so.conf.d/custom.conf", "/opt/custom/lib  # vendor libs\n"),
				tu.Reg("etc/ld.so.conf.d/other.txt", "/opt/wrong/lib\n"),
				tu.Exe("opt/wrong/lib/libb.so.1", elfFile(t, "libb.so.1")),
				tu.Exe("opt/custom/lib/libb.so.1", elfFile(t, "libb.so.1")),
				tu.Exe("usr/lib/x86_64-linux-gnu/libc.so.6", elfFile(t, "libc.so.6")),
				tu.Reg("etc/ld.so.cache", "cache"),
			},
			want:    []string{"/usr/bin/app", "/opt/custom/lib/libb.so.1", "/etc/ld.so.cache"},
			notWant: []string{"/opt/wrong/lib/libb.so.1"},
		},
		{
			name: "LD_LIBRARY_PATH comes before the defaults",
			cfg: func(c *v1.Config) {
				c.Cmd = []string{"/usr/bin/app"}
				c.Env = []string{"LD_LIBRARY_PATH=/vendor/lib"}
			},
			files: []tu.File{
				tu.Exe("usr/bin/app", elfFile(t, "app-plain")),
				tu.Exe("vendor/lib/libb.so.1", elfFile(t, "libb.so.1")),
				tu.Exe("usr/lib/x86_64-linux-gnu/libb.so.1", elfFile(t, "libb.so.1")),
				tu.Exe("usr/lib/x86_64-linux-gnu/libc.so.6", elfFile(t, "libc.so.6")),
			},
			want:    []string{"/vendor/lib/libb.so.1"},
			notWant: []string{"/usr/lib/x86_64-linux-gnu/libb.so.1"},
		},
		{
			name: "a library of another class is skipped",
			cfg:  cmdCfg("/usr/bin/app"),
			files: []tu.File{
				tu.Exe("usr/bin/app", elfFile(t, "app-plain")),
				tu.Reg("etc/ld.so.conf", "/opt/junk\n"),
				tu.Exe("opt/junk/libb.so.1", "\x7fELF not really"),
				tu.Exe("usr/lib/x86_64-linux-gnu/libb.so.1", elfFile(t, "libb.so.1")),
				tu.Exe("usr/lib/x86_64-linux-gnu/libc.so.6", elfFile(t, "libc.so.6")),
			},
			want:    []string{"/usr/lib/x86_64-linux-gnu/libb.so.1"},
			notWant: []string{"/opt/junk/libb.so.1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, sel := plan(t, tt.cfg, [][]tu.File{append(interp(), tt.files...)})
			got := keptPaths(sel)
			for _, w := range tt.want {
				if !contains(got, w) {
					t.Errorf("%s is not kept; kept: %v", w, got)
				}
			}
			for _, w := range tt.notWant {
				if contains(got, w) {
					t.Errorf("%s is kept: %v", w, sel.Explain(w).Reasons)
				}
			}
			for _, w := range tt.warnings {
				if !strings.Contains(strings.Join(sel.Warnings, "\n"), w) {
					t.Errorf("warnings %q lack %q", sel.Warnings, w)
				}
			}
		})
	}
}

func TestMissingLibraryStrict(t *testing.T) {
	files := append(interp(),
		tu.Exe("opt/app/bin/app", elfFile(t, "app-runpath")),
		tu.Exe("opt/app/lib/liba.so.1", elfFile(t, "liba.so.1")),
		tu.Exe("opt/app/b/libb.so.1", elfFile(t, "libb.so.1")))
	img := tu.Image(t, cmdCfg("/opt/app/bin/app"), files)
	_, err := minify.Plan(context.Background(), index(t, img), minify.WithStrict(true))
	if !errors.Is(err, minify.ErrMissingLibrary) || !strings.Contains(err.Error(), "libmissing.so.1") {
		t.Fatalf("Plan(strict) = %v, want ErrMissingLibrary naming libmissing.so.1", err)
	}
}
