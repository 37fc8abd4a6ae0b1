package minify

import (
	"bufio"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/interp"
)

// The programs entrypoint scripts run before the main one, simulated from
// the image index: none runs.

// simCmd simulates a program for the evaluation.
type simCmd func(e *scriptEval, hc interp.HandlerContext, line uint, args []string) error

// simulated lists the programs entrypoint scripts run before the main one.
var simulated = map[string]simCmd{
	"id": simID,
	"whoami": func(_ *scriptEval, hc interp.HandlerContext, _ uint, _ []string) error {
		return writeLine(hc, nonrootName)
	},
	"basename":  simBasename,
	"dirname":   simDirname,
	"sort":      simSort,
	"find":      simFind,
	"sleep":     func(*scriptEval, interp.HandlerContext, uint, []string) error { return nil },
	"numactl":   simNumactl,
	"run-parts": simRunParts,
	"cat":       simCat,
	"chown":     effectCmd("changes owners"),
	"chgrp":     effectCmd("changes groups"),
	"chmod":     effectCmd("changes modes"),
	"mkdir":     effectCmd("creates directories"),
	"rm":        effectCmd("removes files"),
	"ln":        effectCmd("makes links"),
	"cp":        effectCmd("copies files"),
	"mv":        effectCmd("moves files"),
	"touch":     effectCmd("creates files"),
	"install":   effectCmd("installs files"),
	"envsubst":  effectCmd("renders templates"),
	"ldconfig":  effectCmd("updates the library cache"),
}

// effectCmd simulates a command whose only effect is on the filesystem:
// the new image does not do it, so it is recorded.
func effectCmd(what string) simCmd {
	return func(e *scriptEval, _ interp.HandlerContext, line uint, args []string) error {
		e.effect(line, "%s (%s); the new image does not", what, strings.Join(quoteArgs(args), " "))
		return nil
	}
}

// simCat copies its input (a here-document) or files whose content the
// index kept.
func simCat(e *scriptEval, hc interp.HandlerContext, line uint, args []string) error {
	files := nonOptions(args[1:])
	if len(files) == 0 {
		_, err := io.Copy(hc.Stdout, io.LimitReader(hc.Stdin, maxScriptOut))
		return err
	}
	for _, f := range files {
		p := resolveIn(hc.Dir, f)
		res, err := e.h.x.Resolve(p)
		if err != nil || res.Entry == nil {
			fmt.Fprintf(hc.Stderr, "cat: %s: No such file or directory\n", f)
			return interp.NewExitStatus(1)
		}
		data, ok := e.h.x.Content(res.Path)
		if !ok {
			return e.fail(line, "it reads %s, whose content harden does not keep", p)
		}
		if _, err := hc.Stdout.Write(data); err != nil {
			return err
		}
	}
	return nil
}

// simRunParts reports the hooks run-parts would run from a hook directory.
func simRunParts(e *scriptEval, hc interp.HandlerContext, line uint, args []string) error {
	dirs := nonOptions(args[1:])
	if len(dirs) != 1 {
		return e.fail(line, "it runs %s, whose effect harden cannot tell", strings.Join(quoteArgs(args), " "))
	}
	res, err := e.h.x.Resolve(resolveIn(hc.Dir, dirs[0]))
	if err != nil || res.Entry == nil || !res.Entry.IsDir() {
		fmt.Fprintf(hc.Stderr, "run-parts: %s: no such directory\n", dirs[0])
		return interp.NewExitStatus(1)
	}
	if !isHookDir(res.Path) {
		return e.fail(line, "it runs the programs in %s, which harden only skips in a hook directory (*entrypoint*.d)", res.Path)
	}
	for _, c := range e.h.x.Children(res.Path) {
		if !c.IsDir() {
			e.effect(line, "runs the hook %s; the new image does not", c.Path)
		}
	}
	return nil
}

