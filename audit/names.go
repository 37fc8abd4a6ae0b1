package audit

import (
	"regexp"
	"strings"
)

// Kind says what an attacker gets from a program.
type Kind string

// The kinds of programs the inventory looks for.
const (
	KindShell          Kind = "shell"
	KindPackageManager Kind = "package-manager"
	KindInstaller      Kind = "language-installer"
	KindTool           Kind = "tool"
)

// Tool categories (Tool.Category for KindTool).
const (
	CatNetwork     = "network"
	CatDebug       = "debug"
	CatEditor      = "editor"
	CatBuild       = "build"
	CatVCS         = "vcs"
	CatPrivilege   = "privilege"
	CatInterpreter = "interpreter"
)

// shellNames are command interpreters. busybox and toybox are multi-call
// binaries whose sh applet is a shell.
var shellNames = set("sh", "bash", "rbash", "dash", "ash", "zsh", "ksh", "ksh93", "mksh", "pdksh", "oksh", "yash",
	"fish", "csh", "tcsh", "busybox", "toybox")

// packageManagerNames install operating-system packages.
var packageManagerNames = set("apt", "apt-get", "aptitude", "dpkg", "apk", "yum", "dnf", "microdnf", "tdnf",
	"rpm", "zypper", "pacman", "opkg", "emerge", "xbps-install", "nix-env")

// installerNames install language packages.
var installerNames = set("pip", "pip2", "pip3", "pipx", "easy_install", "npm", "npx", "yarn", "yarnpkg", "pnpm",
	"pnpx", "corepack", "gem", "bundle", "bundler", "cargo", "rustup", "go", "composer", "conda", "mamba", "poetry", "uv")

// toolNames are debug, network and other tools, by category.
var toolNames = map[string]string{
	"curl": CatNetwork, "wget": CatNetwork, "nc": CatNetwork, "ncat": CatNetwork, "netcat": CatNetwork,
	"nc.openbsd": CatNetwork, "nc.traditional": CatNetwork, "socat": CatNetwork, "telnet": CatNetwork,
	"ssh": CatNetwork, "scp": CatNetwork, "sftp": CatNetwork, "ftp": CatNetwork, "tftp": CatNetwork,
	"ftpget": CatNetwork, "ftpput": CatNetwork, "rsync": CatNetwork, "nmap": CatNetwork, "tcpdump": CatNetwork,
	"strace": CatDebug, "ltrace": CatDebug, "gdb": CatDebug, "gdbserver": CatDebug, "perf": CatDebug,
	"ps": CatDebug, "top": CatDebug, "htop": CatDebug, "lsof": CatDebug,
	"vi": CatEditor, "vim": CatEditor, "vim.basic": CatEditor, "vim.tiny": CatEditor, "nvim": CatEditor,
	"nano": CatEditor, "emacs": CatEditor, "less": CatEditor,
	"gcc": CatBuild, "cc": CatBuild, "c++": CatBuild, "g++": CatBuild, "clang": CatBuild, "make": CatBuild,
	"ld": CatBuild, "ld.bfd": CatBuild, "ld.gold": CatBuild, "as": CatBuild, "tcc": CatBuild,
	"git": CatVCS,
	"su":  CatPrivilege, "sudo": CatPrivilege, "doas": CatPrivilege, "passwd": CatPrivilege, "mount": CatPrivilege,
	"nsenter": CatPrivilege, "unshare": CatPrivilege, "setcap": CatPrivilege,
}

// interpreterRE matches script interpreters, versioned or not (python3.11,
// perl5.36.0). They are tools unless the entrypoint needs them.
var interpreterRE = regexp.MustCompile(`^(?:python|perl|ruby|php|lua|node|nodejs|tclsh|wish)[0-9.]*$`)

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// classify says what a command name is, or "" for a name harden ignores.
func classify(name string) (Kind, string) {
	switch {
	case shellNames[name]:
		return KindShell, ""
	case packageManagerNames[name]:
		return KindPackageManager, ""
	case installerNames[name]:
		return KindInstaller, ""
	}
	if c, ok := toolNames[name]; ok {
		return KindTool, c
	}
	if interpreterRE.MatchString(name) {
		return KindTool, CatInterpreter
	}
	return "", ""
}

// multiCall names the multi-call binaries whose links are applets.
func multiCall(name string) bool { return name == "busybox" || name == "toybox" }

// runtimeName strips a version from an interpreter name: python3.11 → python.
func runtimeName(name string) string {
	return strings.TrimRight(name, "0123456789.")
}
