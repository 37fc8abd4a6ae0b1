package fleet_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/harden-dev/harden/fleet"
	"github.com/harden-dev/harden/workload"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

const hardenImage = "ghcr.io/harden-dev/harden:v1.0.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// decoded is the YAML read back strictly through the Kubernetes API types:
// a field the types do not know fails the test.
type decoded struct {
	sa  corev1.ServiceAccount
	cm  corev1.ConfigMap
	job batchv1.Job
}

func roundTrip(t *testing.T, o *fleet.Objects) (decoded, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := o.WriteYAML(&buf); err != nil {
		t.Fatal(err)
	}
	docs := strings.Split(buf.String(), "\n---\n")
	if len(docs) != 3 {
		t.Fatalf("%d YAML documents, want 3:\n%s", len(docs), buf.String())
	}
	var d decoded
	for i, target := range []any{&d.sa, &d.cm, &d.job} {
		if err := yaml.UnmarshalStrict([]byte(docs[i]), target); err != nil {
			t.Fatalf("document %d does not decode strictly: %v\n%s", i, err, docs[i])
		}
	}
	return d, buf.Bytes()
}

func images(n int) []string {
	var out []string
	for i := range n {
		out = append(out, fmt.Sprintf("registry.example/team%d/app:%d", i%7, i))
	}
	return out
}

// TestJobInvariants checks what the Job promises for several fleet sizes:
// completions are the shards, the mode Indexed, every image in exactly one
// shard, a ServiceAccount with no token and no binding, and the pod runs
// harden audit --attach on its shard with the cache on an emptyDir.
func TestJobInvariants(t *testing.T) {
	for _, c := range []struct{ images, parallelism, shards, wantShards int }{
		{1, 4, 0, 1}, {10, 3, 0, 3}, {100, 8, 0, 8}, {100, 8, 25, 25}, {7, 2, 50, 7},
	} {
		t.Run(fmt.Sprintf("%d-images-%d-pods-%d-shards", c.images, c.parallelism, c.shards), func(t *testing.T) {
			refs := images(c.images)
			in := append(slices.Clone(refs), refs[0], "", "# a comment") // duplicates and blank lines are dropped
			o, err := fleet.Build(fleet.Job{Image: hardenImage, Images: in, Parallelism: c.parallelism, Shards: c.shards, Jobs: 2, RegistrySecret: "regcred"})
			if err != nil {
				t.Fatal(err)
			}
			d, _ := roundTrip(t, o)
			spec := d.job.Spec
			if spec.CompletionMode == nil || *spec.CompletionMode != batchv1.IndexedCompletion {
				t.Errorf("completionMode %v, want Indexed", spec.CompletionMode)
			}
			if *spec.Completions != int32(c.wantShards) || len(d.cm.Data) != c.wantShards {
				t.Errorf("completions %d, shards in the ConfigMap %d, want %d", *spec.Completions, len(d.cm.Data), c.wantShards)
			}
			if *spec.Parallelism != int32(min(c.parallelism, c.wantShards)) {
				t.Errorf("parallelism %d", *spec.Parallelism)
			}
			count := map[string]int{}
			for i := range c.wantShards {
				shard, ok := d.cm.Data[fmt.Sprint(i)]
				if !ok || shard == "" {
					t.Fatalf("shard %d missing or empty", i)
				}
				for _, r := range strings.Fields(shard) {
					count[r]++
				}
			}
			for _, r := range refs {
				if count[r] != 1 {
					t.Errorf("%s is in %d shards, want exactly 1", r, count[r])
				}
			}
			if len(count) != len(refs) {
				t.Errorf("%d images in the shards, want %d", len(count), len(refs))
			}

			if d.sa.AutomountServiceAccountToken == nil || *d.sa.AutomountServiceAccountToken {
				t.Error("the ServiceAccount mounts its token")
			}
			pod := spec.Template.Spec
			if pod.ServiceAccountName != d.sa.Name || pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
				t.Errorf("pod service account %q, token %v", pod.ServiceAccountName, pod.AutomountServiceAccountToken)
			}
			ctr := pod.Containers[0]
			args := strings.Join(ctr.Args, " ")
			for _, want := range []string{"audit --attach", "--jobs 2", "--images-from /shards/$(JOB_COMPLETION_INDEX)", "--cache-dir /cache"} {
				if !strings.Contains(args, want) {
					t.Errorf("args %q lack %q", args, want)
				}
			}
			vols := map[string]corev1.Volume{}
			for _, v := range pod.Volumes {
				vols[v.Name] = v
			}
			if vols["cache"].EmptyDir == nil || vols["shards"].ConfigMap == nil || vols["shards"].ConfigMap.Name != d.cm.Name {
				t.Errorf("volumes %+v", pod.Volumes)
			}
			if s := vols["registry"].Secret; s == nil || s.SecretName != "regcred" || s.Items[0].Key != corev1.DockerConfigJsonKey || s.Items[0].Path != "config.json" {
				t.Errorf("registry secret volume %+v", vols["registry"])
			}
			if !slices.Contains(ctr.Env, corev1.EnvVar{Name: "DOCKER_CONFIG", Value: "/docker"}) {
				t.Errorf("env %+v lacks DOCKER_CONFIG", ctr.Env)
			}
			for _, m := range ctr.VolumeMounts {
				if m.Name == "registry" && (m.MountPath != "/docker" || !m.ReadOnly) {
					t.Errorf("registry mount %+v", m)
				}
			}
		})
	}
}

