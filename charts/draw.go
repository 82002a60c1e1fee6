package charts

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
)

// Colours shared by both pictures.
var (
	white     = color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}
	ink       = color.RGBA{0x1F, 0x23, 0x28, 0xFF} // titles and labels
	softInk   = color.RGBA{0x55, 0x5B, 0x63, 0xFF} // ticks, notes, "+N"
	gridLine  = color.RGBA{0xC9, 0xCE, 0xD6, 0xFF}
	frameLine = color.RGBA{0x8A, 0x93, 0x9E, 0xFF}
)

// palette is Okabe and Ito's colour-blind-safe set, reordered so that the
// four intentions (keep, pool, outsource, abandon) get green, blue, orange
// and vermilion; yellow, the least visible on white, comes last but one.
var palette = []color.RGBA{
	{0x00, 0x9E, 0x73, 0xFF}, // bluish green
	{0x00, 0x72, 0xB2, 0xFF}, // blue
	{0xE6, 0x9F, 0x00, 0xFF}, // orange
	{0xD5, 0x5E, 0x00, 0xFF}, // vermilion
	{0xCC, 0x79, 0xA7, 0xFF}, // reddish purple
	{0x56, 0xB4, 0xE9, 0xFF}, // sky blue
	{0xF0, 0xE4, 0x42, 0xFF}, // yellow
	{0x00, 0x00, 0x00, 0xFF}, // black
}

// canvas returns a white picture of w × h.
func canvas(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fill(img, img.Rect, white)
	return img
}

func fill(dst draw.Image, r image.Rectangle, c color.RGBA) {
	draw.Draw(dst, r, image.NewUniform(c), image.Point{}, draw.Src)
}

// frame draws the 1-pixel outline just inside r.
func frame(dst draw.Image, r image.Rectangle, c color.RGBA) {
	fill(dst, image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+1), c)
	fill(dst, image.Rect(r.Min.X, r.Max.Y-1, r.Max.X, r.Max.Y), c)
	fill(dst, image.Rect(r.Min.X, r.Min.Y, r.Min.X+1, r.Max.Y), c)
	fill(dst, image.Rect(r.Max.X-1, r.Min.Y, r.Max.X, r.Max.Y), c)
}

// disc paints a round dot filling r (a square) in c, with a thin darker
// rim so that light colours stand out on white; the edge is smoothed by
// the distance of each pixel's centre to the circle.
func disc(dst *image.RGBA, r image.Rectangle, c color.RGBA) {
	rim := color.RGBA{c.R / 2, c.G / 2, c.B / 2, 0xFF}
	cx := float64(r.Min.X+r.Max.X) / 2
	cy := float64(r.Min.Y+r.Max.Y) / 2
	outer := float64(r.Dx()) / 2
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			d := math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy)
			cover := clamp01(outer - d + 0.5)
			if cover == 0 {
				continue
			}
			// Inside the rim the colour blends from rim to c over a pixel.
			col := blend(rim, c, clamp01(outer-1.2-d+0.5))
			dst.SetRGBA(x, y, blend(dst.RGBAAt(x, y), col, cover))
		}
	}
}

func clamp01(v float64) float64 {
	return math.Max(0, math.Min(1, v))
}

// blend mixes a towards b by t in 0..1.
func blend(a, b color.RGBA, t float64) color.RGBA {
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + (float64(y)-float64(x))*t)) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 0xFF}
}

// luminance is the relative luminance of c, 0 for black to 1 for white.
func luminance(c color.RGBA) float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}

// contrast is the WCAG contrast ratio of a and b, 1 (none) to 21.
func contrast(a, b color.RGBA) float64 {
	la, lb := luminance(a)+0.05, luminance(b)+0.05
	return max(la, lb) / min(la, lb)
}

// encode writes img as PNG. The encoder is deterministic, so the same
// picture always gives the same bytes.
func encode(img image.Image) ([]byte, error) {
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("charts: encode PNG: %w", err)
	}
	return b.Bytes(), nil
}
