package xenstore

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Access is a permission letter of a xenstore ACL.
type Access byte

// The access rights: none, read, write, both.
const (
	AccessNone  Access = 'n'
	AccessRead  Access = 'r'
	AccessWrite Access = 'w'
	AccessBoth  Access = 'b'
)

func (a Access) allows(want Access) bool {
	return a == AccessBoth || a == want
}

// ACLEntry grants Access to one domain.
type ACLEntry struct {
	Dom    int
	Access Access
}

// Perms are a node's permissions: its owner (who may do anything), the
// access of every other domain, and per-domain exceptions.
type Perms struct {
	Owner int
	Other Access
	ACL   []ACLEntry
}

// DefaultPerms are the root's permissions: owned by domain 0, no access for
// others (oxenstored Perms.Node.default0).
var DefaultPerms = Perms{Owner: 0, Other: AccessNone}

// String is the wire form, as oxenstored's Perms.Node.to_string: entries
// such as "n0" (owner 0, others none) and "r5" (domain 5 may read),
// separated by NUL bytes.
func (p Perms) String() string {
	var b strings.Builder
	b.WriteByte(byte(p.Other))
	b.WriteString(strconv.Itoa(p.Owner))
	for _, e := range p.ACL {
		b.WriteByte(0)
		b.WriteByte(byte(e.Access))
		b.WriteString(strconv.Itoa(e.Dom))
	}
	return b.String()
}

// Equiv is oxenstored's Perms.equiv: same owner, same other access, and the
// same ACL as a set.
func (p Perms) Equiv(q Perms) bool {
	if p.Owner != q.Owner || p.Other != q.Other || len(p.ACL) != len(q.ACL) {
		return false
	}
	cmp := func(a, b ACLEntry) int {
		if a.Dom != b.Dom {
			return a.Dom - b.Dom
		}
		return int(a.Access) - int(b.Access)
	}
	a, b := slices.Clone(p.ACL), slices.Clone(q.ACL)
	slices.SortFunc(a, cmp)
	slices.SortFunc(b, cmp)
	return slices.Equal(a, b)
}

// errBadPerms is wrapped by ParsePerms errors.
var errBadPerms = errors.New("bad permissions")

// ParsePerms parses the wire form (see Perms.String); empty entries, as
// left by a trailing NUL, are skipped. It fails, as oxenstored answers
// EINVAL, on an unknown letter, a bad domid or no entries at all.
func ParsePerms(s string) (Perms, error) {
	var entries []ACLEntry
	for _, f := range strings.Split(s, "\x00") {
		if f == "" {
			continue
		}
		a := Access(f[0])
		if a != AccessNone && a != AccessRead && a != AccessWrite && a != AccessBoth {
			return Perms{}, fmt.Errorf("%w: access %q in %q", errBadPerms, f[0], s)
		}
		d, err := strconv.Atoi(f[1:])
		if err != nil || d < 0 {
			return Perms{}, fmt.Errorf("%w: domid %q in %q", errBadPerms, f[1:], s)
		}
		entries = append(entries, ACLEntry{Dom: d, Access: a})
	}
	if len(entries) == 0 {
		return Perms{}, fmt.Errorf("%w: no entries in %q", errBadPerms, s)
	}
	p := Perms{Owner: entries[0].Dom, Other: entries[0].Access}
	if len(entries) > 1 {
		p.ACL = entries[1:]
	}
	return p, nil
}

// MakePerms builds the wire form of permissions: owner, other access, then
// (domid, access) pairs. It is a convenience for workloads and tests.
func MakePerms(owner int, other Access, acl ...ACLEntry) string {
	return Perms{Owner: owner, Other: other, ACL: acl}.String()
}

// Allows reports whether domain dom may access a node with these
// permissions for want (AccessRead or AccessWrite): domain 0 and the owner
// always may; otherwise the domain's ACL entry decides, or else Other.
func (p Perms) Allows(dom int, want Access) bool {
	if dom == 0 || dom == p.Owner {
		return true
	}
	for _, e := range p.ACL {
		if e.Dom == dom {
			return e.Access.allows(want)
		}
	}
	return p.Other.allows(want)
}

// IsOwner is oxenstored's Perms.check_owner: domain 0 or the owner.
func (p Perms) IsOwner(dom int) bool { return dom == 0 || dom == p.Owner }
