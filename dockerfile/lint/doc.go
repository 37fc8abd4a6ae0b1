// Package lint runs the Dockerfile rules of dockerfile/rules over files:
// it applies ignore pragmas, configuration (ignored rules, level
// overrides, settings), collects findings with their source lines, applies
// safe fixes, and renders results as table, JSON, SARIF, Checkstyle or
// GitLab Code Quality.
package lint

//go:generate go test -run TestRulesDoc -update
