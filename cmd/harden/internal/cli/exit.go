package cli

import (
	"errors"
	"fmt"
)

// Exit codes, the same for every command.
const (
	exitOK     = 0
	exitPolicy = 1 // a threshold was crossed (findings at --fail-on, --ci limits)
	exitUsage  = 2 // bad flags, bad input, an image that cannot be read
)

// policyError reports a crossed threshold: the command worked, the result fails.
type policyError struct{ msg string }

func (e *policyError) Error() string { return e.msg }

// errPolicy makes a policy failure (exit 1) with a message for stderr.
func errPolicy(format string, args ...any) error {
	return &policyError{msg: fmt.Sprintf(format, args...)}
}

// exitCode maps an error returned by a command to the process exit code.
// Anything that is not a policy failure is a usage or input error.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var p *policyError
	if errors.As(err, &p) {
		return exitPolicy
	}
	return exitUsage
}
