package cli

import (
	"flag"
	"os"
	"path/filepath"
)

var update = flag.Bool("u", false, "rewrite testscript expectations and golden files")

func updateScripts() bool { return *update }

// sharedDir is ../shared beside the repository: real images and OSV data made by others.
func sharedDir() string {
	wd, _ := os.Getwd()
	return filepath.Join(wd, "..", "..", "..", "..", "..", "shared")
}
