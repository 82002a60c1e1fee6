package charts

import (
	"fmt"
	"image"
	"image/color"
	"strconv"
	"strings"

	"cercle/commands"
)

// The heat map's geometry: its width is fixed, its height follows the
// rows.
const (
	heatWidth = 1200
	rowHeight = 28
	// maxRows and maxColumns bound the picture: 200 rows make it 6000
	// pixels high, and 16 columns leave the row names 190 pixels.
	maxRows    = 200
	maxColumns = 16
	// maxLabelWidth is the widest the column of row names gets, about
	// sixty characters; longer names are cut.
	maxLabelWidth = 480
	minCellWidth  = 60
	// maxHeaderHeight is the longest a header turned upright may be.
	maxHeaderHeight = 200
	maxCellWidth    = 150
)

var (
	heatTitleStyle = style{bold: true, size: 24}
	headerStyle    = style{bold: true, size: 14}
	rowStyle       = style{size: 15}
	countStyle     = style{bold: true, size: 14}
	noteStyle      = style{size: 14}
	stripe         = color.RGBA{0xF2, 0xF4, 0xF7, 0xFF}
	heatLine       = color.RGBA{0xE1, 0xE4, 0xE8, 0xFF}
	zeroInk        = color.RGBA{0xA0, 0xA6, 0xAD, 0xFF}
	// blues is ColorBrewer's sequential Blues, white to navy; its
	// luminance falls all along, so a higher count is always darker.
	blues = []color.RGBA{
		{0xF7, 0xFB, 0xFF, 0xFF}, {0xDE, 0xEB, 0xF7, 0xFF}, {0xC6, 0xDB, 0xEF, 0xFF},
		{0x9E, 0xCA, 0xE1, 0xFF}, {0x6B, 0xAE, 0xD6, 0xFF}, {0x42, 0x92, 0xC6, 0xFF},
		{0x21, 0x71, 0xB5, 0xFF}, {0x08, 0x51, 0x9C, 0xFF}, {0x08, 0x30, 0x6B, 0xFF},
	}
)

// heatLayout is where everything of a heat map goes.
type heatLayout struct {
	Size  image.Point
	Grid  image.Rectangle
	Title []textBox
	// Headers are each column's lines, the last just above the grid.
	Headers [][]textBox
	Rows    []textBox
	Stripes []image.Rectangle
	// Cells are by row then column.
	Cells [][]heatCell
	Note  []textBox
}

// heatCell is one count as drawn.
type heatCell struct {
	Rect  image.Rectangle
	Fill  color.RGBA
	Count textBox
}

func validateHeatMap(h commands.HeatMapChart) error {
	switch {
	case len(h.Rows) == 0 || len(h.Columns) == 0:
		return fmt.Errorf("charts: heat map: %d rows by %d columns, nothing to draw", len(h.Rows), len(h.Columns))
	case len(h.Rows) > maxRows:
		return fmt.Errorf("charts: heat map: %d rows, at most %d", len(h.Rows), maxRows)
	case len(h.Columns) > maxColumns:
		return fmt.Errorf("charts: heat map: %d columns, at most %d", len(h.Columns), maxColumns)
	case len(h.Cells) != len(h.Rows):
		return fmt.Errorf("charts: heat map: %d rows of cells for %d rows", len(h.Cells), len(h.Rows))
	}
	for r, row := range h.Cells {
		if len(row) != len(h.Columns) {
			return fmt.Errorf("charts: heat map: row %d (%q) has %d cells for %d columns", r, h.Rows[r], len(row), len(h.Columns))
		}
		for c, n := range row {
			if n < 0 {
				return fmt.Errorf("charts: heat map: row %d, column %d: negative count %d", r, c, n)
			}
		}
	}
	return nil
}

func layoutHeatMap(t *typesetter, h commands.HeatMapChart) *heatLayout {
	l := &heatLayout{}
	avail := heatWidth - 2*margin
	names := make([]string, len(h.Rows))
	labelW := 0
	for r, name := range h.Rows {
		names[r] = t.clean(name)
		labelW = max(labelW, min(t.width(names[r], rowStyle), maxLabelWidth))
	}
	labelW += 16
	n := len(h.Columns)
	cellW := min(max((avail-labelW)/n, minCellWidth), maxCellWidth)
	labelW = min(labelW, avail-n*cellW)
	x0 := margin + (avail-labelW-n*cellW)/2

	y := margin
	for _, line := range t.wrap(t.clean(h.Title), heatTitleStyle, avail, 2) {
		l.Title = append(l.Title, t.centred(line, heatTitleStyle, ink, heatWidth/2, y))
		y += t.lineHeight(heatTitleStyle) + 4
	}
	gridLeft := x0 + labelW
	gridTop := layoutHeaders(t, l, h.Columns, gridLeft, y+12, cellW)
	l.Grid = image.Rect(gridLeft, gridTop, gridLeft+n*cellW, gridTop+len(h.Rows)*rowHeight)
	layoutHeatRows(t, l, h, names, x0, cellW)

	y = l.Grid.Max.Y + 12
	for _, line := range t.wrap(t.clean(h.Note), noteStyle, avail, 3) {
		l.Note = append(l.Note, t.box(line, noteStyle, softInk, x0, y))
		y += t.lineHeight(noteStyle) + 2
	}
	l.Size = image.Pt(heatWidth, max(y, l.Grid.Max.Y)+margin)
	return l
}

