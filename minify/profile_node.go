package minify

import (
	"encoding/json"
	"path"
	"regexp"
	"strings"

	"github.com/harden-dev/harden/elfinfo"
	"github.com/harden-dev/harden/fsindex"
)

// WantNodeBuiltins keeps the paths of the builtins a distribution's node
// loads from outside its binary ([]string): Debian builds node with
// --shared-builtin-*-path, so cjs-module-lexer, undici and acorn live in
// /usr/share/nodejs.
const WantNodeBuiltins = "minify/node-builtins"

// WantNodeLock keeps the dev-only package directories ([]string, absolute)
// npm's lockfiles name.
const WantNodeLock = "minify/node-lock"

// nodeProfile keeps what a Node.js app needs beyond node's ELF closure: the
// app with its node_modules, without dev-only packages and test folders,
// and NODE_PATH.
type nodeProfile struct{}

var (
	nodeBinary  = regexp.MustCompile(`^(node|nodejs)[0-9]*$`)
	nodeLibrary = regexp.MustCompile(`^libnode\.so`)
	nodeBuiltin = regexp.MustCompile(`NODE_SHARED_BUILTIN_[A-Z0-9_]+_PATH=(/[A-Za-z0-9_./@+-]+)`)
)

// nodeTestDir matches a test folder at the root of an installed package.
var nodeTestDir = regexp.MustCompile(`/node_modules/(@[^/]+/)?[^/]+/(test|tests|__tests__)$`)

func (nodeProfile) Name() string { return "node" }

// maxNodeBinary bounds the node binaries and libraries read for builtins.
const maxNodeBinary = 512 << 20

// nodeBuiltins keeps the paths of the builtins a node binary (or
// libnode) loads from outside itself.
var nodeBuiltins = fsindex.NewKey(WantNodeBuiltins, maxNodeBinary, func(c *fsindex.Candidate) bool {
	base := path.Base(c.Path)
	return elfinfo.IsELF(c.Head) && (nodeBinary.MatchString(base) || nodeLibrary.MatchString(base))
}, func(_ string, data []byte) ([]string, error) {
	var out []string
	for _, m := range nodeBuiltin.FindAllSubmatch(data, 64) {
		out = append(out, string(m[1]))
	}
	return out, nil
})

// nodeLocks keeps the dev-only package directories of every npm lockfile.
var nodeLocks = fsindex.NewKey(WantNodeLock, 64<<20, fsindex.MatchPath(func(p string) bool {
	return strings.HasSuffix(p, "/node_modules/.package-lock.json") ||
		(path.Base(p) == "package-lock.json" && !strings.Contains(p, "/node_modules/"))
}), parseNodeLock)

func (nodeProfile) Wants() []fsindex.Want {
	return []fsindex.Want{nodeBuiltins.Want(), nodeLocks.Want()}
}

func (nodeProfile) Match(p *Program) bool { return p.ELF != nil && nodeBinary.MatchString(p.Base()) }

func (nodeProfile) Keep(k *Keeper) error {
	dev := map[string]bool{}
	for _, dirs := range fsindex.All(k.Index(), nodeLocks) {
		for _, d := range dirs {
			dev[d] = true
		}
	}
	for _, paths := range fsindex.All(k.Index(), nodeBuiltins) {
		for _, p := range paths {
			if _, err := k.Keep(p, Reason{Rule: "profile/node", Why: "a builtin node loads from outside its binary (--shared-builtin)"}); err != nil {
				k.Warn("node: the builtin %s is not in the image", p)
			}
		}
	}
	k.AddFilter("node", func(e *fsindex.Entry) (bool, string) {
		if !strings.Contains(e.Path, "/node_modules/") {
			return false, ""
		}
		if dev[e.Path] {
			return true, "a dev-only package (package-lock.json says \"dev\": true)"
		}
		if e.IsDir() && nodeTestDir.MatchString(e.Path) {
			return true, "a package's test folder"
		}
		return false, ""
	})
	for _, d := range strings.Split(k.Env("NODE_PATH"), ":") {
		if d == "" || !strings.HasPrefix(d, "/") || systemDirs[path.Clean(d)] {
			continue
		}
		if p, err := k.KeepTree(d, Reason{Rule: "profile/node", Why: "NODE_PATH"}, nil); err == nil {
			k.MarkApp(p)
		}
	}
	return nil
}

// parseNodeLock reads an npm lockfile (v2/v3 "packages") and returns the
// absolute directories of the packages marked dev-only.
func parseNodeLock(p string, data []byte) ([]string, error) {
	var lock struct {
		Packages map[string]struct {
			Dev bool `json:"dev"`
		} `json:"packages"`
	}
	if err := json.Unmarshal(data, &lock); err != nil {
		return nil, err
	}
	root := path.Dir(p)
	if path.Base(root) == "node_modules" {
		root = path.Dir(root)
	}
	var dirs []string
	for key, pkg := range lock.Packages {
		if !pkg.Dev || key == "" || strings.Contains(key, "..") || !strings.HasPrefix(key, "node_modules/") {
			continue
		}
		dirs = append(dirs, path.Join(root, key))
	}
	return dirs, nil
}
