package rules

import (
	"fmt"
	"strings"

	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/report"
)

var archiveExts = []string{".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz", ".tpz", ".txz", ".xz"}

func isArchive(p string) bool {
	for _, e := range archiveExts {
		if strings.HasSuffix(p, e) {
			return true
		}
	}
	return false
}

// archiveCopied (DL3010) flags COPY of an archive that a later RUN extracts.
type archiveCopied struct{}

var metaDL3010 = Meta{Rule: report.Rule{
	ID:       "DL3010",
	Severity: report.Low,
	Title:    "Use ADD for extracting archives into an image",
	Help:     "COPY then tar -x keeps the archive in a layer as well as its contents; ADD extracts a local archive in one step.",
	Fix:      "ADD the archive to its destination directory and drop the extraction step.",
	Bad:      "FROM debian:12\nCOPY app.tar /src/\nRUN tar -xf /src/app.tar\n",
	Good:     "FROM debian:12\nADD app.tar /src/\n",
}}

func (archiveCopied) Meta() *Meta { return &metaDL3010 }
func (archiveCopied) Check(in *Input) []Problem {
	var out []Problem
	for _, s := range in.File.Blocks() {
		for i, inst := range s.Instructions {
			if inst.Cmd != "copy" {
				continue
			}
			if _, ok := inst.Flag("from"); ok {
				continue
			}
			for _, name := range copiedArchives(inst) {
				if extractedLater(s.Instructions[i+1:], name) {
					out = append(out, at(inst, fmt.Sprintf("%s is copied, then extracted", name)))
					break
				}
			}
		}
	}
	return out
}

// copiedArchives returns the file names the archives a COPY writes get in
// the image: the destination's name when the destination is itself an
// archive name (COPY app.tar /tmp/x.tgz), else the archive sources' names.
func copiedArchives(inst *dockerfile.Instruction) []string {
	srcs, dest, _ := copyParts(inst)
	if isArchive(dest) && !strings.HasSuffix(dest, "/") {
		return []string{baseName(dest)}
	}
	var out []string
	for _, src := range srcs {
		if isArchive(src) {
			out = append(out, baseName(src))
		}
	}
	return out
}

func extractedLater(rest []*dockerfile.Instruction, name string) bool {
	for _, inst := range rest {
		if inst.Script == nil {
			continue
		}
		for _, c := range inst.Script.Commands {
			extract := c.Is("unzip", "gunzip", "bunzip2", "unlzma", "unxz", "zgz", "uncompress", "zcat", "gzcat") ||
				c.Is("tar") && (c.HasFlag("x", "extract", "get") || len(c.Args) > 0 && !strings.HasPrefix(c.Args[0], "-") && strings.Contains(c.Args[0], "x"))
			if !extract {
				continue
			}
			for _, a := range c.Args {
				if baseName(a) == name {
					return true
				}
			}
		}
	}
	return false
}
