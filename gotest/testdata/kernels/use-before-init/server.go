// Package usebeforeinit is a server whose goroutine is started before the
// field it reads is initialised (an order violation).
package usebeforeinit

// Server serves with its config.
type Server struct {
	config string
	served chan string
}

func (s *Server) serve() { s.served <- s.config }

// Start is the buggy constructor: the goroutine may read config before it
// is set.
func Start() *Server {
	s := &Server{served: make(chan string, 1)}
	go s.serve()
	s.config = "loaded"
	return s
}

// StartFixed sets the config first.
func StartFixed() *Server {
	s := &Server{served: make(chan string, 1), config: "loaded"}
	go s.serve()
	return s
}
