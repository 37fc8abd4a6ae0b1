package fleet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"
)

// Write writes the objects for kubectl apply -f -: a Kubernetes List with
// format json, else YAML.
func (o *Objects) Write(w io.Writer, format string) error {
	if format == "json" {
		return o.WriteJSON(w)
	}
	return o.WriteYAML(w)
}

// Pinned reports whether the harden image is named by digest, as harden
// runtime check wants (image-without-digest).
func (j Job) Pinned() bool { return strings.Contains(j.Image, "@sha256:") }

// Summary says in a line how the images are cut.
func (o *Objects) Summary() string {
	return fmt.Sprintf("%d images in %d shards, %d pods at a time", len(o.Images()), o.Shards(), *o.Job.Spec.Parallelism)
}

// WriteYAML writes the objects as one multi-document YAML stream, ready
// for kubectl apply -f -.
func (o *Objects) WriteYAML(w io.Writer) error {
	var buf bytes.Buffer
	for i, obj := range []any{o.ServiceAccount, o.ConfigMap, o.Job} {
		b, err := yaml.Marshal(obj)
		if err != nil {
			return err
		}
		if i > 0 {
			buf.WriteString("---\n")
		}
		buf.Write(b)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// WriteJSON writes the objects as a Kubernetes List, for kubectl apply -f -.
func (o *Objects) WriteJSON(w io.Writer) error {
	list := map[string]any{"apiVersion": "v1", "kind": "List", "items": []any{o.ServiceAccount, o.ConfigMap, o.Job}}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(list)
}

// Shards is the number of shards (completions).
func (o *Objects) Shards() int { return len(o.ConfigMap.Data) }

// Images are the references in the shards, in shard order.
func (o *Objects) Images() []string {
	var out []string
	for i := range o.Shards() {
		out = append(out, strings.Fields(o.ConfigMap.Data[strconv.Itoa(i)])...)
	}
	return out
}
