package charts

import (
	"strings"
	"testing"
)

func TestCleanKeepsFrench(t *testing.T) {
	ts, err := newTypesetter()
	if err != nil {
		t.Fatal(err)
	}
	defer ts.close()
	tests := []struct{ in, want string }{
		{"Comptabilité, trésorerie et contrôle", "Comptabilité, trésorerie et contrôle"},
		{"«\u202fÉlevée\u202f» à l’échelle\u00a0: ça", "« Élevée » à l’échelle : ça"},
		{"Œuvres sociales — cœur, 12\u00a0%", "Œuvres sociales — cœur, 12 %"},
		{"  deux\t\nlignes  ", "deux lignes"},
		{"Chine 中国 😀", "Chine ?? ?"},
		{"zéro\u200blargeur", "zérolargeur"},
	}
	for _, tt := range tests {
		if got := ts.clean(tt.in); got != tt.want {
			t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if ts.fonts.ellipsis != "…" {
		t.Errorf("ellipsis %q: Go Regular should have U+2026", ts.fonts.ellipsis)
	}
}

func TestFit(t *testing.T) {
	ts, err := newTypesetter()
	if err != nil {
		t.Fatal(err)
	}
	defer ts.close()
	st := style{size: 16}
	s := "Santé et sécurité au travail"
	for max := 0; max <= ts.width(s, st)+5; max += 7 {
		got := ts.fit(s, st, max)
		if ts.width(got, st) > max {
			t.Errorf("fit(%d) = %q, %d wide", max, got, ts.width(got, st))
		}
		if got != s && got != "" && !strings.HasSuffix(got, "…") {
			t.Errorf("fit(%d) = %q, cut without …", max, got)
		}
	}
	if got := ts.wrap("Informatique et systèmes d’information", style{bold: true, size: 14}, 90, 2); len(got) != 2 || !strings.HasSuffix(got[1], "…") {
		t.Errorf("wrap = %q, want two lines, the last cut", got)
	}
}
