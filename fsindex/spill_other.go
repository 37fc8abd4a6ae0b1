//go:build !unix

package fsindex

import (
	"errors"
	"os"
)

// mapFile is not available here: spill reads the bytes back into memory.
func mapFile(*os.File, int64) ([]byte, func(), error) {
	return nil, nil, errors.New("no memory-mapped files on this system")
}
