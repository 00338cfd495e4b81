package sim

import (
	"fmt"
	"strings"
)

// Clean is the expected verdict of a correct variant: no finding.
const Clean Kind = "clean"

// Variant is one named version of a protocol with the verdict it is
// expected to get: Clean, or the kind of finding its seeded bug causes.
type Variant struct {
	Name     string
	Expected Kind
	Doc      string
}

// FindVariant returns the variant named name, or an error listing the known
// ones.
func FindVariant(vs []Variant, name string) (Variant, error) {
	var names []string
	for _, v := range vs {
		if v.Name == name {
			return v, nil
		}
		names = append(names, v.Name)
	}
	return Variant{}, fmt.Errorf("unknown variant %q (known: %s)", name, strings.Join(names, ", "))
}
