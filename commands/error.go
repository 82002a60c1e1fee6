package commands

import (
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
)

// Error codes: what went wrong, in terms a caller can branch on.
const (
	ECONFLICT    = "conflict"    // the action clashes with what is stored (already done)
	EFORBIDDEN   = "forbidden"   // the person lacks the role for it
	EINTERNAL    = "internal"    // a bug or a broken dependency: never shown as is
	EINVALID     = "invalid"     // the input does not parse or breaks a rule
	ENOTFOUND    = "not_found"   // the thing named does not exist
	EUNAVAILABLE = "unavailable" // an outside service (Slack, the AI) is down
)

// Error is an application error: a code and a catalog key, with the
// arguments of the message. The key is translated at the edge, so the same
// error reads in French or English.
type Error struct {
	Code string
	Key  string
	Args []any
}

// Error returns the code and key, for logs.
func (e *Error) Error() string { return fmt.Sprintf("%s: %s %v", e.Code, e.Key, e.Args) }

// Errorf returns an application error with the given code and catalog key.
func Errorf(code, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// ErrorCode returns the code of the application error inside err, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// newErrorRef returns a short random reference that a person can quote and
// an operator can find in the log.
func newErrorRef() string {
	var b [5]byte
	_, _ = rand.Read(b[:])
	return base32.StdEncoding.EncodeToString(b[:])
}
