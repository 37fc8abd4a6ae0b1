package workload

import (
	"fmt"
	"sort"

	"gopkg.in/yaml.v3"
)

// composeService is the part of a Compose service that decides how its
// container runs (the Compose specification's names).
type composeService struct {
	Image       string   `yaml:"image"`
	User        string   `yaml:"user"`
	Privileged  bool     `yaml:"privileged"`
	ReadOnly    bool     `yaml:"read_only"`
	CapAdd      []string `yaml:"cap_add"`
	CapDrop     []string `yaml:"cap_drop"`
	SecurityOpt []string `yaml:"security_opt"`
	NetworkMode string   `yaml:"network_mode"`
	Pid         string   `yaml:"pid"`
	Ipc         string   `yaml:"ipc"`
	Volumes     []any    `yaml:"volumes"`
}

// loadCompose reads a Compose file's services.
func loadCompose(file string, n *yaml.Node) ([]Container, error) {
	services := child(n, "services")
	if services.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("services is not a mapping")
	}
	var out []Container
	for i := 0; i+1 < len(services.Content); i += 2 {
		k, v := services.Content[i], services.Content[i+1]
		var s composeService
		if err := v.Decode(&s); err != nil {
			return nil, fmt.Errorf("service %s: %w", k.Value, err)
		}
		c := Container{File: file, Line: k.Line, Workload: "service/" + k.Value, Name: k.Value, Image: s.Image, svc: &s, lines: map[string]int{}}
		collectLines(v, "", c.lines)
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out, nil
}

// composeVolume is a volume's host source and target, from the short
// ("/host:/ctr:ro") or long ({type, source, target}) syntax.
func composeVolume(v any) (source, target string) {
	switch x := v.(type) {
	case string:
		parts := splitVolume(x)
		if len(parts) >= 2 {
			return parts[0], parts[1]
		}
		return "", x
	case map[string]any:
		s, _ := x["source"].(string)
		t, _ := x["target"].(string)
		if typ, _ := x["type"].(string); typ != "" && typ != "bind" {
			return "", t
		}
		return s, t
	}
	return "", ""
}

func splitVolume(s string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}
