// Package vuln keeps an offline vulnerability database of OSV records
// (osv.dev exports, folders of OSV JSON, Debian's security-tracker JSON) in
// an indexed file under the user's cache directory, and matches the packages
// of an SBOM against it with each ecosystem's version order. It never uses
// the network except in Update, when asked.
package vuln
