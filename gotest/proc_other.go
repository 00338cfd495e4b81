//go:build !unix

package gotest

import (
	"os"
	"os/exec"
)

// interruptGroup makes cmd's cancellation interrupt it (where process
// groups are not available, its children are on their own).
func interruptGroup(cmd *exec.Cmd) {
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
}

func killGroup(cmd *exec.Cmd) {}
