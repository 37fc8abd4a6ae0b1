package rules

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/report"
)

// knownSecretNames are environment variable names that hold credentials.
var knownSecretNames = map[string]bool{
	"AWS_ACCESS_KEY_ID": true, "AWS_SECRET_ACCESS_KEY": true, "AWS_SESSION_TOKEN": true, "AZURE_CLIENT_ID": true,
	"AZURE_CLIENT_SECRET": true, "AZURE_TENANT_ID": true, "GITHUB_TOKEN": true, "GH_TOKEN": true, "GH_ENTERPRISE_TOKEN": true,
	"GITHUB_ENTERPRISE_TOKEN": true, "GITLAB_TOKEN": true, "CI_JOB_TOKEN": true, "CI_DEPLOY_PASSWORD": true, "NPM_TOKEN": true,
	"NPM_AUTH_TOKEN": true, "YARN_NPM_AUTH_TOKEN": true, "PYPI_TOKEN": true, "TWINE_PASSWORD": true, "OPENAI_API_KEY": true,
	"ANTHROPIC_API_KEY": true, "HF_TOKEN": true, "HUGGING_FACE_HUB_TOKEN": true, "DIGITALOCEAN_ACCESS_TOKEN": true,
	"DOCKER_PASSWORD": true, "DOCKERHUB_PASSWORD": true, "DOCKER_AUTH_CONFIG": true, "FIREBASE_TOKEN": true,
	"GOOGLE_API_KEY": true, "LANGSMITH_API_KEY": true, "LANGCHAIN_API_KEY": true, "HEROKU_API_KEY": true,
	"POSTGRES_PASSWORD": true, "MYSQL_ROOT_PASSWORD": true, "MYSQL_PASSWORD": true, "MONGO_INITDB_ROOT_PASSWORD": true,
	"REDIS_PASSWORD": true, "RABBITMQ_DEFAULT_PASS": true, "VAULT_TOKEN": true, "SLACK_TOKEN": true, "SLACK_WEBHOOK_URL": true,
	"SENTRY_AUTH_TOKEN": true, "STRIPE_SECRET_KEY": true, "SENDGRID_API_KEY": true, "TWILIO_AUTH_TOKEN": true,
	"DATADOG_API_KEY": true, "DD_API_KEY": true, "CODECOV_TOKEN": true, "SONAR_TOKEN": true,
}

var (
	secretWords   = []string{"api_key", "apikey", "client_key", "password", "passwd", "private", "secret", "token", "username"}
	secretToken   = regexp.MustCompile(`(?i)(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)`)
	notSecretWord = regexp.MustCompile(`(?i)(?:_|^)(?:public|file|version|path|dir|url|name|id|type|mode|enabled|length|size)(?:_|$)`)
)

// secretName reports whether an ARG or ENV name looks like it holds a
// credential, with hadolint's list and substrings and BuildKit's token
// pattern.
func secretName(k string) bool {
	u := strings.ToUpper(strings.TrimPrefix(strings.TrimPrefix(k, "VITE_"), "REACT_APP_"))
	if knownSecretNames[u] {
		return true
	}
	if u == "GPG_KEY" || u == "GPG_KEYS" || notSecretWord.MatchString(k) {
		return false
	}
	l := strings.ToLower(k)
	for _, w := range secretWords {
		if strings.Contains(l, w) {
			return true
		}
	}
	return secretToken.MatchString(k)
}

// secretInArgEnv (DL3064) flags ARG and ENV names that look like secrets.
type secretInArgEnv struct{}

var metaDL3064 = Meta{Rule: report.Rule{
	ID:       "DL3064",
	Aliases:  []string{"SecretsUsedInArgOrEnv", "CIS-DI-0010", "CIS-4.10"},
	Severity: report.Medium,
	Title:    "Potentially sensitive data should not be used in the ARG or ENV commands",
	Help:     "ARG and ENV values are stored in the image's config and history, readable by anyone who can pull it. Names are matched with hadolint's list and BuildKit's token pattern; names ending in _FILE, _PATH, _VERSION or starting with PUBLIC_, and GPG_KEY, are not flagged.",
	Fix:      "Pass the secret at build time with RUN --mount=type=secret,id=name and at run time from the orchestrator's secret store.",
	Bad:      "FROM debian:12\nARG GITHUB_TOKEN\n",
	Good:     "FROM debian:12\nRUN --mount=type=secret,id=gh_token true\n",
}}

