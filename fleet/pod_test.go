package fleet_test

import (
	"archive/tar"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/harden-dev/harden/attach"
	"github.com/harden-dev/harden/fleet"
	tu "github.com/harden-dev/harden/internal/testutil"
	corev1 "k8s.io/api/core/v1"
)

// TestPodRunsInItsSecurityContext runs shard 0 of a generated Job the way
// its pod would run, in Docker: a static harden as the image's entrypoint,
// the pod's user, read-only root, no capabilities, no privilege escalation,
// env, emptyDirs (tmpfs), the ConfigMap and the registry Secret mounted
// where the spec says, against a registry that wants the Secret's
// password. Every image of the shard gets its audit attached; the other
// shard's images get none.
func TestPodRunsInItsSecurityContext(t *testing.T) {
	docker := tu.RequireDocker(t)
	dir := t.TempDir()
	hardenImage := buildHardenImage(t, docker, dir)

	host := tu.PasswordRegistry(t, "fleet", "pod-pass-7Q")
	var refs []string
	for i := range 4 {
		img := tu.Image(t, func(c *v1.Config) { c.User = "65532" }, []tu.File{tu.Dir("etc/"), tu.Reg("etc/os-release", "ID=test\n"),
			tu.Dir("app/"), tu.Reg("app/id", fmt.Sprintf("%d\n", i))})
		ref := fmt.Sprintf("%s/team/app%d:1", host, i)
		r, _ := name.ParseReference(ref, name.Insecure)
		if err := remote.Write(r, img, remote.WithAuth(&authn.Basic{Username: "fleet", Password: "pod-pass-7Q"})); err != nil {
			t.Fatal(err)
		}
		refs = append(refs, ref)
	}

	o, err := fleet.Build(fleet.Job{Image: hardenImage, Images: refs, Parallelism: 2, RegistrySecret: "regcred", Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	pod := o.Job.Spec.Template.Spec
	ctr := pod.Containers[0]
	args := []string{"run", "--rm", "--network", "host"}
	pc, sc := pod.SecurityContext, ctr.SecurityContext
	args = append(args, "--user", fmt.Sprintf("%d:%d", *pc.RunAsUser, *pc.RunAsGroup))
	if *sc.ReadOnlyRootFilesystem {
		args = append(args, "--read-only")
	}
	if !*sc.AllowPrivilegeEscalation {
		args = append(args, "--security-opt", "no-new-privileges")
	}
	for _, c := range sc.Capabilities.Drop {
		args = append(args, "--cap-drop", string(c))
	}
	for _, e := range ctr.Env {
		args = append(args, "-e", e.Name+"="+e.Value)
	}
	vols := map[string]corev1.Volume{}
	for _, v := range pod.Volumes {
		vols[v.Name] = v
	}
	for _, m := range ctr.VolumeMounts {
		v := vols[m.Name]
		switch {
		case v.EmptyDir != nil:
			args = append(args, "--tmpfs", m.MountPath)
		case v.ConfigMap != nil:
			src := filepath.Join(dir, "configmap")
			writeFiles(t, src, o.ConfigMap.Data)
			args = append(args, "-v", src+":"+m.MountPath+":ro")
		case v.Secret != nil:
			src := filepath.Join(dir, "secret")
			auth := base64.StdEncoding.EncodeToString([]byte("fleet:pod-pass-7Q"))
			writeFiles(t, src, map[string]string{v.Secret.Items[0].Path: `{"auths":{"` + host + `":{"auth":"` + auth + `"}}}`})
			args = append(args, "-v", src+":"+m.MountPath+":ro")
		default:
			t.Fatalf("volume %s: no Docker equivalent in this test", m.Name)
		}
	}
	args = append(args, "-e", "JOB_COMPLETION_INDEX=0", ctr.Image)

	shard := strings.Fields(o.ConfigMap.Data["0"])
	cmdline := append(args, podCommand(ctr.Args)...)
	if out, err := exec.Command(docker, cmdline...).CombinedOutput(); err != nil {
		t.Fatalf("docker %s: %v\n%s", strings.Join(cmdline, " "), err, out)
	}

	ctx := context.Background()
	t.Setenv("DOCKER_CONFIG", filepath.Join(dir, "secret"))
	opts := []attach.Option{attach.WithInsecure(true)}
	for _, ref := range refs {
		sub, err := attach.Resolve(ctx, ref, opts...)
		if err != nil {
			t.Fatal(err)
		}
		list, err := attach.List(ctx, sub, attach.Audit, opts...)
		if err != nil {
			t.Fatal(err)
		}
		if want := b2i(slices.Contains(shard, ref)); len(list) != want {
			t.Errorf("%s: %d audits attached, want %d (shard 0 is %v)", ref, len(list), want, shard)
		}
	}
}

// podCommand is the harden command line of pod 0: the Job's own, with
// the index Kubernetes substitutes.
func podCommand(args []string) []string {
	var out []string
	for _, a := range args {
		out = append(out, strings.ReplaceAll(a, "$(JOB_COMPLETION_INDEX)", "0"))
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// buildHardenImage builds a static harden and imports it as an image whose
// entrypoint is harden and nothing else (no shell, no passwd), removed
// when the test ends.
func buildHardenImage(t *testing.T, docker, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "harden")
	build := exec.Command("go", "build", "-trimpath", "-o", bin, "github.com/harden-dev/harden/cmd/harden")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	tarPath := filepath.Join(dir, "rootfs.tar")
	f, err := os.Create(tarPath)
	if err != nil {
		t.Fatal(err)
	}
	tw := tar.NewWriter(f)
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"tmp/", "cache/", "shards/", "docker/"} {
		tw.WriteHeader(&tar.Header{Name: d, Typeflag: tar.TypeDir, Mode: 0o755})
	}
	tw.WriteHeader(&tar.Header{Name: "harden", Mode: 0o755, Size: int64(len(data)), Typeflag: tar.TypeReg})
	tw.Write(data)
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	tag := fmt.Sprintf("h-attach-fleet-harden:%d", os.Getpid())
	if out, err := exec.Command(docker, "import", "--change", `ENTRYPOINT ["/harden"]`, tarPath, tag).CombinedOutput(); err != nil {
		t.Fatalf("docker import: %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command(docker, "rmi", "-f", tag).Run() })
	return tag
}
