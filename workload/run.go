package workload

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/harden-dev/harden/report"
)

// Result is the check of a set of files.
type Result struct {
	Files      []string         `json:"files"`
	Containers []Container      `json:"containers"`
	Findings   []report.Finding `json:"findings"`
	// Summary counts findings per severity.
	Summary map[string]int `json:"summary"`
}

// CheckFiles loads each file (a folder: its *.yaml and *.yml files; "-":
// stdin, e.g. helm template's output) and checks every container it runs.
func CheckFiles(paths []string, stdin io.Reader) (*Result, error) {
	res := &Result{Containers: []Container{}, Findings: []report.Finding{}, Summary: map[string]int{}}
	var files []string
	for _, p := range paths {
		if p == "-" {
			files = append(files, p)
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(q string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() && (strings.HasSuffix(q, ".yaml") || strings.HasSuffix(q, ".yml")) {
				files = append(files, q)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for _, f := range files {
		var cs []Container
		var err error
		if f == "-" {
			cs, err = Load("-", stdin)
		} else {
			r, oerr := os.Open(f)
			if oerr != nil {
				return nil, oerr
			}
			cs, err = Load(f, r)
			r.Close()
		}
		if err != nil {
			return nil, err
		}
		res.Files = append(res.Files, f)
		res.Containers = append(res.Containers, cs...)
	}
	if len(res.Containers) == 0 {
		return nil, fmt.Errorf("no container found in %s (want Kubernetes workloads or a Compose file)", strings.Join(paths, ", "))
	}
	for i := range res.Containers {
		res.Findings = append(res.Findings, Check(&res.Containers[i])...)
	}
	for _, f := range res.Findings {
		res.Summary[f.Severity.String()]++
	}
	return res, nil
}
