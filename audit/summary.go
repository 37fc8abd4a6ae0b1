package audit

import (
	"fmt"
	"io/fs"
	"strings"

	"github.com/harden-dev/harden/fsindex"
	"github.com/harden-dev/harden/report"
)

// Summary is the short description of an image's attack surface that
// audit prints first and compare prints for several images. Its JSON is
// stable: fields are only ever added.
type Summary struct {
	// Image is the reference audited ("" when none was given).
	Image string `json:"image,omitempty"`
	// Score is 0–100 (see Score) and Grade its letter A–F.
	Score int    `json:"score"`
	Grade string `json:"grade"`
	// Incomplete names the checks that failed to run (status error). The
	// score counts only the findings of the checks that ran, so an
	// incomplete score may be higher than the image deserves.
	Incomplete []string `json:"incomplete,omitempty"`
	// SizeBytes is the sum of the files in every layer (what docker and
	// Dive call the image size); ImageBytes the files visible in the
	// squashed filesystem; CompressedBytes the stored layer blobs (-1 when
	// the source does not say).
	SizeBytes       int64 `json:"sizeBytes"`
	ImageBytes      int64 `json:"imageBytes"`
	CompressedBytes int64 `json:"compressedBytes"`
	Layers          int   `json:"layers"`
	// Files counts regular files, Executables those with an execute bit.
	Files       int `json:"files"`
	Executables int `json:"executables"`
	// Packages counts the installed packages the databases list.
	Packages PackageCount `json:"packages"`
	// Shells, PackageManagers (OS and language) and Tools name the
	// programs found, less those the entrypoint runs (node in a node app);
	// see Surface for paths.
	Shells          []string `json:"shells"`
	PackageManagers []string `json:"packageManagers"`
	Tools           []string `json:"tools"`
	// User is the configured user ("" means root); RunsAsRoot says whether
	// the container starts as uid 0.
	User       string `json:"user"`
	RunsAsRoot bool   `json:"runsAsRoot"`
	// SetuidFiles, WorldWritable and Secrets count those findings.
	SetuidFiles   int `json:"setuidFiles"`
	WorldWritable int `json:"worldWritable"`
	Secrets       int `json:"secrets"`
	// AttackSurface grades the programs an attacker could use: shells,
	// package managers, tools and setuid files (minimal, small, medium, large).
	AttackSurface  string `json:"attackSurface"`
	UsablePrograms int    `json:"usablePrograms"`
	// Findings counts the reported findings by severity name.
	Findings map[string]int `json:"findings"`
	// Rows are the seed's comparison rows, filled with what was measured.
	Rows []Row `json:"rows"`
}

// ScoreText is the score as the table prints it: "82/100 (B)", and for an
// incomplete audit "82/100 (B, incomplete: elf-hardening did not run)".
func (s Summary) ScoreText() string {
	if len(s.Incomplete) == 0 {
		return fmt.Sprintf("%d/100 (%s)", s.Score, s.Grade)
	}
	return fmt.Sprintf("%d/100 (%s, %s)", s.Score, s.Grade, s.IncompleteText())
}

// IncompleteText names the checks that did not run ("" when all ran).
func (s Summary) IncompleteText() string {
	if len(s.Incomplete) == 0 {
		return ""
	}
	return "incomplete: " + strings.Join(s.Incomplete, ", ") + " did not run"
}

// PackageCount counts installed packages by database.
type PackageCount struct {
	Total int `json:"total"`
	Dpkg  int `json:"dpkg"`
	Apk   int `json:"apk"`
}

// Row is one line of the comparison table.
type Row struct {
	Property string `json:"property"`
	Value    string `json:"value"`
}

// The seed's comparison rows, in order.
const (
	RowShell          = "Shell present"
	RowPackageManager = "Package manager present"
	RowDebugTools     = "Debug tools"
	RowAttackSurface  = "Attack surface"
	RowSize           = "Size"
)

