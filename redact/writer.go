package redact

import (
	"bytes"
	"io"
	"strings"
	"sync"
)

// maxLine is how much a Writer holds while waiting for the end of a line;
// a longer line is redacted in pieces cut at a space.
const maxLine = 1 << 20

// chunkSize bounds the text redacted in one pass, and so the memory a
// large document costs (the escape map is 8 bytes per byte).
const chunkSize = 64 << 10

// Writer redacts a stream line by line (a line ends at \n or \r, so a
// progress bar still moves). JSON and HTML escapes are decoded to find a
// secret; an HTML document (one that starts with <!DOCTYPE html or <html)
// gets its labels escaped. It is safe for concurrent writers.
type Writer struct {
	mu   sync.Mutex
	w    io.Writer
	buf  []byte
	html bool
	seen bool // the first bytes were looked at
	// flag is set when the last line was a secret flag alone (an argv
	// element), so the next line's word is its value.
	flag, user bool
	// named is set when the last line was a name field naming a secret
	// ("name": "DB_PASSWORD", - name: DB_PASSWORD), so a value field on
	// the next line is its value.
	named bool
}

// NewWriter returns a Writer that writes to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Unwrap returns the stream the Writer writes to (a terminal check looks
// at it).
func (w *Writer) Unwrap() io.Writer { return w.w }

// Write buffers p and writes every complete line, redacted.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	if !w.seen {
		head := bytes.TrimLeft(w.buf, " \t\r\n\ufeff")
		if len(head) < 14 && !bytes.ContainsAny(head, "\n>") {
			return len(p), nil
		}
		w.seen = true
		h := bytes.ToLower(head[:min(len(head), 14)])
		w.html = bytes.HasPrefix(h, []byte("<!doctype html")) || bytes.HasPrefix(h, []byte("<html"))
	}
	end := bytes.LastIndexAny(w.buf, "\n\r") + 1
	if end == 0 && len(w.buf) > maxLine {
		end = bytes.LastIndexAny(w.buf, " \t,") + 1
		if end == 0 {
			end = len(w.buf)
		}
	}
	if end == 0 {
		return len(p), nil
	}
	if err := w.emit(w.buf[:end]); err != nil {
		return 0, err
	}
	w.buf = append(w.buf[:0], w.buf[end:]...)
	return len(p), nil
}

// Flush writes what is buffered, redacted, even without a line end.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) == 0 {
		return nil
	}
	err := w.emit(w.buf)
	w.buf = w.buf[:0]
	return err
}

// emit writes complete lines redacted: the words after a secret flag line
// by line, then the whole chunk in one pass (the detector works line by
// line anyway, and one pass per chunk is 10x faster than one per line).
func (w *Writer) emit(b []byte) error {
	var chunk strings.Builder
	flush := func() error {
		_, err := io.WriteString(w.w, replace(chunk.String(), w.html))
		chunk.Reset()
		return err
	}
	for len(b) > 0 {
		i := bytes.IndexAny(b, "\n\r") + 1
		if i == 0 {
			i = len(b)
		}
		chunk.WriteString(w.line(string(b[:i])))
		b = b[i:]
		if chunk.Len() >= chunkSize {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// Bytes redacts a whole document (a report file): JSON, HTML or text.
func Bytes(doc []byte) []byte {
	var b bytes.Buffer
	w := NewWriter(&b)
	_, _ = w.Write(doc)
	_ = w.Flush()
	return b.Bytes()
}

// line redacts what only the line before says is a secret: the word after
// a secret flag alone on its line (argv in JSON or YAML), the value field
// after a name field naming a secret.
func (w *Writer) line(l string) string {
	var word string
	var start, end int
	var alone bool
	if w.flag || maybeFlag(l) {
		word, start, end, alone = lineWord(l)
	}
	if w.flag && alone && word != "" && !strings.HasPrefix(word, "-") && !isReference(word) && (!w.user || userPassword(word)) {
		l = l[:start] + label(RuleSecretName, w.html) + l[end:]
	}
	if w.named {
		if vs, ve, ok := field(l, "value"); ok && keyedValue("password", l[vs:ve]) {
			l = l[:vs] + label(RuleSecretName, w.html) + l[ve:]
		}
	}
	if strings.TrimSpace(l) != "" {
		w.flag = alone && secretFlag(word)
		w.user = w.flag && (word == "-u" || word == "--user")
		vs, ve, ok := field(l, "name")
		if !ok {
			vs, ve, ok = field(l, "key")
		}
		w.named = ok && SecretName(l[vs:ve])
	}
	return l
}

// field finds a JSON or YAML field named name alone on a line ("name":
// "X", - name: X, value: X) and returns where its value is.
func field(l, name string) (int, int, bool) {
	t := strings.TrimLeft(l, " \t")
	t = strings.TrimPrefix(t, "- ")
	t = strings.TrimLeft(t, " \t")
	off := len(l) - len(t)
	quoted := strings.HasPrefix(t, `"`)
	if quoted {
		t, off = t[1:], off+1
	}
	if len(t) <= len(name) || !strings.EqualFold(t[:len(name)], name) {
		return 0, 0, false
	}
	t, off = t[len(name):], off+len(name)
	if quoted {
		if !strings.HasPrefix(t, `"`) {
			return 0, 0, false
		}
		t, off = t[1:], off+1
	}
	if !strings.HasPrefix(t, ":") {
		return 0, 0, false
	}
	j := off + 1
	for j < len(l) && (l[j] == ' ' || l[j] == '\t') {
		j++
	}
	if quoted && (j >= len(l) || l[j] != '"') {
		return 0, 0, false
	}
	vs, ve := valueAt(l, j)
	return vs, ve, ve > vs
}

// maybeFlag is a quick test for a line that may hold an option alone.
func maybeFlag(l string) bool {
	t := strings.TrimLeft(l, " \t")
	t = strings.TrimPrefix(t, "- ")
	t = strings.TrimLeft(t, "\"'")
	return strings.HasPrefix(t, "-") && len(t) < 80
}
