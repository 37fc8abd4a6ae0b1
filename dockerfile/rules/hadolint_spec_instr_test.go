package rules

import "testing"

// TestHadolintSpecsInstructions continues TestHadolintSpecs with the rules
// on FROM, COPY, ENV, LABEL, USER, WORKDIR, SHELL and CMD.
func TestHadolintSpecsInstructions(t *testing.T) {
	checkSpec(t, shellFormCmd{}, []specCase{
		{"FROM node as foo\nENTRYPOINT something\n", true},
		{"FROM scratch as build\nENTRYPOINT [\"foo\", \"bar\"]\n", false},
		{"FROM node as foo\nCMD something\n", true},
		{"FROM scratch as build\nCMD [\"foo\", \"bar\"]\nCMD [ \"foo\", \"bar\" ]\n", false},
	})
	checkSpec(t, noHealthcheck{}, []specCase{
		{"FROM scratch\n", true},
		{"FROM scratch\nHEALTHCHECK CMD /bin/bla\n", false},
		{"FROM scratch AS base\nHEALTHCHECK CMD /bin/bla\nFROM base\n", false},
		{"FROM scratch AS base\nHEALTHCHECK CMD /bin/bla\nFROM scratch\n", true},
	})
	checkSpec(t, baseUntagged{}, []specCase{
		{"FROM debian\n", true},
		{"FROM debian AS builder\n", true},
		{"FROM ruby@sha256:f1dbca0f5dbc9\n", false},
		{"FROM ruby:2\n", false},
		{"FROM ${VALUE}\n", false},
		{"FROM golang:1.9.3-alpine3.7 AS build\nRUN foo\nFROM build as unit-test\nRUN bar\nFROM alpine:3.7\nRUN baz\n", false},
		{"FROM golang:1.9.3-alpine3.7 AS build\nRUN foo\nFROM node as unit-test\nRUN bar\nFROM alpine:3.7\nRUN baz\n", true},
		{"FROM scratch\n", false},
	})
	checkSpec(t, envSelfRef{}, []specCase{
		{"ENV BLA=\"blubb\"\nENV BLUBB=\"${BLA}/blubb\"\n", false},
		{"ENV BLA=\"blubb\" BLUBB=\"${FOOBLA}/blubb\"\n", false},
		{"ENV BLA=\"blubb\" BLUBB=\"${BLAFOO}/blubb\"\n", false},
		{"ENV BLA=\"blubb\" BLUBB=\"$FOOBLA/blubb\"\n", false},
		{"ENV BLA=\"blubb\" BLUBB=\"$BLAFOO/blubb\"\n", false},
		{"ENV BLA=\"blubb\" BLUBB=\"$BLA/$BLAFOO/blubb\"\n", true},
		{"ENV BLA=\"blubb\" BLUBB=\"BLA/$BLAFOO/BLA\"\n", false},
		{"ARG BLA\nENV BLA=${BLA}\n", false},
		{"ENV BLA blubb\nENV BLA=${BLA}\n", false},
		{"ENV PATH=/bla:${PATH}\n", false},
		{"ENV PATH=/bla:${PATH}\nENV PATH=/blubb:${PATH}\n", false},
		{"ENV PATH=/bla:${PATH} PATH=/blubb:${PATH}\n", true},
		{"ENV BLA=\"blubb\" BLUBB=\"${BLA}/blubb\"\n", true},
		{"ENV BLA=\"blubb\" BLUBB=\"$BLA\"\n", true},
		{"ENV BLA=\"blubb\" BLUBB=\"${BLA}\"\n", true},
	})
	wc := "RUN wget -O - https://some.site | wc -l file > /number\n"
	checkSpec(t, pipeWithoutPipefail{}, []specCase{
		{"FROM scratch\nRUN wget -O - https://some.site | wc -l > /number\n", true},
		{"FROM scratch as build\nRUN wget -O - https://some.site && wc -l file > /number\n", false},
		{"FROM scratch as build\nSHELL [\"/bin/bash\", \"-eo\", \"pipefail\", \"-c\"]\n" + wc, false},
		{"FROM scratch as build\nSHELL [\"/bin/bash\", \"-e\", \"-o\", \"pipefail\", \"-c\"]\n" + wc, false},
		{"FROM scratch as build\nSHELL [\"/bin/bash\", \"-o\", \"errexit\", \"-o\", \"pipefail\", \"-c\"]\n" + wc, false},
		{"FROM scratch as build\nSHELL [\"/bin/zsh\", \"-o\", \"pipefail\", \"-c\"]\n" + wc, false},
		{"FROM scratch as build\nSHELL [\"/usr/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n" + wc, false},
		{"FROM scratch as build\nSHELL [\"/usr/local/bin/zsh\", \"-o\", \"pipefail\", \"-c\"]\n" + wc, false},
		{"FROM scratch as build\nSHELL [\"pwsh\", \"-c\"]\nRUN Get-Variable PSVersionTable | Select-Object -ExpandProperty Value\n", false},
		{"FROM scratch as build\nSHELL [\"/bin/sh\", \"-o\", \"pipefail\", \"-c\"]\n" + wc, true},
		{"FROM scratch as build\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n" + wc + "FROM scratch as build2\n" + wc, true},
		{"FROM scratch as build\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n" + wc + "SHELL [\"/bin/sh\", \"-c\"]\n" + wc, true},
		{"FROM mcr.microsoft.com/powershell:ubuntu-16.04\nSHELL [ \"powershell.exe\" ]\nRUN Get-Variable PSVersionTable | Select-Object -ExpandProperty Value\n", false},
		{"FROM mcr.microsoft.com/powershell:ubuntu-16.04\nSHELL [ \"cmd.exe\", \"/c\" ]\nRUN Get-Variable PSVersionTable | Select-Object -ExpandProperty Value\n", false},
	})
	checkSpec(t, addInsteadOfCopy{}, []specCase{
		{"ADD file.tar /usr/src/app/\n", false},
		{"ADD file.gz /usr/src/app/\n", false},
		{"ADD file.bz2 /usr/src/app/\n", false},
		{"ADD file.xz /usr/src/app/\n", false},
		{"ADD file.tgz /usr/src/app/\n", false},
		{"ADD http://file.com /usr/src/app/\n", false},
		{"ADD file /usr/src/app/\n", true},
		{"ADD file.zip /usr/src/app/\n", true},
		{"ADD \"file.tgz\" /usr/src/app/\n", false},
		{"ADD \"http://file.com\" /usr/src/app/\n", false},
		{"ADD \"file.zip\" /usr/src/app/\n", true},
	})
	checkSpec(t, fromNotFirst{}, []specCase{
		{"LABEL foo=bar\nFROM foo\n", true},
		{"FROM foo\nLABEL foo=bar\n", false},
		{"ARG A=B\nFROM foo\nLABEL foo=bar\n", false},
		{"# syntax = docker/dockerfile:1.0-experimental\nFROM node:16-alpine3.13\n", false},
		{"FROM foo\nARG A=B\nRUN echo bla\n", false},
	})
	checkSpec(t, fromPlatform{}, []specCase{
		{"FROM --platform=linux debian:jessie\n", true},
		{"FROM debian:jessie\n", false},
	})
	checkSpec(t, baseLatest{}, []specCase{
		{"FROM debian:latest\n", true},
		{"FROM debian:latest AS builder\n", true},
		{"FROM debian:jessie\n", false},
		{"FROM hub.docker.io/debian@sha256:7959ed6f7e35f8b1aaa06d1d8259d4ee25aa85a086d5c125480c333183f9deeb\n", false},
		{"FROM debian:jessie AS builder\n", false},
	})
	checkSpec(t, aptNoYes{}, []specCase{
		{"RUN apt-get install python", true},
		{"RUN apt-get install -yq python", false},
		{"RUN apt-get install -qq python", false},
		{"RUN apt-get install -y python", false},
		{"RUN apt-get -y install python", false},
		{"RUN apt-get --yes install python", false},
		{"RUN apt-get --assume-yes install python", false},
	})
	reg := func(r ...string) Config { return Config{TrustedRegistries: r} }
	checkSpec(t, untrustedRegistry{}, []specCase{{"FROM random.com/debian\n", false}})
	checkSpecWith(t, untrustedRegistry{}, reg("docker.io"), []specCase{
		{"FROM random.com/debian\n", true},
		{"FROM scratch\n", false},
		{"FROM ubuntu:18.04 AS builder1\nFROM zemanlx/ubuntu:18.04 AS builder2\nFROM docker.io/zemanlx/ubuntu:18.04 AS builder3\n", false},
	})
	checkSpecWith(t, untrustedRegistry{}, reg("x.com", "random.com"), []specCase{{"FROM random.com/debian\n", false}})
	checkSpecWith(t, untrustedRegistry{}, reg("random.com"), []specCase{{"FROM random.com/foo AS builder1\nFROM builder1 AS builder2\n", false}})
	checkSpecWith(t, untrustedRegistry{}, reg("*.random.com"), []specCase{{"FROM x.com/debian\n", true}})
	checkSpecWith(t, untrustedRegistry{}, reg("x.com", "*.random.com"), []specCase{{"FROM foo.random.com/debian\n", false}})
	checkSpecWith(t, untrustedRegistry{}, reg("*"), []specCase{{"FROM ubuntu:18.04 AS b1\nFROM zemanlx/ubuntu:18.04 AS b2\nFROM docker.io/zemanlx/ubuntu:18.04 AS b3\n", false}})
	checkSpec(t, invalidLabelKey{}, []specCase{
		{"LABEL com.docker.label=\"foo\"\n", true},
		{"LABEL io.docker.label=\"foo\"\n", true},
		{"LABEL org.dockerproject.label=\"foo\"\n", true},
		{"LABEL invalid$character=\"foo\"\n", true},
		{"LABEL .invalid=\"foo\"\n", true},
		{"LABEL -invalid=\"foo\"\n", true},
		{"LABEL 1invalid=\"foo\"\n", true},
		{"LABEL invalid..character=\"foo\"\n", true},
		{"LABEL invalid--character=\"foo\"\n", true},
		{"LABEL org.valid-key.label3=\"foo\"\n", false},
		{"LABEL validlabel=\"foo\"\n", false},
		{"FROM scratch\nONBUILD LABEL com.docker.label=\"foo\"\n", true},
	})
	checkSpec(t, wgetAndCurl{}, []specCase{
		{"FROM node as foo\nRUN wget my.xyz\nRUN curl localhost\n", true},
		{"FROM node as foo\nRUN wget my.xyz && curl localhost\n", true},
		{"FROM node as foo\nRUN wget my.xyz\n", false},
		{"FROM node as foo\nRUN wget my.xyz\nFROM scratch\nRUN curl localhost\n", false},
		{"FROM node as foo\nRUN wget my.xyz\nRUN curl localhost\nFROM scratch\nRUN curl localhost\n", true},
	})
	if n := len((wgetAndCurl{}).Check(&Input{File: mustParse(t, "FROM node as foo\nRUN wget my.xyz\nRUN curl my.xyz\nRUN echo hello\nRUN wget foo.com\n")})); n != 2 {
		t.Errorf("DL4001 reports %d RUNs, hadolint's spec says 2", n)
	}
	checkSpec(t, workdirNotAbsolute{}, []specCase{
		{"WORKDIR relative/dir\n", true},
		{"WORKDIR /usr/local\n", false},
		{"WORKDIR ${work}\n", false},
		{"WORKDIR 'relative/dir'\n", true},
		{"WORKDIR '/usr/local'\n", false},
		{"WORKDIR \"relative/dir\"\n", true},
		{"WORKDIR \"/usr/local\"\n", false},
		{"WORKDIR \"${dir}\"\n", false},
		{"WORKDIR 'C:\\'\n", false},
		{"WORKDIR C:/\n", false},
		{"WORKDIR \"C:/\"\n", false},
	})
	checkSpec(t, copyManyNoDirSlash{}, []specCase{
		{"COPY foo bar\n", false},
		{"COPY foo bar baz\n", true},
		{"COPY foo bar baz/\n", false},
	})
	checkSpec(t, nonNumericUser{}, []specCase{
		{"USER 12345\n", false},
		{"USER 1234:5678\n", false},
		{"USER foobar\n", true},
		{"USER foobar:barfoo\n", true},
	})
	checkSpec(t, lastUserRoot{}, []specCase{
		{"FROM scratch\nUSER root\n", true},
		{"FROM scratch\nUSER foo\n", false},
		{"FROM scratch\nUSER 0\n", true},
		{"FROM scratch\nUSER root:root\n", true},
		{"FROM scratch\nUSER 0:0\n", true},
		{"FROM scratch\nUSER root\nRUN something\nUSER foo\n", false},
		{"FROM debian as base\nUSER root\nRUN something\nFROM base\nRUN something else\n", true},
		{"FROM debian as base\nUSER root\nRUN something\nFROM scratch\nUSER foo\nRUN something else\n", true},
		{"FROM debian as base\nUSER root\nRUN something\nUSER foo\nFROM scratch\nRUN something else\n", false},
	})
	checkSpec(t, copyFromOwnStage{}, []specCase{
		{"FROM node as foo\nCOPY --from=foo bar .\n", true},
		{"FROM scratch as build\nRUN foo\nFROM node as run\nCOPY --from=build foo .\nRUN baz\n", false},
	})
	checkSpec(t, dnfNoYes{}, []specCase{
		{"RUN dnf install httpd-2.4.24 && dnf clean all", true},
		{"RUN dnf install -y httpd-2.4.24 && dnf clean all", false},
		{"RUN notdnf install httpd", false},
	})
	checkSpec(t, zypperNoYes{}, []specCase{
		{"RUN zypper install httpd=2.4.24 && zypper clean", true},
		{"RUN zypper install -n httpd=2.4.24 && zypper clean", false},
		{"RUN zypper install --non-interactive httpd=2.4.24 && zypper clean", false},
		{"RUN zypper install -y httpd=2.4.24 && zypper clean", false},
		{"RUN zypper install --no-confirm httpd=2.4.24 && zypper clean", false},
	})
	checkSpec(t, zypperUnpinned{}, []specCase{
		{"RUN zypper install -y tomcat && zypper clean", true},
		{"RUN zypper install -y tomcat=9.0.39 && zypper clean", false},
		{"RUN zypper install -y tomcat\\>=9.0 && zypper clean", false},
		{"RUN zypper install -y tomcat\\>9.0 && zypper clean", false},
		{"RUN zypper install -y tomcat\\<=9.0 && zypper clean", false},
		{"RUN zypper install -y tomcat\\<9.0 && zypper clean", false},
		{"RUN zypper install -y tomcat-9.0.39-1.rpm && zypper clean", false},
	})
	checkSpec(t, aptRecommends{}, []specCase{
		{"RUN apt-get install --no-install-recommends python", false},
		{"RUN apt-get install python", true},
		{"RUN apt-get -y install python", true},
		{"RUN apt-get -o APT::Install-Recommends=false install python", false},
	})
}
