package image_test

import "github.com/harden-dev/harden/internal/testutil"

func dockerRmi(name string) { testutil.Docker("rmi", "-f", name) }
