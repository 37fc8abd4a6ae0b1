package image_test

import (
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
)

func writeIndexLayout(dir string, idx v1.ImageIndex) error {
	_, err := layout.Write(dir, idx)
	return err
}
