package rules

import "testing"

// The cases here pin places where harden used to differ from the tool
// whose ID it reports (issue 12): each failed before the fix it names.

// An ONBUILD RUN is checked as itself: its --mount flags give the same
// cache exemption as on a plain RUN, and it is checked in every stage,
// since it runs in whatever image builds FROM this one.
func TestOnbuildRunParity(t *testing.T) {
	runCases(t, aptListsKept{}, []ruleCase{
		{"onbuild in an unused stage", "FROM debian:12 AS lib\nONBUILD RUN apt-get update && apt-get install -y curl\nFROM debian:12\n", []int{2}, nil},
		{"onbuild with a cache mount", deb + "ONBUILD RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y curl\n", nil, nil},
	})
	runCases(t, apkCacheKept{}, []ruleCase{
		{"onbuild cache mount", "FROM alpine:3.20\nONBUILD RUN --mount=type=cache,target=/var/cache/apk apk add curl=8.9.1-r0\n", nil, nil},
		{"onbuild tmpfs mount", "FROM alpine:3.20\nONBUILD RUN --mount=type=tmpfs,target=/var/cache/apk apk add curl=8.9.1-r0\n", nil, nil},
		{"onbuild without", "FROM alpine:3.20\nONBUILD RUN apk add curl=8.9.1-r0\n", []int{2}, nil},
	})
	runCases(t, zypperCacheKept{}, []ruleCase{
		{"onbuild cache mount", "FROM opensuse/leap:15.6\nONBUILD RUN --mount=type=cache,target=/var/cache/zypp zypper install -y a=1\n", nil, nil},
	})
	runCases(t, dnfCacheKept{}, []ruleCase{
		{"onbuild cache mount", "FROM fedora:40\nONBUILD RUN --mount=type=cache,target=/var/cache/libdnf5 dnf install -y a-1.0\n", nil, nil},
	})
	runCases(t, pipCacheKept{}, []ruleCase{
		{"onbuild cache mount", "FROM python:3.12\nONBUILD RUN --mount=type=cache,target=/root/.cache/pip pip install flask==3.0.3\n", nil, nil},
		{"onbuild without", "FROM python:3.12\nONBUILD RUN pip install flask==3.0.3\n", []int{2}, nil},
	})
	runCases(t, yarnCacheKept{}, []ruleCase{
		{"onbuild cache mount", "FROM node:20\nONBUILD RUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install\n", nil, nil},
		{"onbuild in an unused stage", "FROM node:20 AS lib\nONBUILD RUN yarn install\nFROM node:20\n", []int{2}, nil},
	})
}

// DL3046 cannot know the length of a UID that comes from a variable.
func TestDL3046VariableUID(t *testing.T) {
	runCases(t, useraddHighUID{}, []ruleCase{
		{"variable", deb + "RUN useradd -u \"${APP_UID}\" app\nRUN useradd --uid=$APP_UID app\n", nil, nil},
		{"literal", deb + "RUN useradd -u 1000000 app\n", []int{2}, nil},
	})
}

// DL3006/DL3007 (Trivy DS001) look through the global ARG defaults.
func TestFromTagThroughArgDefaults(t *testing.T) {
	runCases(t, baseLatest{}, []ruleCase{
		{"latest from ARG default", "ARG TAG=latest\nFROM alpine:${TAG}\n", []int{2}, nil},
		{"whole image from ARG default", "ARG IMG=alpine:latest\nFROM $IMG\n", []int{2}, nil},
		{"release from ARG default", "ARG TAG=3.20\nFROM alpine:${TAG}\n", nil, nil},
		{"no default", "ARG TAG\nFROM alpine:${TAG}\n", nil, nil},
	})
	runCases(t, baseUntagged{}, []ruleCase{
		{"untagged from ARG default", "ARG IMG=alpine\nFROM ${IMG}\n", []int{2}, nil},
		{"empty default is InvalidDefaultArgInFrom's", "ARG TAG\nFROM alpine:${TAG}\n", nil, nil},
		{"stage named by ARG", "ARG B=build\nFROM alpine:3 AS build\nFROM ${B}\n", nil, nil},
	})
}

// DL3010 follows an archive renamed by COPY (hadolint remembers the
// destination's name when it is an archive name).
func TestDL3010Renamed(t *testing.T) {
	runCases(t, archiveCopied{}, []ruleCase{
		{"renamed then extracted", deb + "COPY app.tar /tmp/x.tgz\nRUN tar -xf /tmp/x.tgz\n", []int{2}, nil},
		{"renamed, old name extracted", deb + "COPY app.tar /tmp/x.tgz\nRUN tar -xf app.tar\n", nil, nil},
		{"into a directory", deb + "COPY app.tar /tmp/\nRUN tar -xf /tmp/app.tar\n", []int{2}, nil},
	})
}

