package charts

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"strings"
	"testing"

	"cercle/commands"
)

// functions are support functions as companies name them, accents, French
// spaces and apostrophes included, some longer than any cell.
var functions = []string{
	"Ressources humaines", "Paie et administration du personnel", "Recrutement",
	"Formation professionnelle continue", "Comptabilité générale", "Contrôle de gestion",
	"Trésorerie", "Juridique et contrats", "Achats", "Logistique et entrepôts",
	"Informatique\u00a0: infrastructure", "Développement logiciel", "Cybersécurité",
	"Communication interne", "Marketing et événementiel", "Relations presse",
	"Qualité, sécurité, environnement (QSE)", "Maintenance des bâtiments", "Accueil et standard",
	"Services généraux", "Assurances", "Gestion des déchets",
	"Veille réglementaire et normative", "R&D\u202f: essais et prototypes", "Design",
	"Traduction", "Export et douanes", "Flotte de véhicules", "Restauration d’entreprise",
	"Santé et sécurité au travail (médecine du travail, prévention)",
}

var intentions = []string{"Garder et renforcer", "Mutualiser", "Externaliser", "Abandonner"}

func sampleMatrix(n int) commands.MatrixChart {
	m := commands.MatrixChart{
		Title:  "Carte des fonctions support — Menuiserie Durand & Fils",
		XLabel: "Efficacité",
		YLabel: "Importance",
		Ticks:  [3]string{"Faible", "Moyenne", "Élevée"},
		Series: intentions,
	}
	for i := range n {
		f := functions[i%len(functions)]
		// Crowd two cells, leave one empty, spread the rest.
		x, y := i%3, (i/3)%3
		if i%4 == 0 {
			x, y = 0, 2
		}
		if x == 2 && y == 0 {
			x = 1
		}
		m.Points = append(m.Points, commands.MatrixPoint{Label: f, X: x, Y: y, Series: (i * 7 / 3) % 4})
	}
	return m
}

func decode(t *testing.T, b []byte) *image.RGBA {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode PNG: %v", err)
	}
	rgba := image.NewRGBA(img.Bounds())
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			rgba.Set(x, y, img.At(x, y))
		}
	}
	return rgba
}

func centre(r image.Rectangle) image.Point { return r.Min.Add(r.Max).Div(2) }

func TestMatrixLayout(t *testing.T) {
	m := sampleMatrix(30)
	l, b, err := New().matrix(m)
	if err != nil {
		t.Fatal(err)
	}
	img := decode(t, b)
	if got := img.Bounds().Size(); got != image.Pt(1200, 900) {
		t.Fatalf("size %v, want 1200 × 900", got)
	}
	if len(l.Title) == 0 || l.XLabel.Text != "Efficacité" || l.YLabel.Text != "Importance" || l.XTicks[2].Text != "Élevée" {
		t.Errorf("title %v, axes %q and %q, ticks %q", l.Title, l.XLabel.Text, l.YLabel.Text, l.XTicks[2].Text)
	}
	checkPoints(t, l, m)
	var boxes []image.Rectangle
	for _, p := range l.Points {
		boxes = append(boxes, p.Label.Rect, p.Dot)
	}
	for _, b := range l.More {
		boxes = append(boxes, b.Rect)
	}
	for _, b := range l.Legend {
		boxes = append(boxes, b.Label.Rect, b.Dot)
	}
	checkApart(t, boxes)
	for _, b := range append(l.More, l.XLabel, l.YLabel, l.XTicks[0], l.YTicks[0]) {
		if !b.Rect.In(image.Rect(0, 0, 1200, 900)) {
			t.Errorf("%q at %v, off the picture", b.Text, b.Rect)
		}
	}

	if len(l.Legend) != len(m.Series) {
		t.Fatalf("legend has %d series, want %d", len(l.Legend), len(m.Series))
	}
	for i, item := range l.Legend {
		if item.Series != i || item.Label.Text != m.Series[i] || item.Color != palette[i] {
			t.Errorf("legend item %d: series %d %q in %v, want %q in %v", i, item.Series, item.Label.Text, item.Color, m.Series[i], palette[i])
		}
		if got := img.RGBAAt(centre(item.Dot).X, centre(item.Dot).Y); got != palette[i] {
			t.Errorf("legend dot %d is %v, want %v", i, got, palette[i])
		}
	}
	for _, p := range l.Points {
		want := palette[m.Points[p.Index].Series]
		if c := centre(p.Dot); img.RGBAAt(c.X, c.Y) != want {
			t.Errorf("dot of %q at %v is %v, want its series' %v", m.Points[p.Index].Label, c, img.RGBAAt(c.X, c.Y), want)
		}
	}
}

