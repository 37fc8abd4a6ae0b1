package dockerfile

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

func parse(t *testing.T, src string) *File {
	t.Helper()
	f, err := ParseBytes("Dockerfile", []byte(src))
	if err != nil {
		t.Fatalf("ParseBytes(%q) = %v", src, err)
	}
	return f
}

// summary is what the parser tests compare: each instruction's keyword,
// lines and stage index.
func summary(f *File) []string {
	var out []string
	for _, in := range f.Instructions {
		st := -1
		if in.Stage != nil {
			st = in.Stage.Index
		}
		out = append(out, strings.Join([]string{in.Keyword, itoa(in.Line), itoa(in.EndLine), itoa(st)}, " "))
	}
	return out
}

func itoa(n int) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

func TestParseStructure(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"arg before from", "ARG V=1\nFROM alpine:${V}\nRUN true\n", []string{"ARG 1 1 -1", "FROM 2 2 0", "RUN 3 3 0"}},
		{"continuation with comment and empty line", "FROM a:1\nRUN echo a \\\n  # note\n\n  && echo b\nUSER 1\n", []string{"FROM 1 1 0", "RUN 2 5 0", "USER 6 6 0"}},
		{"heredoc", "FROM a:1\nRUN <<EOF\napt-get update\n# not a comment\nEOF\nCMD [\"x\"]\n", []string{"FROM 1 1 0", "RUN 2 5 0", "CMD 6 6 0"}},
		{"backtick escape", "# escape=`\nFROM a:1\nRUN echo a `\n  && echo b\n", []string{"FROM 2 2 0", "RUN 3 4 0"}},
		{"stages", "FROM a:1 AS build\nFROM build AS test\nFROM scratch\nCOPY --from=build /a /a\n", []string{"FROM 1 1 0", "FROM 2 2 1", "FROM 3 3 2", "COPY 4 4 2"}},
		{"instruction before from", "LABEL a=b\nFROM a:1\n", []string{"LABEL 1 1 -1", "FROM 2 2 0"}},
		{"onbuild forbidden trigger kept", "FROM a:1\nONBUILD FROM b:2\n", []string{"FROM 1 1 0", "ONBUILD 2 2 0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, summary(parse(t, tt.src))); diff != "" {
				t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tt.src, diff)
			}
		})
	}
}

func TestParseDetails(t *testing.T) {
	f := parse(t, "# syntax=docker/dockerfile:1\n# check=skip=JSONArgsRecommended\nARG BASE=alpine\nFROM --platform=$BUILDPLATFORM ${BASE}:3.20 AS Build\n"+
		"RUN --mount=type=cache,target=/root/.cache --mount=type=secret,id=tok --mount=type=ssh cat /run/secrets/tok\n"+
		"FROM build\nCMD echo hi\nENTRYPOINT [\"/app\"]\nONBUILD RUN apt-get install -y curl\n")
	if got := f.Directives; len(got) != 2 || got[0].Name != "syntax" || got[1].Name != "check" || got[1].Value != "skip=JSONArgsRecommended" {
		t.Errorf("Directives = %+v", got)
	}
	if diff := cmp.Diff(Env{"BASE": "alpine"}, f.MetaArgs()); diff != "" {
		t.Errorf("MetaArgs (-want +got):\n%s", diff)
	}
	s0, s1 := f.Stages[0], f.Stages[1]
	if s0.Name != "Build" || s0.Base != "${BASE}:3.20" || s0.Platform != "$BUILDPLATFORM" {
		t.Errorf("stage 0 = %+v", s0)
	}
	if s1.Parent != s0 || len(s1.Chain()) != 2 || s1.Root() != s0 {
		t.Errorf("stage 1 does not build on stage 0: parent %v", s1.Parent)
	}
	if v, _, err := Expand(s0.Base, f.MetaArgs(), f.Escape); err != nil || v != "alpine:3.20" {
		t.Errorf("Expand(%q) = %q, %v", s0.Base, v, err)
	}
	run := s0.Instructions[0]
	var types []string
	for _, m := range run.Mounts() {
		types = append(types, string(m.Type))
	}
	if diff := cmp.Diff([]string{"cache", "secret", "ssh"}, types); diff != "" {
		t.Errorf("mount types (-want +got):\n%s", diff)
	}
	if c := run.Script.Commands; len(c) != 1 || c[0].Name != "cat" {
		t.Errorf("RUN with mounts parsed as %+v", c)
	}
	cmd, ok := s1.Instructions[0].Command.(*instructions.CmdCommand)
	if !ok || !cmd.PrependShell {
		t.Errorf("CMD shell form not recognised: %#v", s1.Instructions[0].Command)
	}
	if ep := s1.Instructions[1]; !ep.JSON {
		t.Error("ENTRYPOINT JSON form not recognised")
	}
	ob := s1.Instructions[2]
	if ob.Trigger == nil || ob.Trigger.Cmd != "run" || ob.Trigger.Script == nil || ob.Trigger.Script.Commands[0].Name != "apt-get" {
		t.Errorf("ONBUILD trigger = %+v", ob.Trigger)
	}
	if f.StageByName("build", 2) != s0 || f.StageByName("0", 2) != s0 || f.StageByName("1", 1) != nil {
		t.Error("StageByName does not resolve names and indexes")
	}
	if len(f.BuildKitWarnings) == 0 || f.BuildKitWarnings[0].Rule != "StageNameCasing" {
		t.Errorf("BuildKit warnings = %+v", f.BuildKitWarnings)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src string
		line      int
		msg       string
	}{
		{"unknown instruction", "FROM a:1\nFROOM b\n", 2, "unknown instruction"},
		{"unterminated heredoc", "FROM a:1\nRUN <<EOF\necho\n", 2, "unterminated heredoc"},
		{"empty", "# only a comment\n", 1, "file with no instructions"},
		{"bad stage name", "FROM a:1 AS 1x\n", 1, "invalid name for build stage"},
		{"json not strings", "FROM a:1\nCMD [1]\n", 2, "arrays must be comprised of strings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseBytes("df", []byte(tt.src))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("ParseBytes(%q) = %v, want a *ParseError", tt.src, err)
			}
			if pe.Line != tt.line || !strings.Contains(pe.Error(), tt.msg) || !strings.HasPrefix(pe.Error(), "df:") {
				t.Errorf("error = %q (line %d), want line %d and %q", pe.Error(), pe.Line, tt.line, tt.msg)
			}
		})
	}
}

func TestParseTooLarge(t *testing.T) {
	_, err := Parse("big", strings.NewReader("FROM a:1\n"+strings.Repeat("#", MaxSize)))
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("Parse(huge) = %v, want a size error", err)
	}
}
