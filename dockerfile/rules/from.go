package rules

import (
	"fmt"
	"strings"

	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/report"
)

// baseUntagged (DL3006) flags FROM images without a tag.
type baseUntagged struct{}

var metaDL3006 = Meta{Rule: report.Rule{
	ID:       "DL3006",
	Aliases:  []string{"DS001", "CIS-4.2"},
	Severity: report.Medium,
	Title:    "Always tag the version of an image explicitly",
	Help:     "An untagged FROM means :latest, which changes under you: builds stop being reproducible and a new major version can break the image.",
	Fix:      "Name a release tag (node:20.11-bookworm) and, better, pin the digest too.",
	Bad:      "FROM debian\n",
	Good:     "FROM debian:12.5\n",
}}

func (baseUntagged) Meta() *Meta { return &metaDL3006 }
func (baseUntagged) Check(in *Input) []Problem {
	var out []Problem
	for _, s := range in.File.Stages {
		if ref, ok := resolvedImage(in.File, s); ok && ref.Tag == "" && ref.Digest == "" {
			out = append(out, at(s.From, fmt.Sprintf("image %q has no tag", ref.Repo)))
		}
	}
	return out
}

// baseLatest (DL3007) flags the latest tag.
type baseLatest struct{}

var metaDL3007 = Meta{Rule: report.Rule{
	ID:       "DL3007",
	Aliases:  []string{"DS001", "DKL-DI-0006", "CIS-4.2"},
	Severity: report.Medium,
	Title:    "Using latest is prone to errors if the image will ever update. Pin the version explicitly to a release tag",
	Help:     "The latest tag moves; the same Dockerfile builds a different image tomorrow.",
	Fix:      "Use a release tag (alpine:3.20) and pin its digest.",
	Bad:      "FROM debian:latest\n",
	Good:     "FROM debian:12.5\n",
}}

func (baseLatest) Meta() *Meta { return &metaDL3007 }
func (baseLatest) Check(in *Input) []Problem {
	var out []Problem
	for _, s := range in.File.Stages {
		if ref, ok := resolvedImage(in.File, s); ok && ref.Tag == "latest" && ref.Digest == "" {
			msg := ""
			if strings.Contains(s.Base, "$") {
				msg = fmt.Sprintf("%s resolves to the latest tag with the ARG defaults", s.Base)
			}
			out = append(out, at(s.From, msg))
		}
	}
	return out
}

// untrustedRegistry (DL3026) flags base images from registries not in the trusted list.
type untrustedRegistry struct{}

var metaDL3026 = Meta{Rule: report.Rule{
	ID:       "DL3026",
	Aliases:  []string{"CIS-4.2"},
	Severity: report.High,
	Title:    "Use only an allowed registry in the FROM image",
	Help:     "Images from unvetted registries are a supply-chain risk. Active only when trustedRegistries is set.",
	Fix:      "Pull the base from a trusted registry, or add the registry to lint.trustedRegistries.",
	Bad:      "FROM random.com/debian:12\n",
	Good:     "FROM docker.io/debian:12\n",
}, Needs: "trustedRegistries"}

func (untrustedRegistry) Meta() *Meta { return &metaDL3026 }
func (untrustedRegistry) Check(in *Input) []Problem {
	trusted := in.Config.TrustedRegistries
	if len(trusted) == 0 {
		return nil
	}
	f := in.File
	var out []Problem
	check := func(inst *dockerfile.Instruction, ref string, stageIdx int) {
		if ref == "" || strings.EqualFold(ref, "scratch") || strings.HasPrefix(ref, "$") || f.StageByName(ref, stageIdx) != nil {
			return
		}
		reg := parseImage(ref).RegistryOrHub()
		if !registryAllowed(reg, trusted) {
			out = append(out, at(inst, fmt.Sprintf("registry %q is not trusted", reg)))
		}
	}
	for _, s := range f.Stages {
		if s.Parent == nil {
			check(s.From, s.Base, s.Index)
		}
		for _, inst := range s.Instructions {
			if v, ok := inst.Flag("from"); ok && inst.Cmd == "copy" {
				check(inst, v, s.Index+1)
			}
			for _, m := range inst.Mounts() {
				if m.From != "" {
					check(inst, m.From, s.Index+1)
				}
			}
		}
	}
	return out
}

