// Package doccheck holds the documentation bar (STYLE.md §8) as a test:
// exported functions, types, methods and interface methods carry a doc
// comment, and a doc comment starts with the name it documents, so a
// renamed function cannot keep its old name in its comment.
package doccheck

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// minCoverage is the share of exported identifiers (top-level functions,
// types, methods of exported types, interface methods) that must carry a
// doc comment.
const minCoverage = 0.99

// tally counts documented identifiers of one kind.
type tally struct{ all, documented int }

// survey is what one walk of the module finds.
type survey struct {
	kinds map[string]*tally
	// missing lists the undocumented exported identifiers.
	missing []string
	// misnamed lists doc comments that do not start with their name.
	misnamed []string
}

// moduleRoot returns the directory of go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil || strings.TrimSpace(string(out)) == "" {
		t.Fatalf("go env GOMOD: %v", err)
	}
	return filepath.Dir(strings.TrimSpace(string(out)))
}

// surveyModule parses every non-test Go file under root (testdata and
// hidden folders left out).
func surveyModule(t *testing.T, root string) *survey {
	t.Helper()
	s := &survey{kinds: map[string]*tally{}}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != root && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") || strings.HasPrefix(d.Name(), "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		s.file(rel, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// count records one exported identifier.
func (s *survey) count(kind, where string, doc *ast.CommentGroup) {
	k := s.kinds[kind]
	if k == nil {
		k = &tally{}
		s.kinds[kind] = k
	}
	k.all++
	if doc != nil {
		k.documented++
	} else {
		s.missing = append(s.missing, kind+" "+where)
	}
}

// file surveys one parsed file.
func (s *survey) file(rel string, f *ast.File) {
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			name := d.Name.Name
			s.checkName(rel, "func "+name, name, d.Doc, false)
			if !d.Name.IsExported() {
				continue
			}
			if d.Recv == nil {
				s.count("function", rel+": "+name, d.Doc)
			} else if recv := receiver(d.Recv); ast.IsExported(recv) {
				s.count("method", rel+": "+recv+"."+name, d.Doc)
			}
		case *ast.GenDecl:
			if d.Tok != token.TYPE {
				continue
			}
			for _, spec := range d.Specs {
				ts := spec.(*ast.TypeSpec)
				doc := ts.Doc
				if doc == nil && len(d.Specs) == 1 {
					doc = d.Doc
				}
				s.checkName(rel, "type "+ts.Name.Name, ts.Name.Name, doc, true)
				if !ts.Name.IsExported() {
					continue
				}
				s.count("type", rel+": "+ts.Name.Name, doc)
				if it, ok := ts.Type.(*ast.InterfaceType); ok {
					for _, m := range it.Methods.List {
						for _, n := range m.Names {
							if n.IsExported() {
								s.count("interface method", rel+": "+ts.Name.Name+"."+n.Name, m.Doc)
							}
						}
					}
				}
			}
		}
	}
}

// checkName records a doc comment that does not start with name (for a
// type, "A name", "An name" or "The name" also do).
func (s *survey) checkName(rel, what, name string, doc *ast.CommentGroup, article bool) {
	if doc == nil {
		return
	}
	words := strings.Fields(doc.Text())
	if len(words) == 0 || words[0] == name || strings.HasPrefix(words[0], "Deprecated:") {
		return
	}
	if article && len(words) > 1 && words[1] == name && (words[0] == "A" || words[0] == "An" || words[0] == "The") {
		return
	}
	first, _, _ := strings.Cut(doc.Text(), "\n")
	s.misnamed = append(s.misnamed, fmt.Sprintf("%s: %s: %q", rel, what, first))
}

// receiver returns the name of a method's receiver type.
func receiver(fl *ast.FieldList) string {
	t := fl.List[0].Type
	if st, ok := t.(*ast.StarExpr); ok {
		t = st.X
	}
	switch x := t.(type) {
	case *ast.IndexExpr:
		t = x.X
	case *ast.IndexListExpr:
		t = x.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// TestDocumented fails when fewer than minCoverage of the exported
// identifiers carry a doc comment, and lists the ones that do not.
func TestDocumented(t *testing.T) {
	s := surveyModule(t, moduleRoot(t))
	var all, documented int
	var kinds []string
	for k, c := range s.kinds {
		all += c.all
		documented += c.documented
		kinds = append(kinds, fmt.Sprintf("%s %d/%d", k, c.documented, c.all))
	}
	sort.Strings(kinds)
	if all < 500 {
		t.Fatalf("found only %d exported identifiers; the walk missed the module", all)
	}
	share := float64(documented) / float64(all)
	t.Logf("documented: %.1f%% (%d/%d: %s)", 100*share, documented, all, strings.Join(kinds, ", "))
	if share < minCoverage {
		sort.Strings(s.missing)
		t.Errorf("%.1f%% of exported identifiers are documented, under the bar of %.0f%%; add doc comments to:\n\t%s",
			100*share, 100*minCoverage, strings.Join(s.missing, "\n\t"))
	}
}

// TestDocStartsWithName fails on a doc comment that does not start with
// the function's or type's name, the mark of a rename that forgot it.
func TestDocStartsWithName(t *testing.T) {
	s := surveyModule(t, moduleRoot(t))
	sort.Strings(s.misnamed)
	for _, m := range s.misnamed {
		t.Errorf("doc comment does not start with the name it documents: %s", m)
	}
}
