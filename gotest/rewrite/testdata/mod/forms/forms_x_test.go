package forms_test

import (
	"testing"

	"example.com/rw/forms"
)

var boxes = []*forms.Box[int]{forms.NewBox[int](1)}

func TestExternal(t *testing.T) {
	b := boxes[0]
	b.C <- 3
	if v := <-b.C; v != 3 {
		t.Errorf("got %d", v)
	}
}
