package pin

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/harden-dev/harden/dockerfile"
)

const (
	d1 = "sha256:1111111111111111111111111111111111111111111111111111111111111111"
	d2 = "sha256:2222222222222222222222222222222222222222222222222222222222222222"
)

// fakeRegistry answers from a map, and counts questions.
type fakeRegistry struct {
	tags  map[string]string
	asked []string
}

func (f *fakeRegistry) Digest(_ context.Context, ref string) (string, error) {
	f.asked = append(f.asked, ref)
	if d, ok := f.tags[ref]; ok {
		return d, nil
	}
	return "", errors.New("manifest unknown")
}

func parse(t *testing.T, src string) *dockerfile.File {
	t.Helper()
	f, err := dockerfile.ParseBytes("Dockerfile", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestPinEveryKindOfReference(t *testing.T) {
	src := `ARG TAG=18
ARG BASE=debian:bookworm
FROM node:${TAG} AS build
RUN --mount=type=bind,from=tools:1,target=/t cp /t/x /x
COPY --from=helper:2 /bin/h /h
FROM ${BASE}
COPY --from=build /app /app
COPY --from=0 /x /x
FROM scratch
COPY --from=build /app /app
`
	reg := &fakeRegistry{tags: map[string]string{"node:18": d1, "tools:1": d1, "helper:2": d2, "debian:bookworm": d2}}
	r, err := Run(context.Background(), parse(t, src), reg, Pin)
	if err != nil {
		t.Fatal(err)
	}
	want := `ARG TAG=18@` + d1 + `
ARG BASE=debian:bookworm@` + d2 + `
FROM node:${TAG} AS build
RUN --mount=type=bind,from=tools:1@` + d1 + `,target=/t cp /t/x /x
COPY --from=helper:2@` + d2 + ` /bin/h /h
FROM ${BASE}
COPY --from=build /app /app
COPY --from=0 /x /x
FROM scratch
COPY --from=build /app /app
`
	if string(r.Source) != want {
		t.Fatalf("pinned file:\n%s\nwant:\n%s", r.Source, want)
	}
	var kinds []string
	for _, x := range r.Refs {
		kinds = append(kinds, x.Kind+":"+x.Status)
	}
	if got := strings.Join(kinds, " "); got != "arg:pinned mount-from:pinned copy-from:pinned arg:pinned" {
		t.Errorf("refs = %s", got)
	}
	// the pinned file parses and pins again to itself
	r2, err := Run(context.Background(), parse(t, string(r.Source)), reg, Pin)
	if err != nil || r2.Changed {
		t.Errorf("pinning a pinned file changed it: %v\n%s", err, r2.Source)
	}
}

func TestCheckUpdateAndDrift(t *testing.T) {
	src := "FROM node:18@" + d1 + "\nFROM python:3.12\nFROM alpine@" + d1 + "\n"
	reg := &fakeRegistry{tags: map[string]string{"node:18": d2, "python:3.12": d1}}
	r, err := Run(context.Background(), parse(t, src), reg, Check)
	if err != nil {
		t.Fatal(err)
	}
	if r.Changed || string(r.Source) != src {
		t.Error("check changed the file")
	}
	got := []string{r.Refs[0].Status, r.Refs[1].Status, r.Refs[2].Status}
	if strings.Join(got, " ") != "drift unpinned digest" || r.Problems() != 2 {
		t.Fatalf("check statuses = %v, problems %d", got, r.Problems())
	}
	// pin leaves the existing pin alone, update moves it
	r, _ = Run(context.Background(), parse(t, src), reg, Pin)
	if !strings.Contains(string(r.Source), "node:18@"+d1) || !strings.Contains(string(r.Source), "python:3.12@"+d1) {
		t.Errorf("pin:\n%s", r.Source)
	}
	r, _ = Run(context.Background(), parse(t, src), reg, Update)
	if !strings.Contains(string(r.Source), "node:18@"+d2) || r.Refs[0].Status != StatusUpdated {
		t.Errorf("update:\n%s %+v", r.Source, r.Refs[0])
	}
}

func TestUnresolvableAndTemplated(t *testing.T) {
	src := "ARG REG\nFROM ${REG}/app:1\nFROM missing:1\n"
	r, err := Run(context.Background(), parse(t, src), &fakeRegistry{}, Pin)
	if err != nil {
		t.Fatal(err)
	}
	if r.Refs[0].Status != StatusTemplated || r.Refs[1].Status != StatusError || !strings.Contains(r.Refs[1].Error, "manifest unknown") {
		t.Fatalf("refs = %+v", r.Refs)
	}
	if r.Changed {
		t.Error("nothing resolvable, yet the file changed")
	}
	// a resolver that answers garbage is not believed
	bad := ResolverFunc(func(context.Context, string) (string, error) { return "latest", nil })
	r, _ = Run(context.Background(), parse(t, "FROM x:1\n"), bad, Pin)
	if r.Refs[0].Status != StatusError || r.Changed {
		t.Errorf("a non-digest answer was written: %+v", r.Refs[0])
	}
}
