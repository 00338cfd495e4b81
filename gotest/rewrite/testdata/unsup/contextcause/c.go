package contextcause

import (
	"context"
	"errors"
	"time"
)

func Start() (context.Context, context.CancelFunc) {
	return context.WithTimeoutCause(context.Background(), time.Second, errors.New("slow"))
}