// checkPoints checks that every point is drawn inside its own cell, or
// counted in its cell's "+N".
func checkPoints(t *testing.T, l *matrixLayout, m commands.MatrixChart) {
	t.Helper()
	drawn := map[int]bool{}
	for _, p := range l.Points {
		mp := m.Points[p.Index]
		cell := l.Cells[mp.X][mp.Y]
		if p.Cell != image.Pt(mp.X, mp.Y) || !p.Dot.In(cell) || !p.Label.Rect.In(cell) {
			t.Errorf("point %q of cell (%d, %d) at %v and %v, outside %v", mp.Label, mp.X, mp.Y, p.Dot, p.Label.Rect, cell)
		}
		if p.Label.Text == "" || p.Label.Rect.Dx() < 40 {
			t.Errorf("point %q labelled %q, %d pixels wide", mp.Label, p.Label.Text, p.Label.Rect.Dx())
		}
		if drawn[p.Index] {
			t.Errorf("point %q drawn twice", mp.Label)
		}
		drawn[p.Index] = true
	}
	hidden := 0
	for _, b := range l.More {
		var n int
		if _, err := fmt.Sscanf(b.Text, "+%d", &n); err != nil {
			t.Errorf("more line %q: %v", b.Text, err)
		}
		hidden += n
	}
	if len(drawn)+hidden != len(m.Points) {
		t.Errorf("%d points drawn and %d hidden, want %d", len(drawn), hidden, len(m.Points))
	}
}

// checkApart fails if any two boxes overlap.
func checkApart(t *testing.T, boxes []image.Rectangle) {
	t.Helper()
	for i, a := range boxes {
		for _, b := range boxes[i+1:] {
			if a.Overlaps(b) {
				t.Errorf("%v overlaps %v", a, b)
			}
		}
	}
}

func TestMatrixCrowdedCell(t *testing.T) {
	for _, n := range []int{1, 8, 12, 20, 45} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			m := sampleMatrix(0)
			for i := range n {
				m.Points = append(m.Points, commands.MatrixPoint{Label: functions[i%len(functions)], X: 2, Y: 2, Series: i % 4})
			}
			l, _, err := New().matrix(m)
			if err != nil {
				t.Fatal(err)
			}
			checkPoints(t, l, m)
			var boxes []image.Rectangle
			for _, p := range l.Points {
				boxes = append(boxes, p.Label.Rect, p.Dot)
				if p.Label.Style.size < labelSizes[len(labelSizes)-1] {
					t.Errorf("label %q at %vpx, under the smallest size", p.Label.Text, p.Label.Style.size)
				}
			}
			for _, b := range l.More {
				boxes = append(boxes, b.Rect)
				if !b.Rect.In(l.Cells[2][2]) {
					t.Errorf("%q at %v, outside its cell %v", b.Text, b.Rect, l.Cells[2][2])
				}
			}
			checkApart(t, boxes)
			if (len(l.More) > 0) != (len(l.Points) < n) {
				t.Errorf("%d of %d points shown, more lines %v", len(l.Points), n, l.More)
			}
		})
	}
}

func TestMatrixTruncatesLongLabels(t *testing.T) {
	long := "Gestion administrative et financière des subventions européennes, régionales et départementales"
	m := sampleMatrix(0)
	m.Points = []commands.MatrixPoint{
		{Label: long, X: 1, Y: 1, Series: 1},
		{Label: strings.Repeat("é", 100000), X: 1, Y: 1, Series: 2},
	}
	l, _, err := New().matrix(m)
	if err != nil {
		t.Fatal(err)
	}
	got := l.Points[0].Label
	if huge := l.Points[1].Label.Text; !strings.HasSuffix(huge, "…") || !l.Points[1].Label.Rect.In(l.Cells[1][1]) {
		t.Errorf("a 100 000-letter label shown as %q at %v", huge, l.Points[1].Label.Rect)
	}
	if !strings.HasSuffix(got.Text, "…") || !strings.HasPrefix(got.Text, "Gestion administrative") {
		t.Errorf("label %q, want a start of %q ended with …", got.Text, long)
	}
	if !got.Rect.In(l.Cells[1][1]) {
		t.Errorf("label at %v, outside its cell %v", got.Rect, l.Cells[1][1])
	}
}

func TestMatrixErrors(t *testing.T) {
	tests := []struct {
		name string
		edit func(m *commands.MatrixChart)
	}{
		{"x too high", func(m *commands.MatrixChart) { m.Points[0].X = 3 }},
		{"y negative", func(m *commands.MatrixChart) { m.Points[1].Y = -1 }},
		{"series past the end", func(m *commands.MatrixChart) { m.Points[2].Series = len(m.Series) }},
		{"series negative", func(m *commands.MatrixChart) { m.Points[2].Series = -1 }},
		{"no series", func(m *commands.MatrixChart) { m.Series = nil }},
		{"more series than colours", func(m *commands.MatrixChart) {
			m.Series = strings.Fields("a b c d e f g h i")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := sampleMatrix(5)
			tt.edit(&m)
			if b, err := New().Matrix(m); err == nil || b != nil {
				t.Errorf("Matrix = %d bytes, %v; want an error", len(b), err)
			}
		})
	}
}

func TestMatrixEmpty(t *testing.T) {
	b, err := New().Matrix(commands.MatrixChart{})
	if err != nil {
		t.Fatal(err)
	}
	if got := decode(t, b).Bounds().Size(); got != image.Pt(1200, 900) {
		t.Errorf("size %v", got)
	}
}

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

func BenchmarkMatrix(b *testing.B) {
	c, m := New(), sampleMatrix(30)
	for b.Loop() {
		if _, err := c.Matrix(m); err != nil {
			b.Fatal(err)
		}
	}
}
