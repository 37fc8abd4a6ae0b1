package lint_test

import (
	"fmt"

	"github.com/harden-dev/harden/dockerfile/lint"
)

func ExampleBytes() {
	src := []byte("FROM node:20\nMAINTAINER me\nRUN npm install\nUSER 1000\n")
	r := lint.Bytes("Dockerfile", src, lint.Config{Ignore: []string{"HD005", "DL3057"}})
	for _, f := range r.Findings {
		fmt.Printf("%d %s %s\n", f.Line, f.Level, f.Rule)
	}
	fixed, n := r.Fix()
	fmt.Printf("fixed %d:\n%s", n, fixed)
	// Output:
	// 1 warning HD001
	// 2 error DL4000
	// 3 warning HD002
	// 3 warning HD007
	// fixed 2:
	// FROM node:20
	// LABEL org.opencontainers.image.authors="me"
	// RUN npm ci --omit=dev
	// USER 1000
}
