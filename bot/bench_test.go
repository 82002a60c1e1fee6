package bot_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"cercle/bot"
	"cercle/commands"
)

// BenchmarkSignedSlashHelp measures one signed HTTP "/cercle aide" through
// the whole handler: signature check, parsing, dispatch, the core with its
// SQLite lookup of the member, Block Kit rendering and the JSON ack.
func BenchmarkSignedSlashHelp(b *testing.B) {
	h := newHarness(b)
	body := h.slashBody("U1", "aide")
	h.slash(b, "U1", "aide") // first contact: the member is created outside the loop
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/slack/events", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		bot.SignRequest(req.Header, testSecret, time.Now(), body)
		rec := httptest.NewRecorder()
		h.bot.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkRegisterLoopback starts the real HTTP server on loopback and
// sends signed "/cercle inscrire" requests from 50 concurrent clients,
// each for a distinct member, with synchronous=FULL. It reports requests
// per second and the p50 and p99 latency seen by the clients.
func BenchmarkRegisterLoopback(b *testing.B) {
	const clients = 50
	h := newHarness(b)
	ctx := context.Background()
	start := time.Now().Add(30 * 24 * time.Hour)
	ev := &commands.Event{Kind: commands.KindPlenary, Title: "Plénière", Start: start, End: start.Add(3 * time.Hour),
		CancelCutoff: start.Add(-48 * time.Hour), Capacity: 1000, Status: commands.EventPublished, CreatedBy: "UFAC"}
	if err := h.db.CreateEvent(ctx, ev); err != nil {
		b.Fatal(err)
	}
	// Members exist beforehand, as in a network that has used Cercle:
	// the measure is the registration, not the first contact.
	var wg sync.WaitGroup
	for i := range b.N {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := commands.UserID(fmt.Sprintf("U%07d", i))
			if err := h.db.CreateMember(ctx, &commands.Member{UserID: id, Name: string(id), SyncedAt: time.Now()}); err != nil {
				b.Error(err)
			}
		}()
	}
	wg.Wait()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}}
	text := fmt.Sprintf("inscrire %d", ev.ID)
	latencies := make([]time.Duration, b.N)
	next := make(chan int)
	b.ResetTimer()
	began := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				body := h.slashBody(fmt.Sprintf("U%07d", i), text)
				req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/slack/events", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				bot.SignRequest(req.Header, testSecret, time.Now(), body)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					b.Error(err)
					continue
				}
				out, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				latencies[i] = time.Since(t0)
				if resp.StatusCode != http.StatusOK || !bytes.Contains(out, []byte("réservée")) && !bytes.Contains(out, []byte("attente")) {
					b.Errorf("status %d: %s", resp.StatusCode, out)
				}
			}
		}()
	}
	for i := range b.N {
		next <- i
	}
	close(next)
	wg.Wait()
	elapsed := time.Since(began)
	b.StopTimer()
	slices.Sort(latencies)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(latencies[b.N/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(latencies[b.N*99/100].Microseconds())/1000, "p99-ms")
	got, err := h.db.FindEventByID(ctx, ev.ID)
	if err != nil || got.Registered+got.Waitlisted != b.N || got.Registered > ev.Capacity {
		b.Fatalf("event after the run: %+v, %v", got, err)
	}
}
