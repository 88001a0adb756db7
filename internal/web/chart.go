package web

import (
	"strconv"
)

// chart is a stacked bar chart drawn as server-side SVG: one bar per month, one
// colour per category. Coordinates are in the viewBox; CSS scales the whole.
type chart struct {
	Width, Height int
	Segments      []segment
	XLabels       []label
	YTicks        []tick
	Legend        []legendItem
	Empty         bool
	// PlotLeft, PlotRight and Baseline frame the plot area.
	PlotLeft, PlotRight, Baseline int
}

// segment is one category's part of one month's bar.
type segment struct {
	X, Y, W, H int
	Fill       string
	Title      string
}

type label struct {
	X, Y int
	Text string
}

type tick struct {
	Y     int
	Label string
}

type legendItem struct {
	Fill, Name string
}

// palette has colours distinguishable on white and by most colour-blind readers
// (Okabe-Ito); categories past eight reuse them.
var palette = []string{"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"}

const (
	chartW, chartH       = 760, 320
	padLeft, padRight    = 44, 12
	padTop, padBottom    = 12, 44
	barShare             = 0.65
	maxXLabels           = 12
	minTicks, tickTarget = 1, 4
)

// newChart lays out t as stacked bars.
func newChart(t reportTable) chart {
	c := chart{Width: chartW, Height: chartH, PlotLeft: padLeft, PlotRight: chartW - padRight, Baseline: chartH - padBottom}
	for i, cat := range t.Categories {
		c.Legend = append(c.Legend, legendItem{Fill: palette[i%len(palette)], Name: cat})
	}
	peak := 0
	for _, row := range t.Rows {
		peak = max(peak, row.Total)
	}
	if peak == 0 || len(t.Rows) == 0 {
		c.Empty = true
		return c
	}
	top, step := niceScale(peak)
	plotH := float64(c.Baseline - padTop)
	for v := 0; v <= top; v += step {
		c.YTicks = append(c.YTicks, tick{Y: c.Baseline - int(float64(v)/float64(top)*plotH+0.5), Label: strconv.Itoa(v)})
	}
	slot := float64(c.PlotRight-c.PlotLeft) / float64(len(t.Rows))
	barW := max(1, int(slot*barShare))
	every := (len(t.Rows) + maxXLabels - 1) / maxXLabels
	for i, row := range t.Rows {
		x := c.PlotLeft + int(float64(i)*slot+(slot-float64(barW))/2)
		if i%every == 0 {
			c.XLabels = append(c.XLabels, label{X: x + barW/2, Y: c.Baseline + 18, Text: row.Month})
		}
		y := float64(c.Baseline)
		for j, n := range row.Counts {
			if n == 0 {
				continue
			}
			h := float64(n) / float64(top) * plotH
			y -= h
			c.Segments = append(c.Segments, segment{X: x, Y: int(y + 0.5), W: barW, H: max(1, int(h+0.5)),
				Fill: palette[j%len(palette)], Title: row.Month + " · " + t.Categories[j] + ": " + strconv.Itoa(n)})
		}
	}
	return c
}

// niceScale rounds peak up to a round axis top with about four steps.
func niceScale(peak int) (top, step int) {
	step = 1
	for _, s := range []int{1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000} {
		step = s
		if (peak+s-1)/s <= tickTarget {
			break
		}
	}
	top = max(minTicks, (peak+step-1)/step) * step
	return top, step
}
