package rules

import (
	"fmt"
	"strings"

	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/report"
)

// reservedStageName (DL3063) flags reserved stage names.
type reservedStageName struct{}

var metaDL3063 = Meta{Rule: report.Rule{
	ID:       "DL3063",
	Aliases:  []string{"ReservedStageName"},
	Severity: report.Medium,
	Title:    "Stage name should not be a reserved word",
	Help:     "scratch and context have special meanings in FROM and COPY --from; a stage named so is confusing or unreachable.",
	Fix:      "Rename the stage.",
	Bad:      "FROM alpine:3.20 AS scratch\n",
	Good:     "FROM alpine:3.20 AS base\n",
}}

func (reservedStageName) Meta() *Meta { return &metaDL3063 }
func (reservedStageName) Check(in *Input) []Problem {
	var out []Problem
	for _, s := range in.File.Stages {
		if n := strings.ToLower(s.Name); n == "scratch" || n == "context" {
			out = append(out, at(s.From, fmt.Sprintf("stage name %q is reserved", s.Name)))
		}
	}
	return out
}

// duplicateStageName (DL3024) flags duplicate stage names.
type duplicateStageName struct{}

var metaDL3024 = Meta{Rule: report.Rule{
	ID:       "DL3024",
	Aliases:  []string{"DS012", "DuplicateStageName"},
	Severity: report.High,
	Title:    "FROM aliases (stage names) must be unique",
	Help:     "BuildKit lower-cases stage names, so two stages with the same name (in any case) shadow each other. harden compares case-insensitively, like Trivy and BuildKit; hadolint is case-sensitive.",
	Fix:      "Give each stage its own name.",
	Bad:      "FROM node:20 AS build\nFROM node:20 AS build\n",
	Good:     "FROM node:20 AS build\nFROM node:20 AS test\n",
}}

func (duplicateStageName) Meta() *Meta { return &metaDL3024 }
func (duplicateStageName) Check(in *Input) []Problem {
	var out []Problem
	seen := map[string]bool{}
	for _, s := range in.File.Stages {
		n := strings.ToLower(s.Name)
		if n == "" {
			continue
		}
		if seen[n] {
			out = append(out, at(s.From, fmt.Sprintf("stage name %q is used before", s.Name)))
		}
		seen[n] = true
	}
	return out
}

// stageNameCasing (StageNameCasing) reports BuildKit's warning for upper-case stage names.
type stageNameCasing struct{}

var metaStageNameCasing = Meta{Rule: report.Rule{
	ID:       "StageNameCasing",
	Severity: report.Medium,
	Title:    "Stage names should be lowercase",
	Help:     "BuildKit lower-cases stage names; writing them in another case hides that COPY --from and FROM match case-insensitively.",
	Fix:      "Write the stage name in lower case.",
	Bad:      "FROM alpine:3.20 AS BuilderBase\n",
	Good:     "FROM alpine:3.20 AS builder-base\n",
}}

func (stageNameCasing) Meta() *Meta { return &metaStageNameCasing }
func (stageNameCasing) Check(in *Input) []Problem {
	return buildkitWarnings(in.File, "StageNameCasing")
}

// fromAsCasing (FromAsCasing) reports BuildKit's warning for "FROM x as y".
type fromAsCasing struct{}

var metaFromAsCasing = Meta{Rule: report.Rule{
	ID:       "FromAsCasing",
	Severity: report.Medium,
	Title:    "The 'as' keyword should match the case of the 'from' keyword",
	Help:     "Mixed keyword casing makes the file harder to read and grep.",
	Fix:      "Write FROM … AS … (or from … as …).",
	Bad:      "FROM debian:12 as builder\n",
	Good:     "FROM debian:12 AS builder\n",
}}

func (fromAsCasing) Meta() *Meta               { return &metaFromAsCasing }
func (fromAsCasing) Check(in *Input) []Problem { return buildkitWarnings(in.File, "FromAsCasing") }

func buildkitWarnings(f *dockerfile.File, rule string) []Problem {
	var out []Problem
	for _, w := range f.BuildKitWarnings {
		if w.Rule == rule {
			p := Problem{Line: w.Line, Column: 1, EndLine: w.Line, Message: w.Message}
			if in := f.InstructionAt(w.Line); in != nil {
				p.EndLine = logicalEnd(in)
			}
			out = append(out, p)
		}
	}
	return out
}
