package charts

import (
	"fmt"
	"image"
	"image/color"
	"slices"
	"strconv"

	"cercle/commands"
)

// The matrix picture's size, fixed so that Slack's preview scales every
// matrix alike, and its margins.
const (
	matrixWidth  = 1200
	matrixHeight = 900
	margin       = 20
	// tickWidth is the column left of the grid that holds the importance
	// ticks.
	tickWidth = 110
	// minColumn is the narrowest column of points a cell is split into:
	// below it labels would be cut to a few letters.
	minColumn = 150
	// cellPad keeps points off the cell's lines.
	cellPad = 8
)

var (
	matrixTitleStyle = style{bold: true, size: 26}
	axisStyle        = style{bold: true, size: 17}
	tickStyle        = style{size: 15}
	legendStyle      = style{size: 16}
	// labelSizes are the sizes a point's label may take, largest first; a
	// crowded cell uses a smaller one rather than more columns, down to
	// the last, which is still read without effort at full size.
	labelSizes = []float64{16, 14.5, 13}
	cellFill   = color.RGBA{0xF7, 0xF8, 0xFA, 0xFF}
)

// matrixLayout is where everything of a matrix picture goes; paintMatrix
// only follows it, and tests check it.
type matrixLayout struct {
	Size image.Point
	Grid image.Rectangle
	// Cells are by X then Y; Y 0 is the bottom row.
	Cells          [3][3]image.Rectangle
	Title          []textBox
	XLabel, YLabel textBox
	XTicks, YTicks [3]textBox
	// Points are the points drawn, cell by cell; a crowded cell leaves
	// some out and says how many in More.
	Points []placedPoint
	More   []textBox
	Legend []legendItem
}

// placedPoint is one point of MatrixChart.Points as drawn.
type placedPoint struct {
	Index int         // in MatrixChart.Points
	Cell  image.Point // X and Y
	Dot   image.Rectangle
	Color color.RGBA
	Label textBox
}

// legendItem is one series in the legend.
type legendItem struct {
	Series int
	Dot    image.Rectangle
	Color  color.RGBA
	Label  textBox
}

func validateMatrix(m commands.MatrixChart) error {
	if len(m.Series) > len(palette) {
		return fmt.Errorf("charts: matrix: %d series, at most %d distinct colours", len(m.Series), len(palette))
	}
	for i, p := range m.Points {
		if p.X < 0 || p.X > 2 || p.Y < 0 || p.Y > 2 {
			return fmt.Errorf("charts: matrix: point %d (%q) at (%d, %d), outside the 3 × 3 grid", i, p.Label, p.X, p.Y)
		}
		if p.Series < 0 || p.Series >= len(m.Series) {
			return fmt.Errorf("charts: matrix: point %d (%q) in series %d of %d", i, p.Label, p.Series, len(m.Series))
		}
	}
	return nil
}