// summarize measures the image and scores the findings.
func summarize(in *Input, findings []report.Finding, rules map[string]Rule) Summary {
	x := in.Index
	s := Summary{Image: in.Reference, CompressedBytes: 0, Layers: len(x.Layers), Findings: map[string]int{}}
	for _, l := range x.Layers {
		s.SizeBytes += l.FileBytes
		if l.Size < 0 || s.CompressedBytes < 0 {
			s.CompressedBytes = -1
		} else {
			s.CompressedBytes += l.Size
		}
	}
	for _, e := range x.Entries() {
		if e.Type == fsindex.TypeRegular {
			s.Files++
			s.ImageBytes += e.Size
		}
	}
	sf := in.Surface()
	s.Executables = sf.Executables
	for _, p := range packagesOf(x) {
		s.Packages.Total++
		switch p.Manager {
		case "dpkg":
			s.Packages.Dpkg++
		case "apk":
			s.Packages.Apk++
		}
	}
	ep := in.Entrypoint()
	removable := func(ts []Tool) []Tool {
		var out []Tool
		for _, t := range ts {
			if !ep.runs(t) {
				out = append(out, t)
			}
		}
		return out
	}
	s.Shells = nonNil(Names(sf.Shells))
	s.PackageManagers = nonNil(Names(removable(append(append([]Tool(nil), sf.PackageManagers...), sf.Installers...))))
	s.Tools = nonNil(Names(removable(sf.Tools)))
	if x.Config != nil {
		s.User = x.Config.Config.User
	}
	s.RunsAsRoot = runsAsRoot(in)
	for _, f := range findings {
		s.Findings[f.Severity.String()]++
		switch f.ID {
		case "setuid-file":
			s.SetuidFiles++
		case "world-writable":
			s.WorldWritable++
		case "secret-in-env", "secret-in-history", "secret-file", "secret-in-file":
			s.Secrets++
		}
	}
	usable := distinctReal(sf)
	reals := map[string]bool{}
	for k := range usable {
		_, r, _ := strings.Cut(k, "\x00")
		reals[r] = true
	}
	s.UsablePrograms = len(usable)
	for _, e := range x.Entries() {
		if !e.IsDir() && e.Mode&(fs.ModeSetuid|fs.ModeSetgid) != 0 && !reals[x.Target(e).Path] {
			s.UsablePrograms++
		}
	}
	s.AttackSurface = attackSurface(s.UsablePrograms)
	s.Score = Score(findings, rules)
	s.Grade = Grade(s.Score)
	s.Rows = rows(s)
	return s
}

// distinctReal counts programs by the file that runs, so busybox's
// applets count once per name and sh → dash counts once.
func distinctReal(sf *Surface) map[string]bool {
	m := map[string]bool{}
	for _, l := range [][]Tool{sf.Shells, sf.PackageManagers, sf.Installers, sf.Tools} {
		for _, t := range l {
			m[t.Name+"\x00"+t.Real] = true
		}
	}
	return m
}

// attackSurface names the size of the usable-program count.
func attackSurface(n int) string {
	switch {
	case n == 0:
		return "minimal"
	case n <= 5:
		return "small"
	case n <= 20:
		return "medium"
	default:
		return "large"
	}
}

func rows(s Summary) []Row {
	yes := func(names []string) string {
		if len(names) == 0 {
			return "no"
		}
		return "yes (" + strings.Join(names, ", ") + ")"
	}
	tools := "none"
	switch n := len(s.Tools); {
	case n > 5:
		tools = fmt.Sprintf("many (%d: %s)", n, strings.Join(s.Tools, ", "))
	case n > 0:
		tools = fmt.Sprintf("some (%d: %s)", n, strings.Join(s.Tools, ", "))
	}
	return []Row{
		{RowShell, yes(s.Shells)},
		{RowPackageManager, yes(s.PackageManagers)},
		{RowDebugTools, tools},
		{RowAttackSurface, fmt.Sprintf("%s (%d usable programs, %d executables)", s.AttackSurface, s.UsablePrograms, s.Executables)},
		{RowSize, report.Bytes(s.SizeBytes)},
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// escalatedWeight is the penalty of a finding raised above its rule's
// default severity (ELF hardening required by the policy).
const escalatedWeight = 3

// Score computes the 0–100 score of a set of findings: every check takes
// Weight points per finding off 100, at most Cap points in all; findings
// raised above their rule's default severity weigh escalatedWeight at
// least. A check not in rules weighs nothing.
func Score(findings []report.Finding, rules map[string]Rule) int {
	penalty := map[string]int{}
	for _, f := range findings {
		r, ok := rules[f.ID]
		if !ok {
			continue
		}
		w := r.Weight
		if f.Severity > r.Severity {
			w = max(w, escalatedWeight)
		}
		penalty[f.ID] += w
	}
	score := 100
	for id, p := range penalty {
		score -= min(p, max(rules[id].Cap, rules[id].Weight))
	}
	return max(0, score)
}

// Grade turns a score into a letter: A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, F below.
func Grade(score int) string {
	switch {
	case score >= 90:
		return "A"
	case score >= 80:
		return "B"
	case score >= 70:
		return "C"
	case score >= 60:
		return "D"
	default:
		return "F"
	}
}
