package main

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestConfigKey(t *testing.T) {
	key := func(args ...string) string {
		fs := newFlags("run", io.Discard)
		var f runFlags
		f.register(fs)
		if _, err := parseFlags(fs, args); err != nil {
			t.Fatal(err)
		}
		return configKey(fs, "extra")
	}
	base := key("-protocol", "lockfree", "-threads", "3")
	for _, c := range []struct {
		args []string
		same bool
	}{
		{[]string{"-threads", "3", "-protocol", "lockfree"}, true},                                  // order
		{[]string{"-protocol", "lockfree", "-threads", "3", "-out", "x", "-workers", "1"}, true},    // where, how fast
		{[]string{"-protocol", "lockfree", "-threads", "3", "-runs", "5", "-json", "-quiet"}, true}, // budget, output
		{[]string{"-protocol", "lockfree", "-threads", "4"}, false},
		{[]string{"-protocol", "lockfree", "-threads", "3", "-minimize=false"}, false},
		{[]string{"-protocol", "lockfree", "-threads", "3", "-spurious=false"}, false},
	} {
		if got := key(c.args...); (got == base) != c.same {
			t.Errorf("%v: key %s, base %s: want same %v", c.args, got, base, c.same)
		}
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.json")
	for _, data := range []string{"first", "second"} {
		if err := writeFileAtomic(path, []byte(data)); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != data {
			t.Fatalf("read %q, %v; want %q", got, err, data)
		}
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", st.Mode().Perm())
	}
	if err := writeFileAtomic(filepath.Join(dir, "no", "such", "dir.json"), []byte("x")); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("want only t.json in the directory, got %v", entries)
	}
}
