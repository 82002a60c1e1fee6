// Package charts draws the pictures of the pooling campaigns as PNG: a
// company's efficiency × importance matrix of its support functions, and
// the network's heat map of counts by function.
//
// It implements commands.Charts and imports only commands (for that
// interface and the chart types), the standard library and
// golang.org/x/image, whose opentype package rasterises the embedded Go
// fonts. Every text comes from the caller, already translated; what this
// package adds is the layout: where each label goes so that none overlaps
// another or leaves its cell, where it must be cut (with "…"), and which
// colour and shade each mark gets.
//
// The pictures are deterministic, the same chart always giving the same
// bytes, so a caller may cache or compare them.
package charts

import (
	"image"

	"cercle/commands"
)

// Charts draws the pictures. The zero value works and is safe for
// concurrent use: the fonts are parsed once for the process and every
// picture makes its own faces.
type Charts struct{}

var _ commands.Charts = (*Charts)(nil)

// New returns a Charts.
func New() *Charts { return &Charts{} }

// Matrix draws m as a 1200 × 900 PNG. It fails, drawing nothing, when a
// point lies outside the 3 × 3 grid or names a series m lacks, or when m
// has more series than there are distinct colours.
func (c *Charts) Matrix(m commands.MatrixChart) ([]byte, error) {
	_, png, err := c.matrix(m)
	return png, err
}

// HeatMap draws h as a PNG 1200 pixels wide and as high as its rows need.
// It fails, drawing nothing, when h has no rows or no columns, more than
// fit, a row of cells not as long as Columns, or a negative count.
func (c *Charts) HeatMap(h commands.HeatMapChart) ([]byte, error) {
	_, png, err := c.heatMap(h)
	return png, err
}

// matrix returns the layout of m along with its picture, for tests.
func (c *Charts) matrix(m commands.MatrixChart) (*matrixLayout, []byte, error) {
	if err := validateMatrix(m); err != nil {
		return nil, nil, err
	}
	t, err := newTypesetter()
	if err != nil {
		return nil, nil, err
	}
	defer t.close()
	l := layoutMatrix(t, m)
	img := paintMatrix(t, l)
	return finish(t, l, img)
}

// heatMap returns the layout of h along with its picture, for tests.
func (c *Charts) heatMap(h commands.HeatMapChart) (*heatLayout, []byte, error) {
	if err := validateHeatMap(h); err != nil {
		return nil, nil, err
	}
	t, err := newTypesetter()
	if err != nil {
		return nil, nil, err
	}
	defer t.close()
	l := layoutHeatMap(t, h)
	img := paintHeatMap(t, l)
	return finish(t, l, img)
}

func finish[L any](t *typesetter, l L, img image.Image) (L, []byte, error) {
	var zero L
	if t.err != nil {
		return zero, nil, t.err
	}
	b, err := encode(img)
	if err != nil {
		return zero, nil, err
	}
	return l, b, nil
}
