package fsindex

import (
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

func TestInstruction(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/bin/sh -c #(nop)  CMD [\"node\" \"index.js\"]", `CMD ["node" "index.js"]`},
		{"/bin/sh -c #(nop) WORKDIR /app", "WORKDIR /app"},
		{"/bin/sh -c npm install", "RUN npm install"},
		{"|2 NODE_ENV=production TOKEN=x /bin/sh -c npm ci", "RUN npm ci"},
		{"COPY . . # buildkit", "COPY . ."},
		{"RUN /bin/sh -c apt-get update # buildkit", "RUN /bin/sh -c apt-get update"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Instruction(tt.in); got != tt.want {
			t.Errorf("Instruction(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	l := Layer{Comment: "Imported from -"}
	if got := l.Instruction(); got != "(Imported from -)" {
		t.Errorf("imported layer instruction = %q", got)
	}
}

func TestGuessOrigins(t *testing.T) {
	h := func(createdBy string, empty bool) v1.History {
		return v1.History{CreatedBy: createdBy, EmptyLayer: empty}
	}
	tests := []struct {
		name    string
		history []v1.History
		layers  int
		want    []Origin
	}{
		{
			name: "base ends with CMD (Trivy's heuristic)",
			history: []v1.History{
				h("/bin/sh -c #(nop) ADD file:abc in / ", false), h("/bin/sh -c #(nop)  CMD [\"bash\"]", true),
				h("/bin/sh -c apt-get update", false), h("/bin/sh -c #(nop) COPY file:x in /", false),
				h("/bin/sh -c #(nop)  ENTRYPOINT [\"x\"]", true), h("/bin/sh -c #(nop)  CMD [\"y\"]", true),
			},
			layers: 3,
			want:   []Origin{OriginBase, OriginOwn, OriginOwn},
		},
		{
			name:    "imported rootfs then own steps",
			history: []v1.History{{Comment: "Imported from -"}, h("/bin/sh -c #(nop) WORKDIR /app", false), h("/bin/sh -c npm install", false)},
			layers:  3,
			want:    []Origin{OriginBase, OriginOwn, OriginOwn},
		},
		{
			name:    "a single layer tells nothing",
			history: []v1.History{h("COPY hello / # buildkit", false)},
			layers:  1,
			want:    []Origin{OriginUnknown},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := &v1.ConfigFile{History: tt.history}
			ls := make([]Layer, tt.layers)
			hist := layerHistory(cfg, tt.layers)
			for i := range ls {
				ls[i].CreatedBy, ls[i].Comment = hist[i].CreatedBy, hist[i].Comment
			}
			guessOrigins(cfg, ls)
			for i, want := range tt.want {
				if ls[i].Origin != want {
					t.Errorf("layer %d origin = %q, want %q", i, ls[i].Origin, want)
				}
			}
		})
	}
}

func TestTypeText(t *testing.T) {
	for ty := range typeNames {
		b, _ := ty.MarshalText()
		var back Type
		if err := back.UnmarshalText(b); err != nil || back != ty {
			t.Errorf("round trip of %v: %v, %v", ty, back, err)
		}
	}
	var bad Type
	if err := bad.UnmarshalText([]byte("socket")); err == nil {
		t.Error("socket accepted")
	}
}
