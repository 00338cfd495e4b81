package jsonout_test

import (
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/simrun/simrun/internal/jsonout"
)

func ExampleWrite() {
	jsonout.Write(os.Stdout, map[string]string{"message": "x := <-ch && done"})
	// Output:
	// {
	//   "message": "x := <-ch && done"
	// }
}

type failing struct{}

func (failing) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		w    io.Writer
		v    any
		want string
	}{
		{"unencodable", &strings.Builder{}, func() {}, "writing JSON: json: unsupported type"},
		{"writer fails", failing{}, 1, "writing JSON: disk full"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := jsonout.Write(c.w, c.v); err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("got %v, want %q...", err, c.want)
			}
		})
	}
}
