package sim

// Name is the name of a shared object, kept in parts and formatted only
// when a trace is captured or a finding explained, so that making the
// objects of an execution formats no string. It reads base, or
// base[index] when index is set: LOCK_commit_ordered[t3].
type Name struct {
	base, index string
}

// Indexed names the object base[index], such as one thread's mutex
// (Indexed("LOCK_wait", "t3") is LOCK_wait[t3]).
func Indexed(base, index string) Name { return Name{base: base, index: index} }

func (n Name) String() string {
	if n.index == "" {
		return n.base
	}
	return n.base + "[" + n.index + "]"
}
