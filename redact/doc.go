// Package redact removes secrets from everything harden prints or writes as
// a report. Strings read from an image (history, environment, labels, file
// excerpts, command lines) go through the same detector audit uses
// (audit/secrets); each secret becomes <redacted:RULE> and the name it is
// assigned to stays, e.g. AWS_SECRET_ACCESS_KEY=<redacted:aws-secret-access-key>.
//
// Beyond the detector's token formats, a value is redacted whatever it looks
// like when its key names a secret (TOKEN, SECRET, PASSWORD, *_KEY, APIKEY,
// CREDENTIAL, …), when it is a build argument in a history line
// ("|1 DEPLOY_TOKEN=… /bin/sh -c …"), or the user information of a URL
// (https://user:pass@host). Example keys (AKIAIOSFODNN7EXAMPLE) that audit
// does not report are still redacted when assigned to such a key: a report
// must not show them either way.
//
// String redacts one string; Value redacts every string in a result before
// it is rendered (so a table that cuts a cell cannot leave half a token);
// NewWriter redacts a stream (JSON and HTML escapes included), the boundary
// every command's output goes through.
package redact
