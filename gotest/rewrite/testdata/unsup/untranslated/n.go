package untranslated

import (
	"context"
	"net/http"
	"os"
	"os/signal"
)

func Wait(ctx context.Context) (*http.Request, error) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt)
	return http.NewRequestWithContext(ctx, "GET", "http://x", nil)
}

func Ctx(r *http.Request) context.Context { return r.Context() }

func Serve(ctx context.Context) *http.Server {
	srv := &http.Server{BaseContext: nil}
	srv.BaseContext = nil
	return srv
}
