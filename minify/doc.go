// Package minify turns an ordinary container image into a distroless-style
// one that keeps only what its entrypoint needs: the program and its ELF
// closure (loader, DT_NEEDED through RUNPATH/RPATH, ld.so.conf, plus what
// glibc loads without DT_NEEDED), what its runtime needs (node, python3,
// java, static binaries, shebang interpreters), the app, and the essentials
// of a distroless image (passwd/group with nonroot 65532, CA certificates,
// time zones, os-release, /tmp, truthful package metadata). No shell, no
// package manager, no tools unless asked for.
//
// It works in three steps over an image indexed once by fsindex:
//
//	wants := minify.Wants(opts...)              // declare what the walk keeps
//	x, _ := fsindex.Build(ctx, img, fsindex.WithWants(wants...))
//	plan, _ := minify.Plan(ctx, x, opts...)     // the kept set, with a reason per path
//	out, _ := minify.Build(ctx, img, x, plan, opts...) // one deterministic layer (or two)
//
// Verify and Trace run images in a container engine through a Runner (the
// docker CLI in DockerRunner), so the planning and building code needs none.
package minify
