package debian

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pault.ag/go/debian/version"
)

// pkg makes an index entry: "name=version" plus relation fields.
func pkg(t *testing.T, id string, fields ...string) *Package {
	t.Helper()
	name, ver, _ := strings.Cut(id, "=")
	v, err := version.Parse(ver)
	if err != nil {
		t.Fatal(err)
	}
	p := &Package{Name: name, Version: v, Architecture: "amd64", Priority: "optional"}
	for _, f := range fields {
		k, val, _ := strings.Cut(f, ": ")
		switch k {
		case "Depends":
			p.Depends = val
		case "Pre-Depends":
			p.PreDepends = val
		case "Provides":
			p.Provides = val
		case "Priority":
			p.Priority = val
		case "Architecture":
			p.Architecture = val
		default:
			t.Fatalf("unknown field %q", k)
		}
	}
	return p
}

func TestResolve(t *testing.T) {
	tests := []struct {
		name     string
		pkgs     []string // "name=ver;Field: value;..."
		request  []string
		exclude  []string
		want     []string // name=version, sorted
		wantCut  []string
		wantErr  string
		reasonOf map[string]string
	}{
		{
			name:     "depends and pre-depends, transitively",
			pkgs:     []string{"app=1;Depends: liba;Pre-Depends: libpre", "liba=1;Depends: libc", "libpre=1", "libc=2", "unused=1"},
			request:  []string{"app"},
			want:     []string{"app=1", "liba=1", "libc=2", "libpre=1"},
			reasonOf: map[string]string{"app": "requested", "liba": "dependency of app", "libc": "dependency of liba", "libpre": "dependency of app"},
		},
		{
			name:    "first alternative with a candidate wins",
			pkgs:    []string{"app=1;Depends: missing | second | third", "second=1", "third=1"},
			request: []string{"app"},
			want:    []string{"app=1", "second=1"},
		},
		{
			name:    "an alternative already chosen wins over the first",
			pkgs:    []string{"app=1;Depends: first | second", "first=1", "second=1"},
			request: []string{"second", "app"},
			want:    []string{"app=1", "second=1"},
		},
		{
			name:    "highest version that fits the constraint",
			pkgs:    []string{"app=1;Depends: lib (<< 3)", "lib=1", "lib=2", "lib=3", "lib=2.5~rc1"},
			request: []string{"app"},
			want:    []string{"app=1", "lib=2.5~rc1"},
		},
		{
			name:    "epochs order versions",
			pkgs:    []string{"app=1;Depends: lib (>= 1:0.1)", "lib=9.9", "lib=1:0.2"},
			request: []string{"app"},
			want:    []string{"app=1", "lib=1:0.2"},
		},
		{
			name:    "no version fits",
			pkgs:    []string{"app=1;Depends: lib (>= 3)", "lib=2"},
			request: []string{"app"},
			wantErr: "app=1:amd64 depends on lib (>= 3): no version of lib fits (have 2)",
		},
		{
			name:    "missing dependency",
			pkgs:    []string{"app=1;Depends: ghost"},
			request: []string{"app"},
			wantErr: "depends on ghost: ghost: no such package for amd64",
		},
		{
			name:    "missing request",
			pkgs:    []string{"app=1"},
			request: []string{"nope"},
			wantErr: "requested nope",
		},
		{
			name:    "virtual package through Provides, by priority then name",
			pkgs:    []string{"app=1;Depends: mail-transport", "zmta=1;Provides: mail-transport;Priority: important", "amta=1;Provides: mail-transport", "bmta=1;Provides: mail-transport;Priority: important"},
			request: []string{"app"},
			want:    []string{"app=1", "bmta=1"},
		},
		{
			name:    "a chosen provider satisfies",
			pkgs:    []string{"app=1;Depends: awk", "mawk=1;Provides: awk", "gawk=1;Provides: awk"},
			request: []string{"gawk", "app"},
			want:    []string{"app=1", "gawk=1"},
		},
		{
			name:    "versioned dependency needs a versioned Provides",
			pkgs:    []string{"app=1;Depends: api (>= 2)", "old=1;Provides: api", "new=1;Provides: api (= 2.1)"},
			request: []string{"app"},
			want:    []string{"app=1", "new=1"},
		},
		{
			name:    "cycle",
			pkgs:    []string{"a=1;Depends: b", "b=1;Pre-Depends: c", "c=1;Depends: a (>= 1)"},
			request: []string{"a"},
			want:    []string{"a=1", "b=1", "c=1"},
		},
		{
			name:    "recommends are never followed",
			pkgs:    []string{"app=1", "extra=1"},
			request: []string{"app"},
			want:    []string{"app=1"},
		},
		{
			name:    "exclude cuts with a warning",
			pkgs:    []string{"app=1;Depends: libx, debconf (>= 0.5) | debconf-2.0", "libx=1;Pre-Depends: awk", "debconf=1;Provides: debconf-2.0", "mawk=1;Provides: awk;Priority: required", "gawk=1;Provides: awk"},
			request: []string{"app"},
			exclude: []string{"debconf", "mawk", "gawk"},
			want:    []string{"app=1", "libx=1"},
			wantCut: []string{"app depends on debconf (>= 0.5) | debconf-2.0, satisfied only by excluded debconf", "libx depends on awk, satisfied only by excluded mawk"},
		},
		{
			name:    "excluding a virtual name",
			pkgs:    []string{"app=1;Depends: debconf-2.0", "cdebconf=1;Provides: debconf-2.0"},
			request: []string{"app"},
			exclude: []string{"debconf-2.0"},
			want:    []string{"app=1"},
			wantCut: []string{"app depends on debconf-2.0, satisfied only by excluded debconf-2.0"},
		},
		{
			name:    "a dependency met otherwise is not cut",
			pkgs:    []string{"app=1;Depends: liba | libb", "liba=1", "libb=1"},
			request: []string{"liba", "app"},
			exclude: []string{"libb"},
			want:    []string{"app=1", "liba=1"},
		},
		{
			name:    "requested and excluded",
			pkgs:    []string{"app=1"},
			request: []string{"app"},
			exclude: []string{"app"},
			wantErr: "both requested and excluded",
		},
		{
			name:    "pinned request",
			pkgs:    []string{"app=1", "app=2"},
			request: []string{"app=1"},
			want:    []string{"app=1"},
		},
		{
			name:    "constrained request",
			pkgs:    []string{"app=1", "app=2", "app=3"},
			request: []string{"app (<< 3)"},
			want:    []string{"app=2"},
		},
		{
			name:    "architecture qualifiers and restrictions",
			pkgs:    []string{"app=1;Depends: python3:any, libarm [arm64], libx [!arm64], tool:i386 | tool", "python3=1", "libarm=1", "libx=1", "tool=1"},
			request: []string{"app"},
			want:    []string{"app=1", "libx=1", "python3=1", "tool=1"},
		},
		{
			name:    "a chosen version that conflicts",
			pkgs:    []string{"a=1;Depends: lib (= 1)", "b=1;Depends: lib (= 2)", "lib=1", "lib=2"},
			request: []string{"a", "b"},
			wantErr: "lib 1 is already chosen",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var pkgs []*Package
			for _, spec := range tt.pkgs {
				parts := strings.Split(spec, ";")
				pkgs = append(pkgs, pkg(t, parts[0], parts[1:]...))
			}
			ix, err := NewIndex("amd64", pkgs)
			if err != nil {
				t.Fatal(err)
			}
			res, err := ix.Resolve(tt.request, WithExclude(tt.exclude...))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Resolve(%q) error = %v, want %q", tt.request, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Resolve(%q) = %v", tt.request, err)
			}
			var got, cut []string
			for _, p := range res.Packages {
				got = append(got, p.Name+"="+p.Version.String())
			}
			for _, c := range res.Cut {
				cut = append(cut, c.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Resolve(%q) packages (-want +got):\n%s", tt.request, diff)
			}
			if diff := cmp.Diff(tt.wantCut, cut); diff != "" {
				t.Errorf("Resolve(%q) cut (-want +got):\n%s", tt.request, diff)
			}
			for name, why := range tt.reasonOf {
				if res.Reasons[name] != why {
					t.Errorf("reason of %s = %q, want %q", name, res.Reasons[name], why)
				}
			}
		})
	}
}

