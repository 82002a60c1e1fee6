package console_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cercle/commands"
	"cercle/console"
)

// TestNotifierWritesFiles: a DM's files are written into the console's
// folder and their paths printed, a name never leading out of it.
func TestNotifierWritesFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "fichiers")
	var out bytes.Buffer
	n := console.Notifier{Out: &out, Dir: dir}
	r := &commands.Response{Sections: []commands.Section{commands.Paragraph(commands.Text("Votre matrice"))},
		Files: []commands.File{{Name: "matrice-1.png", Content: []byte("png")}, {Name: "../../hors.csv", Content: []byte("csv")}}}
	d, err := n.Notify(context.Background(), commands.Recipient{User: "lea"}, r, commands.Delivery{})
	if err != nil || d.Done != 3 {
		t.Fatalf("notify: %+v, %v", d, err)
	}
	for name, want := range map[string]string{"matrice-1.png": "png", "hors.csv": "csv"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(got) != want {
			t.Errorf("%s: %q, %v", name, got, err)
		}
		if !strings.Contains(out.String(), "→ "+filepath.Join(dir, name)) {
			t.Errorf("path of %s not printed:\n%s", name, out.String())
		}
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(filepath.Dir(dir)), "hors.csv")); err == nil {
		t.Error("a file name left the folder")
	}
}
