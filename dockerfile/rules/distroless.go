package rules

import (
	"fmt"
	"strings"

	"github.com/harden-dev/harden/dockerfile"
	"github.com/harden-dev/harden/report"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// distrolessFor suggests a distroless base for a runtime image, or "".
func distrolessFor(ref imageRef) string {
	major := ref.Tag
	if i := strings.IndexAny(major, ".-"); i >= 0 {
		major = major[:i]
	}
	switch ref.Name() {
	case "node":
		switch major {
		case "18", "20", "22", "24":
			return "gcr.io/distroless/nodejs" + major + "-debian12"
		}
		return "gcr.io/distroless/nodejs22-debian12"
	case "python", "pypy":
		return "gcr.io/distroless/python3-debian12"
	case "openjdk", "eclipse-temurin", "amazoncorretto", "ibm-semeru-runtimes", "sapmachine", "java", "maven", "gradle", "jdk", "jre":
		if major == "21" || strings.Contains(ref.Tag, "21") {
			return "gcr.io/distroless/java21-debian12"
		}
		return "gcr.io/distroless/java17-debian12"
	case "golang":
		return "gcr.io/distroless/static-debian12"
	case "rust":
		return "gcr.io/distroless/cc-debian12"
	case "aspnet", "runtime", "sdk":
		if strings.Contains(ref.Repo, "dotnet") {
			return "mcr.microsoft.com/dotnet/runtime-deps (chiseled)"
		}
	}
	return ""
}

// fullOSBase (HD001) flags a final stage on a full OS image where a distroless base
// exists for its runtime.
type fullOSBase struct{}

var metaHD001 = Meta{Rule: report.Rule{
	ID:       "HD001",
	Severity: report.Medium,
	Title:    "Final stage uses a full OS base where a distroless base exists for its runtime",
	Help:     "node, python, java, go and rust images carry a whole Debian or Alpine: shell, package manager, compilers, hundreds of packages with their CVEs. The distroless image for the same runtime carries the runtime and its libraries only.",
	Fix:      "Build in a stage on the full image, then COPY --from it into gcr.io/distroless/<runtime>-debian12 (harden fix does this rewrite).",
	Bad:      "FROM node:20\nCOPY . /app\nCMD [\"node\",\"/app/index.js\"]\n",
	Good:     "FROM node:20 AS build\nWORKDIR /app\nCOPY . .\nFROM gcr.io/distroless/nodejs20-debian12\nCOPY --from=build /app /app\nCMD [\"/app/index.js\"]\n",
}}

func (fullOSBase) Meta() *Meta { return &metaHD001 }
func (fullOSBase) Check(in *Input) []Problem {
	final := in.File.Final()
	if final == nil {
		return nil
	}
	root := final.Root()
	ref, ok := baseImage(root)
	if !ok || isDistrolessLike(root.Base) {
		return nil
	}
	if d := distrolessFor(ref); d != "" {
		return []Problem{at(final.From, fmt.Sprintf("final image is built on %s; %s carries the same runtime without a shell or package manager", root.Base, d))}
	}
	return nil
}

var osImages = map[string]bool{
	"debian": true, "ubuntu": true, "alpine": true, "centos": true, "fedora": true, "rockylinux": true, "almalinux": true,
	"amazonlinux": true, "oraclelinux": true, "busybox": true, "ubi": true, "ubi8": true, "ubi9": true, "ubi-minimal": true,
	"leap": true, "tumbleweed": true, "archlinux": true, "photon": true, "buildpack-deps": true,
}

// needsShell reports whether the stage's CMD, ENTRYPOINT or HEALTHCHECK
// runs a shell.
func needsShell(chain []*dockerfile.Stage) bool {
	for _, s := range chain {
		for _, inst := range s.Instructions {
			switch c := inst.Command.(type) {
			case *instructions.CmdCommand:
				if c.PrependShell || len(c.CmdLine) > 0 && isShellName(c.CmdLine[0]) {
					return true
				}
			case *instructions.EntrypointCommand:
				if c.PrependShell || len(c.CmdLine) > 0 && (isShellName(c.CmdLine[0]) || strings.HasSuffix(c.CmdLine[0], ".sh")) {
					return true
				}
			}
		}
	}
	return false
}

func isShellName(s string) bool {
	b := baseName(s)
	return b == "sh" || b == "bash" || b == "ash" || b == "dash" || b == "zsh"
}

// finalKeepsShell (HD004) flags a final stage on a general-purpose OS image whose entry
// point does not need a shell.
type finalKeepsShell struct{}

var metaHD004 = Meta{Rule: report.Rule{
	ID:       "HD004",
	Severity: report.Low,
	Title:    "Final stage keeps a shell and package manager it does not need",
	Help:     "The final image is a general-purpose distribution and its entry point runs without a shell, so the shell, package manager and coreutils are only there for an attacker.",
	Fix:      "Copy the application into gcr.io/distroless/static-debian12 (static binaries), gcr.io/distroless/base-debian12 (glibc) or cc-debian12 (libstdc++), or use harden minify on the built image.",
	Bad:      "FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM debian:12\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n",
	Good:     "FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n",
}}

func (finalKeepsShell) Meta() *Meta { return &metaHD004 }
func (finalKeepsShell) Check(in *Input) []Problem {
	final := in.File.Final()
	if final == nil {
		return nil
	}
	root := final.Root()
	ref, ok := baseImage(root)
	if !ok || !osImages[ref.Name()] || isDistrolessLike(root.Base) || needsShell(final.Chain()) {
		return nil
	}
	if !hasCmd(final.Instructions, "cmd") && !hasCmd(final.Instructions, "entrypoint") {
		return nil
	}
	return []Problem{at(final.From, fmt.Sprintf("%s keeps a shell and a package manager; the entry point does not use them", root.Base))}
}

// buildPackages are packages whose only use is building software.
var buildPackages = map[string]bool{
	"build-essential": true, "gcc": true, "g++": true, "make": true, "cmake": true, "clang": true, "git": true, "autoconf": true,
	"automake": true, "libtool": true, "pkg-config": true, "pkgconf": true, "musl-dev": true, "build-base": true, "gcc-c++": true,
	"maven": true, "gradle": true, "golang": true, "cargo": true, "rustc": true, "nodejs-dev": true, "python3-dev": true, "python-dev": true,
}

// buildStep describes a build command or build-tool install, or "".
func buildStep(c *dockerfile.Command) string {
	switch {
	case c.Is("go") && c.HasArg("build"):
		return "go build"
	case c.Is("cargo") && c.HasArg("build"):
		return "cargo build"
	case c.Is("mvn", "mvnw", "gradle", "gradlew", "javac", "tsc", "gcc", "g++", "make", "cmake"):
		return c.Base()
	case c.Is("npm") && c.HasArg("run") && c.HasArg("build"):
		return "npm run build"
	case c.Is("npm", "yarn", "pnpm") && (c.HasArg("install") || c.HasArg("ci") || c.HasArg("i")) && !c.HasFlag("omit", "production", "prod", "only", "g", "global"):
		pos := c.Positional("loglevel", "registry")
		if len(pos) <= 1 {
			return c.Base() + " " + pos[0] + " with dev dependencies"
		}
	}
	var pkgs []string
	if i := aptInstall(c); i >= 0 {
		pkgs = packagesAfter(c, i, "t", "o")
	} else if i := apkAdd(c); i >= 0 {
		pkgs = packagesAfter(c, i, "t", "virtual", "repository", "X")
	} else if i := subIs(c, []string{"yum", "dnf", "microdnf"}, []string{"install"}); i >= 0 {
		pkgs = packagesAfter(c, i)
	}
	for _, p := range pkgs {
		name, _, _ := strings.Cut(p, "=")
		if buildPackages[name] || strings.HasSuffix(name, "-dev") || strings.HasSuffix(name, "-devel") {
			return "installs " + name
		}
	}
	return ""
}

// singleStage (HD002) flags a single-stage build that builds (or installs build tools
// and dev dependencies) in the image that ships.
type singleStage struct{}

var metaHD002 = Meta{Rule: report.Rule{
	ID:       "HD002",
	Severity: report.Medium,
	Title:    "Single-stage build: build tools and dev dependencies end up in the final image",
	Help:     "When the final stage compiles, installs compilers or -dev packages, or installs dev dependencies, all of it ships and runs in production. A multi-stage build keeps the toolchain in a build stage and copies only the result.",
	Fix:      "Move the build into its own stage (FROM … AS build) and COPY --from=build only the artefacts and production dependencies into a distroless final stage.",
	Bad:      "FROM node:20\nCOPY . .\nRUN npm install\nCMD [\"node\",\"index.js\"]\n",
	Good:     "FROM node:20 AS build\nCOPY . .\nRUN npm ci --omit=dev\nFROM gcr.io/distroless/nodejs20-debian12\nCOPY --from=build /app /app\n",
}}

func (singleStage) Meta() *Meta { return &metaHD002 }
func (singleStage) Check(in *Input) []Problem {
	f := in.File
	final := f.Final()
	if final == nil {
		return nil
	}
	chain := final.Chain()
	for _, s := range chain {
		for _, inst := range s.Instructions {
			if v, ok := inst.Flag("from"); ok && f.StageByName(v, final.Index) != nil {
				return nil // a multi-stage build that copies artefacts
			}
		}
	}
	for i := len(chain) - 1; i >= 0; i-- {
		for _, inst := range chain[i].Instructions {
			if inst.Script == nil {
				continue
			}
			for _, c := range inst.Script.Commands {
				if step := buildStep(c); step != "" {
					return []Problem{at(inst, fmt.Sprintf("single-stage build: %s in the final image", step))}
				}
			}
		}
	}
	return nil
}

// baseNotDigestPinned (HD005) flags base images not pinned by digest.
type baseNotDigestPinned struct{}

var metaHD005 = Meta{Rule: report.Rule{
	ID:       "HD005",
	Aliases:  []string{"CIS-4.2"},
	Severity: report.Low,
	Title:    "Base image is not pinned by digest",
	Help:     "A tag can be moved to another image; only a digest names exactly one. Info by default; lint.requireDigest makes it a warning.",
	Fix:      "Write FROM image:tag@sha256:<digest> (crane digest image:tag prints it) and let a bot such as Renovate update it.",
	Bad:      "FROM debian:12\n",
	Good:     "FROM debian:12@sha256:2171c87301e5ea528cee5c2308a4589f8f2ac819d4d434b679b7cb1dc8de6912\n",
}}

func (baseNotDigestPinned) Meta() *Meta { return &metaHD005 }
func (baseNotDigestPinned) Check(in *Input) []Problem {
	var out []Problem
	for _, s := range in.File.Stages {
		ref, ok := baseImage(s)
		if !ok || ref.Digest != "" {
			continue
		}
		p := at(s.From, fmt.Sprintf("%s is not pinned by digest", s.Base))
		if in.Config.RequireDigest {
			p.Level = dockerfile.Warning
		}
		out = append(out, p)
	}
	return out
}