func registryAllowed(reg string, trusted []string) bool {
	reg = strings.ToLower(reg)
	for _, t := range trusted {
		t = strings.ToLower(strings.TrimSpace(t))
		switch {
		case t == "*" || t == reg:
			return true
		case strings.HasPrefix(t, "*") && strings.HasSuffix(reg, t[1:]):
			return true
		case strings.HasSuffix(t, "*") && strings.HasPrefix(reg, t[:len(t)-1]):
			return true
		case t == "docker.io" && (reg == "index.docker.io" || reg == "registry-1.docker.io"):
			return true
		}
	}
	return false
}

// fromPlatform (DL3029) flags a constant FROM --platform.
type fromPlatform struct{}

var metaDL3029 = Meta{Rule: report.Rule{
	ID:       "DL3029",
	Aliases:  []string{"FromPlatformFlagConstDisallowed"},
	Severity: report.Medium,
	Title:    "Do not use --platform flag with FROM",
	Help:     "A fixed platform breaks multi-platform builds and emulates on other hosts. $BUILDPLATFORM and $TARGETPLATFORM are fine.",
	Fix:      "Drop --platform, or use --platform=$BUILDPLATFORM for build stages.",
	Bad:      "FROM --platform=linux/amd64 debian:12\n",
	Good:     "FROM --platform=$BUILDPLATFORM debian:12\n",
}}

func (fromPlatform) Meta() *Meta { return &metaDL3029 }
func (fromPlatform) Check(in *Input) []Problem {
	var out []Problem
	for _, s := range in.File.Stages {
		p := s.Platform
		if p != "" && !strings.Contains(p, "BUILDPLATFORM") && !strings.Contains(p, "TARGETPLATFORM") {
			out = append(out, at(s.From, fmt.Sprintf("FROM --platform=%s", p)))
		}
	}
	return out
}

// redundantTargetPlatform (DL3065) flags --platform=$TARGETPLATFORM, which is the default anyway.
type redundantTargetPlatform struct{}

var metaDL3065 = Meta{Rule: report.Rule{
	ID:       "DL3065",
	Aliases:  []string{"RedundantTargetPlatform"},
	Severity: report.Medium,
	Title:    "Setting FROM --platform to predefined $TARGETPLATFORM is redundant as this is the default behavior",
	Help:     "FROM already pulls the target platform's image.",
	Fix:      "Remove --platform=$TARGETPLATFORM.",
	Bad:      "FROM --platform=$TARGETPLATFORM alpine:3.20\n",
	Good:     "FROM alpine:3.20\n",
}}

func (redundantTargetPlatform) Meta() *Meta { return &metaDL3065 }
func (redundantTargetPlatform) Check(in *Input) []Problem {
	var out []Problem
	for _, s := range in.File.Stages {
		if p := unquote(s.Platform); p == "$TARGETPLATFORM" || p == "${TARGETPLATFORM}" {
			out = append(out, at(s.From, ""))
		}
	}
	return out
}

// fromNotFirst (DL3061) flags instructions before the first FROM other than ARG.
type fromNotFirst struct{}

var metaDL3061 = Meta{Rule: report.Rule{
	ID:       "DL3061",
	Severity: report.High,
	Title:    "Invalid instruction order. Dockerfile must begin with FROM, ARG or comment",
	Help:     "BuildKit refuses any instruction but ARG before the first FROM.",
	Fix:      "Move the instruction after FROM.",
	Bad:      "LABEL a=b\nFROM alpine:3.20\n",
	Good:     "ARG V=3.20\nFROM alpine:${V}\n",
}}

func (fromNotFirst) Meta() *Meta { return &metaDL3061 }
func (fromNotFirst) Check(in *Input) []Problem {
	for _, inst := range in.File.Instructions {
		if inst.Cmd == "from" {
			return nil
		}
		if inst.Cmd != "arg" {
			return []Problem{at(inst, fmt.Sprintf("%s before the first FROM", strings.ToUpper(inst.Cmd)))}
		}
	}
	return nil
}