func layoutMatrix(t *typesetter, m commands.MatrixChart) *matrixLayout {
	l := &matrixLayout{Size: image.Pt(matrixWidth, matrixHeight)}
	y := margin
	for _, line := range t.wrap(t.clean(m.Title), matrixTitleStyle, matrixWidth-2*margin, 2) {
		l.Title = append(l.Title, t.centred(line, matrixTitleStyle, ink, matrixWidth/2, y))
		y += t.lineHeight(matrixTitleStyle) + 4
	}
	gridTop := y + 12

	legendTop := layoutLegend(t, l, m.Series)
	axisH, tickH := t.lineHeight(axisStyle), t.lineHeight(tickStyle)
	xLabelTop := legendTop - 16 - axisH
	xTickTop := xLabelTop - 6 - tickH
	gridBottom := xTickTop - 8
	gridLeft := margin + axisH + 10 + tickWidth + 12
	cellW := (matrixWidth - margin - gridLeft) / 3
	cellH := (gridBottom - gridTop) / 3
	l.Grid = image.Rect(gridLeft, gridBottom-3*cellH, gridLeft+3*cellW, gridBottom)
	for x := range 3 {
		for y := range 3 {
			l.Cells[x][y] = image.Rect(gridLeft+x*cellW, gridBottom-(y+1)*cellH, gridLeft+(x+1)*cellW, gridBottom-y*cellH)
		}
	}

	for i, tick := range m.Ticks {
		col, row := l.Cells[i][0], l.Cells[0][i]
		s := t.fit(t.clean(tick), tickStyle, cellW-8)
		l.XTicks[i] = t.centred(s, tickStyle, softInk, (col.Min.X+col.Max.X)/2, xTickTop)
		s = t.fit(t.clean(tick), tickStyle, tickWidth)
		l.YTicks[i] = t.box(s, tickStyle, softInk, gridLeft-12-t.width(s, tickStyle), (row.Min.Y+row.Max.Y-tickH)/2)
	}
	s := t.fit(t.clean(m.XLabel), axisStyle, l.Grid.Dx())
	l.XLabel = t.centred(s, axisStyle, ink, (l.Grid.Min.X+l.Grid.Max.X)/2, xLabelTop)
	s = t.fit(t.clean(m.YLabel), axisStyle, l.Grid.Dy())
	mid := (l.Grid.Min.Y + l.Grid.Max.Y) / 2
	l.YLabel = vertical(t.centred(s, axisStyle, ink, margin+axisH/2, mid-axisH/2))

	layoutPoints(t, l, m)
	return l
}

// layoutLegend sets out one dot and name per series in centred rows along
// the bottom, and returns the top of the legend.
func layoutLegend(t *typesetter, l *matrixLayout, series []string) int {
	const dot, gap, spacing = 14, 8, 32
	lineH := t.lineHeight(legendStyle)
	rowH := lineH + 10
	maxW := matrixWidth - 2*margin
	var rows [][]legendItem
	var widths []int
	for i, name := range series {
		s := t.fit(t.clean(name), legendStyle, maxW/2)
		item := legendItem{Series: i, Color: palette[i], Label: t.box(s, legendStyle, ink, 0, 0)}
		w := dot + gap + item.Label.Rect.Dx()
		if n := len(rows); n == 0 || widths[n-1]+spacing+w > maxW {
			rows, widths = append(rows, nil), append(widths, -spacing)
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], item)
		widths[len(widths)-1] += spacing + w
	}
	top := matrixHeight - margin - len(rows)*rowH
	for r, row := range rows {
		x, y := (matrixWidth-widths[r])/2, top+r*rowH
		for _, item := range row {
			item.Dot = image.Rect(x, y+(lineH-dot)/2, x+dot, y+(lineH-dot)/2+dot)
			item.Label.Rect = item.Label.Rect.Add(image.Pt(x+dot+gap, y))
			l.Legend = append(l.Legend, item)
			x = item.Label.Rect.Max.X + spacing
		}
	}
	return top
}

// cellPlan is how a cell's points are set out: column by column, in cols
// columns of rows slots at a label size. The first shown points are
// drawn; when some are left out, a "+N" line takes the next slot.
type cellPlan struct {
	size        float64
	cols, rows  int
	shown       int
	itemH, dotR int
}

// planCell chooses the fewest columns, then the largest label size, that
// hold n points in inner; if none does, it fills the smallest size's
// columns and keeps the last slot for "+N".
func planCell(t *typesetter, n int, inner image.Rectangle) cellPlan {
	maxCols := max(1, inner.Dx()/minColumn)
	plan := func(size float64) cellPlan {
		p := cellPlan{size: size, itemH: t.lineHeight(style{size: size}) + 5, dotR: int(size*0.42 + 0.5)}
		p.rows = max(1, inner.Dy()/p.itemH)
		return p
	}
	for cols := 1; cols <= maxCols; cols++ {
		for _, size := range labelSizes {
			p := plan(size)
			if n <= cols*p.rows {
				p.cols = cols
				p.rows = (n + cols - 1) / cols
				p.shown = n
				return p
			}
		}
	}
	p := plan(labelSizes[len(labelSizes)-1])
	p.cols = maxCols
	p.shown = p.cols*p.rows - 1
	return p
}

