package commands_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportRule enforces the layout of DESIGN.md: the core (commands)
// and i18n import only the standard library (commands may import i18n),
// and no adapter imports another. Every package of the module other than
// the core, i18n and the programs (the root and tools/) is an adapter; it
// may import the core, i18n and its own subpackages (bot/slackfake), and
// only the programs wire several adapters together.
func TestImportRule(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}|{{join .Imports " "}}|{{join .Deps " "}}`, "cercle/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	program := func(pkg string) bool { return pkg == "cercle" || strings.HasPrefix(pkg, "cercle/tools/") }
	seen, adapters := 0, 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		parts := strings.SplitN(line, "|", 3)
		pkg, imports, deps := parts[0], strings.Fields(parts[1]), strings.Fields(parts[2])
		switch {
		case pkg == "cercle/commands" || pkg == "cercle/i18n":
			seen++
			for _, d := range deps {
				if isStdlib(d) || pkg == "cercle/commands" && d == "cercle/i18n" {
					continue
				}
				t.Errorf("%s depends on %s: the core may use only the standard library and i18n", pkg, d)
			}
		case program(pkg):
		default:
			adapters++
			for _, imp := range imports {
				if !strings.HasPrefix(imp, "cercle/") || imp == "cercle/commands" || imp == "cercle/i18n" ||
					strings.HasPrefix(imp, pkg+"/") || strings.HasPrefix(pkg, imp+"/") {
					continue
				}
				t.Errorf("adapter %s imports %s: adapters import the core, never each other; only main wires them", pkg, imp)
			}
		}
	}
	if seen != 2 || adapters < 6 {
		t.Fatalf("go list reported %d of commands and i18n and %d adapters", seen, adapters)
	}
}

// isStdlib reports whether an import path belongs to the standard
// library: its first element has no dot (golang.org/x is not std).
func isStdlib(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".") && first != "cercle"
}
