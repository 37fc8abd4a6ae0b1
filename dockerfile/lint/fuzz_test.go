package lint

import (
	"strings"
	"testing"
)

// FuzzLint lints arbitrary bytes with every rule and applies the fixes: it
// must never panic (nor a rule, which lint turns into an internal-error
// finding), every finding must point into the file, and fixing must
// keep the file parseable when it parsed before. The seed corpus is
// testdata/fuzz/FuzzLint plus the lint cases.
func FuzzLint(f *testing.F) {
	for _, s := range []string{
		"FROM a\nRUN apt-get install x\n",
		"# escape=`\nFROM a:1\nRUN echo `\n  b\n",
		"FROM a:1 AS b\nCOPY --from=b / /\nONBUILD ONBUILD RUN x\n",
		"FROM a:1\nRUN <<EOF\nnpm install\nEOF\n",
		"ARG X=${Y:-z}\nFROM $X\n",
		"# check=skip=all\nFROM a AS B\n# check=skip=JSONArgsRecommended\nCMD x\n# hadolint stage ignore=DL3003\nFROM b\nRUN cd /\n",
		"LABEL a=b\nRUN a | b\nFROM a:1 AS c\nONBUILD RUN --mount=type=cache,target=/var/cache/apk apk add x\nENV A=1 B=$A\nCOPY <<EOF /x\n$C\nEOF\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		r := Bytes("fuzz", src, Config{})
		lines := 1
		for _, c := range src {
			if c == '\n' {
				lines++
			}
		}
		for _, fd := range r.Findings {
			if strings.HasPrefix(fd.Message, "internal error in rule") {
				t.Fatalf("%s: %s", fd.Rule, fd.Message)
			}
			if fd.Line < 1 || fd.Line > lines {
				t.Fatalf("%s reports line %d of a %d-line file", fd.Rule, fd.Line, lines)
			}
			if fd.Rule != ParseErrorID && r.Err != nil {
				t.Fatalf("rule %s ran on a file that did not parse", fd.Rule)
			}
		}
		if r.Err != nil {
			return
		}
		fixed, n := r.Fix()
		if n > 0 {
			if again := Bytes("fuzz", fixed, Config{}); again.Err != nil {
				t.Fatalf("fixed file does not parse: %v\nbefore:\n%s\nafter:\n%s", again.Err, src, fixed)
			}
		}
	})
}
