package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/harden-dev/harden/batch"
	"github.com/harden-dev/harden/fleet"
	"github.com/harden-dev/harden/internal/atomicfile"
	"github.com/spf13/cobra"
)

func newFleetCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "fleet",
		Short: "Harden a registry's worth of images on the engines you run (Kubernetes)",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newFleetKubernetesCmd(g))
	return cmd
}

func newFleetKubernetesCmd(g *globals) *cobra.Command {
	j := fleet.Job{}
	var from, output string
	cmd := &cobra.Command{
		Use:   "kubernetes --images-from FILE --parallelism N --image HARDEN_IMAGE",
		Short: "Write a Kubernetes Indexed Job that audits a list of images and attaches the results in their registry",
		Long: `kubernetes writes the objects that audit a list of images on a Kubernetes
cluster: a ConfigMap with the list cut into shards, a ServiceAccount with no
permissions and no token, and an Indexed Job with one completion per shard.
Pod i runs harden audit --attach --jobs J --images-from /shards/i with its
layer cache on an emptyDir, as user 65532 with a read-only root filesystem,
no capabilities and no privilege escalation (it passes harden runtime check
when --image is pinned by digest). Results land in the images' registry
(harden results lists them), so the pods share nothing but the registry.

Registry credentials come from --registry-secret, a Secret of type
kubernetes.io/dockerconfigjson (kubectl create secret docker-registry),
mounted as $DOCKER_CONFIG/config.json. The list is sorted and cut into
contiguous shards, so tags of one repository (which share layers) share a
pod's cache. Output: YAML (default) or --format json (a v1 List), for
kubectl apply -f -. See docs/fleet.md for the cost model.`,
		Example: `  harden fleet kubernetes --images-from images.txt --parallelism 8 \
    --image ghcr.io/harden-dev/harden:v1@sha256:... | kubectl apply -f -
  harden fleet kubernetes --images-from - --parallelism 2 --shards 20 --jobs 4 --image harden:dev -o fleet.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := g.checkFormat("table", "yaml", "json"); err != nil {
				return err
			}
			if from == "" || j.Image == "" || j.Parallelism == 0 {
				return usageError{errors.New("--images-from, --parallelism and --image are required")}
			}
			refs, err := g.readImageList(from)
			if err != nil {
				return usageError{err}
			}
			j.Images = refs
			objs, err := fleet.Build(j)
			if err != nil {
				return usageError{err}
			}
			if !strings.Contains(j.Image, "@sha256:") {
				g.log.Warn("--image is not pinned by digest; harden runtime check flags it (image-without-digest)", "image", j.Image)
			}
			var buf bytes.Buffer
			if g.format == "json" {
				err = objs.WriteJSON(&buf)
			} else {
				err = objs.WriteYAML(&buf)
			}
			if err != nil {
				return err
			}
			g.info("%d images in %d shards, %d pods at a time", len(objs.Images()), objs.Shards(), *objs.Job.Spec.Parallelism)
			if output == "" {
				_, err = g.stdout.Write(buf.Bytes())
				return err
			}
			return atomicfile.Write(output, buf.Bytes())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&from, "images-from", "", "file with one image reference a line (- for stdin; # comments)")
	fl.IntVar(&j.Parallelism, "parallelism", 0, "pods running at once")
	fl.IntVar(&j.Shards, "shards", 0, "completions, each a pod's share of the images (default --parallelism)")
	fl.IntVar(&j.Jobs, "jobs", 1, "harden audit --jobs inside each pod")
	fl.StringVar(&j.Image, "image", "", "the harden image the pods run (pin it by digest)")
	fl.StringVar(&j.RegistrySecret, "registry-secret", "", "Secret (kubernetes.io/dockerconfigjson) with the registry credentials")
	fl.BoolVar(&j.Insecure, "insecure", false, "pass --insecure to harden audit (plain-HTTP registries)")
	fl.StringVar(&j.Name, "name", "harden-fleet", "name of the Job, its ConfigMap (NAME-shards) and ServiceAccount")
	fl.StringVar(&j.Namespace, "namespace", "", "namespace of the objects (default: kubectl's)")
	fl.StringVar(&j.Memory, "memory", "1Gi", "memory request and limit of each pod")
	fl.StringVarP(&output, "output", "o", "", "write to this file (atomically) instead of stdout")
	return cmd
}

// readImageList reads --images-from (a file, or - for stdin) as batch
// reads every image list.
func (g *globals) readImageList(from string) ([]string, error) {
	if from == "-" {
		return batch.ReadList(g.stdin, "standard input")
	}
	f, err := os.Open(from)
	if err != nil {
		return nil, fmt.Errorf("--images-from: %w", err)
	}
	defer f.Close()
	return batch.ReadList(f, from)
}