// UndefinedVar checks the words BuildKit expands, and reports names that
// are certainly unset whatever the base image.
func TestUndefinedVarParity(t *testing.T) {
	runCases(t, undefinedVar{}, []ruleCase{
		{"ADD --checksum", "FROM scratch\nADD --checksum=$sum https://x/y /a\n", []int{2}, nil},
		{"COPY heredoc body", "FROM scratch\nCOPY <<EOF /a\n$foo\nEOF\n", []int{2}, nil},
		{"COPY quoted heredoc is not expanded", "FROM scratch\nCOPY <<'EOF' /a\n$foo\nEOF\n", nil, nil},
		{"RUN --mount option", "FROM scratch\nRUN --mount=type=cache,target=$dir true\n", []int{2}, nil},
		{"same ENV", deb + "ENV A=1 B=$A\n", []int{2}, nil},
		{"same ENV, defined before", deb + "ENV A=0\nENV A=1 B=$A\n", nil, nil},
		{"global ARG not declared again", "ARG G=1\n" + deb + "COPY $G /a\n", []int{3}, nil},
		{"global ARG declared again", "ARG G=1\n" + deb + "ARG G\nCOPY $G /a\n", nil, nil},
		{"EXPOSE is not reported by BuildKit", "FROM scratch\nEXPOSE $p\n", nil, nil},
		{"shell-form RUN", "FROM scratch\nRUN echo $foo\n", nil, nil},
	})
}

// Instructions before the first FROM are linted like any others (hadolint
// reads the file as one stream), besides DL3061 reporting their place.
func TestBeforeFirstFrom(t *testing.T) {
	runCases(t, consecutiveRuns{}, []ruleCase{{"consecutive RUN", "RUN a\nRUN b\n" + deb, []int{2}, nil}})
	runCases(t, pipeWithoutPipefail{}, []ruleCase{{"pipe", "RUN a | b\n" + deb, []int{1}, nil}})
	runCases(t, multipleCmd{}, []ruleCase{{"two CMD", "CMD [\"a\"]\nCMD [\"b\"]\n" + deb, []int{2}, nil}})
	runCases(t, wgetAndCurl{}, []ruleCase{{"wget and curl", "RUN wget -q x\nRUN curl -fsO y\n" + deb, []int{2}, nil}})
	runCases(t, copyRelativeNoWorkdir{}, []ruleCase{{"relative COPY", "COPY a b\n" + deb, []int{1}, nil}})
	runCases(t, envSelfRef{}, []ruleCase{{"self reference", "ENV A=1 B=$A\n" + deb, []int{1}, nil}})
	runCases(t, archiveCopied{}, []ruleCase{{"copy then extract", "COPY a.tar /x/\nRUN tar -xf /x/a.tar\n" + deb, []int{1}, nil}})
	runCases(t, lastUserRoot{}, []ruleCase{{"USER root before FROM is not a stage's last USER", "USER root\n" + deb, nil, nil}})
}

// A variable stands for a pinned version only when the RUN can see it: one
// set in an unrelated stage, or a global ARG the stage does not declare
// again, expands to nothing. A variable the file never declares may come
// from the base image (hadolint takes any variable as a version).
func TestPinVariableScope(t *testing.T) {
	other := "FROM centos:7 AS a\nENV V=1.0\nFROM centos:7\n"
	runCases(t, yumUnpinned{}, []ruleCase{
		{"unrelated stage", other + "RUN yum install -y foo-${V} && yum clean all\n", []int{4}, nil},
		{"global ARG not declared again", "ARG V=1.0\nFROM centos:7\nRUN yum install -y foo-$V && yum clean all\n", []int{3}, nil},
		{"declared in the stage", other + "ARG V\nRUN yum install -y foo-$V && yum clean all\n", nil, nil},
		{"inherited from the parent stage", "FROM centos:7 AS a\nENV V=1.0\nFROM a\nRUN yum install -y foo-${V} && yum clean all\n", nil, nil},
		{"set in the script", other + "RUN V=1.0 && yum install -y foo-$V && yum clean all\n", nil, nil},
		{"never declared: the base may set it", "FROM centos:7\nRUN yum install -y foo-$VERSION && yum clean all\n", nil, nil},
	})
	runCases(t, dnfUnpinned{}, []ruleCase{
		{"unrelated stage", "FROM fedora:40 AS a\nARG V=1\nFROM fedora:40\nRUN dnf install -y foo-$V && dnf clean all\n", []int{4}, nil},
		{"hadolint: a variable after the dash", "FROM fedora:40\nRUN dnf install -y tomcat-$VERSION \"git-core-${GIT_VER}\"\n", nil, nil},
	})
	runCases(t, aptUnpinned{}, []ruleCase{
		{"package list from an unrelated stage", "FROM debian:12 AS a\nENV PKGS=curl\n" + deb + "RUN apt-get install -y $PKGS\n", []int{4}, nil},
		{"package list in scope", deb + "ARG PKGS=curl\nRUN apt-get install -y $PKGS\n", nil, nil},
	})
}