// simNumactl answers that no NUMA policy can be set: whether one can
// depends on the host the container runs on.
func simNumactl(e *scriptEval, _ interp.HandlerContext, line uint, args []string) error {
	e.effect(line, "runs the program under %s when the host allows it; the new image does not", strings.Join(quoteArgs(args), " "))
	return interp.NewExitStatus(1)
}

// simID answers as the minified image's user: NonrootUID, never root, so
// the branches of the script that need root are not taken.
func simID(e *scriptEval, hc interp.HandlerContext, line uint, args []string) error {
	uid := strconv.Itoa(NonrootUID)
	for _, a := range args[1:] {
		switch a {
		case "-u", "-g", "-G", "-ru", "-rg":
			e.effect(line, "asks for the user id: the new image runs as %d, so what the script does as root is not done", NonrootUID)
			return writeLine(hc, uid)
		case "-un", "-nu", "-gn", "-ng", "-Gn", "-nG":
			return writeLine(hc, nonrootName)
		}
	}
	return writeLine(hc, fmt.Sprintf("uid=%s(%s) gid=%s(%s) groups=%s(%s)", uid, nonrootName, uid, nonrootName, uid, nonrootName))
}

func simBasename(_ *scriptEval, hc interp.HandlerContext, _ uint, args []string) error {
	a := nonOptions(args[1:])
	if len(a) == 0 {
		return interp.NewExitStatus(1)
	}
	b := path.Base(a[0])
	if len(a) > 1 {
		b = strings.TrimSuffix(b, a[1])
	}
	return writeLine(hc, b)
}

func simDirname(_ *scriptEval, hc interp.HandlerContext, _ uint, args []string) error {
	for _, a := range nonOptions(args[1:]) {
		if err := writeLine(hc, path.Dir(a)); err != nil {
			return err
		}
	}
	return nil
}

// simSort sorts its input lines (version sort is close enough to byte
// order for hook names such as 10-a.sh, 20-b.envsh).
func simSort(_ *scriptEval, hc interp.HandlerContext, _ uint, _ []string) error {
	var lines []string
	sc := bufio.NewScanner(io.LimitReader(hc.Stdin, maxScriptOut))
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	sort.Strings(lines)
	for _, l := range lines {
		if err := writeLine(hc, l); err != nil {
			return err
		}
	}
	return nil
}

// simFind lists the files of a hook directory (so each hook is reported);
// a find that acts on what it finds (-exec chown, -delete) is an effect.
func simFind(e *scriptEval, hc interp.HandlerContext, line uint, args []string) error {
	var dirs []string
	maxDepth, quit := -1, false
	for i := 1; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-exec" || a == "-execdir" || a == "-delete" || a == "-ok":
			e.effect(line, "acts on files (%s); the new image does not", strings.Join(quoteArgs(args), " "))
			return nil
		case a == "-maxdepth" && i+1 < len(args):
			maxDepth, _ = strconv.Atoi(args[i+1])
			i++
		case a == "-quit":
			quit = true
		case len(dirs) == i-1 && !strings.HasPrefix(a, "-") && a != "!" && a != "(":
			dirs = append(dirs, a)
		}
	}
	for _, d := range dirs {
		root := resolveIn(hc.Dir, d)
		res, err := e.h.x.Resolve(root)
		if err != nil {
			fmt.Fprintf(hc.Stderr, "find: %s: No such file or directory\n", d)
			return interp.NewExitStatus(1)
		}
		if !isHookDir(res.Path) {
			return e.fail(line, "it runs %s, which harden only evaluates on a hook directory (*entrypoint*.d)", strings.Join(quoteArgs(args), " "))
		}
		for _, c := range e.h.x.Under(res.Path) {
			rel := strings.TrimPrefix(c.Path, res.Path+"/")
			if c.IsDir() || (maxDepth >= 0 && strings.Count(rel, "/")+1 > maxDepth) {
				continue
			}
			if err := writeLine(hc, strings.TrimSuffix(d, "/")+"/"+rel); err != nil || quit {
				return err
			}
		}
	}
	return nil
}
