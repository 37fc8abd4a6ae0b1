package elfinfo

import (
	"bytes"
	"os"
	"reflect"
	"testing"
)

func TestLibraryNames(t *testing.T) {
	data := []byte("\x7fELF\x00libvips-cpp.so.42\x00x.so\x00libfoo.so\x00/opt/lib/libbar.so.1\x00../rel/libbaz.so.2\x00" +
		"not NUL-terminated: libx.so here\x00libgcc_s.so.1\x00libvips-cpp.so.42\x00%s/libfmt.so\x00libtrunc.so")
	got := LibraryNames(data)
	want := []string{"libvips-cpp.so.42", "libfoo.so", "/opt/lib/libbar.so.1", "libbaz.so.2", "libgcc_s.so.1", "libfmt.so"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("LibraryNames = %q, want %q", got, want)
	}
}

// glibc unwinds threads on pthread_cancel with libgcc_s.so.1, which it
// loads with dlopen: the name is in its strings, not in DT_NEEDED.
func TestLibraryNamesRealLibc(t *testing.T) {
	data, err := os.ReadFile("/lib/x86_64-linux-gnu/libc.so.6")
	if err != nil {
		t.Skip("no x86-64 glibc on this machine")
	}
	info, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	names := LibraryNames(data)
	found := false
	for _, n := range names {
		found = found || n == "libgcc_s.so.1"
	}
	for _, n := range info.Needed {
		if n == "libgcc_s.so.1" {
			t.Fatalf("libgcc_s.so.1 is in DT_NEEDED: the test proves nothing")
		}
	}
	if !found {
		t.Errorf("libgcc_s.so.1 not among %q", names)
	}
}

// A file that is one long run of name bytes must not make the scan
// quadratic, and yields no name.
func BenchmarkLibraryNamesAdversarial(b *testing.B) {
	data := bytes.Repeat([]byte(".so"), 1<<20)
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		if got := LibraryNames(data); len(got) != 0 {
			b.Fatalf("LibraryNames = %q", got)
		}
	}
}

// The scan rate on a real, large binary (the node this machine has).
func BenchmarkLibraryNamesNode(b *testing.B) {
	data, err := os.ReadFile("/usr/bin/node")
	if err != nil || len(data) < 1<<20 {
		b.Skip("no large node binary here")
	}
	if lib, err := os.ReadFile("/usr/lib/x86_64-linux-gnu/libnode.so.108"); err == nil {
		data = lib
	}
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		LibraryNames(data)
	}
}
