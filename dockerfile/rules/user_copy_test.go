package rules

import "testing"

func TestDL3002(t *testing.T) {
	runCases(t, lastUserRoot{}, []ruleCase{
		{"root forms", deb + "USER root\nFROM a:1\nUSER 0\nFROM b:1\nUSER root:root\nFROM c:1\nUSER 0:0\n", []int{2, 4, 6, 8}, nil},
		{"root in base stage then reuse", "FROM debian:12 AS base\nUSER root\nFROM base\n", []int{2}, nil},
		{"reset", deb + "USER root\nRUN x\nUSER foo\n", nil, nil},
		{"no user", deb, nil, nil},
	})
}

func TestDL3066(t *testing.T) {
	runCases(t, nonNumericUser{}, []ruleCase{
		{"names", deb + "USER foobar\nUSER foobar:barfoo\n", []int{2, 3}, nil},
		{"numbers and args", deb + "USER 12345\nUSER 1234:5678\nARG APP_UID\nUSER ${APP_UID}\n", nil, nil},
	})
}

func TestDL3046(t *testing.T) {
	runCases(t, useraddHighUID{}, []ruleCase{
		{"high uid", deb + "RUN useradd -u 123456 luser\nRUN useradd --uid=123456 x\n", []int{2, 3}, nil},
		{"ok", deb + "RUN useradd luser\nRUN useradd -u 12345 a\nRUN useradd -l -u 123456 b\n", nil, nil},
	})
}

func TestHD003(t *testing.T) {
	runCases(t, noUser{}, []ruleCase{
		{"no user", "FROM node:20\n", []int{1}, nil},
		{"user in builder only", "FROM node:20 AS b\nUSER node\nFROM node:20\n", []int{3}, nil},
		{"user inherited", "FROM node:20 AS b\nUSER 1000\nFROM b\n", nil, nil},
		{"nonroot base", "FROM gcr.io/distroless/static-debian12:nonroot\n", nil, nil},
		{"explicit root is DL3002", "FROM node:20\nUSER root\n", nil, nil},
	})
}

func TestCopyRules(t *testing.T) {
	runCases(t, archiveCopied{}, []ruleCase{
		{"copy then extract", deb + "COPY packaged-app.tar /usr/src/app\nRUN tar -xf /usr/src/app/packaged-app.tar\n", []int{2}, nil},
		{"no extraction", deb + "COPY packaged-app.tar /usr/src/app\n", nil, nil},
		{"from stage", deb + "COPY --from=builder /some.tar /x\nRUN tar -xf /x/some.tar\n", nil, nil},
	})
	runCases(t, addInsteadOfCopy{}, []ruleCase{
		{"file and zip", deb + "ADD file /usr/src/app/\nADD file.zip /x/\n", []int{2, 3}, nil},
		{"archives and urls", deb + "ADD file.tar.gz /x/\nADD http://file.com /x/\nADD \"f.tgz\" /y/\n", nil, nil},
	})
	runCases(t, copyManyNoDirSlash{}, []ruleCase{
		{"no slash", deb + "COPY foo bar baz\nCOPY [\"a\", \"b\", \"c\"]\n", []int{2, 3}, nil},
		{"ok", deb + "COPY foo bar\nCOPY foo bar baz/\n", nil, nil},
	})
	runCases(t, copyFromUnknownStage{}, []ruleCase{
		{"undefined", deb + "COPY --from=foo /a /b\n", []int{2}, nil},
		{"defined later", deb + "COPY --from=later /a /b\nFROM a:1 AS later\n", []int{2}, nil},
		{"ok", "FROM a:1 AS build\nFROM b:1\nCOPY --from=build /a /b\nCOPY --from=haskell:latest /c /d\nCOPY --from=0 /e /f\n", nil, nil},
	})
	runCases(t, copyFromOwnStage{}, []ruleCase{
		{"self", "FROM node:20 as foo\nCOPY --from=foo bar .\n", []int{2}, nil},
		{"self other case", "FROM node:20 as Builder\nCOPY --from=builder bar .\n", []int{2}, nil},
	})
	runCases(t, copyRelativeNoWorkdir{}, []ruleCase{
		{"relative", deb + "COPY bla.sh blubb.sh\n", []int{2}, nil},
		{"workdir in unrelated stage", "FROM a:1\nWORKDIR /x\nFROM b:1\nCOPY a b\n", []int{4}, nil},
		{"absolute and inherited", "FROM a:1 AS base\nWORKDIR /x\nFROM base\nCOPY a b\nCOPY c /d\nCOPY e $X\nCOPY f C:\\\\g\n", nil, nil},
	})
	runCases(t, copyWholeFilesystem{}, []ruleCase{
		{"root", "FROM a:1 AS build\nFROM b:1\nCOPY --from=build / /\nCOPY --from=build \"/\" \"/\"\n", []int{3, 4}, nil},
		{"ok", "FROM a:1 AS build\nFROM b:1\nCOPY / /\nCOPY --from=build /app /\nCOPY --from=build / /app\n", nil, nil},
	})
	ignore := Config{Dockerignore: []string{"*/tmp/*", "secret", "**/*.pem"}, DockerignoreKnown: true}
	runCases(t, copyIgnoredFile{}, []ruleCase{
		{"ignored", deb + "COPY ./a/tmp/helloworld.txt /\nCOPY secret/x /\nADD deep/dir/k.pem /\n", []int{2, 3, 4}, &ignore},
		{"kept", deb + "COPY src /\nCOPY . /\n", nil, &ignore},
		{"exclusions skip the check", deb + "COPY secret /\n", nil, &Config{Dockerignore: []string{"secret", "!secret/ok"}, DockerignoreKnown: true}},
	})
	runCases(t, copyContextNoDockerignore{}, []ruleCase{
		{"no dockerignore", deb + "COPY . .\nADD ./ /app\n", []int{2, 3}, nil},
		{"dockerignore", deb + "COPY . .\n", nil, &Config{Dockerignore: []string{".git"}, DockerignoreKnown: true}},
		{"stdin", deb + "COPY . .\n", nil, &Config{}},
		{"from stage", "FROM a:1 AS b\nFROM c:1\nCOPY --from=b . .\n", nil, nil},
	})
}
