package image

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/moby/moby/client"
)

// Option configures Open and Write.
type Option func(*options) error

type options struct {
	platform   v1.Platform
	platformOK bool // set explicitly by WithPlatform
	insecure   bool
	keychain   authn.Keychain
	log        *slog.Logger
	tempDir    string
	daemon     DaemonClient
	// newDaemon builds the default client lazily, so references that never
	// touch the engine do not need one.
	newDaemon func() (DaemonClient, error)
}

// DaemonClient is the part of the Docker Engine API harden uses. The moby
// client satisfies it; tests pass a fake.
type DaemonClient interface {
	// Ping checks that the engine answers.
	Ping(ctx context.Context, options client.PingOptions) (client.PingResult, error)
	// ImageInspect returns an image's config and metadata.
	ImageInspect(ctx context.Context, image string, _ ...client.ImageInspectOption) (client.ImageInspectResult, error)
	// ImageSave streams images as a docker-save tarball.
	ImageSave(ctx context.Context, images []string, _ ...client.ImageSaveOption) (client.ImageSaveResult, error)
	// ImageLoad loads a docker-save tarball into the engine.
	ImageLoad(ctx context.Context, input io.Reader, _ ...client.ImageLoadOption) (client.ImageLoadResult, error)
	// ImageTag gives an image another name.
	ImageTag(ctx context.Context, options client.ImageTagOptions) (client.ImageTagResult, error)
	// ImageHistory returns the steps that built an image.
	ImageHistory(ctx context.Context, image string, _ ...client.ImageHistoryOption) (client.ImageHistoryResult, error)
}

func makeOptions(opts ...Option) (*options, error) {
	o := &options{
		platform: v1.Platform{OS: "linux", Architecture: runtime.GOARCH},
		keychain: authn.DefaultKeychain,
		log:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		tempDir:  os.TempDir(),
		newDaemon: func() (DaemonClient, error) {
			// FromEnv honours DOCKER_HOST (Podman's socket works too),
			// DOCKER_TLS_VERIFY and DOCKER_CERT_PATH; without DOCKER_HOST
			// the Docker CLI's current context names the engine.
			opts := []client.Opt{client.FromEnv}
			if os.Getenv("DOCKER_HOST") == "" {
				host, err := contextHost(dockerConfigDir(), os.Getenv("DOCKER_CONTEXT"))
				if err != nil {
					return nil, err
				}
				if host != "" {
					opts = append(opts, client.WithHost(host))
				}
			}
			return client.New(opts...)
		},
	}
	for _, opt := range opts {
		if err := opt(o); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// WithPlatform picks the image for os/arch[/variant] from a multi-platform
// index. The default is linux and the host's architecture.
func WithPlatform(p string) Option {
	return func(o *options) error {
		if p == "" {
			return nil
		}
		plat, err := v1.ParsePlatform(p)
		if err != nil || plat.OS == "" || plat.Architecture == "" || strings.Count(p, "/") > 2 {
			return fmt.Errorf("bad platform %q (want os/arch[/variant], e.g. linux/arm64)", p)
		}
		o.platform = *plat
		o.platformOK = true
		return nil
	}
}

// WithInsecure allows plain-HTTP and unverified-TLS registries, for a
// registry on localhost.
func WithInsecure(insecure bool) Option {
	return func(o *options) error { o.insecure = insecure; return nil }
}

// WithKeychain replaces the default keychain (~/.docker/config.json and its
// credential helpers).
func WithKeychain(k authn.Keychain) Option {
	return func(o *options) error {
		if k == nil {
			return fmt.Errorf("nil keychain")
		}
		o.keychain = k
		return nil
	}
}

// WithLogger sends debug messages (which source was chosen, spool files) to l.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error {
		if l != nil {
			o.log = l
		}
		return nil
	}
}

// WithTempDir sets where images exported from the engine or decompressed
// from an archive are spooled. It must exist.
func WithTempDir(dir string) Option {
	return func(o *options) error {
		st, err := os.Stat(dir)
		if err != nil || !st.IsDir() {
			return fmt.Errorf("temp dir %q is not a directory", dir)
		}
		o.tempDir = dir
		return nil
	}
}

// WithDaemonClient talks to this engine client instead of the one
// DOCKER_HOST names.
func WithDaemonClient(c DaemonClient) Option {
	return func(o *options) error {
		if c == nil {
			return fmt.Errorf("nil daemon client")
		}
		o.daemon = c
		return nil
	}
}

// daemonClient returns the engine client, creating and pinging it once.
func (o *options) daemonClient(ctx context.Context) (DaemonClient, error) {
	if o.daemon == nil {
		c, err := o.newDaemon()
		if err != nil {
			return nil, fmt.Errorf("docker engine client: %w", err)
		}
		o.daemon = c
	}
	if _, err := o.daemon.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		return nil, fmt.Errorf("docker engine unreachable: %w", firstLine(err))
	}
	return o.daemon, nil
}

// firstLine keeps error messages to one line: engine errors can carry
// multi-line hints.
func firstLine(err error) error {
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		return fmt.Errorf("%s", msg[:i])
	}
	return err
}
