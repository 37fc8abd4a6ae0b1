package minify

import (
	"fmt"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/harden-dev/harden/fsindex"
)

// ProbePath is where WithHealthcheckProbe puts the probe binary.
const ProbePath = "/.harden/probe"

// config makes the new image's config from the original's.
func (k *Keeper) config() {
	old := k.x.Config.Config
	c := v1.Config{
		Env:          append([]string{}, old.Env...),
		Entrypoint:   append([]string{}, old.Entrypoint...),
		Cmd:          append([]string{}, old.Cmd...),
		WorkingDir:   old.WorkingDir,
		ExposedPorts: old.ExposedPorts,
		Labels:       old.Labels,
		StopSignal:   old.StopSignal,
		Volumes:      old.Volumes,
		User:         fmt.Sprintf("%d:%d", NonrootUID, NonrootUID),
	}
	if k.o.entrypointSet {
		c.Entrypoint = append([]string{}, k.o.entrypoint...)
		if !k.o.cmdSet {
			c.Cmd = nil
		}
	}
	if k.o.cmdSet {
		c.Cmd = append([]string{}, k.o.cmd...)
	}
	if k.prog != nil && k.prog.ShellForm != "" {
		c.Entrypoint, c.Cmd = append(append([]string{}, k.prog.Init...), k.prog.Argv...), nil
	}
	if k.prog != nil && len(k.prog.Evaluated) > 0 {
		// the program the entrypoint script execs, its arguments as CMD,
		// behind the init wrapper when there was one
		c.Entrypoint, c.Cmd = append(append([]string{}, k.prog.Init...), k.prog.Argv[0]), append([]string{}, k.prog.Argv[1:]...)
		c.Env = scriptEnvApplied(c.Env, k.prog.Env, k.prog.UnsetEnv)
	}
	if len(c.Entrypoint) == 0 {
		c.Entrypoint = nil
	}
	if len(c.Cmd) == 0 {
		c.Cmd = nil
	}
	if len(c.Env) == 0 {
		c.Env = nil
	}
	if k.o.user != "" {
		c.User = k.o.user
	}
	c.Healthcheck = k.healthcheck(old.Healthcheck)
	k.plan.Config = c
}

// healthcheck carries an exec-form HEALTHCHECK over when its program is
// kept, replaces it with the probe binary when one is given, and otherwise
// drops it with a warning that says why.
func (k *Keeper) healthcheck(old *v1.HealthConfig) *v1.HealthConfig {
	if hp := k.o.healthcheck; hp != nil {
		hc := &v1.HealthConfig{Test: append([]string{"CMD", ProbePath}, hp.Args...)}
		if old != nil {
			hc.Interval, hc.Timeout, hc.StartPeriod, hc.Retries = old.Interval, old.Timeout, old.StartPeriod, old.Retries
		}
		if hc.Interval == 0 {
			hc.Interval = 30 * time.Second
		}
		if hc.Timeout == 0 {
			hc.Timeout = 5 * time.Second
		}
		k.generate(&Item{Path: ProbePath, Type: fsindex.TypeRegular, Mode: 0o755, Size: hp.Size, open: hp.Open},
			Reason{Rule: "healthcheck", Why: "the static probe --healthcheck-http runs"})
		return hc
	}
	if old == nil || len(old.Test) == 0 || old.Test[0] == "NONE" {
		return old
	}
	switch old.Test[0] {
	case "CMD-SHELL":
		k.Warn("HEALTHCHECK %q needs a shell, which the minified image does not have; it was dropped. "+
			"Use --healthcheck-http PORT/PATH for a built-in probe, or an exec-form HEALTHCHECK [\"CMD\", \"/path/to/prog\", \"arg\"] whose program is kept",
			strings.Join(old.Test[1:], " "))
		return nil
	case "CMD":
		if len(old.Test) < 2 {
			return nil
		}
		if _, res, err := k.lookPath(old.Test[1], k.prog.WorkingDir); err == nil {
			if _, kept := k.plan.items[res]; kept {
				return old
			}
			if _, err := k.Keep(res, Reason{Rule: "healthcheck", Why: "program of the exec-form HEALTHCHECK"}); err == nil {
				k.closure()
				return old
			}
		}
		k.Warn("HEALTHCHECK %q runs %s, which the minified image does not keep (a shell, a tool, or missing); it was dropped. "+
			"Use --healthcheck-http PORT/PATH, or --include the program", strings.Join(old.Test[1:], " "), old.Test[1])
		return nil
	}
	return old
}
