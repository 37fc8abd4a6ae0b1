package lint

import (
	"fmt"
	"io"
	"strings"
)

// WriteDiff writes a unified diff (3 lines of context) from a to b, with
// the file headers --- name and +++ name. It writes nothing when a and b
// are equal.
func WriteDiff(w io.Writer, name string, a, b []byte) error {
	if string(a) == string(b) {
		return nil
	}
	x, y := splitKeep(string(a)), splitKeep(string(b))
	ops := lcsOps(x, y)
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s\n+++ %s\n", name, name)
	const ctx = 3
	var hunks [][2]int
	for i, op := range ops {
		if op.kind == ' ' {
			continue
		}
		lo, hi := max(0, i-ctx), min(len(ops), i+ctx+1)
		if k := len(hunks) - 1; k >= 0 && lo <= hunks[k][1] {
			hunks[k][1] = max(hunks[k][1], hi)
		} else {
			hunks = append(hunks, [2]int{lo, hi})
		}
	}
	for _, h := range hunks {
		aStart, bStart, aN, bN := ops[h[0]].ai+1, ops[h[0]].bi+1, 0, 0
		var body strings.Builder
		for _, op := range ops[h[0]:h[1]] {
			switch op.kind {
			case ' ':
				aN++
				bN++
			case '-':
				aN++
			case '+':
				bN++
			}
			body.WriteByte(op.kind)
			body.WriteString(op.text)
			if !strings.HasSuffix(op.text, "\n") {
				body.WriteString("\n\\ No newline at end of file\n")
			}
		}
		if aN == 0 {
			aStart--
		}
		if bN == 0 {
			bStart--
		}
		fmt.Fprintf(&sb, "@@ -%d,%d +%d,%d @@\n%s", aStart, aN, bStart, bN, body.String())
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

func splitKeep(s string) []string {
	lines := strings.SplitAfter(s, "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

type diffOp struct {
	kind   byte
	text   string
	ai, bi int // index in a and b before this op
}

// lcsOps computes an edit script with a longest-common-subsequence table;
// Dockerfiles are small, so the quadratic table is fine.
func lcsOps(a, b []string) []diffOp {
	n, m := len(a), len(b)
	t := make([][]int32, n+1)
	for i := range t {
		t[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				t[i][j] = t[i+1][j+1] + 1
			} else {
				t[i][j] = max(t[i+1][j], t[i][j+1])
			}
		}
	}
	var ops []diffOp
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			ops = append(ops, diffOp{' ', a[i], i, j})
			i++
			j++
		case i < n && (j == m || t[i+1][j] >= t[i][j+1]):
			ops = append(ops, diffOp{'-', a[i], i, j})
			i++
		default:
			ops = append(ops, diffOp{'+', b[j], i, j})
			j++
		}
	}
	return ops
}