// layoutPoints places every cell's points in its plan's slots. In a cell
// points go by series, then in the caller's order, so that each colour
// forms a block.
func layoutPoints(t *typesetter, l *matrixLayout, m commands.MatrixChart) {
	for x := range 3 {
		for y := range 3 {
			var in []int
			for i, p := range m.Points {
				if p.X == x && p.Y == y {
					in = append(in, i)
				}
			}
			if len(in) == 0 {
				continue
			}
			slices.SortStableFunc(in, func(a, b int) int { return m.Points[a].Series - m.Points[b].Series })
			layoutCell(t, l, m, image.Pt(x, y), in)
		}
	}
}

func layoutCell(t *typesetter, l *matrixLayout, m commands.MatrixChart, cell image.Point, in []int) {
	inner := l.Cells[cell.X][cell.Y].Inset(cellPad)
	p := planCell(t, len(in), inner)
	st := style{size: p.size}
	colW := inner.Dx() / p.cols
	colGap := 0
	if p.cols > 1 {
		colGap = 10
	}
	textX := 2*p.dotR + 8
	lineH := t.lineHeight(st)
	top := inner.Min.Y + (inner.Dy()-p.rows*p.itemH)/2
	slot := func(k int) (x, y int) {
		return inner.Min.X + k/p.rows*colW, top + k%p.rows*p.itemH
	}
	for k, i := range in[:p.shown] {
		x, y := slot(k)
		cy := y + p.itemH/2
		s := t.fit(t.clean(m.Points[i].Label), st, colW-textX-colGap)
		l.Points = append(l.Points, placedPoint{
			Index: i,
			Cell:  cell,
			Dot:   image.Rect(x, cy-p.dotR, x+2*p.dotR, cy+p.dotR),
			Color: palette[m.Points[i].Series],
			Label: t.box(s, st, ink, x+textX, y+(p.itemH-lineH)/2),
		})
	}
	if left := len(in) - p.shown; left > 0 {
		x, y := slot(p.shown)
		more := style{bold: true, size: p.size}
		s := t.fit("+"+strconv.Itoa(left), more, colW-textX-colGap)
		l.More = append(l.More, t.box(s, more, softInk, x+textX, y+(p.itemH-t.lineHeight(more))/2))
	}
}

func paintMatrix(t *typesetter, l *matrixLayout) *image.RGBA {
	img := canvas(l.Size.X, l.Size.Y)
	fill(img, l.Grid, cellFill)
	for i := 1; i < 3; i++ {
		c := l.Cells[i][0]
		fill(img, image.Rect(c.Min.X, l.Grid.Min.Y, c.Min.X+1, l.Grid.Max.Y), gridLine)
		r := l.Cells[0][i]
		fill(img, image.Rect(l.Grid.Min.X, r.Max.Y-1, l.Grid.Max.X, r.Max.Y), gridLine)
	}
	frame(img, l.Grid, frameLine)
	for _, b := range l.Title {
		t.draw(img, b)
	}
	for i := range 3 {
		t.draw(img, l.XTicks[i])
		t.draw(img, l.YTicks[i])
	}
	t.draw(img, l.XLabel)
	t.draw(img, l.YLabel)
	for _, p := range l.Points {
		disc(img, p.Dot, p.Color)
		t.draw(img, p.Label)
	}
	for _, b := range l.More {
		t.draw(img, b)
	}
	for _, item := range l.Legend {
		disc(img, item.Dot, item.Color)
		t.draw(img, item.Label)
	}
	return img
}
