package xenstore

import (
	"testing"
)

func req(op Op, path string, value ...string) Request {
	r := Request{Op: op, Path: path}
	if len(value) > 0 {
		r.Value = value[0]
	}
	return r
}

// TestApply runs request sequences against a fresh store and checks every
// response against the oxenstored rules quoted in each case.
func TestApply(t *testing.T) {
	type step struct {
		dom  int
		req  Request
		want Response
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"read absent is ENOENT", []step{
			{0, req(OpRead, "/a"), Error(ENOENT)},
			{0, req(OpRead, "/a/b/c"), Error(ENOENT)},
		}},
		{"write creates ancestors with empty values", []step{
			{0, req(OpWrite, "/a/b/c", "v"), Ack()},
			{0, req(OpRead, "/a/b"), Reply("")},
			{0, req(OpRead, "/a/b/c"), Reply("v")},
			{0, req(OpDirectory, "/a"), Reply("b\x00")},
		}},
		{"directory is sorted (3068dfd641)", []step{
			{0, req(OpWrite, "/d/z", "1"), Ack()},
			{0, req(OpWrite, "/d/a", "2"), Ack()},
			{0, req(OpMkdir, "/d/m"), Ack()},
			{0, req(OpDirectory, "/d"), Reply("a\x00m\x00z\x00")},
			{0, req(OpDirectory, "/d/a"), Reply("")},
		}},
		{"mkdir existing is ack, rm absent is ack, rm below absent is ENOENT", []step{
			{0, req(OpMkdir, "/a"), Ack()},
			{0, req(OpMkdir, "/a"), Ack()},
			{0, req(OpRm, "/a/x"), Ack()},
			{0, req(OpRm, "/a/x/y"), Error(ENOENT)},
			{0, req(OpRm, "/a"), Ack()},
			{0, req(OpRead, "/a"), Error(ENOENT)},
		}},
		{"invalid paths are EINVAL", []step{
			{0, req(OpRead, ""), Error(EINVAL)},
			{0, req(OpRead, "/a/"), Error(EINVAL)},
			{0, req(OpWrite, "/a//b", "x"), Error(EINVAL)},
			{0, req(OpWrite, "/a b", "x"), Error(EINVAL)},
			{0, req(OpSetPerms, "/", "x0"), Error(EINVAL)},
		}},
		{"relative paths are under the domain's home", []step{
			{3, req(OpRead, "name"), Error(ENOENT)},
			{0, req(OpWrite, "/local/domain/3/name", "vm3"), Ack()},
			{0, req(OpSetPerms, "/local/domain/3", MakePerms(3, AccessNone)), Ack()},
			{0, req(OpSetPerms, "/local/domain/3/name", MakePerms(3, AccessNone)), Ack()},
			{3, req(OpRead, "name"), Reply("vm3")},
		}},
		{"permissions: EACCES for others, owner and ACL allowed", []step{
			{0, req(OpWrite, "/p/q", "secret"), Ack()},
			{5, req(OpRead, "/p/q"), Error(EACCES)},
			{5, req(OpWrite, "/p/q", "x"), Error(EACCES)},
			{5, req(OpWrite, "/p/new", "x"), Error(EACCES)},
			{0, req(OpSetPerms, "/p/q", MakePerms(0, AccessNone, ACLEntry{5, AccessRead})), Ack()},
			{5, req(OpRead, "/p/q"), Reply("secret")},
			{5, req(OpGetPerms, "/p/q"), Reply("n0\x00r5\x00")},
			{5, req(OpWrite, "/p/q", "x"), Error(EACCES)},
			{5, req(OpSetPerms, "/p/q", MakePerms(0, AccessBoth)), Error(EACCES)},
			{5, req(OpSetPerms, "/p/q", MakePerms(5, AccessBoth)), Error(EACCES)},
		}},
		{"implicit ancestors inherit permissions and partial creation stays", []step{
			{0, req(OpMkdir, "/h"), Ack()},
			{0, req(OpSetPerms, "/h", MakePerms(7, AccessNone)), Ack()},
			{7, req(OpWrite, "/h/a/b", "x"), Ack()},
			{0, req(OpGetPerms, "/h/a"), Reply("n7\x00")},
			{0, req(OpSetPerms, "/h/a", MakePerms(0, AccessNone)), Ack()},
			{7, req(OpWrite, "/h/c/d/e", "x"), Ack()},
			{7, req(OpWrite, "/h/a/x/y", "x"), Error(EACCES)},
			{0, req(OpRead, "/h/a/x"), Error(ENOENT)},
		}},
		{"getdomainpath", []step{
			{0, req(OpGetDomainPath, "", "12"), Reply("/local/domain/12\x00")},
			{0, req(OpGetDomainPath, "", "x"), Error(EINVAL)},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := NewStore()
			for i, st := range tc.steps {
				if got := s.Apply(st.dom, st.req); got != st.want {
					t.Fatalf("step %d: dom%d %s = %s, want %s", i, st.dom, st.req, got, st.want)
				}
			}
		})
	}
}

// TestApplyTxn checks atomic application and that a transaction that only
// failed or found nodes present installs nothing.
func TestApplyTxn(t *testing.T) {
	s := NewStore()
	s.Apply(0, req(OpMkdir, "/x"))
	s.Apply(0, req(OpSetPerms, "/x", MakePerms(0, AccessRead)))
	before := s.Dump()
	resps, wrote := s.ApplyTxn(4, []Request{req(OpRead, "/x"), req(OpMkdir, "/x"), req(OpWrite, "/x/a/b", "v")})
	want := []Response{Reply(""), Error(EACCES), Error(EACCES)} // mkdir of an existing node checks write access first
	for i := range want {
		if resps[i] != want[i] {
			t.Errorf("response %d = %s, want %s", i, resps[i], want[i])
		}
	}
	if wrote || s.Dump() != before {
		t.Errorf("read-only transaction installed: wrote=%v\n%s", wrote, s.Dump())
	}
	_, wrote = s.ApplyTxn(0, []Request{req(OpWrite, "/x/a", "1"), req(OpRm, "/x/a")})
	if !wrote || s.Exists("/x/a") {
		t.Errorf("write then rm: wrote=%v exists=%v", wrote, s.Exists("/x/a"))
	}
}

func TestPermsRoundTrip(t *testing.T) {
	for _, s := range []string{"n0", "r5", "b3\x00r0\x00w9", "n0\x00"} {
		p, err := ParsePerms(s)
		if err != nil {
			t.Fatalf("ParsePerms(%q): %v", s, err)
		}
		q, err := ParsePerms(p.String())
		if err != nil || !p.Equiv(q) {
			t.Errorf("round trip of %q: %v %v", s, q, err)
		}
	}
	for _, s := range []string{"", "x0", "r", "r-1", "\x00"} {
		if _, err := ParsePerms(s); err == nil {
			t.Errorf("ParsePerms(%q) accepted", s)
		}
	}
}
