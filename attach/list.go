package attach

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// List returns the artifacts that refer to the subject, newest first;
// with a kind, only harden's results of that kind. Artifacts other tools
// attached (signatures, attestations) are listed with an empty Kind when
// kind is empty.
func List(ctx context.Context, sub Subject, kind Kind, opts ...Option) ([]Attached, error) {
	o, err := makeOptions(opts...)
	if err != nil {
		return nil, err
	}
	idx, err := remote.Referrers(sub.Repository.Digest(sub.Descriptor.Digest.String()), append(o.remoteOptions(), remote.WithContext(ctx))...)
	if err != nil {
		return nil, fmt.Errorf("%s: listing referrers: %w", sub, err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, fmt.Errorf("%s: listing referrers: %w", sub, err)
	}
	if len(im.Manifests) > maxReferrers {
		return nil, fmt.Errorf("%s: %d referrers, more than the %d harden reads", sub, len(im.Manifests), maxReferrers)
	}
	var out []Attached
	for _, d := range im.Manifests {
		a := attached(sub, d)
		if kind != "" && a.Kind != kind {
			continue
		}
		out = append(out, a)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.After(out[j].Created)
		}
		return out[i].Digest < out[j].Digest
	})
	return out, nil
}

// attached reads a referrers index entry. The artifact type is the
// descriptor's, or for a registry that reports the config's media type
// instead (go-containerregistry's own registry does), the one harden's
// kind and format annotations name.
func attached(sub Subject, d v1.Descriptor) Attached {
	a := Attached{Digest: d.Digest.String(), MediaType: d.ArtifactType, Size: d.Size, Subject: sub.String()}
	ann := d.Annotations
	if k, err := ParseKind(ann[AnnotationKind]); err == nil {
		a.Kind = k
		a.Format = ann[AnnotationFormat]
		a.Version = ann[AnnotationVersion]
		if t, ok := formats[k].types[a.Format]; ok && (a.MediaType == "" || a.MediaType == string(types.OCIEmptyJSON)) {
			a.MediaType = t
		}
	}
	if t, err := time.Parse(time.RFC3339Nano, ann[AnnotationCreated]); err == nil {
		a.Created = t.UTC()
	}
	return a
}

// Fetch reads the result with the artifact manifest digest attached to the
// subject. The artifact is untrusted: it must refer to this subject, carry
// one layer of a media type harden attaches, and be no larger than
// WithMaxSize; its bytes are checked against their digest.
func Fetch(ctx context.Context, sub Subject, digest string, opts ...Option) ([]byte, Attached, error) {
	o, err := makeOptions(opts...)
	if err != nil {
		return nil, Attached{}, err
	}
	if _, err := v1.NewHash(digest); err != nil {
		return nil, Attached{}, fmt.Errorf("bad result digest %q: %w", digest, err)
	}
	ropts := append(o.remoteOptions(), remote.WithContext(ctx))
	desc, err := remote.Get(sub.Repository.Digest(digest), ropts...)
	if err != nil {
		return nil, Attached{}, fmt.Errorf("%s: fetching result %s: %w", sub, digest, err)
	}
	var m v1.Manifest
	dec := json.NewDecoder(bytes.NewReader(desc.Manifest))
	if err := dec.Decode(&m); err != nil {
		return nil, Attached{}, fmt.Errorf("%s: result %s: bad manifest: %w", sub, digest, err)
	}
	switch {
	case m.Subject == nil || m.Subject.Digest != sub.Descriptor.Digest:
		return nil, Attached{}, fmt.Errorf("%s: result %s does not refer to this image", sub, digest)
	case len(m.Layers) != 1:
		return nil, Attached{}, fmt.Errorf("%s: result %s has %d layers, not the one a harden result has", sub, digest, len(m.Layers))
	case !knownType(string(m.Layers[0].MediaType)):
		return nil, Attached{}, fmt.Errorf("%s: result %s is of type %q, not one harden attaches", sub, digest, m.Layers[0].MediaType)
	case m.Layers[0].Size < 0 || m.Layers[0].Size > o.maxSize:
		return nil, Attached{}, fmt.Errorf("%s: result %s is %d bytes, more than the %d harden reads", sub, digest, m.Layers[0].Size, o.maxSize)
	}
	d := v1.Descriptor{Digest: desc.Digest, Size: desc.Size, ArtifactType: m.ArtifactType, Annotations: m.Annotations}
	if d.ArtifactType == "" {
		d.ArtifactType = string(m.Layers[0].MediaType)
	}
	info := attached(sub, d)
	l, err := remote.Layer(sub.Repository.Digest(m.Layers[0].Digest.String()), ropts...)
	if err != nil {
		return nil, Attached{}, fmt.Errorf("%s: result %s: %w", sub, digest, err)
	}
	rc, err := l.Compressed() // the blob as stored, checked against its digest at EOF
	if err != nil {
		return nil, Attached{}, fmt.Errorf("%s: result %s: %w", sub, digest, err)
	}
	defer rc.Close()
	body, err := io.ReadAll(io.LimitReader(rc, m.Layers[0].Size+1))
	if err != nil {
		return nil, Attached{}, fmt.Errorf("%s: result %s: %w", sub, digest, err)
	}
	if int64(len(body)) != m.Layers[0].Size {
		return nil, Attached{}, fmt.Errorf("%s: result %s: the blob is not the %d bytes its manifest says", sub, digest, m.Layers[0].Size)
	}
	return body, info, nil
}

// Latest fetches the newest result of the kind attached to the subject.
func Latest(ctx context.Context, sub Subject, kind Kind, opts ...Option) ([]byte, Attached, error) {
	list, err := List(ctx, sub, kind, opts...)
	if err != nil {
		return nil, Attached{}, err
	}
	list = slices.DeleteFunc(list, func(a Attached) bool { return a.Kind == "" })
	if len(list) == 0 {
		what := "result"
		if kind != "" {
			what = string(kind) + " result"
		}
		return nil, Attached{}, fmt.Errorf("%s: no %s attached", sub, strings.TrimSpace(what))
	}
	return Fetch(ctx, sub, list[0].Digest, opts...)
}
