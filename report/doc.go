// Package report holds the result types every harden analysis shares
// (Finding, Severity) and the renderers that print them: aligned text
// tables, Markdown, JSON and SARIF. It never names a check.
package report
