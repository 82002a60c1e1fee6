package bot

import (
	"context"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// maxSignatureAge is how far a request's timestamp may be from now, either
// way, as Slack advises: an older one may be a replay.
const maxSignatureAge = 5 * time.Minute

// checkSignatureHeaders refuses, before a byte of the body is read, a
// request that cannot be Slack's: no signing secret, no "v0=" signature of
// 32 hex bytes, or no timestamp within five minutes of now. The body's
// HMAC is checked once it is read (verify).
func (b *Bot) checkSignatureHeaders(h http.Header, now time.Time) error {
	if b.cfg.SigningSecret == "" {
		return errors.New("no signing secret configured")
	}
	sig, ok := strings.CutPrefix(h.Get("X-Slack-Signature"), "v0=")
	if !ok || len(sig) != 64 {
		return errors.New("missing or malformed X-Slack-Signature")
	}
	if _, err := hex.DecodeString(sig); err != nil {
		return errors.New("malformed X-Slack-Signature")
	}
	ts, err := strconv.ParseInt(h.Get("X-Slack-Request-Timestamp"), 10, 64)
	if err != nil {
		return errors.New("missing or malformed X-Slack-Request-Timestamp")
	}
	if d := now.Sub(time.Unix(ts, 0)); d > maxSignatureAge || d < -maxSignatureAge {
		return errors.New("X-Slack-Request-Timestamp too far from now")
	}
	return nil
}

// bodyBudget bounds the bytes of request bodies being read and held at
// once, across all requests, so many large bodies cannot grow the heap
// without limit. A request reserves its Content-Length (or the largest
// body allowed, when unknown) before reading, and gives it back when its
// handler returns. A reader that trickles its body holds its share at
// most until the server's ReadTimeout fails the read.
type bodyBudget struct {
	mu    sync.Mutex
	limit int64
	held  int64
	peak  int64         // the most held at once: a test hook
	freed chan struct{} // closed, and replaced, when bytes are given back
}

func newBodyBudget(limit int64) *bodyBudget {
	return &bodyBudget{limit: limit, freed: make(chan struct{})}
}

// acquire reserves n bytes, waiting until they are free or ctx ends; it
// reports whether it reserved them.
func (bb *bodyBudget) acquire(ctx context.Context, n int64) bool {
	for {
		bb.mu.Lock()
		if bb.held+n <= bb.limit {
			bb.held += n
			bb.peak = max(bb.peak, bb.held)
			bb.mu.Unlock()
			return true
		}
		freed := bb.freed
		bb.mu.Unlock()
		select {
		case <-freed:
		case <-ctx.Done():
			return false
		}
	}
}

// release gives back n bytes and wakes the requests waiting for them.
func (bb *bodyBudget) release(n int64) {
	bb.mu.Lock()
	defer bb.mu.Unlock()
	bb.held -= n
	close(bb.freed)
	bb.freed = make(chan struct{})
}

// Peak returns the most bytes held at once so far.
func (bb *bodyBudget) Peak() int64 {
	bb.mu.Lock()
	defer bb.mu.Unlock()
	return bb.peak
}

// errBudget is a body that found no room in the budget in time.
var errBudget = errors.New("body budget exhausted")

// readBody reads r's body within the budget: it refuses a body declared
// larger than maxBodyBytes, waits at most BodyWait for room, and returns
// the release to call once the body is no longer needed.
func (b *Bot) readBody(w http.ResponseWriter, r *http.Request) ([]byte, func(), error) {
	if r.ContentLength > maxBodyBytes {
		return nil, nil, &http.MaxBytesError{Limit: maxBodyBytes}
	}
	n := r.ContentLength
	if n < 0 {
		n = maxBodyBytes // chunked: the most it may be
	}
	ctx, cancel := context.WithTimeout(r.Context(), b.cfg.BodyWait)
	ok := b.body.acquire(ctx, n)
	cancel()
	if !ok {
		return nil, nil, errBudget
	}
	release := func() { b.body.release(n) }
	body, err := readN(http.MaxBytesReader(w, r.Body, n), r.ContentLength)
	if err != nil {
		release()
		return nil, nil, err
	}
	return body, release, nil
}

// readN reads a body of length bytes (-1: unknown) in one allocation of
// its size when known, rather than io.ReadAll's doubling, whose discarded
// buffers double the garbage of a large body.
func readN(r io.Reader, length int64) ([]byte, error) {
	if length < 0 {
		return io.ReadAll(r)
	}
	buf := make([]byte, length)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	return buf, nil
}
