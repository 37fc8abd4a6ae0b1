package rules

import "testing"

func TestHD001(t *testing.T) {
	runCases(t, fullOSBase{}, []ruleCase{
		{"node", "FROM node:18\n", []int{1}, nil},
		{"python via stage chain", "FROM python:3.12-slim AS base\nFROM base\n", []int{2}, nil},
		{"golang final", "FROM golang:1.22\nRUN go build .\n", []int{1}, nil},
		{"distroless final", "FROM node:20 AS build\nFROM gcr.io/distroless/nodejs20-debian12\n", nil, nil},
		{"os image is HD004's", "FROM debian:12\n", nil, nil},
	})
}

func TestHD002(t *testing.T) {
	runCases(t, singleStage{}, []ruleCase{
		{"npm install", "FROM node:20\nRUN npm install\n", []int{2}, nil},
		{"compilers", "FROM debian:12\nRUN apt-get install -y build-essential=12.9\n", []int{2}, nil},
		{"dev package", "FROM alpine:3.20\nRUN apk add --no-cache musl-dev=1 curl=2\n", []int{2}, nil},
		{"go build", "FROM golang:1.22\nRUN go build -o /app .\n", []int{2}, nil},
		{"multi-stage", "FROM golang:1.22 AS b\nRUN go build -o /app .\nFROM debian:12\nCOPY --from=b /app /app\n", nil, nil},
		{"production deps", "FROM node:20\nRUN npm ci --omit=dev\n", nil, nil},
	})
}

func TestHD004(t *testing.T) {
	runCases(t, finalKeepsShell{}, []ruleCase{
		{"debian with binary", "FROM debian:12\nCOPY app /app\nENTRYPOINT [\"/app\"]\n", []int{1}, nil},
		{"needs a shell", "FROM debian:12\nCMD /app --flag\n", nil, nil},
		{"shell script entrypoint", "FROM alpine:3.20\nENTRYPOINT [\"/entrypoint.sh\"]\n", nil, nil},
		{"no entrypoint", "FROM debian:12\n", nil, nil},
		{"distroless", "FROM gcr.io/distroless/base-debian12\nENTRYPOINT [\"/app\"]\n", nil, nil},
	})
}

func TestHD005(t *testing.T) {
	runCases(t, baseNotDigestPinned{}, []ruleCase{
		{"tags", "FROM debian:12\nFROM node:20 AS x\n", []int{1, 2}, nil},
		{"digest, scratch, alias, variable", "FROM debian@sha256:abc AS a\nFROM scratch\nFROM a\nFROM $IMG\n", nil, nil},
	})
	p := baseNotDigestPinned{}.Check(&Input{File: mustParse(t, "FROM debian:12\n"), Config: Config{RequireDigest: true}})
	if len(p) != 1 || p[0].Level.String() != "warning" {
		t.Errorf("RequireDigest: %+v, want one warning", p)
	}
}
