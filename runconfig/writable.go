package runconfig

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/harden-dev/harden/audit"
	"github.com/harden-dev/harden/fsindex"
)

// WritableLabel is the image label that lists, as a JSON array of
// absolute directories, where the program writes at run time. harden minify
// records it (from the trace and the runtime profiles); Recommend mounts a
// tmpfs for each, so `harden runtime` and `minify --verify` run the image
// with the writable places it needs under --read-only.
const WritableLabel = "dev.harden.writable"

// EncodeWritable is the label value for paths: cleaned, absolute, sorted,
// without duplicates or paths below another listed one.
func EncodeWritable(paths []string) string {
	var clean []string
	for _, p := range paths {
		if !strings.HasPrefix(p, "/") {
			continue
		}
		clean = append(clean, path.Clean(p))
	}
	sort.Strings(clean)
	var out []string
	for _, p := range clean {
		if len(out) > 0 && (out[len(out)-1] == p || under(p, out[len(out)-1])) {
			continue
		}
		out = append(out, p)
	}
	if out == nil {
		out = []string{}
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// DecodeWritable reads the label value; a malformed one is an error.
func DecodeWritable(v string) ([]string, error) {
	var out []string
	if err := json.Unmarshal([]byte(v), &out); err != nil {
		return nil, fmt.Errorf("label %s: %w", WritableLabel, err)
	}
	return out, nil
}

func under(p, dir string) bool {
	return dir == "/" || strings.HasPrefix(p, dir+"/")
}

// writableTmpfs adds a tmpfs for each path the image's label lists, and a
// note when the label cannot be read or names a place a tmpfs must not go.
func (s *Settings) writableTmpfs(labels map[string]string) {
	v, ok := labels[WritableLabel]
	if !ok {
		return
	}
	paths, err := DecodeWritable(v)
	if err != nil {
		s.Notes = append(s.Notes, err.Error())
		return
	}
	for _, p := range paths {
		p = path.Clean(p)
		switch {
		case !strings.HasPrefix(p, "/") || p == "/":
			s.Notes = append(s.Notes, fmt.Sprintf("label %s names %q: not a place for a tmpfs", WritableLabel, p))
			continue
		case under(p, "/proc") || under(p, "/sys") || under(p, "/dev") || p == "/proc" || p == "/sys" || p == "/dev":
			continue // the engine provides these
		}
		s.addTmpfs(p)
	}
}

// addTmpfs adds a tmpfs at d unless one (or a volume) already covers it.
func (s *Settings) addTmpfs(d string) {
	for _, t := range append(append([]string{}, s.Tmpfs...), s.Volumes...) {
		if t == d || under(d, t) {
			return
		}
	}
	s.Tmpfs = append(s.Tmpfs, d)
}

// tmpfsOptions are the mount options of the tmpfs at dir. The engine
// gives a tmpfs over a directory of the image that directory's owner and
// mode (root, 0755 for most), so one other than /tmp (which images make
// 1777) is owned by the numeric user the container runs as: the app can
// write where it must.
func (s *Settings) tmpfsOptions(dir string) string {
	opts := "rw,noexec,nosuid,size=" + tmpfsSize
	if dir == "/tmp" {
		return opts
	}
	uid, gid, _ := strings.Cut(s.User, ":")
	if !isNumber(uid) {
		return opts
	}
	if !isNumber(gid) {
		gid = uid
	}
	return opts + ",uid=" + uid + ",gid=" + gid
}

// ForImage indexes and audits img and recommends its settings: what
// `harden runtime` prints for it.
func ForImage(ctx context.Context, ref string, img v1.Image) (*Settings, error) {
	x, err := fsindex.Build(ctx, img, fsindex.WithWants(audit.Wants()...))
	if err != nil {
		return nil, err
	}
	res, err := audit.Run(ctx, x, audit.WithReference(ref))
	if err != nil {
		return nil, err
	}
	return Recommend(ref, x, res), nil
}
