// Package dockerfile parses Dockerfiles with BuildKit's own parser and
// instructions packages into a model that lint rules and the fixer share:
// stages, typed instructions with their source lines, and RUN bodies parsed
// as shell with mvdan.cc/sh.
//
// Rewrite (harden fix) turns a single-stage Dockerfile into a multi-stage
// one with a distroless final stage. The lint rules live in
// dockerfile/rules and the lint engine (ignore pragmas, configuration,
// fixes, output) in dockerfile/lint.
package dockerfile
