package sim

import (
	"fmt"
	"slices"
	"strings"
)

// Clean is the expected verdict of a correct variant: no finding.
const Clean Kind = "clean"

// Variant is one named version of a protocol with the verdict it is
// expected to get: Clean, or the kind of finding its seeded bug causes.
type Variant struct {
	Name     string
	Expected Kind
	// Also lists other kinds this variant legitimately shows: for a
	// seeded bug, such as the data race behind its lost wakeup; for a
	// variant expected Clean, a known and explained result of the design
	// it models faithfully (oxenstored's write skew through requests that
	// record no path), which does not make it a mismatch.
	Also []Kind
	Doc  string
}

// Judge returns the verdict of a set of findings (kinds in the order they
// were first found) against the variant's expectation: the expected kind
// if it was found, else the first kind found, else Clean; ok when the
// expected kind was found (or, for a variant expected Clean, nothing but
// kinds of Also) and every other kind found is one of Also.
func (v Variant) Judge(found []Kind) (verdict Kind, ok bool) {
	verdict = Clean
	seen := false
	for _, k := range found {
		if k == v.Expected {
			seen = true
		}
	}
	switch {
	case seen:
		verdict = v.Expected
	case len(found) > 0:
		verdict = found[0]
	}
	ok = seen || v.Expected == Clean
	for _, k := range found {
		if k != v.Expected && !slices.Contains(v.Also, k) {
			ok = false
		}
	}
	return verdict, ok
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
