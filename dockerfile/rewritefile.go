package dockerfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// RewriteFile reads the Dockerfile name from src ("-": standard input, whose
// build context is the working directory) and rewrites it to multi-stage
// distroless on base ("": the runtime's distroless image).
func RewriteFile(name string, src io.Reader, base string) (*Rewritten, error) {
	var opts []RewriteOption
	if base != "" {
		opts = append(opts, WithBase(base))
	}
	dir := "."
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("opening %s: %w", name, err)
		}
		defer f.Close()
		src, dir = f, filepath.Dir(name)
	}
	opts = append(opts, WithContextFiles(func(n string) bool {
		_, err := os.Stat(filepath.Join(dir, n))
		return err == nil
	}))
	df, err := Parse(name, src)
	if err != nil {
		return nil, err
	}
	res, err := Rewrite(df, opts...)
	if errors.Is(err, ErrNotRewritable) {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return res, err
}
