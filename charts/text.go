package charts

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// fontSet is Go Regular and Go Bold, parsed once for the process: a parsed
// font is read-only and safe to share, unlike the faces made from it.
type fontSet struct {
	regular, bold *opentype.Font
	// ellipsis ends a cut text: "…" when the font has it, "..." if not.
	ellipsis string
}

var loadFonts = sync.OnceValues(func() (*fontSet, error) {
	regular, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return nil, fmt.Errorf("charts: parse Go Regular: %w", err)
	}
	bold, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return nil, fmt.Errorf("charts: parse Go Bold: %w", err)
	}
	fs := &fontSet{regular: regular, bold: bold, ellipsis: "..."}
	var buf sfnt.Buffer
	if i, err := regular.GlyphIndex(&buf, '…'); err == nil && i != 0 {
		fs.ellipsis = "…"
	}
	return fs, nil
})

// style is a font and a size in pixels.
type style struct {
	bold bool
	size float64
}

// typesetter measures and cuts the texts of one picture. An opentype face
// keeps a glyph buffer and must not be shared between goroutines, so each
// picture makes its own typesetter; that keeps Charts safe for concurrent
// use at the cost of a few allocations per picture.
type typesetter struct {
	fonts *fontSet
	faces map[style]font.Face
	buf   sfnt.Buffer
	// err is the first face that could not be made; the picture fails
	// with it, and the faulty face is replaced meanwhile by a fixed one so
	// that layout code need not check every measure.
	err error
}

func newTypesetter() (*typesetter, error) {
	fs, err := loadFonts()
	if err != nil {
		return nil, err
	}
	return &typesetter{fonts: fs, faces: map[style]font.Face{}}, nil
}