// layoutHeaders sets the column headers from top down, each on at most
// two lines over its column, and returns the grid's top. When one of them
// would lose a word that way, as company names do over ten columns, all
// are turned to read upwards, which gives each up to maxHeaderHeight.
func layoutHeaders(t *typesetter, l *heatLayout, columns []string, gridLeft, top, cellW int) int {
	lineH := t.lineHeight(headerStyle)
	headers := make([][]string, len(columns))
	lines, upright := 1, true
	for c, col := range columns {
		s := t.clean(col)
		headers[c] = t.wrap(s, headerStyle, cellW-8, 2)
		lines = max(lines, len(headers[c]))
		upright = upright && strings.Join(headers[c], " ") == s
	}
	l.Headers = make([][]textBox, len(columns))
	if upright {
		gridTop := top + lines*lineH + 6
		for c, hl := range headers {
			cx := gridLeft + c*cellW + cellW/2
			for i, s := range hl {
				l.Headers[c] = append(l.Headers[c], t.centred(s, headerStyle, ink, cx, gridTop-6-(len(hl)-i)*lineH))
			}
		}
		return gridTop
	}
	tallest := 0
	for c, col := range columns {
		s := t.fit(t.clean(col), headerStyle, maxHeaderHeight)
		headers[c] = []string{s}
		tallest = max(tallest, t.width(s, headerStyle))
	}
	gridTop := top + tallest + 8
	for c, hl := range headers {
		x := gridLeft + c*cellW + (cellW-lineH)/2
		b := t.box(hl[0], headerStyle, ink, 0, 0)
		b.Rect, b.Vertical = image.Rect(x, gridTop-8-b.Rect.Dx(), x+lineH, gridTop-8), true
		l.Headers[c] = []textBox{b}
	}
	return gridTop
}

// layoutHeatRows places the row names, left of the grid, and the cells.
func layoutHeatRows(t *typesetter, l *heatLayout, h commands.HeatMapChart, names []string, x0, cellW int) {
	most := 0
	for _, row := range h.Cells {
		for _, n := range row {
			most = max(most, n)
		}
	}
	rowH, countH := t.lineHeight(rowStyle), t.lineHeight(countStyle)
	l.Cells = make([][]heatCell, len(h.Rows))
	for r, name := range names {
		top := l.Grid.Min.Y + r*rowHeight
		s := t.fit(name, rowStyle, l.Grid.Min.X-x0-16)
		l.Rows = append(l.Rows, t.box(s, rowStyle, ink, x0+6, top+(rowHeight-rowH)/2))
		if r%2 == 1 {
			l.Stripes = append(l.Stripes, image.Rect(x0, top, l.Grid.Min.X, top+rowHeight))
		}
		for c, n := range h.Cells[r] {
			rect := image.Rect(l.Grid.Min.X+c*cellW, top, l.Grid.Min.X+(c+1)*cellW, top+rowHeight)
			cell := heatCell{Rect: rect, Fill: shade(n, most)}
			text := ink
			switch {
			case n == 0:
				text = zeroInk
			case contrast(white, cell.Fill) > contrast(ink, cell.Fill):
				text = white
			}
			cx := (rect.Min.X + rect.Max.X) / 2
			cell.Count = t.centred(strconv.Itoa(n), countStyle, text, cx, top+(rowHeight-countH)/2)
			l.Cells[r] = append(l.Cells[r], cell)
		}
	}
}

// shade is the fill of a count n when the largest is most: white for
// none, and from a pale to the darkest blue for one to most, so that a
// single answer still shows.
func shade(n, most int) color.RGBA {
	if n <= 0 || most <= 0 {
		return white
	}
	pos := (0.15 + 0.85*float64(n)/float64(most)) * float64(len(blues)-1)
	i := min(int(pos), len(blues)-2)
	return blend(blues[i], blues[i+1], pos-float64(i))
}

func paintHeatMap(t *typesetter, l *heatLayout) *image.RGBA {
	img := canvas(l.Size.X, l.Size.Y)
	for _, b := range l.Title {
		t.draw(img, b)
	}
	for _, r := range l.Stripes {
		fill(img, r, stripe)
	}
	for _, col := range l.Headers {
		for _, b := range col {
			t.draw(img, b)
		}
	}
	for r, row := range l.Cells {
		t.draw(img, l.Rows[r])
		for _, c := range row {
			fill(img, c.Rect, c.Fill)
		}
	}
	// Lines between cells, so that white cells still read as a grid.
	for _, c := range l.Cells[0][1:] {
		fill(img, image.Rect(c.Rect.Min.X, l.Grid.Min.Y, c.Rect.Min.X+1, l.Grid.Max.Y), heatLine)
	}
	for _, row := range l.Cells[1:] {
		y := row[0].Rect.Min.Y
		fill(img, image.Rect(l.Grid.Min.X, y, l.Grid.Max.X, y+1), heatLine)
	}
	frame(img, l.Grid, frameLine)
	for _, row := range l.Cells {
		for _, c := range row {
			t.draw(img, c.Count)
		}
	}
	for _, b := range l.Note {
		t.draw(img, b)
	}
	return img
}