// platformArgs are the ARGs BuildKit defines for FROM without a declaration.
var platformArgs = map[string]bool{
	"BUILDPLATFORM": true, "BUILDOS": true, "BUILDARCH": true, "BUILDVARIANT": true,
	"TARGETPLATFORM": true, "TARGETOS": true, "TARGETARCH": true, "TARGETVARIANT": true,
	"TARGETSTAGE": true, "BUILDKIT_SYNTAX": true,
}

// undefinedArgInFrom (UndefinedArgInFrom) flags FROM variables not declared as global ARGs.
type undefinedArgInFrom struct{}

var metaUndefinedArgInFrom = Meta{Rule: report.Rule{
	ID:       "UndefinedArgInFrom",
	Severity: report.Medium,
	Title:    "FROM command must use declared ARGs",
	Help:     "A variable in FROM that no ARG before the first FROM declares expands to nothing (or to a build-arg nobody documents).",
	Fix:      "Declare the ARG, with a default, before the first FROM.",
	Bad:      "FROM node:22${VARIANT}\n",
	Good:     "ARG VARIANT=-alpine\nFROM node:22${VARIANT}\n",
}}

func (undefinedArgInFrom) Meta() *Meta { return &metaUndefinedArgInFrom }
func (undefinedArgInFrom) Check(in *Input) []Problem {
	meta := in.File.MetaArgs()
	var out []Problem
	for _, s := range in.File.Stages {
		for _, v := range append(varsIn(s.Base), varsIn(s.Platform)...) {
			if _, ok := meta[v]; !ok && !platformArgs[v] {
				msg := fmt.Sprintf("FROM argument %q is not declared", v)
				if sug := suggest(v, keys(meta), platformArgs); sug != "" {
					msg += fmt.Sprintf(" (did you mean %s?)", sug)
				}
				out = append(out, at(s.From, msg))
			}
		}
	}
	return out
}

// invalidDefaultArgInFrom (InvalidDefaultArgInFrom) flags FROM references that are invalid with only
// the global ARG defaults.
type invalidDefaultArgInFrom struct{}

var metaInvalidDefaultArgInFrom = Meta{Rule: report.Rule{
	ID:       "InvalidDefaultArgInFrom",
	Severity: report.Medium,
	Title:    "Default value for global ARG results in an empty or invalid base image name",
	Help:     "Without --build-arg the build fails: the global ARG defaults do not make a valid image reference.",
	Fix:      "Give the ARG a default that makes a valid reference, or use ${VAR:-default}.",
	Bad:      "ARG TAG\nFROM busybox:${TAG}\n",
	Good:     "ARG TAG=1.36\nFROM busybox:${TAG}\n",
}}

func (invalidDefaultArgInFrom) Meta() *Meta { return &metaInvalidDefaultArgInFrom }
func (invalidDefaultArgInFrom) Check(in *Input) []Problem {
	f := in.File
	meta := f.MetaArgs()
	var out []Problem
	for _, s := range f.Stages {
		if !strings.Contains(s.Base, "$") {
			continue
		}
		v, _, err := dockerfile.Expand(s.Base, meta, f.Escape)
		if err != nil || !validReference(v) {
			out = append(out, at(s.From, fmt.Sprintf("default value gives base image %q", v)))
		}
	}
	return out
}

// validReference is a light check of an image reference: lower-case path
// components, an optional tag and an optional digest.
func validReference(s string) bool {
	if s == "" || strings.ContainsAny(s, " \t$") {
		return false
	}
	r := parseImage(s)
	if r.Repo == "" || strings.HasSuffix(r.Repo, "/") || strings.HasPrefix(r.Repo, "/") {
		return false
	}
	for _, c := range r.Repo {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.ContainsRune("._-/", c)) {
			return false
		}
	}
	if strings.Contains(s, ":") && r.Tag == "" && r.Registry == "" && r.Digest == "" {
		return false
	}
	if r.Digest != "" && !strings.Contains(r.Digest, ":") {
		return false
	}
	return true
}
