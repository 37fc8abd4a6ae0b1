package audit

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/harden-dev/harden/report"
)

// unneededNames are files a build context should not ship (Dockle's
// DKL-LI-0003 list plus compose variants and OS litter).
var unneededNames = set("Dockerfile", "Containerfile", "docker-compose.yml", "docker-compose.yaml", "compose.yml",
	"compose.yaml", ".dockerignore", ".vimrc", ".DS_Store", "Thumbs.db", ".gitignore", ".gitlab-ci.yml", ".travis.yml")

// unneededDirs are directories reported once each (Dockle's list plus
// other version-control and editor directories).
var unneededDirs = set(".git", ".svn", ".hg", ".cache", ".aws", ".azure", ".gcp", ".vscode", ".idea", ".npm", ".github")

// nodeTestDirs are the test and example folders of npm packages.
var nodeTestDirs = set("test", "tests", "__tests__", "example", "examples", ".github", "coverage")

// isBackup matches editor backups and swap files.
func isBackup(b string) bool {
	return strings.HasSuffix(b, "~") || strings.HasSuffix(b, ".swp") || strings.HasSuffix(b, ".swo") ||
		strings.HasSuffix(b, ".bak") || strings.HasSuffix(b, ".orig") || strings.HasPrefix(b, "#") && strings.HasSuffix(b, "#")
}

// unnecessaryFile reports files an application image does not need:
// Dockerfiles, VCS and editor directories, backups, and the test folders
// of node_modules (DKL-LI-0003). Package-managed trees under /usr are left
// out; node_modules test folders are counted per node_modules tree.
type unnecessaryFile struct{ noContent }

func (unnecessaryFile) ID() string { return "unnecessary-file" }

func (c unnecessaryFile) Rule() Rule {
	return Rule{Weight: 1, Cap: 3, Rule: report.Rule{ID: c.ID(), Aliases: []string{"DKL-LI-0003"}, Title: "Unnecessary file in the image", Severity: report.Info,
		Fix: "List the paths in .dockerignore, and prune node_modules (npm ci --omit=dev, or a tool such as node-prune)"}}
}

func (c unnecessaryFile) Run(_ context.Context, in *Input) ([]report.Finding, error) {
	var out []report.Finding
	type tree struct {
		dirs  int
		bytes int64
		first string
	}
	trees := map[string]*tree{}
	for _, e := range in.Index.Entries() {
		p := e.Path
		if strings.HasPrefix(p, "/usr/") || strings.HasPrefix(p, "/proc/") {
			continue
		}
		b := path.Base(p)
		inNodeModules := strings.Contains(p, "/node_modules/")
		switch {
		case e.IsDir() && inNodeModules && nodeTestDirs[b] && isPackageRoot(path.Dir(p)):
			root := p[:strings.LastIndex(p, "/node_modules/")+len("/node_modules")]
			t := trees[root]
			if t == nil {
				t = &tree{first: p}
				trees[root] = t
			}
			t.dirs++
			for _, f := range in.Index.Under(p) {
				t.bytes += f.Size
			}
		case inNodeModules:
		case e.IsDir() && unneededDirs[b]:
			out = append(out, c.Rule().finding(fmt.Sprintf("directory %s (%d entries)", p, len(in.Index.Under(p))), in.entryEvidence(e)))
		case !e.IsDir() && (unneededNames[b] || isBackup(b)) && !insideUnneededDir(p):
			out = append(out, c.Rule().finding(fmt.Sprintf("file %s", p), in.entryEvidence(e)))
		}
	}
	roots := make([]string, 0, len(trees))
	for r := range trees {
		roots = append(roots, r)
	}
	sort.Strings(roots)
	for _, r := range roots {
		t := trees[r]
		ev := in.pathEvidence(t.first)
		out = append(out, c.Rule().finding(fmt.Sprintf("%s holds %d test or example folders of packages (%s)", r, t.dirs, report.Bytes(t.bytes)), ev))
	}
	return out, nil
}

// isPackageRoot reports whether dir is node_modules/NAME or node_modules/@scope/NAME.
func isPackageRoot(dir string) bool {
	parent := path.Dir(dir)
	if path.Base(parent) == "node_modules" {
		return true
	}
	return strings.HasPrefix(path.Base(parent), "@") && path.Base(path.Dir(parent)) == "node_modules"
}

// insideUnneededDir reports whether p is below a directory already reported.
func insideUnneededDir(p string) bool {
	for _, part := range strings.Split(p, "/") {
		if unneededDirs[part] {
			return true
		}
	}
	return false
}
