package rules

import "testing"

const deb = "FROM debian:12\n"

func TestDL3008(t *testing.T) {
	runCases(t, aptUnpinned{}, []ruleCase{
		{"unpinned", deb + "RUN apt-get install -y python\n", []int{2}, nil},
		{"pinned forms", deb + "RUN apt-get install -y nodejs=0.10 'python-demjson=2.2.2*' ./pkg_1.0_amd64.deb\n", nil, nil},
		{"target release value", deb + "RUN apt-get install -y -t jessie-backports openjdk-8-jdk=8u131\n", nil, nil},
		{"one of several", deb + "RUN apt-get update && apt-get install -y a=1 b\n", []int{2}, nil},
		{"onbuild", deb + "ONBUILD RUN apt-get install -y python\n", []int{2}, nil},
	})
}

func TestDL3009(t *testing.T) {
	runCases(t, aptListsKept{}, []ruleCase{
		{"no cleanup", deb + "RUN apt-get update && apt-get install -y python\n", []int{2}, nil},
		{"cleanup", deb + "RUN apt-get update && apt-get install -y python && rm -rf /var/lib/apt/lists/*\n", nil, nil},
		{"cache mount", deb + "RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y x\n", nil, nil},
		{"wrong cache mount", deb + "RUN --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y x\n", []int{2}, nil},
		{"builder stage not reused", "FROM debian:12 AS foo\nRUN apt-get update && apt-get install -y x\nFROM scratch\n", nil, nil},
		{"stage reused as base", "FROM debian:12 AS foo\nRUN apt-get update && apt-get install -y x\nFROM foo\n", []int{2}, nil},
	})
}

func TestDL3014(t *testing.T) {
	runCases(t, aptNoYes{}, []ruleCase{
		{"missing", deb + "RUN apt-get install python\n", []int{2}, nil},
		{"quiet once", deb + "RUN apt-get -q install python\n", []int{2}, nil},
		{"yes forms", deb + "RUN apt-get -yq install a && apt-get --yes install b && apt-get --assume-yes install c\n", nil, nil},
		{"quiet twice", deb + "RUN apt-get -qq install a && apt-get -q -q install b && apt-get -q=2 install c\n", nil, nil},
	})
}

func TestDL3015(t *testing.T) {
	runCases(t, aptRecommends{}, []ruleCase{
		{"missing", deb + "RUN apt-get -y install python\n", []int{2}, nil},
		{"flag", deb + "RUN apt-get -y install --no-install-recommends python\n", nil, nil},
		{"apt option", deb + "RUN apt-get -y -o APT::Install-Recommends=false install python\n", nil, nil},
	})
}

func TestDL3027(t *testing.T) {
	runCases(t, aptInsteadOfAptGet{}, []ruleCase{
		{"apt", deb + "RUN apt install python\n", []int{2}, nil},
		{"apt-get", deb + "RUN apt-get install python\n", nil, nil},
	})
}

func TestDS017(t *testing.T) {
	runCases(t, updateAlone{}, []ruleCase{
		{"alone", deb + "RUN apt-get update\n", []int{2}, nil},
		{"exec form", deb + "RUN [\"apt-get\", \"update\"]\n", []int{2}, nil},
		{"followed by something else", deb + "RUN apt-get update && adduser mike\n", []int{2}, nil},
		{"dnf and yum", "FROM fedora:40\nRUN dnf update -y\nRUN yum update -y\n", []int{2, 3}, nil},
		{"with install", deb + "RUN apt-get update && apt-get install -y curl\n", nil, nil},
		{"apk", "FROM alpine:3.20\nRUN apk update && apk add curl\n", nil, nil},
		{"upgrade", deb + "RUN apt-get update -y ; apt upgrade --yes\n", nil, nil},
		{"other tool", deb + "RUN sbt update\n", nil, nil},
		{"heredoc", deb + "RUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n", nil, nil},
	})
}

func TestDS024(t *testing.T) {
	runCases(t, aptDistUpgrade{}, []ruleCase{
		{"dist-upgrade", deb + "RUN apt-get -q dist-upgrade\n", []int{2}, nil},
		{"upgrade", deb + "RUN apt-get upgrade -y\n", nil, nil},
	})
}
