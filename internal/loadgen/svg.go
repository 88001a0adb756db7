package loadgen

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"
	"time"
)

// Chart geometry, in SVG user units.
const (
	chartW, chartH       = 760, 440
	padL, padR, padT, pB = 70, 150, 50, 60
)

// Series is one line of a latency chart: a percentile of one configuration.
type Series struct {
	Label string
	Color string
	// Pick returns the plotted latency of a point.
	Pick func(OpResult) time.Duration
	// Dashed draws a dashed line (e.g. a second backend).
	Dashed bool
	Points []SweepPoint
}

// PercentileSeries returns p50, p90 and p99 lines for points, labelled with
// prefix (e.g. "SQLite ").
func PercentileSeries(prefix string, points []SweepPoint, dashed bool) []Series {
	return []Series{
		{Label: prefix + "p50", Color: "#2b8a3e", Pick: func(o OpResult) time.Duration { return o.P50 }, Dashed: dashed, Points: points},
		{Label: prefix + "p90", Color: "#e67700", Pick: func(o OpResult) time.Duration { return o.P90 }, Dashed: dashed, Points: points},
		{Label: prefix + "p99", Color: "#c92a2a", Pick: func(o OpResult) time.Duration { return o.P99 }, Dashed: dashed, Points: points},
	}
}

// WriteSVG draws latency (log scale, ms) against offered load (req/s), with a
// dotted line at target when it is not zero.
func WriteSVG(w io.Writer, title string, series []Series, target time.Duration) error {
	maxRate, lo, hi := 0.0, 1.0, 10.0
	for _, s := range series {
		for _, p := range s.Points {
			maxRate = math.Max(maxRate, p.Rate)
			v := msf(s.Pick(p.Result.Total()))
			lo, hi = math.Min(lo, math.Max(v, 0.01)), math.Max(hi, v)
		}
	}
	lo, hi = math.Pow(10, math.Floor(math.Log10(lo))), math.Pow(10, math.Ceil(math.Log10(hi)))
	x := func(rate float64) float64 { return padL + rate/math.Max(maxRate, 1)*(chartW-padL-padR) }
	y := func(msv float64) float64 {
		f := (math.Log10(math.Max(msv, lo)) - math.Log10(lo)) / (math.Log10(hi) - math.Log10(lo))
		return chartH - pB - f*(chartH-padT-pB)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", chartW, chartH)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", chartW, chartH)
	fmt.Fprintf(&b, `<text x="%d" y="24" font-size="15" font-weight="bold">%s</text>`+"\n", padL, html.EscapeString(title))
	axes(&b, maxRate, lo, hi, x, y)
	if target > 0 && msf(target) >= lo && msf(target) <= hi {
		ty := y(msf(target))
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#555" stroke-dasharray="2,3"/>`+"\n", padL, ty, chartW-padR, ty)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" fill="#555">target %s</text>`+"\n", chartW-padR+6, ty+4, ms(target))
	}
	for i, s := range series {
		lines(&b, s, x, y, i)
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// axes draws the frame, the x ticks (req/s) and the decade y ticks (ms).
func axes(b *strings.Builder, maxRate, lo, hi float64, x func(float64) float64, y func(float64) float64) {
	fmt.Fprintf(b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#333"/>`+"\n", padL, padT, chartW-padL-padR, chartH-padT-pB)
	step := niceStep(maxRate / 8)
	for r := 0.0; r <= maxRate+1e-9; r += step {
		fmt.Fprintf(b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>`, x(r), padT, x(r), chartH-pB)
		fmt.Fprintf(b, `<text x="%.1f" y="%d" text-anchor="middle">%.0f</text>`+"\n", x(r), chartH-pB+16, r)
	}
	for v := lo; v <= hi*1.0001; v *= 10 {
		for _, m := range []float64{1, 2, 5} {
			if tv := v * m; tv <= hi*1.0001 {
				fmt.Fprintf(b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#eee"/>`, padL, y(tv), chartW-padR, y(tv))
				fmt.Fprintf(b, `<text x="%d" y="%.1f" text-anchor="end">%g</text>`+"\n", padL-6, y(tv)+4, tv)
			}
		}
	}
	fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="middle">offered load (requests/s)</text>`+"\n", (padL+chartW-padR)/2, chartH-18)
	fmt.Fprintf(b, `<text transform="translate(18,%d) rotate(-90)" text-anchor="middle">latency (ms, log scale)</text>`+"\n", (padT+chartH-pB)/2)
}

// lines draws one series and its legend entry (the i-th).
func lines(b *strings.Builder, s Series, x func(float64) float64, y func(float64) float64, i int) {
	var pts []string
	for _, p := range s.Points {
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(p.Rate), y(msf(s.Pick(p.Result.Total())))))
	}
	dash := ""
	if s.Dashed {
		dash = ` stroke-dasharray="6,4"`
	}
	fmt.Fprintf(b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>`+"\n", strings.Join(pts, " "), s.Color, dash)
	for _, pt := range pts {
		xy := strings.Split(pt, ",")
		fmt.Fprintf(b, `<circle cx="%s" cy="%s" r="2.5" fill="%s"/>`, xy[0], xy[1], s.Color)
	}
	ly := padT + 10 + i*18
	fmt.Fprintf(b, "\n"+`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"%s/>`, chartW-padR+10, ly, chartW-padR+34, ly, s.Color, dash)
	fmt.Fprintf(b, `<text x="%d" y="%d">%s</text>`+"\n", chartW-padR+40, ly+4, html.EscapeString(s.Label))
}

// niceStep rounds a step up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	if raw <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*p {
			return m * p
		}
	}
	return 10 * p
}