func (t *typesetter) face(s style) font.Face {
	if f, ok := t.faces[s]; ok {
		return f
	}
	src := t.fonts.regular
	if s.bold {
		src = t.fonts.bold
	}
	f, err := opentype.NewFace(src, &opentype.FaceOptions{Size: s.size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		if t.err == nil {
			t.err = fmt.Errorf("charts: face %v: %w", s, err)
		}
		f = basicfont.Face7x13
	}
	t.faces[s] = f
	return f
}

func (t *typesetter) close() {
	for _, f := range t.faces {
		f.Close()
	}
}

// maxRunes bounds the text kept from one caller string: no line of either
// picture holds half as many, and measuring a huge string would be slow.
const maxRunes = 400

// clean makes caller text drawable: every kind of space (the French
// no-break and narrow no-break spaces included) becomes a plain space,
// runs of them one space, control characters go, and a rune the font
// lacks becomes '?', so the picture never shows an empty box.
func (t *typesetter) clean(s string) string {
	var b strings.Builder
	space, n := false, 0
	for _, r := range s {
		if n++; n > maxRunes {
			break
		}
		switch {
		case unicode.IsSpace(r) || r == '\u202F' || r == '\u2007':
			space = true
			continue
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		if i, err := t.fonts.regular.GlyphIndex(&t.buf, r); err != nil || i == 0 || r == utf8.RuneError {
			r = '?'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// width is the advance of s in pixels, rounded up.
func (t *typesetter) width(s string, st style) int {
	return font.MeasureString(t.face(st), s).Ceil()
}

// lineHeight is the height of a line of st: ascent plus descent.
func (t *typesetter) lineHeight(st style) int {
	m := t.face(st).Metrics()
	return m.Ascent.Ceil() + m.Descent.Ceil()
}

// fit returns s if it is at most max pixels wide, or else the longest
// start of s, cut between runes and ended with the ellipsis, that is; ""
// when not even the ellipsis fits.
func (t *typesetter) fit(s string, st style, max int) string {
	if t.width(s, st) <= max {
		return s
	}
	ell := t.fonts.ellipsis
	if t.width(ell, st) > max {
		return ""
	}
	f := t.face(st)
	limit := fixed.I(max) - font.MeasureString(f, ell)
	var w fixed.Int26_6
	prev, cut := rune(-1), 0
	for i, r := range s {
		if prev >= 0 {
			w += f.Kern(prev, r)
		}
		a, _ := f.GlyphAdvance(r)
		if w+a > limit {
			break
		}
		w += a
		prev, cut = r, i+utf8.RuneLen(r)
	}
	// Kerning against the ellipsis is not counted above: step back until
	// the whole really fits.
	for cut > 0 {
		out := strings.TrimRight(s[:cut], " ,;:-–—") + ell
		if t.width(out, st) <= max {
			return out
		}
		_, n := utf8.DecodeLastRuneInString(s[:cut])
		cut -= n
	}
	return ell
}

// wrap breaks s into at most lines lines of at most max pixels, at spaces;
// a word wider than a line is cut, and what does not fit in the last line
// ends it with the ellipsis.
func (t *typesetter) wrap(s string, st style, max, lines int) []string {
	words := strings.Fields(s)
	var out []string
	for i := 0; i < len(words); {
		if len(out) == lines-1 {
			return append(out, t.fit(strings.Join(words[i:], " "), st, max))
		}
		line := words[i]
		i++
		for i < len(words) && t.width(line+" "+words[i], st) <= max {
			line += " " + words[i]
			i++
		}
		out = append(out, t.fit(line, st, max))
	}
	return out
}

// textBox is one line of text placed on a picture: Rect is the line's box,
// as wide as the text's advance and as high as its font's line; a vertical
// text reads bottom to top and Rect is its box once turned.
type textBox struct {
	Text     string
	Style    style
	Color    color.RGBA
	Rect     image.Rectangle
	Vertical bool
}

// box places s with its top left corner at (x, y).
func (t *typesetter) box(s string, st style, c color.RGBA, x, y int) textBox {
	r := image.Rect(x, y, x+t.width(s, st), y+t.lineHeight(st))
	return textBox{Text: s, Style: st, Color: c, Rect: r}
}

// centred places s centred on x, its top at y.
func (t *typesetter) centred(s string, st style, c color.RGBA, x, y int) textBox {
	return t.box(s, st, c, x-t.width(s, st)/2, y)
}

// draw paints b onto dst.
func (t *typesetter) draw(dst draw.Image, b textBox) {
	if b.Text == "" {
		return
	}
	f := t.face(b.Style)
	ascent := f.Metrics().Ascent.Ceil()
	if !b.Vertical {
		d := font.Drawer{Dst: dst, Src: image.NewUniform(b.Color), Face: f,
			Dot: fixed.P(b.Rect.Min.X, b.Rect.Min.Y+ascent)}
		d.DrawString(b.Text)
		return
	}
	// Draw the line flat on a scratch image, then copy it turned a quarter
	// anticlockwise, so it reads upwards along the vertical axis.
	w, h := b.Rect.Dy(), b.Rect.Dx()
	flat := image.NewAlpha(image.Rect(0, 0, w, h))
	d := font.Drawer{Dst: flat, Src: image.Opaque, Face: f, Dot: fixed.P(0, ascent)}
	d.DrawString(b.Text)
	turned := image.NewAlpha(b.Rect)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			turned.SetAlpha(b.Rect.Min.X+y, b.Rect.Max.Y-1-x, flat.AlphaAt(x, y))
		}
	}
	draw.DrawMask(dst, b.Rect, image.NewUniform(b.Color), image.Point{}, turned, b.Rect.Min, draw.Over)
}

// vertical turns b a quarter anticlockwise, keeping its centre.
func vertical(b textBox) textBox {
	c := b.Rect.Min.Add(b.Rect.Max).Div(2)
	w, h := b.Rect.Dx(), b.Rect.Dy()
	b.Rect = image.Rect(c.X-h/2, c.Y-w/2, c.X-h/2+h, c.Y-w/2+w)
	b.Vertical = true
	return b
}