// BuildKit's own lint tests: a variable used before the ARG that declares
// it is undefined; an ARG without a default, or one inherited from the
// parent stage, is defined.
func TestUndefinedVarBuildKitCases(t *testing.T) {
	runCases(t, undefinedVar{}, []ruleCase{
		{"declared later", "FROM alpine:3.20\nCOPY $foo .\nARG foo=bar\nRUN echo $foo\n", []int{2}, nil},
		{"declared in another stage", "FROM alpine:3.20 AS a\nARG foo=bar\nFROM alpine:3.20\nCOPY $foo .\n", []int{4}, nil},
		{"ARG without default", "FROM scratch\nARG foo\nCOPY Dockerfile${foo} .\n", nil, nil},
		{"inherited from the parent stage", "FROM alpine:3.20 AS base\nARG foo=Dockerfile\nFROM base\nCOPY $foo .\n", nil, nil},
		{"typo", "FROM alpine:3.20\nARG DIR_ASSETS=assets/\nCOPY $DIR_ASSET .\n", []int{3}, nil},
		{"RUN is the shell's", "FROM alpine:3.20\nRUN echo $PATH\n", nil, nil},
	})
}

// BuildKit merges a check= comment above an instruction into the linter it
// parses with; UndefinedVar re-parses instructions and must not panic there.
func TestUndefinedVarCheckComment(t *testing.T) {
	runCases(t, undefinedVar{}, []ruleCase{
		{"check= above CMD", "FROM scratch\n# check=skip=JSONArgsRecommended\nCMD mycommand\n", nil, nil},
		{"check= above COPY", "FROM scratch\n# check=skip=all\nCOPY $foo /a\n", []int{3}, nil},
	})
}

// BuildKit unquotes global ARG defaults (its lexer runs on them), so a
// quoted default is a valid tag and an empty one a set, empty variable.
func TestQuotedArgDefaults(t *testing.T) {
	runCases(t, invalidDefaultArgInFrom{}, []ruleCase{
		{"empty quoted default with a fallback", "ARG DEBUG=\"\"\nFROM scratch${DEBUG-@bogus}\n", nil, nil},
		{"quoted tag", "ARG TAG=\"3.20\"\nFROM alpine:${TAG}\n", nil, nil},
	})
	runCases(t, baseLatest{}, []ruleCase{
		{"quoted latest", "ARG TAG=\"latest\"\nFROM alpine:${TAG}\n", []int{2}, nil},
	})
}

// An ONBUILD trigger runs after the whole stage is built: an ENV or ARG
// written after the ONBUILD is in force when it runs.
func TestOnbuildSeesWholeStage(t *testing.T) {
	runCases(t, pipCacheKept{}, []ruleCase{
		{"ENV after ONBUILD", "FROM python:3.12\nONBUILD RUN pip install flask==3.0.3\nENV PIP_NO_CACHE_DIR=1\n", nil, nil},
	})
	runCases(t, yumUnpinned{}, []ruleCase{
		{"ARG after ONBUILD", "FROM centos:7 AS a\nARG V=1\nFROM centos:7\nONBUILD RUN yum install -y foo-$V && yum clean all\nARG V=2\n", nil, nil},
	})
}

// ENV A=/x:$A extends what the base image may set: not certainly unset.
func TestUndefinedVarSelfExtension(t *testing.T) {
	runCases(t, undefinedVar{}, []ruleCase{
		{"self extension", deb + "ENV LD_LIBRARY_PATH=/opt/lib:$LD_LIBRARY_PATH\n", nil, nil},
		{"another key of the same ENV", deb + "ENV A=1 B=$A\n", []int{2}, nil},
		{"self extension on scratch", "FROM scratch\nENV A=/x:$A\n", []int{2}, nil},
	})
}
