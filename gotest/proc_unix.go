//go:build unix

package gotest

import (
	"os/exec"
	"syscall"
)

// interruptGroup makes cmd the leader of a process group of its own, and
// its cancellation send SIGINT to the whole group: to go test and to the
// test binaries it runs, as Ctrl-C in a terminal would. Signalling go
// test alone leaves a test binary running on, orphaned.
func interruptGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGINT) }
}

// killGroup ends what is left of cmd's process group.
func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