func TestResolveErrorIsTyped(t *testing.T) {
	ix, err := NewIndex("amd64", []*Package{pkg(t, "app=1", "Depends: ghost (>= 1)")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ix.Resolve([]string{"app"})
	var ue *UnsatisfiedError
	if !errors.As(err, &ue) || !errors.Is(err, ErrNotFound) {
		t.Fatalf("Resolve() = %v, want an *UnsatisfiedError wrapping ErrNotFound", err)
	}
	if ue.Package != "app=1:amd64" || ue.Relation != "ghost (>= 1)" {
		t.Errorf("UnsatisfiedError = %+v", ue)
	}
	if _, err := ix.Resolve([]string{"a (>= "}); err == nil {
		t.Error("Resolve(bad request) = nil error")
	}
}

func TestIndexKeepsFirstDuplicate(t *testing.T) {
	a, b := pkg(t, "lib=1"), pkg(t, "lib=1")
	a.Filename, b.Filename = "first", "second"
	ix, err := NewIndex("amd64", []*Package{a, b, pkg(t, "lib=0.9")})
	if err != nil {
		t.Fatal(err)
	}
	if got := ix.Versions("lib"); len(got) != 2 || got[0].Filename != "first" {
		t.Errorf("Versions(lib) = %v, want [first 0.9]", got)
	}
	if _, err := NewIndex("amd64", []*Package{pkg(t, "x=1", "Provides: (")}); err == nil {
		t.Error("NewIndex(bad Provides) = nil error")
	}
}

func TestResolveWithInstalled(t *testing.T) {
	ix, err := NewIndex("amd64", []*Package{
		pkg(t, "app=2", "Depends: libc (>= 2), libold, mta, libnew"),
		pkg(t, "libc=3"), pkg(t, "libc=2"),
		pkg(t, "libold=5", "Depends: ghost"),
		pkg(t, "postfix=1", "Provides: mta"),
		pkg(t, "libnew=1"),
	})
	if err != nil {
		t.Fatal(err)
	}
	installed := []*Package{
		pkg(t, "app=1"), pkg(t, "libc=1"), pkg(t, "libold=4", "Depends: ghost"), pkg(t, "exim=1", "Provides: mta"),
	}
	res, err := ix.Resolve([]string{"app=2"}, WithInstalled(installed...))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range res.Packages {
		got = append(got, p.Name+"="+p.Version.String()+" "+res.Reasons[p.Name])
	}
	// libc 1 is too old: upgraded to the newest; libold and mta (exim) are
	// met by the image, so neither libold 5 nor postfix nor libold's
	// dependencies come in; libnew is new.
	want := []string{"app=2 requested", "libc=3 dependency of app", "libnew=1 dependency of app"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("resolution (-want +got):\n%s", diff)
	}
}
