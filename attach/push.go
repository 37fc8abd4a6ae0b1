package attach

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Subject is an image manifest in a registry that results refer to.
type Subject struct {
	// Repository is where the image and its results live.
	Repository name.Repository
	// Descriptor is the image manifest's (media type, digest, size).
	Descriptor v1.Descriptor
	// Config is the image's config digest (its image ID), to check that
	// the image results are attached to is the one that was read.
	Config v1.Hash
}

// String is repository@digest.
func (s Subject) String() string { return s.Repository.Digest(s.Descriptor.Digest.String()).String() }

// manifestSource is what SubjectOf needs from an image: its manifest as
// the registry stores it.
type manifestSource interface {
	RawManifest() ([]byte, error)
	MediaType() (types.MediaType, error)
}

// SubjectOf is the subject for an image read from the registry repository
// repo (as image.Open reads it: the platform's manifest, not the index).
func SubjectOf(repo string, img manifestSource, opts ...Option) (Subject, error) {
	o, err := makeOptions(opts...)
	if err != nil {
		return Subject{}, err
	}
	r, err := name.ParseReference(repo, o.nameOptions()...)
	if err != nil {
		return Subject{}, fmt.Errorf("%s: bad image name: %w", repo, err)
	}
	raw, err := img.RawManifest()
	if err != nil {
		return Subject{}, fmt.Errorf("%s: reading the manifest: %w", repo, err)
	}
	mt, err := img.MediaType()
	if err != nil {
		return Subject{}, fmt.Errorf("%s: reading the manifest: %w", repo, err)
	}
	h, n, err := v1.SHA256(bytes.NewReader(raw))
	if err != nil {
		return Subject{}, err
	}
	return Subject{Repository: r.Context(), Descriptor: v1.Descriptor{MediaType: mt, Digest: h, Size: n}, Config: configOf(raw)}, nil
}

// configOf is the config digest an image manifest names (zero if none).
func configOf(raw []byte) v1.Hash {
	var m struct {
		Config v1.Descriptor `json:"config"`
	}
	_ = json.Unmarshal(raw, &m)
	return m.Config.Digest
}

// Resolve finds the image manifest ref names in its registry; for a
// multi-platform index, the platform's image (WithPlatform).
func Resolve(ctx context.Context, ref string, opts ...Option) (Subject, error) {
	o, err := makeOptions(opts...)
	if err != nil {
		return Subject{}, err
	}
	r, err := name.ParseReference(ref, o.nameOptions()...)
	if err != nil {
		return Subject{}, fmt.Errorf("%s: bad image name: %w", ref, err)
	}
	desc, err := remote.Get(r, append(o.remoteOptions(), remote.WithContext(ctx))...)
	if err != nil {
		return Subject{}, fmt.Errorf("%s: %w", ref, err)
	}
	if !desc.MediaType.IsIndex() {
		return Subject{Repository: r.Context(), Descriptor: desc.Descriptor, Config: configOf(desc.Manifest)}, nil
	}
	img, err := desc.Image() // picks the platform
	if err != nil {
		return Subject{}, fmt.Errorf("%s: %w", ref, err)
	}
	return SubjectOf(ref, img, opts...)
}

// Result is one rendered result to attach.
type Result struct {
	Kind Kind
	// Format is the --format it was rendered with (json, sarif,
	// cyclonedx, spdx); Format picks it and its media type.
	Format string
	// MediaType is the artifact type (TypeAudit, TypeCycloneDX…).
	MediaType string
	// Body is the rendering, exactly as the user would get it with that
	// --format (redacted).
	Body []byte
}

// Attached is a result in the registry.
type Attached struct {
	// Digest is the artifact manifest's.
	Digest string `json:"digest"`
	// Kind is empty for an artifact harden did not make.
	Kind      Kind      `json:"kind,omitempty"`
	MediaType string    `json:"artifactType"`
	Format    string    `json:"format,omitempty"`
	Created   time.Time `json:"created"`
	Version   string    `json:"version,omitempty"`
	// Size is the artifact manifest's.
	Size int64 `json:"size"`
	// Subject is the image, repository@digest.
	Subject string `json:"subject"`
}

