package rules

import "testing"

const cent = "FROM centos:7\n"
const fed = "FROM fedora:40\n"
const suse = "FROM opensuse/leap:15.6\n"

func TestRPMRules(t *testing.T) {
	runCases(t, yumNoYes{}, []ruleCase{
		{"missing", cent + "RUN yum install httpd-2.4.24 && yum clean all\n", []int{2}, nil},
		{"ok", cent + "RUN yum install -y httpd-2.4.24 && yum clean all\nRUN yum --assumeyes groupinstall x\n", nil, nil},
	})
	runCases(t, yumCacheKept{}, []ruleCase{
		{"missing", cent + "RUN yum install -y mariadb-10.4\nRUN yum clean all && yum install -y x-1\n", []int{2, 3}, nil},
		{"ok", cent + "RUN yum install -y a-1 && yum clean all\nRUN yum install -y b-1 && rm -rf /var/cache/yum/*\n", nil, nil},
	})
	runCases(t, yumUnpinned{}, []ruleCase{
		{"unpinned", cent + "RUN yum install -y tomcat\nRUN yum module install -y tomcat\n", []int{2, 3}, nil},
		{"pinned", cent + "RUN yum install -y tomcat-9.2 openssl-1:1.1.1k rpm-sign-4.16.1.3 gcc-c++-1.1.1 x.rpm\nRUN yum module install -y tomcat:9\n", nil, nil},
	})
	runCases(t, dnfNoYes{}, []ruleCase{
		{"missing", fed + "RUN dnf install httpd-2.4.24\nRUN microdnf install x-1\n", []int{2, 3}, nil},
		{"ok", fed + "RUN dnf install -y httpd-2.4.24\nRUN notdnf install x\n", nil, nil},
	})
	runCases(t, dnfCacheKept{}, []ruleCase{
		{"missing", fed + "RUN dnf install -y mariadb-10.4\nRUN dnf -y upgrade\nRUN microdnf clean all && dnf install -y x-1\n", []int{2, 3, 4}, nil},
		{"ok", fed + "RUN dnf install -y a-1 && dnf clean all\nRUN dnf install -y b-1 && rm -rf /var/cache/yum/*\nRUN --mount=type=cache,target=/var/cache/libdnf5 dnf install -y c-1\n", nil, nil},
	})
	runCases(t, dnfUnpinned{}, []ruleCase{
		{"unpinned", fed + "RUN dnf install -y tomcat rpm-sign\n", []int{2}, nil},
		{"ok", fed + "RUN dnf install -y tomcat-9.0.1 openssl-1:1.1.1k\nRUN dnf -y group install \"Development Tools\"\n", nil, nil},
	})
	runCases(t, zypperNoYes{}, []ruleCase{
		{"missing", suse + "RUN zypper install httpd=2.4.24 && zypper clean\n", []int{2}, nil},
		{"ok", suse + "RUN zypper -n install a=1 && zypper --non-interactive in b=1 && zypper install -y c=1 && zypper install --no-confirm d=1\n", nil, nil},
	})
	runCases(t, zypperDistUpgrade{}, []ruleCase{{"dup", suse + "RUN zypper dist-upgrade\nRUN zypper dup\n", []int{2, 3}, nil}})
	runCases(t, zypperCacheKept{}, []ruleCase{
		{"missing", suse + "RUN zypper install -y mariadb=10.4\nRUN zypper clean && zypper install -y x=1\n", []int{2, 3}, nil},
		{"ok", suse + "RUN zypper install -y a=1 && zypper clean\nRUN zypper install -y b=1 && zypper cc\nRUN --mount=type=cache,target=/var/cache/zypp zypper install -y c=1\n", nil, nil},
	})
	runCases(t, zypperUnpinned{}, []ruleCase{
		{"unpinned", suse + "RUN zypper install -y tomcat\n", []int{2}, nil},
		{"ok", suse + "RUN zypper install -y tomcat=9.0.39 'tomcat>=9.0' tomcat-9.0.39-1.rpm\n", nil, nil},
	})
}

func TestLanguageRules(t *testing.T) {
	runCases(t, gemUnpinned{}, []ruleCase{
		{"unpinned", "FROM ruby:3\nRUN gem i bundler\nRUN gem install bundler\nRUN gem i a:1 nokogiri\n", []int{2, 3, 4}, nil},
		{"ok", "FROM ruby:3\nRUN gem install bundler:1\nRUN gem install bundler -v '2.0.1'\nRUN gem install bundler --version='2.0.1'\nRUN gem install bundler:2.0.1 -- --use-system-libraries=true\n", nil, nil},
	})
	runCases(t, goInstallUnpinned{}, []ruleCase{
		{"unpinned", "FROM golang:1\nRUN go install example.com/pkg\nRUN go install example.com/pkg@latest\nRUN go get example.com/x\nRUN go run example.com/pkg\n", []int{2, 3, 4, 5}, nil},
		{"ok", "FROM golang:1\nRUN go install example.com/pkg@v1.2.3\nRUN go install ./app/foobar\nRUN go run .\nRUN go build ./...\n", nil, nil},
	})
}
