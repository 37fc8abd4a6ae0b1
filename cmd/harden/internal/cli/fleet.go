package cli

import (
	"bytes"
	"errors"

	"github.com/harden-dev/harden/batch"
	"github.com/harden-dev/harden/fleet"
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
		Use:     "kubernetes --images-from FILE --parallelism N --image HARDEN_IMAGE",
		Short:   "Write a Kubernetes Indexed Job that audits a list of images and attaches the results in their registry",
		Args:    cobra.NoArgs,
		PreRunE: g.formats("table", "yaml", "json"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if from == "" || j.Image == "" || j.Parallelism == 0 {
				return usageError{errors.New("--images-from, --parallelism and --image are required")}
			}
			var err error
			if j.Images, err = batch.ReadListFile(from, g.stdin); err != nil {
				return usageError{err}
			}
			objs, err := fleet.Build(j)
			if err != nil {
				return usageError{err}
			}
			if !j.Pinned() {
				g.log.Warn("--image is not pinned by digest; harden runtime check flags it (image-without-digest)", "image", j.Image)
			}
			var buf bytes.Buffer
			if err := objs.Write(&buf, g.format); err != nil {
				return err
			}
			g.info("%s", objs.Summary())
			return g.writeOutput(output, buf.Bytes(), nil)
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
