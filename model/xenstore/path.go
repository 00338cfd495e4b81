package xenstore

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// MaxPathLen is the longest path oxenstored accepts (Utils.path_validate).
const MaxPathLen = 1024

// errBadPath is wrapped by ParsePath errors; oxenstored answers EINVAL.
var errBadPath = errors.New("invalid path")

// ParsePath resolves a request path for a connection of domain dom into
// its components; the root is the empty slice. A path not starting with
// "/" is relative to /local/domain/<dom>/. Components must be non-empty and
// made of letters, digits, '_', '-' and '@'. Special watch paths ("@...")
// are not store paths here and are rejected.
func ParsePath(p string, dom int) ([]string, error) {
	if len(p) == 0 || len(p) > MaxPathLen {
		return nil, fmt.Errorf("%w: length %d", errBadPath, len(p))
	}
	if p[0] == '@' {
		return nil, fmt.Errorf("%w: special path %q", errBadPath, p)
	}
	if p[0] != '/' {
		p = "/local/domain/" + strconv.Itoa(dom) + "/" + p
		if len(p) > MaxPathLen {
			return nil, fmt.Errorf("%w: length %d", errBadPath, len(p))
		}
	}
	if p == "/" {
		return []string{}, nil
	}
	parts := strings.Split(p[1:], "/")
	for _, c := range parts {
		if !validName(c) {
			return nil, fmt.Errorf("%w: component %q of %q", errBadPath, c, p)
		}
	}
	return parts, nil
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '@'
		if !ok {
			return false
		}
	}
	return true
}

// JoinPath is the inverse of ParsePath for absolute paths.
func JoinPath(parts []string) string { return "/" + strings.Join(parts, "/") }

// CommonPrefix is oxenstored's Store.Path.get_common_prefix.
func CommonPrefix(a, b []string) []string {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return a[:n:n]
}

// Parent is the parent path; the root is its own parent.
func Parent(p []string) []string {
	if len(p) == 0 {
		return p
	}
	return p[: len(p)-1 : len(p)-1]
}

// IsPrefix reports whether p is an ancestor of q or q itself.
func IsPrefix(p, q []string) bool {
	if len(p) > len(q) {
		return false
	}
	for i := range p {
		if p[i] != q[i] {
			return false
		}
	}
	return true
}
