package rewrite

import (
	"go/token"

	"golang.org/x/tools/go/packages"
)

type Config struct{ Runtime string }
type File struct {
	Path    string
	Content []byte
}
type Unsupported struct{ Problems []Problem }
type Problem struct {
	Pos  token.Position
	What string
}

func (u *Unsupported) Error() string { return "unsupported" }
func Package(pkg *packages.Package, cfg Config) (files []File, tests []string, err error) {
	return nil, nil, nil
}
