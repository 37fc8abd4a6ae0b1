package base

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// ErrUnsafePath is wrapped when a package's archive names a path or link
// that would leave the image's root.
var ErrUnsafePath = errors.New("unsafe path in package")

// cleanName turns an archive member name ("./usr/bin/x", "/etc/y/") into a
// clean relative path ("usr/bin/x"), or "" for the root itself. A name with
// a ".." component is refused, whatever it would clean to.
func cleanName(name string) (string, error) {
	for _, c := range strings.Split(name, "/") {
		if c == ".." {
			return "", fmt.Errorf("%w: %q climbs out with ..", ErrUnsafePath, name)
		}
	}
	if strings.ContainsRune(name, 0) {
		return "", fmt.Errorf("%w: %q has a NUL byte", ErrUnsafePath, name)
	}
	p := path.Clean("/" + name)
	if p == "/" {
		return "", nil
	}
	return p[1:], nil
}

// checkSymlink refuses a link at name (a clean relative path) whose target
// leaves the root: a relative target with more ".." than the link is deep,
// or an absolute target that climbs above "/" with "..".
func checkSymlink(name, target string) error {
	if target == "" || strings.ContainsRune(target, 0) {
		return fmt.Errorf("%w: link %q has an empty or bad target", ErrUnsafePath, name)
	}
	depth := 0
	if !strings.HasPrefix(target, "/") {
		depth = strings.Count(name, "/") // components of the link's directory
	}
	for _, c := range strings.Split(target, "/") {
		switch c {
		case "", ".":
		case "..":
			depth--
			if depth < 0 {
				return fmt.Errorf("%w: link %q -> %q escapes the root", ErrUnsafePath, name, target)
			}
		default:
			depth++
		}
	}
	return nil
}
