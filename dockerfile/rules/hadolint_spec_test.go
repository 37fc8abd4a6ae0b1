package rules

import (
	"strings"
	"testing"
)

// specCase is one assertion of hadolint's rule specs (test/Hadolint/Rule/
// DLxxxxSpec.hs), restated: the Dockerfile and whether the rule fires. Like
// hadolint's ruleCatches and onBuildRuleCatches, each RUN-only case is also
// checked wrapped in ONBUILD.
type specCase struct {
	src   string
	fires bool
}

func checkSpec(t *testing.T, r Rule, cases []specCase) {
	t.Helper()
	checkSpecWith(t, r, Config{}, cases)
}

func checkSpecWith(t *testing.T, r Rule, cfg Config, cases []specCase) {
	t.Helper()
	for _, c := range cases {
		srcs := []string{c.src}
		if strings.HasPrefix(c.src, "RUN ") && !strings.Contains(strings.TrimSuffix(c.src, "\n"), "\n") {
			srcs = append(srcs, "FROM scratch\nONBUILD "+c.src)
		}
		for _, src := range srcs {
			got := len(r.Check(&Input{File: mustParse(t, src), Config: cfg})) > 0
			if got != c.fires {
				t.Errorf("%s on %q: fires = %v, hadolint's spec says %v", r.Meta().ID, src, got, c.fires)
			}
		}
	}
}

