package secrets

import (
	"bytes"
	"reflect"

	"github.com/google/osv-scalibr/veles"
	"github.com/google/osv-scalibr/veles/secrets/anthropicapikey"
	"github.com/google/osv-scalibr/veles/secrets/digitaloceanapikey"
	"github.com/google/osv-scalibr/veles/secrets/dockerhubpat"
	"github.com/google/osv-scalibr/veles/secrets/huggingfaceapikey"
	"github.com/google/osv-scalibr/veles/secrets/npmjsaccesstoken"
	"github.com/google/osv-scalibr/veles/secrets/openai"
	"github.com/google/osv-scalibr/veles/secrets/pypiapitoken"
	"github.com/google/osv-scalibr/veles/secrets/rubygemsapikey"
	"github.com/google/osv-scalibr/veles/secrets/sendgrid"
	"github.com/google/osv-scalibr/veles/secrets/slacktoken"
	"github.com/google/osv-scalibr/veles/secrets/stripeapikeys"
)

// velesRules are the token formats osv-scalibr's veles detectors find:
// the kinds where veles finds what the hand-written rules found or more
// with no more false positives (stripe, npm, PyPI), and kinds harden had
// no rule for. The keywords are each format's fixed part, so a detector
// runs only on the lines the one keyword pass marks (a veles detector run
// over whole files is 30-40 times slower than the scan; see
// audit/veles_compare_test.go).
var velesRules = []Rule{
	{ID: "stripe-key", Title: "Stripe live key", Keywords: []string{"sk_live_", "rk_live_"}, keep: 8,
		detectors: []veles.Detector{stripeapikeys.NewSecretKeyDetector(), stripeapikeys.NewRestrictedKeyDetector()}},
	{ID: "stripe-webhook-secret", Title: "Stripe webhook signing secret", Keywords: []string{"whsec_"}, keep: 6,
		detectors: []veles.Detector{stripeapikeys.NewWebhookSecretDetector()}},
	{ID: "npm-token", Title: "npm access token", Keywords: []string{"npm_"}, keep: 4,
		detectors: []veles.Detector{npmjsaccesstoken.NewDetector()}},
	{ID: "pypi-token", Title: "PyPI upload token", Keywords: []string{"pypi-"}, keep: 5,
		detectors: []veles.Detector{pypiapitoken.NewDetector()}},
	{ID: "rubygems-api-key", Title: "RubyGems API key", Keywords: []string{"rubygems_"}, keep: 9,
		detectors: []veles.Detector{rubygemsapikey.NewDetector()}},
	{ID: "slack-app-token", Title: "Slack app-level or configuration token", Keywords: []string{"xapp-", "xoxe"}, keep: 5,
		detectors: []veles.Detector{slacktoken.NewAppLevelTokenDetector(), slacktoken.NewAppConfigAccessTokenDetector(),
			slacktoken.NewAppConfigRefreshTokenDetector()}},
	{ID: "anthropic-api-key", Title: "Anthropic API key", Keywords: []string{"sk-ant-"}, keep: 7,
		detectors: []veles.Detector{anthropicapikey.NewDetector()}},
	{ID: "openai-api-key", Title: "OpenAI API key", Keywords: []string{"T3BlbkFJ"}, keep: 3,
		detectors: []veles.Detector{openai.NewDetector()}},
	{ID: "huggingface-token", Title: "Hugging Face access token", Keywords: []string{"hf_"}, keep: 3,
		detectors: []veles.Detector{huggingfaceapikey.NewDetector()}},
	{ID: "sendgrid-api-key", Title: "SendGrid API key", Keywords: []string{"SG."}, keep: 3,
		detectors: []veles.Detector{sendgrid.NewDetector()}},
	{ID: "dockerhub-token", Title: "Docker Hub personal access token", Keywords: []string{"dckr_pat_"}, keep: 9,
		detectors: []veles.Detector{dockerhubpat.NewDetector()}},
	{ID: "digitalocean-token", Title: "DigitalOcean API token", Keywords: []string{"dop_v1_"}, keep: 7,
		detectors: []veles.Detector{digitaloceanapikey.NewDetector()}},
}

// detect runs a rule's veles detectors on src and returns the secrets'
// offsets in src, [start, end) pairs. Veles reports where a match starts
// and the secret's value; the value is looked up from there.
func (r *Rule) detect(src []byte) [][2]int {
	var out [][2]int
	for _, d := range r.detectors {
		ss, ps := d.Detect(src)
		for i, s := range ss {
			v := []byte(tokenOf(s))
			if len(v) == 0 {
				continue
			}
			at := bytes.Index(src[ps[i]:], v)
			if at >= 0 {
				at += ps[i]
			} else if at = bytes.Index(src, v); at < 0 {
				continue
			}
			out = append(out, [2]int{at, at + len(v)})
		}
	}
	return out
}

// tokenOf is the secret string of a veles token type: its Key, Token or
// Pat field (the other fields are what veles learnt about it).
func tokenOf(s veles.Secret) string {
	v := reflect.ValueOf(s)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return ""
	}
	for _, name := range []string{"Key", "Token", "Pat"} {
		if f := v.FieldByName(name); f.IsValid() && f.Kind() == reflect.String {
			return f.String()
		}
	}
	return ""
}
