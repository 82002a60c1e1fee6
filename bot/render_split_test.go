package bot

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestSplitLinesKeepsEveryWord: a line longer than a section holds, as
// an escaped 3,000-character project is, is split at spaces, never cut.
func TestSplitLinesKeepsEveryWord(t *testing.T) {
	words := strings.Repeat("R&amp;D partagée ", 250) + "fin"
	pieces := splitLines("Projet\n"+words, 3000)
	if len(pieces) < 2 {
		t.Fatalf("%d pieces", len(pieces))
	}
	for _, p := range pieces {
		if n := utf8.RuneCountInString(p); n > 3000 || strings.Contains(p, "…") {
			t.Errorf("piece of %d runes, or cut", n)
		}
	}
	if got := strings.Join(strings.Fields(strings.Join(pieces, " ")), " "); got != strings.Join(strings.Fields("Projet "+words), " ") {
		t.Error("words lost or changed")
	}
}
