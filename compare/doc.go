// Package compare measures images with every harden analysis in one pass
// per image — layers, audit, packages, vulnerabilities, the Dockerfile's
// lint — and sets them side by side: a table with a column per image and a
// row per property, with deltas against the first image, as text, Markdown,
// JSON, or a self-contained HTML report with inline SVG charts.
package compare
