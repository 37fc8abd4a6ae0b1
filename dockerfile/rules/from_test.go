package rules

import "testing"

func TestDL3006(t *testing.T) {
	runCases(t, baseUntagged{}, []ruleCase{
		{"untagged", "FROM debian\n", []int{1}, nil},
		{"untagged with alias", "FROM node AS unit-test\n", []int{1}, nil},
		{"tag, digest, variable, alias, scratch", "FROM ruby@sha256:abc AS a\nFROM ruby:2\nFROM ${VALUE}\nFROM a\nFROM scratch\n", nil, nil},
		{"registry with port", "FROM test.registry.com:3000/openjdk\n", []int{1}, nil},
	})
}

func TestDL3007(t *testing.T) {
	runCases(t, baseLatest{}, []ruleCase{
		{"latest", "FROM debian:latest AS builder\n", []int{1}, nil},
		{"latest with digest", "FROM debian:latest@sha256:abc\n", nil, nil},
		{"release", "FROM debian:jessie\n", nil, nil},
	})
}

func TestDL3026(t *testing.T) {
	cfg := Config{TrustedRegistries: []string{"docker.io", "*.gcr.io"}}
	runCases(t, untrustedRegistry{}, []ruleCase{
		{"untrusted", "FROM random.com/debian:12\n", []int{1}, &cfg},
		{"copy from image", "FROM debian:12\nCOPY --from=untrusted.com/repo/image:tag /a /b\n", []int{2}, &cfg},
		{"mount from image", "FROM debian:12\nRUN --mount=type=bind,from=untrusted.com/x:1,target=/x true\n", []int{2}, &cfg},
		{"hub, wildcard, scratch, alias", "FROM debian:12 AS b\nFROM eu.gcr.io/x/y:1\nFROM scratch\nFROM b\n", nil, &cfg},
		{"no list", "FROM random.com/debian:12\n", nil, &Config{}},
	})
}

func TestPlatformRules(t *testing.T) {
	runCases(t, fromPlatform{}, []ruleCase{
		{"constant", "FROM --platform=linux debian:jessie\n", []int{1}, nil},
		{"build platform", "FROM --platform=$BUILDPLATFORM a:1\nFROM --platform=\"${BUILDPLATFORM:-}\" b:1\nFROM --platform=$TARGETPLATFORM c:1\n", nil, nil},
	})
	runCases(t, redundantTargetPlatform{}, []ruleCase{
		{"redundant", "FROM --platform=$TARGETPLATFORM a:1\nFROM --platform=${TARGETPLATFORM} b:1\n", []int{1, 2}, nil},
		{"other", "FROM --platform=$FOOBAR a:1\nFROM --platform=foobar/arm64 b:1\n", nil, nil},
	})
}

func TestStageNameRules(t *testing.T) {
	runCases(t, reservedStageName{}, []ruleCase{
		{"scratch and context", "FROM a:1 AS scratch\nFROM a:1 AS context\n", []int{1, 2}, nil},
	})
	runCases(t, duplicateStageName{}, []ruleCase{
		{"duplicate", "FROM node:20 as foo\nFROM scratch as foo\n", []int{2}, nil},
		{"case-insensitive", "FROM node:20 AS Build\nFROM scratch AS build\n", []int{2}, nil},
	})
	runCases(t, stageNameCasing{}, []ruleCase{{"upper", "FROM a:1 AS BuilderBase\n", []int{1}, nil}})
	runCases(t, fromAsCasing{}, []ruleCase{
		{"lower as", "FROM debian:latest as builder\n", []int{1}, nil},
		{"lower from", "from scratch AS base\n", []int{1}, nil},
		{"matching", "from a:1 as b\nFROM c:1 AS d\n", nil, nil},
	})
}

func TestDL3061(t *testing.T) {
	runCases(t, fromNotFirst{}, []ruleCase{
		{"label first", "LABEL foo=bar\nFROM foo\n", []int{1}, nil},
		{"arg and syntax", "# syntax=docker/dockerfile:1\nARG A=1\nFROM a:1\n", nil, nil},
	})
}

func TestArgsInFrom(t *testing.T) {
	runCases(t, undefinedArgInFrom{}, []ruleCase{
		{"undeclared", "FROM node:22${VARIANT}\n", []int{1}, nil},
		{"typo in platform", "FROM --platform=$BULIDPLATFORM a:1\n", []int{1}, nil},
		{"one of two", "ARG tag=1\nFROM a:${tag}${version}\n", []int{2}, nil},
		{"declared", "ARG VARIANT=-alpine\nFROM node:22${VARIANT}\nFROM --platform=$BUILDPLATFORM a:1\n", nil, nil},
	})
	runCases(t, invalidDefaultArgInFrom{}, []ruleCase{
		{"empty tag", "ARG TAG\nFROM busybox:${TAG}\n", []int{2}, nil},
		{"empty image", "ARG IMAGE\nFROM $IMAGE\n", []int{2}, nil},
		{"bad suffix", "ARG SFX=\"box:\"\nFROM busy${SFX}\n", []int{2}, nil},
		{"defaults", "ARG TAG=latest\nFROM busybox:${TAG}\nARG V\nFROM busybox:stable${V}\nFROM alpine:${T:-3.14}\n", nil, nil},
	})
}
