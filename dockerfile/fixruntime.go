package dockerfile

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// DistrolessBase returns the default distroless image for a runtime, with
// the :nonroot tag; version is the base image tag, used to pick the Node.js
// and Java majors.
func DistrolessBase(rt Runtime, version string) string {
	return distrolessImage(rt, version) + ":nonroot"
}

func distrolessImage(rt Runtime, version string) string {
	major := version
	if i := strings.IndexAny(major, ".-"); i >= 0 {
		major = major[:i]
	}
	switch rt {
	case Node:
		switch major {
		case "18", "20", "22", "24":
			return "gcr.io/distroless/nodejs" + major + "-debian12"
		}
		return "gcr.io/distroless/nodejs22-debian12"
	case Python:
		return "gcr.io/distroless/python3-debian12"
	case Java:
		if major == "21" || strings.Contains(version, "21") {
			return "gcr.io/distroless/java21-debian12"
		}
		return "gcr.io/distroless/java17-debian12"
	}
	return "gcr.io/distroless/static-debian12"
}

// detectRuntime maps a base image to a runtime and its tag.
func detectRuntime(base string) (Runtime, string, bool) {
	ref := base
	if i := strings.Index(ref, "@"); i >= 0 {
		ref = ref[:i]
	}
	tag := ""
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		ref, tag = ref[:i], ref[i+1:]
	}
	switch path.Base(ref) {
	case "node":
		return Node, tag, true
	case "python", "pypy":
		return Python, tag, true
	case "golang":
		return Go, tag, true
	case "openjdk", "eclipse-temurin", "amazoncorretto", "maven", "gradle", "ibm-semeru-runtimes", "sapmachine":
		return Java, tag, true
	}
	return "", tag, false
}

// interpreters are the commands the distroless images run as their
// entry point; CMD drops them.
var interpreters = map[Runtime][]string{
	Node:   {"node", "nodejs"},
	Python: {"python", "python3"},
	Java:   {"java"},
}

// pipTarget reports whether the build installs Python requirements, and
// adds the install into a directory the final stage can copy.
func (w *rewriter) pipTarget() bool {
	for _, in := range w.st.Instructions {
		if in.Script == nil {
			continue
		}
		for _, c := range in.Script.Commands {
			if strings.HasPrefix(c.Base(), "pip") && c.HasArg("install") {
				if !strings.Contains(w.build.String(), "--target=") {
					var args []string
					for _, a := range c.Args[c.ArgIndex("install")+1:] {
						if a != "--no-cache-dir" && a != "--user" {
							args = append(args, a)
						}
					}
					fmt.Fprintf(&w.build, "RUN pip install --no-cache-dir --target=%s/.venv-packages %s\n", w.workdir, strings.Join(args, " "))
					w.note("warning", in.Line, "packages with compiled code must match the final image's Python (3.11 in python3-debian12): build on python:3.11")
				}
				return true
			}
		}
	}
	return false
}

// goBuild makes sure the build stage produces a static binary and records
// its path.
func (w *rewriter) goBuild() {
	for _, in := range w.st.Instructions {
		if in.Script == nil {
			continue
		}
		for _, c := range in.Script.Commands {
			if c.Is("go") && c.HasArg("build") {
				for i, a := range c.Args {
					if a == "-o" && i+1 < len(c.Args) {
						w.binary = c.Args[i+1]
						if !path.IsAbs(w.binary) {
							w.binary = path.Join(w.workdir, w.binary)
						}
					}
				}
			}
		}
	}
	if w.binary == "" {
		w.binary = "/out/server"
		w.build.WriteString("RUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /out/server .\n")
		w.note("stage", 0, "the build stage compiles a static binary to /out/server")
	}
}

// startCommand writes the final CMD/ENTRYPOINT in exec form without a shell
// or the interpreter the distroless image already runs.
func (w *rewriter) startCommand() {
	if w.rt == Go {
		w.final.WriteString("ENTRYPOINT [\"/app/server\"]\n")
		if w.cmd != nil {
			if args := w.execArgs(w.cmd); len(args) > 0 && !strings.Contains(args[0], "/") {
				w.note("cmd", w.cmd.Line, "CMD replaced by ENTRYPOINT [\"/app/server\"]")
			}
		}
		return
	}
	src := w.cmd
	if w.entry != nil {
		src = w.entry
	}
	if src == nil {
		w.note("warning", 0, "no CMD or ENTRYPOINT: the distroless image's default applies")
		return
	}
	args := w.execArgs(src)
	if len(args) > 0 && slices.Contains(interpreters[w.rt], path.Base(args[0])) {
		args = args[1:]
		if w.rt == Java && len(args) > 0 && args[0] == "-jar" {
			args = args[1:]
		}
	} else if len(args) > 0 {
		w.note("warning", src.Line, "%s runs %s, which the distroless image does not have; point CMD at your entry file", strings.ToUpper(src.Cmd), args[0])
	}
	if w.entry != nil && w.cmd != nil {
		args = append(args, w.execArgs(w.cmd)...)
	}
	q := make([]string, len(args))
	for i, a := range args {
		b, _ := json.Marshal(a)
		q[i] = string(b)
	}
	fmt.Fprintf(&w.final, "CMD [%s]\n", strings.Join(q, ", "))
	w.note("cmd", src.Line, "exec-form CMD without a shell; the distroless image's entry point runs the %s interpreter", w.rt)
}

// execArgs returns a CMD or ENTRYPOINT as a word list; the shell form is
// split on blanks when it uses no shell features.
func (w *rewriter) execArgs(in *Instruction) []string {
	var line []string
	var shell bool
	switch c := in.Command.(type) {
	case *instructions.CmdCommand:
		line, shell = c.CmdLine, c.PrependShell
	case *instructions.EntrypointCommand:
		line, shell = c.CmdLine, c.PrependShell
	}
	if !shell {
		return line
	}
	text := strings.Join(line, " ")
	if strings.ContainsAny(text, "&|;$<>`*?()") {
		w.note("warning", in.Line, "%s uses shell features; it was split on blanks, check it", strings.ToUpper(in.Cmd))
	}
	w.note("cmd", in.Line, "shell-form %s converted to exec form", strings.ToUpper(in.Cmd))
	return strings.Fields(text)
}
