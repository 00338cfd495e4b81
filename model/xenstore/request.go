package xenstore

import (
	"fmt"
	"strconv"
	"strings"
)

// Op is a xenstore request type.
type Op uint8

// The request types modelled.
const (
	OpInvalid       Op = iota
	OpRead             // XS_READ: the value of a node
	OpWrite            // XS_WRITE: set a node's value, creating it and its ancestors
	OpMkdir            // XS_MKDIR: create a node and its ancestors
	OpRm               // XS_RM: remove a node and its subtree
	OpDirectory        // XS_DIRECTORY: the names of a node's children
	OpGetPerms         // XS_GET_PERMS
	OpSetPerms         // XS_SET_PERMS
	OpTxStart          // XS_TRANSACTION_START
	OpTxEnd            // XS_TRANSACTION_END: Value "T" commits, "F" aborts
	OpGetDomainPath    // XS_GET_DOMAIN_PATH: Value is the domid
)

var opNames = [...]string{"invalid", "read", "write", "mkdir", "rm", "directory", "getperms", "setperms", "txstart", "txend", "getdomainpath"}

// String returns the lower-case name of the operation.
func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return "op(" + strconv.Itoa(int(o)) + ")"
}

// Writes reports whether o may change the tree.
func (o Op) Writes() bool {
	return o == OpWrite || o == OpMkdir || o == OpRm || o == OpSetPerms
}

// Request is one xenstore request. Path is the node (absolute, or relative
// to the connection's /local/domain/<domid>); Value is the data written,
// the permissions set (as PermsString), "T"/"F" for OpTxEnd, or the domid
// for OpGetDomainPath.
type Request struct {
	Op    Op
	Path  string
	Value string
}

// String formats r compactly, e.g. `write /a/b="v"`.
func (r Request) String() string {
	switch r.Op {
	case OpWrite, OpSetPerms:
		return fmt.Sprintf("%s %s=%q", r.Op, r.Path, r.Value)
	case OpTxStart:
		return r.Op.String()
	case OpTxEnd, OpGetDomainPath:
		return fmt.Sprintf("%s %s", r.Op, r.Value)
	}
	return fmt.Sprintf("%s %s", r.Op, r.Path)
}

// Kind is the kind of a response.
type Kind uint8

// Response kinds, as oxenstored's Packet.response.
const (
	KindAck   Kind = iota + 1 // Packet.Ack
	KindReply                 // Packet.Reply: Data is the payload
	KindError                 // Packet.Error: Data is the errno name
)

// The errors oxenstored answers with, by name as on the wire.
const (
	ENOENT = "ENOENT"
	EEXIST = "EEXIST"
	EINVAL = "EINVAL"
	EACCES = "EACCES"
	EAGAIN = "EAGAIN"
	EBUSY  = "EBUSY"
	EQUOTA = "EQUOTA" // quota-maxrequests reached (a domU's transaction)
)

// Response is the answer to one request.
type Response struct {
	Kind Kind
	Data string
}

// Ack is the acknowledgement of a request without payload.
func Ack() Response { return Response{Kind: KindAck} }

// Reply is a response carrying data.
func Reply(data string) Response { return Response{Kind: KindReply, Data: data} }

// Error is an error response with the errno name, e.g. Error(ENOENT).
func Error(errno string) Response { return Response{Kind: KindError, Data: errno} }

// IsError reports whether r is an error response.
func (r Response) IsError() bool { return r.Kind == KindError }

// Equal is oxenstored's Packet.response_equal: two acks are equal whatever
// follow-up action they carry; replies and errors are equal when their
// strings are.
func (r Response) Equal(o Response) bool {
	if r.Kind != o.Kind {
		return false
	}
	return r.Kind == KindAck || r.Data == o.Data
}

// String formats r, with NUL bytes shown as \0.
func (r Response) String() string {
	switch r.Kind {
	case KindAck:
		return "ack"
	case KindReply:
		return "reply " + strconv.Quote(strings.ReplaceAll(r.Data, "\x00", `\0`))
	case KindError:
		return "error " + r.Data
	}
	return "response(?)"
}

// DomainPath is the home path of a domain, /local/domain/<domid>.
func DomainPath(domid int) string { return "/local/domain/" + strconv.Itoa(domid) }
