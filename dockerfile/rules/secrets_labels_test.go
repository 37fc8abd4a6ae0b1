package rules

import "testing"

func TestDL3064(t *testing.T) {
	runCases(t, secretInArgEnv{}, []ruleCase{
		{"names", deb + "ARG AWS_ACCESS_KEY_ID\nARG openai_api_key\nENV my_password=x\nENV SUPER_Secret=foo\nARG DB_USERNAME\nENV apikey=bar\n", []int{2, 3, 4, 5, 6, 7}, nil},
		{"two in one ENV", deb + "ENV password=bar secret=baz\n", []int{2, 2}, nil},
		{"not secrets", deb + "ARG foobar\nENV PUBLIC_KEY=x\nARG public_token\nARG SECRET_PASSPHRASE_FILE\nARG AUTH_MODULE_VERSION\nENV GPG_KEY=ABC\n", nil, nil},
		{"onbuild", deb + "ONBUILD ARG GITHUB_TOKEN\n", []int{2}, nil},
	})
}

func TestDS031(t *testing.T) {
	runCases(t, secretInBuild{}, []ruleCase{
		{"copy to config var", deb + "COPY ./config $AWS_CONFIG_FILE\n", []int{2}, nil},
		{"env points at copied file", deb + "COPY /src /app/\nENV GOOGLE_APPLICATION_CREDENTIALS=./app/x.json\n", []int{3}, nil},
		{"cli", deb + "RUN aws configure set aws_access_key_id $KEY\n", []int{2}, nil},
		{"cli with secret mount", deb + "RUN --mount=type=secret,id=aws aws configure set aws_access_key_id $(cat /run/secrets/aws)\n", nil, nil},
		{"earlier stage only", deb + "COPY ./config $AWS_CONFIG_FILE\nFROM b:1\n", nil, nil},
		{"var without copy", deb + "ENV GOOGLE_APPLICATION_CREDENTIALS=/etc/x.json\n", nil, nil},
	})
}

func TestLabelRules(t *testing.T) {
	schema := Config{LabelSchema: map[string]string{"a": "url", "b": "rfc3339", "c": "spdx", "d": "hash", "e": "semver", "f": "email", "g": "text"}}
	strict := schema
	strict.StrictLabels = true
	bad := deb + "LABEL a=not-url b=not-date c=not-spdx d=not-git-hash e=not-sem-ver f=not-email\n"
	good := deb + "LABEL a=http://example.com b=2021-03-10T10:26:33.564595127+01:00 c=\"MIT OR Apache-2.0\" d=2dbfae9 e=1.0.0 f=abcd@google.com g=\"\"\n"
	for _, r := range []Rule{labelNotURL{}, labelNotRFC3339{}, labelNotSPDX{}, labelNotGitHash{}, labelNotSemver{}, labelNotEmail{}} {
		runCases(t, r, []ruleCase{{"bad", bad, []int{2}, &schema}, {"good", good, nil, &schema}, {"no schema", bad, nil, &Config{}}})
	}
	runCases(t, emptyLabel{}, []ruleCase{{"empty", deb + "LABEL g=\"\"\n", []int{2}, &schema}, {"not in schema", deb + "LABEL x=\"\"\n", nil, &schema}})
	runCases(t, superfluousLabel{}, []ruleCase{
		{"superfluous", deb + "LABEL other=bar a=http://x\n", []int{2}, &strict},
		{"not strict", deb + "LABEL other=bar\n", nil, &schema},
	})
	one := Config{LabelSchema: map[string]string{"foo": "text"}}
	runCases(t, missingLabel{}, []ruleCase{
		{"missing", "FROM baseimage\n", []int{1}, &one},
		{"two final stages", "FROM a:1 AS x\nFROM b:1\n", []int{1, 2}, &one},
		{"present and inherited", "FROM a:1 AS base\nLABEL foo=bar\nFROM base\n", nil, &one},
		{"copied builder", "FROM a:1 AS b\nFROM c:1\nCOPY --from=b /x /y\nLABEL foo=1\n", nil, &one},
	})
}
