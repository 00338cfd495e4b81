package mainonly

import (
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestTwo(t *testing.T) {
	if Two() != 2 {
		t.Fatal("two")
	}
}
