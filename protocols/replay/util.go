package replay

import (
	"strconv"
	"strings"

	"github.com/simrun/simrun/model/xenstore"
)

// parseTid reads the tid out of a transaction start's reply; 0 if it is
// not one.
func parseTid(r xenstore.Response) int {
	if r.Kind != xenstore.KindReply {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSuffix(r.Data, "\x00"))
	if err != nil {
		return 0
	}
	return n
}
