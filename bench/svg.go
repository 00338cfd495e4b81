package bench

import (
	"fmt"
	"html"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Plot is one line chart: series of (x, y) points with labelled axes.
type Plot struct {
	Title  string
	XLabel string // with its unit, e.g. "client threads"
	YLabel string // with its unit, e.g. "commits per virtual second"
	LogX   bool
	LogY   bool
	Series []Series
}

// Series is one line of a plot. Published series are drawn dashed with
// hollow markers; simulated ones with filled markers, each series its own
// shape and dash pattern.
type Series struct {
	Name      string
	X, Y      []float64
	Published bool
}

var palette = []string{"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"}

const (
	chartW, chartH                     = 900, 440
	marginL, marginR, marginT, marginB = 90, 260, 50, 60
)

// WriteSVG writes the plots, stacked vertically, as one self-contained SVG
// document.
func WriteSVG(w io.Writer, plots []Plot) error {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n",
		chartW, chartH*len(plots), chartW, chartH*len(plots))
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	for i, p := range plots {
		fmt.Fprintf(&b, `<g transform="translate(0,%d)">`+"\n", i*chartH)
		p.draw(&b)
		b.WriteString("</g>\n")
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

type axis struct {
	lo, hi float64
	log    bool
	a, b   float64 // pixel range
}

func (ax axis) pos(v float64) float64 {
	lo, hi := ax.lo, ax.hi
	if ax.log {
		v, lo, hi = math.Log10(v), math.Log10(lo), math.Log10(hi)
	}
	if hi == lo {
		return (ax.a + ax.b) / 2
	}
	return ax.a + (v-lo)/(hi-lo)*(ax.b-ax.a)
}

func (p Plot) draw(b *strings.Builder) {
	var xs, ys []float64
	for _, s := range p.Series {
		for i := range s.X {
			if ok(s.X[i], p.LogX) && ok(s.Y[i], p.LogY) {
				xs, ys = append(xs, s.X[i]), append(ys, s.Y[i])
			}
		}
	}
	x0, y0 := float64(marginL), float64(chartH-marginB)
	x1, y1 := float64(chartW-marginR), float64(marginT)
	fmt.Fprintf(b, `<text x="%d" y="24" font-size="15" font-weight="bold">%s</text>`+"\n", marginL, esc(p.Title))
	if len(xs) == 0 {
		fmt.Fprintf(b, `<text x="%g" y="%g">no data</text>`+"\n", x0, (y0+y1)/2)
		return
	}
	xa := axis{lo: minOf(xs), hi: maxOf(xs), log: p.LogX, a: x0, b: x1}
	ya := axis{lo: minOf(ys), hi: maxOf(ys), log: p.LogY, a: y0, b: y1}
	var xt, yt []float64
	xa.lo, xa.hi, xt = ticks(xa.lo, xa.hi, xa.log, distinct(xs))
	if !ya.log {
		ya.lo = math.Min(0, ya.lo)
	}
	ya.lo, ya.hi, yt = ticks(ya.lo, ya.hi, ya.log, nil)

	// Grid, ticks and tick labels.
	for _, t := range xt {
		x := xa.pos(t)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%g" x2="%.1f" y2="%g" stroke="#e5e5e5"/>`+"\n", x, y0, x, y1)
		fmt.Fprintf(b, `<text x="%.1f" y="%g" text-anchor="middle">%s</text>`+"\n", x, y0+18, tickLabel(t))
	}
	for _, t := range yt {
		y := ya.pos(t)
		fmt.Fprintf(b, `<line x1="%g" y1="%.1f" x2="%g" y2="%.1f" stroke="#e5e5e5"/>`+"\n", x0, y, x1, y)
		fmt.Fprintf(b, `<text x="%g" y="%.1f" text-anchor="end" dominant-baseline="middle">%s</text>`+"\n", x0-6, y, tickLabel(t))
	}
	fmt.Fprintf(b, `<rect x="%g" y="%g" width="%g" height="%g" fill="none" stroke="black"/>`+"\n", x0, y1, x1-x0, y0-y1)
	scale := func(log bool) string {
		if log {
			return " (log scale)"
		}
		return ""
	}
	fmt.Fprintf(b, `<text x="%g" y="%d" text-anchor="middle" font-size="13">%s</text>`+"\n", (x0+x1)/2, chartH-18, esc(p.XLabel+scale(p.LogX)))
	fmt.Fprintf(b, `<text transform="translate(22,%g) rotate(-90)" text-anchor="middle" font-size="13">%s</text>`+"\n", (y0+y1)/2, esc(p.YLabel+scale(p.LogY)))

	// Series and legend. Series often coincide (four fixes with the same
	// p99), so each keeps its own marker shape and dash pattern, and they
	// are drawn from the widest line and largest marker to the thinnest and
	// smallest: one drawn over another leaves the one below visible around
	// it. The legend says which series coincide with an earlier one.
	n := len(p.Series)
	legendY := float64(marginT + 10)
	for i, s := range p.Series {
		color := palette[i%len(palette)]
		fill := color
		dash := dashes[i%len(dashes)]
		if s.Published {
			dash, fill = "6,4", "white"
		}
		dashAttr := ""
		if dash != "" {
			dashAttr = fmt.Sprintf(` stroke-dasharray="%s"`, dash)
		}
		width := math.Min(1.5+0.7*float64(n-1-i), 4.5)
		r := math.Min(3.5+0.9*float64(n-1-i), 7)
		var pts [][2]float64
		for j := range s.X {
			if ok(s.X[j], p.LogX) && ok(s.Y[j], p.LogY) {
				pts = append(pts, [2]float64{xa.pos(s.X[j]), ya.pos(s.Y[j])})
			}
		}
		if len(pts) > 1 {
			var ps []string
			for _, pt := range pts {
				ps = append(ps, fmt.Sprintf("%.1f,%.1f", pt[0], pt[1]))
			}
			fmt.Fprintf(b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="%.1f" stroke-opacity="0.85"%s/>`+"\n", strings.Join(ps, " "), color, width, dashAttr)
		}
		for _, pt := range pts {
			marker(b, i, pt[0], pt[1], r, fill, color)
		}
		ly, lx := legendY, x1+16
		fmt.Fprintf(b, `<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="%s" stroke-width="2"%s/>`+"\n", lx, ly, lx+28, ly, color, dashAttr)
		marker(b, i, lx+14, ly, 4, fill, color)
		fmt.Fprintf(b, `<text x="%g" y="%g" dominant-baseline="middle">%s</text>`+"\n", lx+36, ly, esc(s.Name))
		legendY += 20
		if same := coincident(p, i); same != "" {
			fmt.Fprintf(b, `<text x="%g" y="%g" dominant-baseline="middle" font-size="10.5" fill="#555">%s</text>`+"\n", lx+36, ly+14, esc(same))
			legendY += 14
		}
	}
}

// dashes are the dash patterns of simulated series, by index.
var dashes = []string{"", "9,4", "3,3", "9,3,2,3", "1,3", "14,4"}

// marker draws the marker of series i at (x, y): a circle, square,
// triangle, diamond, inverted triangle or cross, of radius r.
func marker(b *strings.Builder, i int, x, y, r float64, fill, color string) {
	const attrs = `fill="%s" stroke="%s" stroke-width="1.5"`
	poly := func(pts ...float64) {
		var ps []string
		for k := 0; k < len(pts); k += 2 {
			ps = append(ps, fmt.Sprintf("%.1f,%.1f", x+pts[k]*r, y+pts[k+1]*r))
		}
		fmt.Fprintf(b, `<polygon points="%s" `+attrs+`/>`+"\n", strings.Join(ps, " "), fill, color)
	}
	switch i % 6 {
	case 0:
		fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="%.1f" `+attrs+`/>`+"\n", x, y, r, fill, color)
	case 1:
		poly(-0.85, -0.85, 0.85, -0.85, 0.85, 0.85, -0.85, 0.85)
	case 2:
		poly(0, -1.1, 1, 0.75, -1, 0.75)
	case 3:
		poly(0, -1.15, 1.15, 0, 0, 1.15, -1.15, 0)
	case 4:
		poly(0, 1.1, 1, -0.75, -1, -0.75)
	default:
		fmt.Fprintf(b, `<path d="M%.1f,%.1fL%.1f,%.1fM%.1f,%.1fL%.1f,%.1f" stroke="%s" stroke-width="2.5"/>`+"\n",
			x-r, y-r, x+r, y+r, x-r, y+r, x+r, y-r, color)
	}
}

// coincident says which earlier series of p series i lies on: "same as
// NAME" if every point is equal, "≈ NAME" if every y is within 3 % at the
// same x; "" if none.
func coincident(p Plot, i int) string {
	s := p.Series[i]
	for _, o := range p.Series[:i] {
		if len(o.X) != len(s.X) || len(s.X) == 0 {
			continue
		}
		equal, close := true, true
		for j := range s.X {
			if o.X[j] != s.X[j] {
				equal, close = false, false
				break
			}
			if o.Y[j] != s.Y[j] {
				equal = false
			}
			if d := math.Abs(o.Y[j] - s.Y[j]); d > 0.03*math.Max(math.Abs(o.Y[j]), math.Abs(s.Y[j])) {
				close = false
			}
		}
		switch {
		case equal:
			return "same as " + o.Name
		case close:
			return "≈ " + o.Name
		}
	}
	return ""
}

func ok(v float64, log bool) bool {
	return !math.IsNaN(v) && !math.IsInf(v, 0) && (!log || v > 0)
}

func esc(s string) string { return html.EscapeString(s) }

func minOf(v []float64) float64 {
	m := v[0]
	for _, x := range v {
		m = math.Min(m, x)
	}
	return m
}

func maxOf(v []float64) float64 {
	m := v[0]
	for _, x := range v {
		m = math.Max(m, x)
	}
	return m
}

func distinct(v []float64) []float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// ticks widens [lo, hi] to round bounds and returns the tick values: the
// data's own x values when there are few (for log axes), powers of ten on
// other log axes, and 1-2-5 steps on linear ones.
func ticks(lo, hi float64, log bool, data []float64) (float64, float64, []float64) {
	if log {
		if len(data) > 0 && len(data) <= 12 {
			return lo, hi, data
		}
		l, h := math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
		if l == h {
			h++
		}
		var t []float64
		for e := l; e <= h; e++ {
			t = append(t, math.Pow(10, e))
		}
		return math.Pow(10, l), math.Pow(10, h), t
	}
	if hi == lo {
		hi = lo + 1
	}
	raw := (hi - lo) / 6
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	l, h := math.Floor(lo/step)*step, math.Ceil(hi/step)*step
	var t []float64
	for v := l; v <= h+step/2; v += step {
		t = append(t, v)
	}
	return l, h, t
}

func tickLabel(v float64) string {
	switch a := math.Abs(v); {
	case a == 0:
		return "0"
	case a >= 1e6:
		return strconv.FormatFloat(v/1e6, 'g', 4, 64) + "M"
	case a >= 1e4:
		return strconv.FormatFloat(v/1e3, 'g', 4, 64) + "k"
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}