// Push attaches res to the subject: the body and the empty config are
// uploaded as blobs, then a manifest with the subject, pushed by digest
// (no tag of its own). go-containerregistry then updates the referrers
// tag when the registry has no Referrers API.
func Push(ctx context.Context, sub Subject, res Result, opts ...Option) (Attached, error) {
	o, err := makeOptions(opts...)
	if err != nil {
		return Attached{}, err
	}
	if !knownType(res.MediaType) || res.Kind == "" {
		return Attached{}, fmt.Errorf("attaching a %s result of type %q: not a type harden attaches", res.Kind, res.MediaType)
	}
	ropts := append(o.remoteOptions(), remote.WithContext(ctx))
	body := static.NewLayer(res.Body, types.MediaType(res.MediaType))
	config := static.NewLayer([]byte("{}"), types.OCIEmptyJSON)
	for _, l := range []v1.Layer{config, body} {
		if err := remote.WriteLayer(sub.Repository, l, ropts...); err != nil {
			return Attached{}, fmt.Errorf("%s: uploading the %s result: %w", sub, res.Kind, err)
		}
	}
	created := o.now().UTC()
	m := v1.Manifest{
		SchemaVersion: 2,
		MediaType:     types.OCIManifestSchema1,
		ArtifactType:  res.MediaType,
		Config:        descriptorOf(config, []byte("{}")),
		Layers:        []v1.Descriptor{descriptorOf(body, nil)},
		Subject:       &sub.Descriptor,
		Annotations: map[string]string{
			AnnotationCreated: created.Format(time.RFC3339Nano),
			AnnotationKind:    string(res.Kind),
			AnnotationFormat:  res.Format,
			AnnotationVersion: o.version,
		},
	}
	m.Layers[0].Annotations = map[string]string{AnnotationTitle: title(res)}
	raw, err := json.Marshal(m)
	if err != nil {
		return Attached{}, err
	}
	h, n, err := v1.SHA256(bytes.NewReader(raw))
	if err != nil {
		return Attached{}, err
	}
	if err := putListed(ctx, sub, h.String(), rawManifest(raw), ropts); err != nil {
		return Attached{}, fmt.Errorf("%s: pushing the %s result: %w", sub, res.Kind, err)
	}
	return Attached{Digest: h.String(), Kind: res.Kind, MediaType: res.MediaType, Format: res.Format,
		Created: created, Version: o.version, Size: n, Subject: sub.String()}, nil
}

// subjectLocks serializes the pushes to one subject within the process:
// on a registry without the Referrers API each push rewrites the subject's
// referrers tag (read, add, write back), and two at once would lose one.
// Tags that name the same image, audited with --jobs, are such a pair.
var subjectLocks sync.Map // repository@digest → *sync.Mutex

// putRetries is how many times a result missing from the referrers list
// after its push is pushed again.
const putRetries = 3

// putListed pushes the artifact manifest and checks that the subject's
// referrers list names it; if another process rewrote the referrers tag
// between our read and write (the tag schema has no compare-and-swap), the
// push is done again, which adds the entry back.
func putListed(ctx context.Context, sub Subject, digest string, m rawManifest, ropts []remote.Option) error {
	mu, _ := subjectLocks.LoadOrStore(sub.String(), &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()
	for try := 0; ; try++ {
		if err := remote.Put(sub.Repository.Digest(digest), m, ropts...); err != nil {
			return err
		}
		idx, err := remote.Referrers(sub.Repository.Digest(sub.Descriptor.Digest.String()), ropts...)
		if err != nil {
			return fmt.Errorf("listing referrers after the push: %w", err)
		}
		im, err := idx.IndexManifest()
		if err != nil {
			return fmt.Errorf("listing referrers after the push: %w", err)
		}
		for _, d := range im.Manifests {
			if d.Digest.String() == digest {
				return nil
			}
		}
		if try == putRetries {
			return fmt.Errorf("the registry does not list result %s among the image's referrers after %d pushes", digest, try+1)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(try+1) * 100 * time.Millisecond):
		}
	}
}

// descriptorOf describes a static layer; data is embedded when given (the
// empty config, as the OCI image spec suggests).
func descriptorOf(l v1.Layer, data []byte) v1.Descriptor {
	d, _ := l.Digest() // static layers cannot fail
	n, _ := l.Size()
	mt, _ := l.MediaType()
	return v1.Descriptor{MediaType: mt, Digest: d, Size: n, Data: data}
}

// title is the file name the result would have on disk.
func title(res Result) string {
	ext := map[string]string{"sarif": ".sarif", "cyclonedx": ".cdx.json", "spdx": ".spdx.json"}[res.Format]
	if ext == "" {
		ext = ".json"
	}
	return string(res.Kind) + ext
}

// rawManifest is a manifest pushed as is.
type rawManifest []byte

func (r rawManifest) RawManifest() ([]byte, error) { return r, nil }

func (r rawManifest) MediaType() (types.MediaType, error) { return types.OCIManifestSchema1, nil }
