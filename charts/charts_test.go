package charts

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
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

func sampleHeatMap(n int) commands.HeatMapChart {
	h := commands.HeatMapChart{
		Title:   "Synthèse du réseau\u00a0: intentions par fonction",
		Columns: intentions,
		Note:    "Nombre d’entreprises par intention («\u202fGarder\u202f», «\u202fMutualiser\u202f»…), sur 12 réponses au 15 mars.",
	}
	for i := range n {
		h.Rows = append(h.Rows, functions[i%len(functions)])
		h.Cells = append(h.Cells, []int{i % 7, (i * 5) % 11, (i * 3) % 4, 0})
	}
	return h
}

// wideHeatMap has a column per company, as the synthesis of companies
// that agreed to share, and rows named at length.
func wideHeatMap(n int) commands.HeatMapChart {
	h := commands.HeatMapChart{
		Title: "Qui veut mutualiser quoi ? Entreprises ayant accepté le partage de leurs réponses",
		Columns: []string{"Menuiserie Durand & Fils", "Boulangerie Martin", "Éts Lefèvre", "Garage Petit",
			"Imprimerie de l’Ouest", "Ça Pousse SARL", "Transports Roux", "Atelier Blanc", "Hôtel du Lac", "Ferronnerie"},
		Note: "1 = la fonction est à mutualiser pour l’entreprise. Les entreprises qui n’ont pas accepté le partage ne sont comptées que dans la synthèse anonyme ; les noms trop longs sont abrégés.",
	}
	for i := range n {
		name := functions[i%len(functions)]
		if i >= len(functions) {
			name += " — site de Saint-Étienne-du-Rouvray et antennes régionales"
		}
		h.Rows = append(h.Rows, name)
		row := make([]int, len(h.Columns))
		for c := range row {
			row[c] = (i*c + i/3) % 5
		}
		h.Cells = append(h.Cells, row)
	}
	return h
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

func TestHeatMapLayout(t *testing.T) {
	h := sampleHeatMap(30)
	h.Rows[3] = "Gestion administrative et financière des subventions européennes, régionales et départementales"
	l, b, err := New().heatMap(h)
	if err != nil {
		t.Fatal(err)
	}
	img := decode(t, b)
	if got := img.Bounds().Size(); got.X != 1200 || got != l.Size || got.Y < 30*28 {
		t.Fatalf("size %v, layout %v; want 1200 wide and over %d high", got, l.Size, 30*28)
	}
	if row := l.Rows[3].Text; !strings.HasSuffix(row, "…") || !strings.HasPrefix(row, "Gestion administrative") {
		t.Errorf("long row shown as %q, want it cut with …", row)
	}
	if l.Rows[0].Text != "Ressources humaines" || l.Headers[1][0].Text != "Mutualiser" || len(l.Note) == 0 {
		t.Errorf("row %q, header %v, note %v", l.Rows[0].Text, l.Headers[1], l.Note)
	}
	var boxes []image.Rectangle
	for r, row := range l.Cells {
		boxes = append(boxes, l.Rows[r].Rect)
		if l.Rows[r].Rect.Max.X > l.Grid.Min.X {
			t.Errorf("row name %q ends at %d, in the grid from %d", l.Rows[r].Text, l.Rows[r].Rect.Max.X, l.Grid.Min.X)
		}
		for c, cell := range row {
			boxes = append(boxes, cell.Rect)
			if !cell.Rect.In(l.Grid) || !cell.Count.Rect.In(cell.Rect) || cell.Count.Text != fmt.Sprint(h.Cells[r][c]) {
				t.Errorf("cell %d,%d: %q at %v in %v, grid %v", r, c, cell.Count.Text, cell.Count.Rect, cell.Rect, l.Grid)
			}
		}
	}
	for _, col := range l.Headers {
		for _, b := range col {
			boxes = append(boxes, b.Rect)
		}
	}
	checkApart(t, boxes)
	checkShading(t, l, h, img)
}

// checkShading checks that a higher count is darker, on the picture, and
// that each count is written in a colour that stands out of its cell.
func checkShading(t *testing.T, l *heatLayout, h commands.HeatMapChart, img *image.RGBA) {
	t.Helper()
	type sample struct {
		n   int
		lum float64
	}
	var seen []sample
	for r, row := range l.Cells {
		for c, cell := range row {
			p := cell.Rect.Min.Add(image.Pt(4, 4))
			got := img.RGBAAt(p.X, p.Y)
			if got != cell.Fill {
				t.Errorf("cell %d,%d painted %v, want %v", r, c, got, cell.Fill)
			}
			n := h.Cells[r][c]
			if n == 0 && got != white {
				t.Errorf("empty cell %d,%d painted %v", r, c, got)
			}
			if n > 0 && contrast(cell.Fill, cell.Count.Color) < 3 {
				t.Errorf("cell %d,%d: count in %v on %v, too little contrast", r, c, cell.Count.Color, cell.Fill)
			}
			seen = append(seen, sample{n, luminance(got)})
		}
	}
	for _, a := range seen {
		for _, b := range seen {
			if a.n > b.n && a.lum >= b.lum {
				t.Fatalf("count %d has luminance %.3f, count %d %.3f: a higher count must be darker", a.n, a.lum, b.n, b.lum)
			}
		}
	}
}

func TestHeatMapErrors(t *testing.T) {
	tests := []struct {
		name string
		edit func(h *commands.HeatMapChart)
	}{
		{"ragged cells", func(h *commands.HeatMapChart) { h.Cells[2] = h.Cells[2][:3] }},
		{"too many cells", func(h *commands.HeatMapChart) { h.Cells[2] = append(h.Cells[2], 1) }},
		{"fewer rows of cells", func(h *commands.HeatMapChart) { h.Cells = h.Cells[:4] }},
		{"no rows", func(h *commands.HeatMapChart) { h.Rows, h.Cells = nil, nil }},
		{"no columns", func(h *commands.HeatMapChart) {
			h.Columns = nil
			for i := range h.Cells {
				h.Cells[i] = nil
			}
		}},
		{"negative count", func(h *commands.HeatMapChart) { h.Cells[1][1] = -2 }},
		{"too many columns", func(h *commands.HeatMapChart) {
			h.Columns = strings.Fields(strings.Repeat("x ", maxColumns+1))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := sampleHeatMap(5)
			tt.edit(&h)
			if b, err := New().HeatMap(h); err == nil || b != nil {
				t.Errorf("HeatMap = %d bytes, %v; want an error", len(b), err)
			}
		})
	}
}

func TestHeatMapAllZero(t *testing.T) {
	h := sampleHeatMap(3)
	for _, row := range h.Cells {
		clear(row)
	}
	if _, err := New().HeatMap(h); err != nil {
		t.Fatal(err)
	}
}

func TestHeatMapTurnsLongHeaders(t *testing.T) {
	h := wideHeatMap(12)
	l, _, err := New().heatMap(h)
	if err != nil {
		t.Fatal(err)
	}
	var boxes []image.Rectangle
	for c, col := range l.Headers {
		if len(col) != 1 || !col[0].Vertical {
			t.Fatalf("header %d is %v, want one line turned upright", c, col)
		}
		b := col[0]
		column := image.Rect(l.Cells[0][c].Rect.Min.X, 0, l.Cells[0][c].Rect.Max.X, l.Grid.Min.Y)
		if !b.Rect.In(column) || b.Rect.Dy() > maxHeaderHeight {
			t.Errorf("header %q at %v, outside %v", b.Text, b.Rect, column)
		}
		boxes = append(boxes, b.Rect)
	}
	checkApart(t, boxes)
	if l.Headers[2][0].Text != "Éts Lefèvre" {
		t.Errorf("header %q, want Éts Lefèvre whole", l.Headers[2][0].Text)
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

func TestDeterministicAndConcurrent(t *testing.T) {
	c := New()
	m, h := sampleMatrix(30), sampleHeatMap(30)
	wantM, err := c.Matrix(m)
	if err != nil {
		t.Fatal(err)
	}
	wantH, err := c.HeatMap(h)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			gotM, errM := c.Matrix(m)
			gotH, errH := c.HeatMap(h)
			if errM != nil || errH != nil || !bytes.Equal(gotM, wantM) || !bytes.Equal(gotH, wantH) {
				t.Errorf("second drawing differs from the first (errors %v, %v)", errM, errH)
			}
		})
	}
	wg.Wait()
}

