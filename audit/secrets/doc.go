// Package secrets finds credentials in text: well-known token formats (AWS,
// GitHub, GitLab, Slack, Stripe, Google, npm, PyPI, RubyGems, JWT,
// Anthropic, OpenAI, Hugging Face, SendGrid, Docker Hub, DigitalOcean),
// private keys, credential files (.npmrc, .pypirc, .netrc,
// .git-credentials, Docker's config.json, .env) and generic high-entropy
// password= or secret= assignments. Some formats are osv-scalibr's veles
// detectors, the others hand-written rules (docs/secrets.md says which and
// why). It reports where a secret is and a redacted form of it, never the
// secret itself. It is a leaf package: audit calls it from an fsindex want
// so only the matches are kept, not the file bodies.
package secrets
