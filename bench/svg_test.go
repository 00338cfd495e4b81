package bench

import (
	"strings"
	"testing"
)

// Series that coincide stay visible: each has its own marker and dash
// pattern, and the legend says which lie on an earlier one.
func TestSVGOverlap(t *testing.T) {
	x := []float64{1, 8, 64}
	tests := []struct {
		y    []float64
		want string // the legend's note for series b
	}{
		{[]float64{10, 20, 30}, "same as a"},
		{[]float64{10.2, 20, 29.5}, "≈ a"},
		{[]float64{10, 20, 40}, ""},
	}
	for _, tc := range tests {
		p := Plot{Title: "t", XLabel: "x", YLabel: "y", LogX: true, Series: []Series{
			{Name: "a", X: x, Y: []float64{10, 20, 30}},
			{Name: "b", X: x, Y: tc.y},
			{Name: "c", X: x, Y: []float64{1, 2, 3}},
		}}
		if got := coincident(p, 1); got != tc.want {
			t.Errorf("b = %v: note %q, want %q", tc.y, got, tc.want)
		}
		var b strings.Builder
		if err := WriteSVG(&b, []Plot{p}); err != nil {
			t.Fatal(err)
		}
		svg := b.String()
		if tc.want != "" && !strings.Contains(svg, ">"+tc.want+"</text>") {
			t.Errorf("b = %v: legend lacks %q", tc.y, tc.want)
		}
		// a: circles, solid; b: squares, dashed 9,4; c: triangles, 3,3.
		if strings.Count(svg, "<circle") != 4 || strings.Count(svg, "<polygon") != 8 ||
			!strings.Contains(svg, `stroke-dasharray="9,4"`) || !strings.Contains(svg, `stroke-dasharray="3,3"`) {
			t.Errorf("markers and dashes do not tell the series apart:\n%s", svg)
		}
		// Drawn widest first, so that the later ones leave it visible.
		i, j := strings.Index(svg, `stroke-width="2.9"`), strings.Index(svg, `stroke-width="1.5"`)
		if i < 0 || j < 0 || i > j {
			t.Errorf("line widths not decreasing: %d, %d", i, j)
		}
	}
}
