package image_test

import "os/exec"

func dockerRmi(name string) { exec.Command("docker", "rmi", "-f", name).Run() }
