// Package workload reads how containers are run — Kubernetes manifests
// (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob;
// multi-document YAML, Helm's rendered output) and Compose files — and
// checks each container's run settings against the hardened run harden
// recommends: the Kubernetes Pod Security Standards (baseline and
// restricted) and the checks Trivy (KSV) and Kubescape users know.
package workload

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	sigsyaml "sigs.k8s.io/yaml"
)

// maxDocument bounds one YAML document (Helm output of a whole chart fits).
const maxDocument = 16 << 20

// Container is one container of a workload with what decides how it runs.
type Container struct {
	// File and Line locate the container (its entry in the manifest).
	File string `json:"file"`
	Line int    `json:"line"`
	// Workload is "Kind/name" (Kubernetes) or "service/name" (Compose).
	Workload string `json:"workload"`
	Name     string `json:"name"`
	Image    string `json:"image"`
	// Init is set for init containers.
	Init bool `json:"init,omitempty"`

	pod   *corev1.PodSpec
	c     *corev1.Container
	svc   *composeService
	lines map[string]int // field → line, for evidence
}

// Load reads every document of a YAML stream: Kubernetes objects are
// decoded strictly through the Kubernetes API types (a misspelt field is
// an error naming it), Compose files by their services. Objects of other
// kinds (Service, ConfigMap…) are skipped; List objects are opened.
func Load(name string, r io.Reader) ([]Container, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxDocument*8+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > maxDocument*8 {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, maxDocument*8)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []Container
	for i := 1; ; i++ {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("%s: document %d: %w", name, i, err)
		}
		if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
			continue
		}
		cs, err := loadDocument(name, doc.Content[0])
		if err != nil {
			line := doc.Content[0].Line
			var le *lineError
			if errors.As(err, &le) {
				line = le.line
			}
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		out = append(out, cs...)
	}
	return out, nil
}

// loadDocument tells a Kubernetes object from a Compose file.
func loadDocument(file string, n *yaml.Node) ([]Container, error) {
	kind, apiVersion := scalar(n, "kind"), scalar(n, "apiVersion")
	if kind == "" {
		if child(n, "services") != nil {
			return loadCompose(file, n)
		}
		return nil, nil
	}
	if kind == "List" || strings.HasSuffix(kind, "List") {
		var out []Container
		if items := child(n, "items"); items != nil {
			for _, it := range items.Content {
				cs, err := loadDocument(file, it)
				if err != nil {
					return nil, err
				}
				out = append(out, cs...)
			}
		}
		return out, nil
	}
	raw, err := yaml.Marshal(n)
	if err != nil {
		return nil, err
	}
	var spec *corev1.PodSpec
	var tmpl *yaml.Node // the pod spec's node, for lines
	name := scalar(child(n, "metadata"), "name")
	decode := func(v any) error {
		if err := sigsyaml.UnmarshalStrict(raw, v); err != nil {
			if m := unknownField.FindStringSubmatch(err.Error()); m != nil {
				if line := keyLine(n, m[1]); line > 0 {
					return &lineError{line: line, err: fmt.Errorf("%s %s: unknown field %q (not in the Kubernetes API)", kind, name, m[1])}
				}
			}
			return fmt.Errorf("%s %s: %w", kind, name, err)
		}
		return nil
	}
	switch kind {
	case "Pod":
		var o corev1.Pod
		if err := decode(&o); err != nil {
			return nil, err
		}
		spec, tmpl = &o.Spec, child(n, "spec")
	case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet":
		if !strings.HasPrefix(apiVersion, "apps/") {
			return nil, fmt.Errorf("%s %s: apiVersion %q is not apps/v1", kind, name, apiVersion)
		}
		var t *corev1.PodTemplateSpec
		switch kind {
		case "Deployment":
			var o appsv1.Deployment
			err = decode(&o)
			t = &o.Spec.Template
		case "StatefulSet":
			var o appsv1.StatefulSet
			err = decode(&o)
			t = &o.Spec.Template
		case "DaemonSet":
			var o appsv1.DaemonSet
			err = decode(&o)
			t = &o.Spec.Template
		default:
			var o appsv1.ReplicaSet
			err = decode(&o)
			t = &o.Spec.Template
		}
		if err != nil {
			return nil, err
		}
		spec, tmpl = &t.Spec, child(child(child(n, "spec"), "template"), "spec")
	case "Job":
		var o batchv1.Job
		if err := decode(&o); err != nil {
			return nil, err
		}
		spec, tmpl = &o.Spec.Template.Spec, child(child(child(n, "spec"), "template"), "spec")
	case "CronJob":
		var o batchv1.CronJob
		if err := decode(&o); err != nil {
			return nil, err
		}
		spec = &o.Spec.JobTemplate.Spec.Template.Spec
		tmpl = child(child(child(child(child(n, "spec"), "jobTemplate"), "spec"), "template"), "spec")
	default:
		return nil, nil
	}
	var out []Container
	add := func(list []corev1.Container, key string, init bool) {
		nodes := child(tmpl, key)
		for i := range list {
			c := Container{File: file, Workload: kind + "/" + name, Name: list[i].Name, Image: list[i].Image, Init: init,
				pod: spec, c: &list[i], lines: map[string]int{}}
			if nodes != nil && i < len(nodes.Content) {
				cn := nodes.Content[i]
				c.Line = cn.Line
				collectLines(cn, "", c.lines)
			}
			collectLines(tmpl, "pod.", c.lines)
			out = append(out, c)
		}
	}
	add(spec.InitContainers, "initContainers", true)
	add(spec.Containers, "containers", false)
	return out, nil
}

// collectLines records the line of every key below n ("securityContext.privileged").
func collectLines(n *yaml.Node, prefix string, lines map[string]int) {
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := prefix + k.Value
		if _, ok := lines[key]; !ok {
			lines[key] = k.Line
		}
		if k.Value == "containers" || k.Value == "initContainers" {
			continue
		}
		collectLines(v, key+".", lines)
	}
}

func child(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func scalar(n *yaml.Node, key string) string {
	if c := child(n, key); c != nil && c.Kind == yaml.ScalarNode {
		return c.Value
	}
	return ""
}

// unknownField is how the strict decoder names a field the API lacks.
var unknownField = regexp.MustCompile(`unknown field "([^"]+)"`)

// lineError carries the line of a misspelt field.
type lineError struct {
	line int
	err  error
}

func (e *lineError) Error() string { return e.err.Error() }
func (e *lineError) Unwrap() error { return e.err }

// keyLine finds the first key named key (or ending a dotted path) below n.
func keyLine(n *yaml.Node, key string) int {
	if i := strings.LastIndex(key, "."); i >= 0 {
		key = key[i+1:]
	}
	if n == nil {
		return 0
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i].Line
			}
		}
	}
	for _, c := range n.Content {
		if l := keyLine(c, key); l > 0 {
			return l
		}
	}
	return 0
}
