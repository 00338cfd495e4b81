package forms_test

import (
	"testing"

	"example.com/rw/forms"
	"go.uber.org/goleak"
)

// TestMain with goleak: the translation runs the tests without it (each
// translated test checks its own leaks).
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreCurrent())
}

var boxes = []*forms.Box[int]{forms.NewBox[int](1)}

func TestExternal(t *testing.T) {
	b := boxes[0]
	b.C <- 3
	if v := <-b.C; v != 3 {
		t.Errorf("got %d", v)
	}
}
