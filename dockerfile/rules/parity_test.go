package rules

import "testing"

// The cases here pin places where harden used to differ from the tool
// whose ID it reports (issue 12): each failed before the fix it names.

// An ONBUILD RUN is checked as itself: its --mount flags give the same
// cache exemption as on a plain RUN, and it is checked in every stage,
// since it runs in whatever image builds FROM this one.
func TestOnbuildRunParity(t *testing.T) {
	runCases(t, DL3009{}, []ruleCase{
		{"onbuild in an unused stage", "FROM debian:12 AS lib\nONBUILD RUN apt-get update && apt-get install -y curl\nFROM debian:12\n", []int{2}, nil},
		{"onbuild with a cache mount", deb + "ONBUILD RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y curl\n", nil, nil},
	})
	runCases(t, DL3019{}, []ruleCase{
		{"onbuild cache mount", "FROM alpine:3.20\nONBUILD RUN --mount=type=cache,target=/var/cache/apk apk add curl=8.9.1-r0\n", nil, nil},
		{"onbuild tmpfs mount", "FROM alpine:3.20\nONBUILD RUN --mount=type=tmpfs,target=/var/cache/apk apk add curl=8.9.1-r0\n", nil, nil},
		{"onbuild without", "FROM alpine:3.20\nONBUILD RUN apk add curl=8.9.1-r0\n", []int{2}, nil},
	})
	runCases(t, DL3036{}, []ruleCase{
		{"onbuild cache mount", "FROM opensuse/leap:15.6\nONBUILD RUN --mount=type=cache,target=/var/cache/zypp zypper install -y a=1\n", nil, nil},
	})
	runCases(t, DL3040{}, []ruleCase{
		{"onbuild cache mount", "FROM fedora:40\nONBUILD RUN --mount=type=cache,target=/var/cache/libdnf5 dnf install -y a-1.0\n", nil, nil},
	})
	runCases(t, DL3042{}, []ruleCase{
		{"onbuild cache mount", "FROM python:3.12\nONBUILD RUN --mount=type=cache,target=/root/.cache/pip pip install flask==3.0.3\n", nil, nil},
		{"onbuild without", "FROM python:3.12\nONBUILD RUN pip install flask==3.0.3\n", []int{2}, nil},
	})
	runCases(t, DL3060{}, []ruleCase{
		{"onbuild cache mount", "FROM node:20\nONBUILD RUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install\n", nil, nil},
		{"onbuild in an unused stage", "FROM node:20 AS lib\nONBUILD RUN yarn install\nFROM node:20\n", []int{2}, nil},
	})
}
