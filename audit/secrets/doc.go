// Package secrets finds credentials in text: well-known token formats (AWS,
// GitHub, GitLab, Slack, Stripe, Google, npm, PyPI, JWT), private keys,
// credential files (.npmrc, .pypirc, .netrc, .git-credentials, Docker's
// config.json, .env) and generic high-entropy password= or secret=
// assignments. It reports where a secret is and a redacted form of it,
// never the secret itself. It is a leaf package: audit calls it from an
// fsindex want so only the matches are kept, not the file bodies.
package secrets