func TestHadolintSpecs(t *testing.T) {
	checkSpec(t, aptListsKept{}, []specCase{
		{"FROM scratch\nRUN apt-get update && apt-get install python\n", true},
		{"FROM ubuntu as foo\nRUN apt-get update && apt-get install python\nFROM scratch\nRUN echo hey!\n", false},
		{"FROM ubuntu as foo\nRUN apt-get update && apt-get install python\nFROM foo\nRUN hey!\n", true},
		{"FROM ubuntu as foo\nRUN apt-get update && apt-get install python && rm -rf /var/lib/apt/lists/*\nFROM foo\nRUN hey!\n", false},
		{"RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install python", false},
		{"RUN --mount=type=cache,target=/var/lib/apt --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install python", false},
		{"RUN --mount=type=cache,target=/var/cache/apt rm -f /etc/apt/apt.conf.d/docker-clean && apt-get update && apt-get install python", true},
	})
	checkSpec(t, pipUnpinned{}, []specCase{
		{"RUN pip2 install MySQL_python", true},
		{"RUN pip3 install MySQL_python==1.2.2", false},
		{"RUN pip3 install mypkg.whl", false},
		{"RUN pip3 install mypkg.tar.gz", false},
		{"RUN pip install -r requirements.txt", false},
		{"RUN pip install --requirement requirements.txt", false},
		{"RUN pip install .", false},
		{"RUN pip install MySQL_python~=1.2.2", false},
		{"RUN pip install MySQL_python===1.2.2", false},
		{"RUN pip install --ignore-installed MySQL_python==1.2.2", false},
		{"RUN pip3 install --build /opt/yamllint yamllint==1.20.0", false},
		{"RUN pip3 install --prefix /opt/yamllint yamllint==1.20.0", false},
		{"RUN pip3 install --root /opt/yamllint yamllint==1.20.0", false},
		{"RUN pip3 install --target /opt/yamllint yamllint==1.20.0", false},
		{"RUN pip3 install --trusted-host host example==1.2.2", false},
		{"RUN python -m pip install example==1.2.2", false},
		{"RUN python -m pip install example", true},
		{"RUN python -m pip install --index-url url example", true},
		{"RUN pip install git+https://github.com/rtfd/r-ext.git@0.6-alpha#egg=r-ext", false},
		{"RUN pip install git+https://github.com/rtfd/read-ext.git#egg=read-ext", true},
		{"RUN pip install 'alabaster>=0.7'", false},
		{"RUN pip install 'alabaster!=0.7'", false},
		{"RUN pip install MySQL_python==1.2.2 --user", false},
		{"RUN pip install --index-url https://eg.com/foo --extra-index-url https://ex-eg.io/foo foobar==1.0.0", false},
		{"RUN pip install pykafka --constraint http://foo.bar.baz", false},
		{"RUN pip install pykafka -c http://foo.bar.baz", false},
		{"RUN pip install --index-url https://user:pass@eg.com/foo foobar==1.0.0", false},
	})
	checkSpec(t, apkUnpinned{}, []specCase{
		{"RUN apk add flex", true},
		{"RUN apk add flex=2.6.4-r1", false},
		{"RUN apk add --no-cache git~2.52.0", false},
		{"RUN apk add --no-cache flex=2.6.4-r1 && pip install -r requirements.txt", false},
		{"RUN apk add --no-cache flex=2.6.4-r1 libffi python2=2.7.13-r1", true},
		{"RUN apk add --virtual build-dependencies python-dev=1.1.1 build-base=2.2.2 && apk del build-dependencies", false},
		{"RUN apk add --no-cache --repository https://nl.alpinelinux.org/alpine/edge/testing flow=0.78.0-r0", false},
		{"RUN apk add --no-cache --repository=https://nl.alpinelinux.org/alpine/edge/testing flow=0.78.0-r0", false},
		{"RUN apk add --no-cache -X https://nl.alpinelinux.org/alpine/edge/testing flow=0.78.0-r0", false},
		{"RUN apk add mypackage-1.1.1.apk", false},
	})
	checkSpec(t, copyFromUnknownStage{}, []specCase{
		{"FROM scratch\nCOPY --from=foo bar .\n", true},
		{"FROM scratch\nCOPY --from=build foo .\nFROM node as build\nRUN baz\n", true},
		{"FROM scratch as build\nRUN foo\nFROM node\nCOPY --from=build foo .\nRUN baz\n", false},
	})
	checkSpec(t, dnfCacheKept{}, []specCase{
		{"RUN dnf install -y mariadb-10.4", true},
		{"RUN microdnf install -y mariadb-10.4", true},
		{"RUN dnf install -y mariadb-10.4 && dnf clean all", false},
		{"RUN microdnf install -y mariadb-10.4 && microdnf clean all", false},
		{"RUN notdnf install mariadb", false},
		{"RUN dnf install -y mariadb-10.4 && rm -rf /var/cache/yum/*", false},
	})
	checkSpec(t, copyRelativeNoWorkdir{}, []specCase{
		{"FROM scratch\nCOPY bla.sh /usr/local/bin/blubb.sh\n", false},
		{"FROM scratch\nCOPY bla.sh \"/usr/local/bin/blubb.sh\"\n", false},
		{"FROM scratch\nCOPY bla.sh c:\\system32\\blubb.sh\n", false},
		{"FROM scratch\nCOPY bla.sh c:/system32/blubb.sh\n", false},
		{"FROM scratch\nWORKDIR /usr\nCOPY bla.sh blubb.sh\n", false},
		{"FROM scratch\nCOPY src.sh ${SRC_BASE_ENV}\n", false},
		{"FROM scratch\nCOPY src.sh \"$SRC_BASE_ENV\"\n", false},
		{"FROM scratch\nCOPY bla.sh blubb.sh\n", true},
		{"FROM scratch\nCOPY bla.sh \"blubb.sh\"\n", true},
		{"FROM debian:buster as stage1\nWORKDIR /usr\nFROM debian:buster\nCOPY foo bar\n", true},
		{"FROM debian:buster as base\nWORKDIR /usr\nFROM debian:buster as mid\nRUN foo\nFROM base\nCOPY foo bar\n", false},
		{"FROM debian:buster as base1\nWORKDIR /usr\nFROM base1 as base2\nRUN foo\nFROM base2\nCOPY foo bar\n", false},
		{"FROM debian:buster\nONBUILD WORKDIR /usr/local/lib\nONBUILD COPY foo bar\n", false},
		{"FROM scratch\nONBUILD COPY a b\n", true},
		// hadolint's own cases have no FROM
		{"COPY bla.sh blubb.sh\n", true},
		{"COPY bla.sh /usr/local/bin/blubb.sh\n", false},
		{"COPY src.sh $SRC_BASE_ENV\n", false},
		{"WORKDIR /usr\nCOPY bla.sh blubb.sh\n", false},
	})
	checkSpec(t, wgetProgressBar{}, []specCase{
		{"FROM node as foo\nRUN wget my.xyz\n", true},
		{"FROM node as foo\nRUN wget --progress=dot:giga my.xyz\n", false},
		{"FROM node as foo\nRUN wget -q my.xyz\n", false},
		{"FROM node as foo\nRUN wget --quiet my.xyz\n", false},
		{"FROM node as foo\nRUN wget -nv my.xyz\n", false},
		{"FROM node as foo\nRUN wget --no-verbose my.xyz\n", false},
		{"FROM node as foo\nRUN wget --output-file=/tmp/wget.log my.xyz\n", false},
		{"FROM node as foo\nRUN wget -o /tmp/wget.log my.xyz\n", false},
		{"FROM node as foo\nRUN wget --append-output=/tmp/wget.log my.xyz\n", false},
		{"FROM node as foo\nRUN wget -a /tmp/wget.log my.xyz\n", false},
	})
	checkSpec(t, consecutiveRuns{}, []specCase{
		{"FROM debian:10\n", false},
		{"RUN /foo.sh\nWORKDIR /\nRUN /bar.sh\n", false},
		{"RUN /foo.sh\nRUN /bar.sh\n", true},
		{"RUN /foo.sh\n# a comment\nRUN /bar.sh\n", true},
		{"RUN --mount=type=secret,id=foo /foo.sh\nRUN /bar.sh\n", false},
		{"RUN --mount=type=secret,id=foo /foo.sh\nRUN --mount=type=secret,id=bar /bar.sh\n", false},
		{"RUN --mount=type=secret,id=foo /foo.sh\nRUN --mount=type=secret,id=foo /bar.sh\n", true},
		{"RUN foo && bar\nRUN foobar\n", false},
		{"RUN foo; bar\nRUN foobar\n", false},
		{"RUN foo && bar\nRUN foo\nRUN bar\n", true},
	})
	checkSpec(t, yarnCacheKept{}, []specCase{
		{"RUN foo", false},
		{"RUN yarn install foo", true},
		{"RUN yarn install bar && yarn cache clean", false},
		{"FROM node:lts-alpine as foo\nRUN hey!\nFROM scratch\nRUN yarn install\n", true},
		{"FROM node:lts-alpine as foo\nRUN yarn install\nFROM foo\nRUN hey!\n", true},
		{"FROM node:lts-alpine as foo\nRUN yarn install && yarn cache clean\nFROM foo\nRUN hey!\n", false},
		{"FROM node:lts-alpine as foo\nRUN yarn install foo\nFROM scratch\nRUN hey!\n", false},
	})
	checkSpec(t, yumUnpinned{}, []specCase{
		{"RUN yum install -y tomcat && yum clean all", true},
		{"RUN yum install -y tomcat-9.2 && yum clean all", false},
		{"RUN bash -c `# not even a yum command`", false},
		{"RUN yum install -y openssl-1:1.1.1k", false},
		{"RUN yum install -y rpm-sign-4.16.1.3", false},
		{"RUN yum install -y gcc-c++-1.1.1", false},
		{"RUN yum module install -y tomcat && yum clean all", true},
		{"RUN yum module install -y tomcat:9 && yum clean all", false},
		{"RUN yum install -y \"git-core-${GIT_VER}\" && yum clean all", false},
		{"RUN yum install -y \"which-${WHICH_VERSION}\" && yum clean all", false},
		{"RUN yum install -y tomcat-$VERSION && yum clean all", false},
	})
	checkSpec(t, pipCacheKept{}, []specCase{
		{"RUN pip2 install MySQL_python", true},
		{"RUN pip install MySQL_python", true},
		{"RUN pip2 install MySQL_python --no-cache-dir", false},
		{"RUN pip3 install --no-cache-dir MySQL_python", false},
		{"RUN pipx install software", false},
		{"RUN pipenv install library", false},
		{"FROM scratch\nENV PIP_NO_CACHE_DIR=1\nRUN pip install MySQL_python\n", false},
		{"ENV PIP_NO_CACHE_DIR=1\nRUN pip install MySQL_python\n", false}, // hadolint's own case has no FROM
		{"ENV PIP_NO_CACHE_DIR=0\nRUN pip install MySQL_python\n", true},
		{"FROM scratch\nENV PIP_NO_CACHE_DIR=on\nRUN pip install MySQL_python\n", false},
		{"FROM scratch\nENV PIP_NO_CACHE_DIR=yes\nRUN pip install MySQL_python\n", false},
		{"FROM scratch\nENV PIP_NO_CACHE_DIR=true\nRUN pip install MySQL_python\n", false},
		{"RUN PIP_NO_CACHE_DIR=1 pip install MySQL_python", false},
		{"RUN PIP_NO_CACHE_DIR=true pip install MySQL_python", false},
		{"RUN export PIP_NO_CACHE_DIR=on && pip install MySQL_python", false},
		{"FROM scratch\nENV PIP_NO_CACHE_DIR=0\nRUN pip install MySQL_python\n", true},
		{"FROM scratch\nENV PIP_NO_CACHE_DIR=off\nRUN pip install MySQL_python\n", true},
		{"RUN PIP_NO_CACHE_DIR=false pip install MySQL_python", true},
		{"RUN PIP_NO_CACHE_DIR=no pip install MySQL_python", true},
		{"RUN export PIP_NO_CACHE_DIR=0 && pip install MySQL_python", true},
		{"FROM debian:buster as base\nENV PIP_NO_CACHE_DIR=1\nFROM base\nRUN pip install six\n", false},
		{"FROM debian:buster as base\nENV PIP_NO_CACHE_DIR=1\nFROM debian:buster\nRUN pip install six\n", true},
	})
	checkSpec(t, npmUnpinned{}, []specCase{
		{"RUN npm install", false},
		{"RUN npm install --progress=false", false},
		{"RUN npm install express@4.1.1", false},
		{"RUN npm install @myorg/privatepackage@\">=0.1.0\"", false},
		{"RUN npm install express@\"4.1.1\" sax@0.1.1", false},
		{"RUN npm install --global express@\"4.1.1\"", false},
		{"RUN npm install -g express@\"4.1.1\"", false},
		{"RUN npm install package-v1.2.3.tar", false},
		{"RUN npm install package-v1.2.3.tgz", false},
		{"RUN npm install /folder", false},
		{"RUN npm install ./folder", false},
		{"RUN npm install ../folder", false},
		{"RUN npm install ~/folder", false},
		{"RUN npm install git+ssh://git@github.com:npm/npm.git#v1.0.27", false},
		{"RUN npm install git+http://isaacs@github.com/npm/npm#semver:^5.0", false},
		{"RUN npm install git://github.com/npm/npm.git#v1.0.27", false},
		{"RUN npm run --crazy install", false},
		{"RUN npm install @myorg/privatepackage@\">=0.1.0 <0.2.0\"", false},
		{"RUN npm install express", true},
		{"RUN npm install @myorg/privatepackage", true},
		{"RUN npm install express sax@0.1.1", true},
		{"RUN npm install --global express", true},
		{"RUN npm install git+ssh://git@github.com:npm/npm.git", true},
		{"RUN npm install git+https://isaacs@github.com/npm/npm.git", true},
		{"RUN npm install git://github.com/npm/npm.git", true},
		{"RUN npm install --loglevel verbose sax@0.1.1", false},
		{"RUN npm install --registry https://example.com sax@0.1.1", false},
		{"RUN npm install --registry https://example.com express", true},
		{"RUN npm install --registry=https://example.com express", true},
	})
	checkSpec(t, gemUnpinned{}, []specCase{
		{"RUN gem i bundler", true},
		{"RUN gem i bundler:1", false},
		{"RUN gem i bunlder:1 nokogiri", true},
		{"RUN gem i bunlder:1 nokogirii:1", false},
		{"RUN gem install bundler", true},
		{"RUN gem install bundler -v '2.0.1'", false},
		{"RUN gem install bundler --version '2.0.1'", false},
		{"RUN gem install bundler --version='2.0.1'", false},
		{"RUN gem install bundler:2.0.1 -- --use-system-libraries=true", false},
		{"RUN gem install bundler:2.0.1 -- --use-system-libraries true", false},
		{"RUN gem install bundler:2.0.1 --use-system-libraries true", false},
		{"RUN gem install bundler:2.0.1 --use-system-libraries=true", false},
	})
	checkSpec(t, yumCacheKept{}, []specCase{
		{"RUN yum install -y mariadb-10.4", true},
		{"RUN yum install -y mariadb-10.4 && yum clean all", false},
		{"RUN bash -c `# not even a yum command`", false},
	})
	checkSpec(t, zypperCacheKept{}, []specCase{
		{"RUN zypper install -y mariadb=10.4", true},
		{"RUN zypper install -y mariadb=10.4 && zypper clean", false},
		{"RUN zypper install -y mariadb=10.4 && zypper cc", false},
	})
	checkSpec(t, aptUnpinned{}, []specCase{
		{"RUN apt-get update && apt-get install python", true},
		{"RUN apt-get update \\\n && apt-get -yqq --no-install-recommends install nodejs=0.10 \\\n && rm -rf /var/lib/apt/lists/*\n", false},
		{"RUN apt-get update && apt-get install --no-install-recommends -y python-demjson=2.2.2* wget=1.16.1* git=1:2.5.0* ruby=1:2.1.*", false},
		{"RUN apt-get install -y python=1.2.2", false},
		{"RUN apt-get install ./wkhtmltox_0.12.5-1.bionic_amd64.deb", false},
		{"RUN apt-get -y --no-install-recommends install nodejs=0.10", false},
		{"RUN apt-get install -y --no-install-recommends -t jessie-backports openjdk-8-jdk=8u131-b11-1~bpo8+1", false},
	})
	checkSpec(t, apkCacheKept{}, []specCase{
		{"RUN apk add flex=2.6.4-r1", true},
		{"RUN apk add --no-cache flex=2.6.4-r1", false},
		{"RUN --mount=type=cache,target=/var/cache/apk apk add -U curl=7.77.0", false},
		{"RUN --mount=type=cache,target=/var/cache/foo apk add --no-cache -U curl=7.77.0", false},
		{"RUN --mount=type=cache,target=/var/cache/foo apk add -U curl=7.77.0", true},
	})
}

// DL1001 flags inline (next-instruction) pragmas only, as hadolint does.
func TestDL1001InlineOnly(t *testing.T) {
	checkSpec(t, inlineIgnorePragma{}, []specCase{
		{"FROM debian:12\n# hadolint ignore=DL3003\nRUN foo bar\n", true},
		{"FROM debian:12\n# hadolint shell=powershell\nRUN foo bar\n", false},
		{"FROM debian:12\n# foobar\nRUN foo bar\n", false},
		{"# hadolint global ignore=DL3003\nFROM debian:12\n", false},
		{"# hadolint stage ignore=DL3003\nFROM debian:12\n", false},
		{"# check=skip=all\nFROM debian:12\n", false},
		{"FROM debian:12\n# trivy:ignore:DS013\nRUN cd /x\n", true},
	})
}