// TestWriteSamples writes the pictures for a person to look at: to
// $CHARTS_OUT when set, else to a temporary directory named in the log.
func TestWriteSamples(t *testing.T) {
	dir := os.Getenv("CHARTS_OUT")
	if dir == "" {
		dir = t.TempDir()
	}
	c := New()
	crowded := sampleMatrix(30)
	for i := range 24 {
		crowded.Points = append(crowded.Points, commands.MatrixPoint{Label: functions[i], X: 2, Y: 2, Series: i % 2})
	}
	samples := map[string]func() ([]byte, error){
		"matrix.png":         func() ([]byte, error) { return c.Matrix(sampleMatrix(30)) },
		"matrix-crowded.png": func() ([]byte, error) { return c.Matrix(crowded) },
		"matrix-few.png":     func() ([]byte, error) { return c.Matrix(sampleMatrix(5)) },
		"heatmap.png":        func() ([]byte, error) { return c.HeatMap(sampleHeatMap(30)) },
		"heatmap-small.png":  func() ([]byte, error) { return c.HeatMap(sampleHeatMap(6)) },
		"heatmap-wide.png":   func() ([]byte, error) { return c.HeatMap(wideHeatMap(40)) },
	}
	for name, draw := range samples {
		b, err := draw()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
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

func BenchmarkHeatMap(b *testing.B) {
	c, h := New(), sampleHeatMap(30)
	for b.Loop() {
		if _, err := c.HeatMap(h); err != nil {
			b.Fatal(err)
		}
	}
}
