package minify

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseStraceRealShapes reads the shapes `strace -f -qq -s 4096 -e
// trace=%file,execve,chdir -p PID` printed for the node fixture under the
// helper (Go execs from another thread: "<pid changed to ...>", then
// "<... execve resumed>" padded to a column), with calls split across
// lines by other threads, failures, writes and -f pids.
func TestParseStraceRealShapes(t *testing.T) {
	in := `15747 --- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=0, si_uid=0} ---
15777 newfstatat(AT_FDCWD, "/usr/local/bin/node", 0x38f0f04a9898, 0) = -1 ENOENT (No such file or directory)
15777 newfstatat(AT_FDCWD, "/usr/bin/node", {st_mode=S_IFREG|0755, st_size=26704, ...}, 0) = 0
15777 faccessat2(AT_FDCWD, "/usr/bin/node", X_OK, AT_EACCESS) = 0
15777 execve("/usr/bin/node", ["node", "index.js"], 0x38f0f04a53e0 /* 4 vars */ <pid changed to 15747 ...>
15747 +++ superseded by execve in pid 15777 +++
15747 <... execve resumed>)             = 0
15747 access("/etc/ld.so.preload", R_OK) = -1 ENOENT (No such file or directory)
15747 openat(AT_FDCWD, "/usr/bin/../lib/glibc-hwcaps/x86-64-v4/libnode.so.108", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)
15747 openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3
15747 openat(AT_FDCWD, "/lib/x86_64-linux-gnu/libnode.so.108", O_RDONLY|O_CLOEXEC) = 3
15747 getcwd("/app", 4096)              = 5
15747 statx(AT_FDCWD, "/app/index.js", AT_STATX_SYNC_AS_STAT, STATX_ALL, {stx_mask=STATX_ALL|STATX_MNT_ID, stx_mode=S_IFREG|0644, stx_size=723, ...}) = 0
15747 statx(17, "", AT_STATX_SYNC_AS_STAT|AT_EMPTY_PATH, STATX_ALL, {stx_mask=STATX_ALL, ...}) = 0
15747 openat(AT_FDCWD, "/dev/null", O_RDWR|O_CLOEXEC) = 17
15752 openat(AT_FDCWD, "/usr/share/nodejs/acorn/dist/acorn.js", O_RDONLY|O_CLOEXEC <unfinished ...>
15747 openat(AT_FDCWD, "/var/cache/app/state.json.tmp", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0644 <unfinished ...>
15752 <... openat resumed>)             = 18
15747 <... openat resumed>)             = 19
15747 renameat2(AT_FDCWD, "/var/cache/app/state.json.tmp", AT_FDCWD, "/var/lib/app/state.json", 0) = 0
15747 mkdir("/run/app", 0755)           = 0
15747 mkdir("/srv/ro", 0755)            = -1 EROFS (Read-only file system)
15747 unlinkat(AT_FDCWD, "/home/nonroot/.lock", 0) = 0
15753 openat(AT_FDCWD, "/tmp/x", O_RDWR|O_CREAT|O_EXCL, 0600) = 20
15753 chdir("/data")                    = 0
15753 openat(AT_FDCWD, "rel.txt", O_RDONLY) = 21
15753 openat(3</app>, "fd-relative", O_RDONLY) = 22
15966 +++ killed by SIGKILL +++
15747 +++ killed by SIGKILL +++
`
	got, err := ParseStraceFiles(strings.NewReader(in), "/app", "harden")
	if err != nil {
		t.Fatal(err)
	}
	// the entrypoint binary (the floor missed it), what succeeded, nothing
	// of the helper's PATH lookup, nothing that failed, nothing of /dev
	opened := []string{"/app/index.js", "/data", "/data/rel.txt", "/etc/ld.so.cache", "/home/nonroot/.lock",
		"/lib/x86_64-linux-gnu/libnode.so.108", "/run/app", "/tmp/x", "/usr/bin/node", "/usr/share/nodejs/acorn/dist/acorn.js",
		"/var/cache/app/state.json.tmp"}
	if diff := cmp.Diff(opened, got.Opened); diff != "" {
		t.Errorf("opened (-want +got):\n%s", diff)
	}
	written := []string{"/home/nonroot", "/run", "/tmp", "/var/cache/app", "/var/lib/app"}
	if diff := cmp.Diff(written, got.Written); diff != "" {
		t.Errorf("written (-want +got):\n%s", diff)
	}
}
