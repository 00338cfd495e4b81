package sim

import "runtime/debug"

// Tool is the simrun version that traces record and `simrun version`
// prints: "simrun " and the main module's version when the binary was
// built from a tagged module (go install ...@v0.2.0), else ToolVersion, so
// that traces written by a development build or a test do not depend on
// how it was built.
func Tool() string { return tool }

var tool = func() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Path == "github.com/simrun/simrun" &&
		bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return "simrun " + bi.Main.Version
	}
	return ToolVersion
}()