func (secretInArgEnv) Meta() *Meta { return &metaDL3064 }
func (secretInArgEnv) Check(in *Input) []Problem {
	var out []Problem
	for _, inst := range in.File.Instructions {
		for _, c := range []*dockerfile.Instruction{inst, inst.Trigger} {
			if c == nil || c.Cmd != "arg" && c.Cmd != "env" {
				continue
			}
			for _, kv := range c.KeyValues() {
				if secretName(kv.Key) {
					out = append(out, at(inst, fmt.Sprintf("%s %s may hold a secret", strings.ToUpper(c.Cmd), kv.Key)))
				}
			}
		}
	}
	return out
}

var credentialFileVars = []string{"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "HF_TOKEN_PATH", "GOOGLE_APPLICATION_CREDENTIALS", "KUBECONFIG", "DOCKER_CONFIG"}

var credentialCLI = regexp.MustCompile(`aws\s+configure\s+set\s+aws_(access_key_id|secret_access_key)|gcloud\s+auth\s+activate-service-account|az\s+login\b.*\s(-p|--password|--federated-token)\b|doctl\s+auth\s+init\b.*\s(-t|--access-token)\b|docker\s+login\b.*\s(-p|--password)\s`)

// secretInBuild (DS031) flags credential files copied into the image and credential CLIs
// run without a secret mount.
type secretInBuild struct{}

var metaDS031 = Meta{Rule: report.Rule{
	ID:       "DS031",
	Aliases:  []string{"CIS-DI-0010", "CIS-4.10"},
	Severity: report.High,
	Title:    "Secrets passed via build-args or envs or copied secret files",
	Help:     "A credentials file copied into the final stage, or a login command run with the secret on its command line, leaves the secret in a layer. Secret-looking ARG and ENV names are DL3064.",
	Fix:      "Use RUN --mount=type=secret for build-time credentials and mount run-time credentials from the orchestrator.",
	Bad:      "FROM amazon/aws-cli:2.15.0\nCOPY ./config $AWS_CONFIG_FILE\n",
	Good:     "FROM amazon/aws-cli:2.15.0\nRUN --mount=type=secret,id=aws,target=/root/.aws/credentials aws s3 ls\n",
}}

func (secretInBuild) Meta() *Meta { return &metaDS031 }
func (secretInBuild) Check(in *Input) []Problem {
	final := in.File.Final()
	if final == nil {
		return nil
	}
	var out []Problem
	var dests []string
	for _, inst := range final.Instructions {
		if inst.Cmd == "copy" || inst.Cmd == "add" {
			_, dest, _ := copyParts(inst)
			for _, v := range credentialFileVars {
				if strings.Contains(dest, "$"+v) || strings.Contains(dest, "${"+v+"}") {
					out = append(out, at(inst, fmt.Sprintf("a credentials file is copied to $%s", v)))
				}
			}
			dests = append(dests, strings.TrimPrefix(dest, "."))
		}
	}
	for _, inst := range final.Instructions {
		switch inst.Cmd {
		case "arg", "env":
			for _, kv := range inst.KeyValues() {
				if !contains(credentialFileVars, kv.Key) || kv.Value == "" {
					continue
				}
				v := strings.TrimPrefix(unquote(kv.Value), ".")
				for _, d := range dests {
					if d != "" && d != "/" && strings.HasPrefix(v, strings.TrimSuffix(d, "/")) {
						out = append(out, at(inst, fmt.Sprintf("%s points at a copied file", kv.Key)))
						break
					}
				}
			}
		case "run":
			if inst.Script == nil || !credentialCLI.MatchString(inst.Script.Text) {
				continue
			}
			secret := false
			for _, m := range inst.Mounts() {
				if m.Type == "secret" {
					secret = true
				}
			}
			if !secret {
				out = append(out, at(inst, "a login command gets its credential on the command line"))
			}
		}
	}
	return out
}
