package commands_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportRule enforces the layout of DESIGN.md: the core (commands)
// and i18n import only the standard library (commands may import i18n),
// and no adapter imports another. Only main wires several together.
func TestImportRule(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}|{{join .Imports " "}}|{{join .Deps " "}}`, "cercle/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	adapters := map[string]bool{"cercle/bot": true, "cercle/console": true, "cercle/storage": true,
		"cercle/jobs": true, "cercle/assistant": true}
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		parts := strings.SplitN(line, "|", 3)
		pkg, imports, deps := parts[0], strings.Fields(parts[1]), strings.Fields(parts[2])
		switch pkg {
		case "cercle/commands", "cercle/i18n":
			seen++
			for _, d := range deps {
				if isStdlib(d) || pkg == "cercle/commands" && d == "cercle/i18n" {
					continue
				}
				t.Errorf("%s depends on %s: the core may use only the standard library and i18n", pkg, d)
			}
		}
		if adapters[pkg] || strings.HasPrefix(pkg, "cercle/bot/") {
			for _, imp := range imports {
				if adapters[imp] && imp != pkg && !strings.HasPrefix(pkg, imp+"/") {
					t.Errorf("adapter %s imports adapter %s: only main may wire adapters together", pkg, imp)
				}
			}
		}
	}
	if seen != 2 {
		t.Fatalf("go list did not report commands and i18n (saw %d of 2)", seen)
	}
}

// isStdlib reports whether an import path belongs to the standard
// library: its first element has no dot (golang.org/x is not std).
func isStdlib(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".") && first != "cercle"
}
