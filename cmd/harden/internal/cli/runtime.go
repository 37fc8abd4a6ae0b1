package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/harden-dev/harden/audit"
	"github.com/harden-dev/harden/engine"
	"github.com/harden-dev/harden/image"
	"github.com/harden-dev/harden/minify"
	"github.com/harden-dev/harden/report"
	"github.com/harden-dev/harden/runconfig"
	"github.com/spf13/cobra"
)

type runtimeFlags struct {
	image  imageFlags
	verify bool
	probe  probeFlags
}

func newRuntimeCmd(g *globals) *cobra.Command {
	f := &runtimeFlags{}
	cmd := &cobra.Command{
		Use:   "runtime IMAGE",
		Short: "How to run an image hardened: read-only root, no capabilities, no privilege gain, non-root",
		Long: `runtime works out the settings to run an image the way distroless intends —
read-only root filesystem with a bounded tmpfs where the program writes, every
capability dropped (NET_BIND_SERVICE added back only for a port below 1024), no
privilege gain, a non-root user, a process limit, ports on 127.0.0.1 — and
prints them as docker run flags, a Compose service or a Kubernetes Pod.

With --verify it runs the image in the local engine with those settings, in
its own network with the probed ports published on free ports of 127.0.0.1,
and asks it over HTTP (--probe-http PORT/PATH) or TCP (--probe-tcp PORT); exit
1 when it does not answer as expected.`,
		Example: `  harden runtime harden-demo/app:minified
  harden runtime app:slim --format kubernetes > pod.yaml
  harden runtime app:slim --verify --probe-http 3000/healthz
  harden runtime redis:min --verify --probe-tcp 6379 --probe-send 'PING\r\n' --probe-expect +PONG`,
		Args: exactArgs(1, "IMAGE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := g.checkFormat("table", "json", "docker", "compose", "kubernetes"); err != nil {
				return err
			}
			probes, err := f.probe.probes()
			if err != nil {
				return usageError{err}
			}
			if f.verify && probes.Empty() {
				return usageError{fmt.Errorf("--verify needs --probe-http PORT/PATH or --probe-tcp PORT")}
			}
			ctx := cmd.Context()
			img, x, err := g.indexImage(ctx, args[0], &f.image, audit.Wants()...)
			if err != nil {
				return err
			}
			defer img.Close()
			res, err := audit.Run(ctx, x, audit.WithReference(img.Ref.String(), img.Tags...))
			if err != nil {
				return err
			}
			s := runconfig.Recommend(engineName(img), x, res)
			switch g.format {
			case "json":
				err = report.WriteJSON(g.stdout, s)
			case "docker":
				err = s.WriteDocker(g.stdout)
			case "compose":
				err = s.WriteCompose(g.stdout)
			case "kubernetes":
				err = s.WriteKubernetes(g.stdout)
			default:
				err = writeRuntimeTable(g.stdout, s)
			}
			if err != nil || !f.verify {
				return err
			}
			return g.runtimeVerify(ctx, args[0], img, &f.image, s, probes)
		},
	}
	addImageFlags(cmd, &f.image)
	fl := cmd.Flags()
	fl.BoolVar(&f.verify, "verify", false, "run the image with the settings and check it answers the probes")
	f.probe.add(fl, false)
	cmd.AddCommand(newRuntimeCheckCmd(g))
	return cmd
}

// engineName is the name to put in a docker run line: the engine's or the
// registry's name for the image, or its reference.
func engineName(img *image.Image) string {
	if img.Ref.Name != "" {
		return img.Ref.Name
	}
	if len(img.Tags) > 0 {
		return img.Tags[0]
	}
	return img.Ref.String()
}

func writeRuntimeTable(w io.Writer, s *runconfig.Settings) error {
	t := report.NewTable("SETTING", "VALUE")
	t.Add("user", s.User)
	t.Add("read-only root", s.ReadOnly)
	t.Add("tmpfs", strings.Join(s.Tmpfs, ", "))
	t.Add("capabilities dropped", strings.Join(s.CapDrop, ", "))
	if len(s.CapAdd) > 0 {
		t.Add("capabilities added", strings.Join(s.CapAdd, ", "))
	}
	t.Add("no new privileges", s.NoNewPrivileges)
	t.Add("seccomp", s.Seccomp)
	t.Add("pids limit", s.PidsLimit)
	if len(s.Volumes) > 0 {
		t.Add("volumes", strings.Join(s.Volumes, ", "))
	}
	if len(s.Healthcheck) > 0 {
		t.Add("healthcheck", strings.Join(s.Healthcheck, " "))
	}
	if err := t.WriteText(w); err != nil {
		return err
	}
	for _, n := range s.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	fmt.Fprintln(w)
	return s.WriteDocker(w)
}

// runtimeVerify runs the image with the settings s and asks the probes.
func (g *globals) runtimeVerify(ctx context.Context, ref string, img *image.Image, f *imageFlags, s *runconfig.Settings, probes minify.Probes) (err error) {
	e := engine.New()
	name := img.Ref.Name
	if img.Ref.Transport != image.DockerDaemon {
		name = engine.UniqueName("runtime") + ":verify"
		defer func() {
			cctx, cancel := engine.Cleanup(ctx)
			defer cancel()
			if rerr := e.RemoveImage(cctx, name); rerr != nil && !strings.Contains(rerr.Error(), "No such image") {
				err = errors.Join(err, rerr)
			}
		}()
		if err := e.Load(ctx, img, name); err != nil {
			return err
		}
	}
	checked, logs, err := minify.Check(ctx, e, engine.Spec{Image: name, Hardened: s}, probes)
	if err != nil {
		return err
	}
	failed := []string{}
	for _, c := range checked {
		if !c.OK {
			failed = append(failed, c.Probe+": "+c.Detail)
			continue
		}
		answer := c.Outcome.Body
		if c.Outcome.Status != 0 {
			answer = fmt.Sprintf("%d %s", c.Outcome.Status, answer)
		}
		g.info("verify: %s -> %s", c.Probe, strings.TrimSpace(truncate(answer, 120)))
	}
	if len(failed) > 0 {
		if logs != "" {
			g.info("the container's output:\n%s", truncate(logs, 2000))
		}
		return errPolicy("runtime: %s does not work with these settings: %s", ref, strings.Join(failed, "; "))
	}
	return nil
}
