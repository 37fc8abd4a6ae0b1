package audit

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/harden-dev/harden/fsindex"
	tu "github.com/harden-dev/harden/internal/testutil"
	"github.com/harden-dev/harden/report"
)

// buildIndex indexes img with the audit's wants.
func buildIndex(t testing.TB, img v1.Image, opts ...Option) *fsindex.Index {
	t.Helper()
	x, err := fsindex.Build(context.Background(), img, fsindex.WithWants(Wants(opts...)...))
	if err != nil {
		t.Fatalf("fsindex.Build: %v", err)
	}
	return x
}

// audit runs the audit (every check unless opts say otherwise).
func auditImage(t testing.TB, img v1.Image, opts ...Option) *Result {
	t.Helper()
	res, err := Run(context.Background(), buildIndex(t, img, opts...), opts...)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res
}

// checkCase is one synthetic image for one check.
type checkCase struct {
	name   string
	cfg    func(*v1.Config)
	layers [][]tu.File
	// history replaces the image history when set (one entry per layer,
	// plus empty-layer entries).
	history []v1.History
	opts    []Option
	// want lists the messages of the findings, in order.
	want []string
	// status is the expected status, when it is not pass/fail.
	status string
}

// image builds the case's image.
func (tc checkCase) image(t testing.TB) v1.Image {
	t.Helper()
	layers := tc.layers
	if len(layers) == 0 {
		layers = [][]tu.File{{tu.Dir("tmp/")}}
	}
	img := tu.Image(t, tc.cfg, layers...)
	if tc.history != nil {
		cf, err := img.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		cf = cf.DeepCopy()
		cf.History = tc.history
		if img, err = mutate.ConfigFile(img, cf); err != nil {
			t.Fatal(err)
		}
	}
	return img
}

// runCases runs one check on each case and compares the messages.
func runCases(t *testing.T, c Check, cases []checkCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := append([]Option{WithChecks(c)}, tc.opts...)
			res := auditImage(t, tc.image(t), opts...)
			var got []string
			for _, f := range res.Findings {
				got = append(got, f.Message)
				if f.ID != c.ID() {
					t.Errorf("finding ID %q, want %q", f.ID, c.ID())
				}
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("%s findings (-want +got):\n%s", c.ID(), d)
			}
			st := res.Checks[0]
			want := tc.status
			if want == "" {
				want = StatusPass
				if len(tc.want) > 0 {
					want = StatusFail
				}
			}
			if st.Status != want {
				t.Errorf("status = %s (%s), want %s", st.Status, st.Message, want)
			}
		})
	}
}

// findings runs one check and returns its findings.
func findings(t *testing.T, c Check, img v1.Image, opts ...Option) []report.Finding {
	t.Helper()
	return auditImage(t, img, append([]Option{WithChecks(c)}, opts...)...).Findings
}

// hist makes history entries: "" makes an empty-layer step "ENV X=1".
func hist(createdBy ...string) []v1.History {
	var out []v1.History
	for _, c := range createdBy {
		out = append(out, v1.History{CreatedBy: c})
	}
	return out
}

// passwd is a small /etc/passwd and /etc/group.
var passwdFiles = []tu.File{
	tu.Dir("etc/"),
	tu.Reg("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n"),
	tu.Reg("etc/group", "root:x:0:\nnonroot:x:65532:\n"),
}
