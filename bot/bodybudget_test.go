package bot_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cercle/bot"
)

// countingReader counts the bytes read from it and can hold its reader
// until release is closed.
type countingReader struct {
	r       io.Reader
	n       atomic.Int64
	started chan struct{} // closed at the first read, if not nil
	release chan struct{} // the first read waits for it, if not nil
	once    sync.Once
}

func (c *countingReader) Read(p []byte) (int, error) {
	c.once.Do(func() {
		if c.started != nil {
			close(c.started)
		}
		if c.release != nil {
			<-c.release
		}
	})
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func bigRequest(body *countingReader, size int64, sign func(http.Header)) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/slack/events", body)
	req.ContentLength = size
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	sign(req.Header)
	return req
}

func TestUnsignedBodyIsNotRead(t *testing.T) {
	h := newHarness(t)
	const size = 1 << 20
	tests := map[string]func(http.Header){
		"NoHeaders": func(http.Header) {},
		"NoTimestamp": func(hd http.Header) {
			hd.Set("X-Slack-Signature", bot.Sign(testSecret, time.Now().Unix(), nil))
		},
		"NotV0": func(hd http.Header) {
			bot.SignRequest(hd, testSecret, time.Now(), nil)
			hd.Set("X-Slack-Signature", "v1="+hd.Get("X-Slack-Signature")[3:])
		},
		"Stale": func(hd http.Header) { bot.SignRequest(hd, testSecret, time.Now().Add(-6*time.Minute), nil) },
	}
	for name, sign := range tests {
		t.Run(name, func(t *testing.T) {
			body := &countingReader{r: bytes.NewReader(make([]byte, size))}
			rec := httptest.NewRecorder()
			h.bot.ServeHTTP(rec, bigRequest(body, size, sign))
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("status = %d, want 401", rec.Code)
			}
			if n := body.n.Load(); n != 0 {
				t.Errorf("read %d bytes of a request refused on its headers, want 0", n)
			}
		})
	}
}

func TestBodyBudgetBoundsBytesHeld(t *testing.T) {
	const budget, size, clients = 4 << 20, 1 << 20, 32
	h := newHarness(t, withBot(func(c *bot.Config) { c.BodyBudget, c.BodyWait = budget, time.Minute }))
	var wg sync.WaitGroup
	codes := make([]int, clients)
	var read atomic.Int64
	for i := range clients {
		wg.Go(func() {
			// Well-formed headers, wrong signature: read, then refused.
			body := &countingReader{r: bytes.NewReader(make([]byte, size))}
			rec := httptest.NewRecorder()
			h.bot.ServeHTTP(rec, bigRequest(body, size, func(hd http.Header) {
				bot.SignRequest(hd, "not-the-secret", time.Now(), nil)
			}))
			codes[i] = rec.Code
			read.Add(body.n.Load())
		})
	}
	wg.Wait()
	for i, c := range codes {
		if c != http.StatusUnauthorized {
			t.Errorf("client %d: status %d, want 401", i, c)
		}
	}
	if got, want := read.Load(), int64(clients*size); got != want {
		t.Errorf("read %d bytes, want %d", got, want)
	}
	if peak := h.bot.BodyPeak(); peak > budget || peak < size {
		t.Errorf("peak bytes held = %d, want between %d and the budget %d", peak, size, budget)
	}
}

func TestBodyBudgetFullRefusesWith503(t *testing.T) {
	const size = 1 << 20
	h := newHarness(t, withBot(func(c *bot.Config) { c.BodyBudget, c.BodyWait = size, 50*time.Millisecond }))
	sign := func(hd http.Header) { bot.SignRequest(hd, "not-the-secret", time.Now(), nil) }
	// A slow client holds the whole budget while its body trickles in.
	slow := &countingReader{r: bytes.NewReader(make([]byte, size)), started: make(chan struct{}), release: make(chan struct{})}
	done := make(chan int)
	go func() {
		rec := httptest.NewRecorder()
		h.bot.ServeHTTP(rec, bigRequest(slow, size, sign))
		done <- rec.Code
	}()
	<-slow.started
	next := &countingReader{r: bytes.NewReader(make([]byte, size))}
	rec := httptest.NewRecorder()
	h.bot.ServeHTTP(rec, bigRequest(next, size, sign))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("over budget: status = %d, want 503", rec.Code)
	}
	if n := next.n.Load(); n != 0 {
		t.Errorf("over budget: read %d bytes, want 0", n)
	}
	close(slow.release)
	if code := <-done; code != http.StatusUnauthorized {
		t.Errorf("slow client: status = %d, want 401", code)
	}
}
