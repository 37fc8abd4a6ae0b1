package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"time"

	"github.com/harden-dev/harden/audit"
	"github.com/harden-dev/harden/image"
	"github.com/harden-dev/harden/minify"
	"github.com/harden-dev/harden/report"
	"github.com/harden-dev/harden/runconfig"
	"github.com/spf13/cobra"
)

type runtimeFlags struct {
	image  imageFlags
	verify bool
	probe  string
	wait   time.Duration
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

With --verify it runs the image in the local engine with those settings and
asks it over HTTP (--probe-http PORT/PATH); exit 1 when it does not answer.`,
		Example: `  harden runtime harden-demo/app:minified
  harden runtime app:slim --format kubernetes > pod.yaml
  harden runtime app:slim --verify --probe-http 3000/healthz`,
		Args: exactArgs(1, "IMAGE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := g.checkFormat("table", "json", "docker", "compose", "kubernetes"); err != nil {
				return err
			}
			var probe minify.HTTPProbe
			if f.verify {
				if f.probe == "" {
					return usageError{fmt.Errorf("--verify needs --probe-http PORT/PATH")}
				}
				var err error
				if probe, err = minify.ParseHTTPProbe(f.probe); err != nil {
					return usageError{err}
				}
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
			name, cleanup, err := g.inEngine(ctx, img, &f.image)
			if err != nil {
				return err
			}
			defer cleanup()
			status, body, err := runAndAsk(ctx, s.DockerArgs(), name, probe, f.wait)
			if err != nil {
				return errPolicy("runtime: %s does not work with these settings: %v", args[0], err)
			}
			g.info("verify: GET %s -> %d %s", probe.String(), status, strings.TrimSpace(truncate(body, 120)))
			return nil
		},
	}
	addImageFlags(cmd, &f.image)
	fl := cmd.Flags()
	fl.BoolVar(&f.verify, "verify", false, "run the image with the settings and check it answers --probe-http")
	fl.StringVar(&f.probe, "probe-http", "", "PORT/PATH to ask with --verify (the app's own port, published on 127.0.0.1)")
	fl.DurationVar(&f.wait, "probe-wait", 30*time.Second, "how long --verify waits for an answer")
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

// inEngine makes sure the engine has the image: a docker-daemon image is
// used as it is, any other is loaded under a temporary tag removed later.
func (g *globals) inEngine(ctx context.Context, img *image.Image, f *imageFlags) (string, func(), error) {
	if img.Ref.Transport == image.DockerDaemon {
		return img.Ref.Name, func() {}, nil
	}
	b := make([]byte, 6)
	rand.Read(b)
	tag := "harden-runtime/verify:" + hex.EncodeToString(b)
	if err := image.Write(ctx, img, "docker-daemon:"+tag, g.imageOptions(f)...); err != nil {
		return "", nil, err
	}
	return tag, func() { exec.Command("docker", "rmi", "-f", tag).Run() }, nil
}

// runAndAsk starts the image with the docker run flags, asks the probe
// until it answers 2xx/3xx or wait runs out, and always removes the
// container. The probe's port is published on a free port of 127.0.0.1
// instead of its own, so nothing else on the host is in the way.
func runAndAsk(ctx context.Context, flags []string, name string, probe minify.HTTPProbe, wait time.Duration) (int, string, error) {
	b := make([]byte, 4)
	rand.Read(b)
	cname := "harden-runtime-" + hex.EncodeToString(b)
	args := []string{"run", "-d", "--name", cname}
	for i := 0; i < len(flags); i++ {
		if flags[i] == "-p" {
			i++ // the image's own publications are replaced below
			continue
		}
		args = append(args, flags[i])
	}
	host := freePort()
	args = append(args, "-p", fmt.Sprintf("127.0.0.1:%d:%d", host, probe.Port), name)
	probe.Port = host
	if out, err := exec.CommandContext(ctx, "docker", args...).CombinedOutput(); err != nil {
		return 0, "", fmt.Errorf("docker run: %s", strings.TrimSpace(string(out)))
	}
	defer exec.Command("docker", "rm", "-f", cname).Run()
	url := probe.URL()
	deadline := time.Now().Add(wait)
	client := &http.Client{Timeout: 5 * time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := client.Do(req)
		if err == nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			resp.Body.Close()
			if resp.StatusCode >= 400 {
				return resp.StatusCode, string(body), fmt.Errorf("GET %s answered %d", url, resp.StatusCode)
			}
			return resp.StatusCode, string(body), nil
		}
		if out, _ := exec.Command("docker", "inspect", "--format", "{{.State.Running}}", cname).Output(); strings.TrimSpace(string(out)) == "false" {
			logs, _ := exec.Command("docker", "logs", "--tail", "20", cname).CombinedOutput()
			return 0, "", fmt.Errorf("the container exited: %s", strings.TrimSpace(string(logs)))
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return 0, "", fmt.Errorf("no answer from %s within %s", url, wait)
		}
		time.Sleep(300 * time.Millisecond)
	}
}