// TestJobPassesRuntimeCheck runs harden runtime check's checks over the
// generated YAML: no finding with a digest-pinned harden image, and the
// one "image-without-digest" finding without.
func TestJobPassesRuntimeCheck(t *testing.T) {
	for _, c := range []struct {
		image string
		want  []string
	}{{hardenImage, nil}, {"harden:v1.0.0", []string{"image-without-digest"}}} {
		o, err := fleet.Build(fleet.Job{Image: c.image, Images: images(5), Parallelism: 2, RegistrySecret: "regcred", Insecure: true})
		if err != nil {
			t.Fatal(err)
		}
		_, y := roundTrip(t, o)
		ctrs, err := workload.Load("fleet.yaml", bytes.NewReader(y))
		if err != nil {
			t.Fatal(err)
		}
		if len(ctrs) != 1 || ctrs[0].Workload != "Job/harden-fleet" {
			t.Fatalf("runtime check saw %+v, want the Job's one container", ctrs)
		}
		var got []string
		for _, f := range workload.Check(&ctrs[0]) {
			got = append(got, f.ID)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("image %s: runtime check findings %v, want %v", c.image, got, c.want)
		}
	}
}

func TestShard(t *testing.T) {
	got := fleet.Shard([]string{"b:1", "a:2", "a:1", "c:1", "a:1"}, 2)
	want := [][]string{{"a:1", "a:2"}, {"b:1", "c:1"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Shard = %v, want %v (sorted, deduplicated, contiguous, balanced)", got, want)
	}
	if got := fleet.Shard([]string{"a:1"}, 5); len(got) != 1 {
		t.Fatalf("one image in %d shards", len(got))
	}
}

func TestBuildRejects(t *testing.T) {
	for name, j := range map[string]fleet.Job{
		"no images":      {Image: hardenImage, Parallelism: 1, Images: []string{"", "# only a comment"}},
		"no image":       {Images: images(2), Parallelism: 1},
		"no parallelism": {Image: hardenImage, Images: images(2)},
		"space in ref":   {Image: hardenImage, Images: []string{"a b:1"}, Parallelism: 1},
		"bad memory":     {Image: hardenImage, Images: images(2), Parallelism: 1, Memory: "lots"},
		"too many":       {Image: hardenImage, Images: bigList(), Parallelism: 1},
	} {
		if _, err := fleet.Build(j); err == nil {
			t.Errorf("%s: built", name)
		}
	}
}

func bigList() []string {
	var out []string
	for i := range 20000 {
		out = append(out, fmt.Sprintf("registry.example/a-rather-long-repository-name/number-%06d:tag", i))
	}
	return out
}

// TestShardSizes: for every list length and shard count, the shards are
// non-empty, differ in size by at most one and concatenate to the sorted
// list.
func TestShardSizes(t *testing.T) {
	for n := 1; n <= 40; n++ {
		refs := images(n)
		for s := 1; s <= 45; s++ {
			shards := fleet.Shard(refs, s)
			if len(shards) != min(n, s) {
				t.Fatalf("%d refs in %d shards: %d shards", n, s, len(shards))
			}
			var all []string
			lo, hi := n, 0
			for _, sh := range shards {
				lo, hi = min(lo, len(sh)), max(hi, len(sh))
				all = append(all, sh...)
			}
			if lo == 0 || hi-lo > 1 || !slices.Equal(all, slices.Sorted(slices.Values(refs))) {
				t.Fatalf("%d refs in %d shards: sizes %d..%d, %d refs in all", n, s, lo, hi, len(all))
			}
		}
	}
}
