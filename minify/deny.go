package minify

import (
	"path"
	"regexp"
	"strings"
)

// Kind is what the deny list says an executable is.
type Kind string

// The kinds of executables a minified image never keeps unless asked.
const (
	KindShell          Kind = "shell"
	KindPackageManager Kind = "package manager"
	KindTool           Kind = "tool"
)

// TODO(lead): audit has its own list of shells, package managers and tools;
// the two should become one shared list.

// denied maps executable base names to their kind. Nothing writes it after
// start-up.
var denied = deniedNames()

// deniedNames builds the deny map from the lists below.
func deniedNames() map[string]Kind {
	denied := map[string]Kind{}
	for _, n := range strings.Fields(`sh bash dash zsh ksh ksh93 mksh pdksh ash csh tcsh fish rbash
		busybox toybox yash posh elvish nu xonsh`) {
		denied[n] = KindShell
	}
	for _, n := range strings.Fields(`apt apt-get apt-cache apt-config apt-mark apt-key aptitude dpkg dpkg-deb
		dpkg-query dpkg-divert dpkg-split dpkg-trigger dpkg-statoverride dpkg-maintscript-helper dpkg-realpath
		apk yum dnf dnf5 microdnf tdnf rpm rpmdb zypper pacman opkg emerge xbps-install nix-env
		pip pip3 pipx easy_install npm npx yarn yarnpkg pnpm pnpx corepack gem bundle bundler cargo
		composer conda mamba micromamba poetry uv`) {
		denied[n] = KindPackageManager
	}
	for _, n := range strings.Fields(`curl wget nc ncat netcat nc.openbsd nc.traditional socat telnet ftp tftp
		ssh scp sftp ssh-agent ssh-add ssh-keyscan sshd rsync git gpg gpg2 gpg-agent dirmngr su sudo doas
		gcc cc c++ g++ clang ld as make cmake gdb strace ltrace tcpdump nmap perl vi vim vim.basic vim.tiny
		nano ed less more ps top htop kill killall pkill pgrep mount umount chroot setcap getcap capsh
		passwd chpasswd useradd usermod userdel groupadd newgrp login nsenter unshare ip ifconfig
		iptables nft route ping arp dig nslookup host openssl xxd base64 tar unzip gzip xz bzip2
		find xargs awk gawk mawk sed env-update crontab at systemctl python2`) {
		denied[n] = KindTool
	}
	return denied
}

// versioned catches versioned names of denied commands (pip3.11, perl5.36.0).
var versioned = regexp.MustCompile(`^(pip|perl|easy_install)[0-9.]*$`)

// deniedDirs are directories that hold a package manager or its database.
var deniedDirs = []string{
	"/usr/lib/node_modules/npm", "/usr/local/lib/node_modules/npm", "/usr/share/nodejs/npm",
	"/usr/lib/node_modules/corepack", "/usr/local/lib/node_modules/corepack",
	"/usr/lib/apt", "/usr/lib/dpkg", "/var/lib/apt", "/var/lib/dpkg", "/var/cache/apt", "/var/cache/debconf",
	"/etc/apt", "/etc/dpkg", "/usr/share/dpkg", "/lib/apk", "/etc/apk", "/var/cache/apk",
	"/usr/lib/python3/dist-packages/pip", "/usr/share/python-wheels",
}

// DeniedKind says whether the executable at p is a shell, a package manager
// or a tool by its base name, or whether p lies in a package manager's
// directory; "" when it is none of them.
func DeniedKind(p string) Kind {
	if k := deniedKindByName(p); k != "" {
		return k
	}
	return deniedKindByDir(p)
}

// deniedKindByDir says whether p is in a package manager's directory.
func deniedKindByDir(p string) Kind {
	for _, d := range deniedDirs {
		if p == d || strings.HasPrefix(p, d+"/") {
			return KindPackageManager
		}
	}
	for _, seg := range []string{"/site-packages/pip", "/dist-packages/pip"} {
		if strings.HasSuffix(p, seg) || strings.Contains(p, seg+"/") {
			return KindPackageManager
		}
	}
	return ""
}

// deniedKindByName looks at the base name alone.
func deniedKindByName(p string) Kind {
	base := path.Base(p)
	if k, ok := denied[base]; ok {
		return k
	}
	if versioned.MatchString(base) {
		if strings.HasPrefix(base, "perl") {
			return KindTool
		}
		return KindPackageManager
	}
	return ""
}
