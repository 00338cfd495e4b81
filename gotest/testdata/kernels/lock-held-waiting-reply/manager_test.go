package lockheldreply

import "testing"

func TestBuggy(t *testing.T) {
	m := NewManager()
	defer m.Close()
	m.Update("web-0")
	if m.Count("web-0") != 1 {
		t.Error("update lost")
	}
}

func TestFixed(t *testing.T) {
	m := NewManager()
	defer m.Close()
	m.UpdateFixed("web-0")
	if m.Count("web-0") != 1 {
		t.Error("update lost")
	}
}
