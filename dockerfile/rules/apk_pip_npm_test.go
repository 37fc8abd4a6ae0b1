package rules

import "testing"

const alp = "FROM alpine:3.20\n"
const py = "FROM python:3.12\n"

func TestDL3018(t *testing.T) {
	runCases(t, apkUnpinned{}, []ruleCase{
		{"unpinned", alp + "RUN apk add flex\n", []int{2}, nil},
		{"pinned", alp + "RUN apk add flex=2.6.4-r1 git~2.52 'flex>=2.6.1-r1' ./my-1.1.apk\n", nil, nil},
		{"virtual and repository values", alp + "RUN apk add --virtual build-deps --repository http://x a=1 b=2\n", nil, nil},
	})
}

func TestDL3019(t *testing.T) {
	runCases(t, apkCacheKept{}, []ruleCase{
		{"missing", alp + "RUN apk add flex=2.6.4-r1\n", []int{2}, nil},
		{"wrong mount", alp + "RUN --mount=type=cache,target=/var/cache/foo apk add flex=2.6.4-r1\n", []int{2}, nil},
		{"no-cache", alp + "RUN apk add --no-cache flex=2.6.4-r1\n", nil, nil},
		{"mount", alp + "RUN --mount=type=cache,target=/var/cache/apk apk add -U curl=7.77.0\n", nil, nil},
	})
}

func TestDL3013(t *testing.T) {
	runCases(t, pipUnpinned{}, []ruleCase{
		{"unpinned", py + "RUN pip install MySQL_python\n", []int{2}, nil},
		{"pip3 and python -m pip", py + "RUN pip3 install a\nRUN python -m pip install b\n", []int{2, 3}, nil},
		{"vcs without ref", py + "RUN pip install git+https://github.com/x/y.git#egg=y\n", []int{2}, nil},
		{"pipx", py + "RUN pipx install black\n", []int{2}, nil},
		{"valued option", py + "RUN pip install --root-user-action=ignore mypkg\n", []int{2}, nil},
		{"pinned", py + "RUN pip install a==1.2.2 b~=1.0 'alabaster>=0.7' c===1\n", nil, nil},
		{"requirements and local", py + "RUN pip install -r requirements.txt && pip install . && pip install x.whl foo/bar\n", nil, nil},
		{"vcs with ref", py + "RUN pip install git+https://github.com/x/y.git@0.6#egg=y\n", nil, nil},
		{"constraint", py + "RUN pip install pykafka -c http://x/c.txt\n", nil, nil},
		{"pipenv", py + "RUN pipenv install black\n", nil, nil},
	})
}

func TestDL3042(t *testing.T) {
	runCases(t, pipCacheKept{}, []ruleCase{
		{"missing", py + "RUN pip install a==1\n", []int{2}, nil},
		{"env false", py + "ENV PIP_NO_CACHE_DIR=0\nRUN pip install a==1\n", []int{3}, nil},
		{"env in unrelated stage", py + "ENV PIP_NO_CACHE_DIR=1\nFROM python:3.12\nRUN pip install a==1\n", []int{4}, nil},
		{"flag", py + "RUN pip install --no-cache-dir a==1\n", nil, nil},
		{"env", py + "ENV PIP_NO_CACHE_DIR=1\nRUN pip install a==1\n", nil, nil},
		{"inline env", py + "RUN PIP_NO_CACHE_DIR=on pip install a==1\nRUN export PIP_NO_CACHE_DIR=yes && pip install b==1\n", nil, nil},
		{"inherited env", "FROM python:3.12 AS base\nENV PIP_NO_CACHE_DIR=true\nFROM base\nRUN pip install a==1\n", nil, nil},
		{"cache mount", py + "RUN --mount=type=cache,target=/root/.cache/pip pip install a==1\n", nil, nil},
		{"pipx", py + "RUN pipx install black==1\n", nil, nil},
	})
}

const node = "FROM node:20\n"

func TestDL3016(t *testing.T) {
	runCases(t, npmUnpinned{}, []ruleCase{
		{"unpinned", node + "RUN npm install express\n", []int{2}, nil},
		{"scoped unpinned", node + "RUN npm install @myorg/privatepackage\n", []int{2}, nil},
		{"global", node + "RUN npm install --global express\n", []int{2}, nil},
		{"git without ref", node + "RUN npm install git+https://github.com/npm/npm.git\n", []int{2}, nil},
		{"registry value", node + "RUN npm install --registry https://x express\n", []int{2}, nil},
		{"bare", node + "RUN npm install\n", nil, nil},
		{"pinned", node + "RUN npm install express@4.1.1 @myorg/pkg@\">=0.1.0\" -g x@\"4.1.1\" pkg.tgz ./folder git://x/y.git#v1.0.27\n", nil, nil},
		{"run", node + "RUN npm run --crazy install\n", nil, nil},
	})
}

func TestDL3060(t *testing.T) {
	runCases(t, yarnCacheKept{}, []ruleCase{
		{"no clean", node + "RUN yarn install foo\n", []int{2}, nil},
		{"clean before", node + "RUN yarn cache clean && yarn install\n", []int{2}, nil},
		{"clean", node + "RUN yarn install && yarn cache clean\n", nil, nil},
		{"mount", node + "RUN --mount=type=cache,target=/root/.cache/yarn yarn install\n", nil, nil},
		{"stage not reused", "FROM node:20 AS b\nRUN yarn install\nFROM scratch\n", nil, nil},
	})
}

func TestHD007(t *testing.T) {
	runCases(t, npmInstallShipped{}, []ruleCase{
		{"install", node + "RUN npm install\n", []int{2}, nil},
		{"builder stage", "FROM node:20 AS build\nRUN npm install\nFROM gcr.io/distroless/nodejs20-debian12\n", nil, nil},
		{"ci", node + "RUN npm ci --omit=dev\n", nil, nil},
		{"package install is DL3016's", node + "RUN npm install -g pm2@5\n", nil, nil},
	})
}

func TestHD007Fix(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		fixable   bool
	}{
		{"bare", node + "RUN npm install\n", true},
		{"production", node + "RUN npm install --production\n", true},
		{"then build", node + "RUN npm install && npm run build\n", false},
		{"other flag", node + "RUN npm install --legacy-peer-deps\n", false},
	} {
		ps := npmInstallShipped{}.Check(&Input{File: mustParse(t, tt.src)})
		if len(ps) != 1 || (len(ps[0].Edits) > 0) != tt.fixable {
			t.Errorf("%s: problems %+v, want fixable=%v", tt.name, ps, tt.fixable)
		}
	}
}
