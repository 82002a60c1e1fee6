package bot_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"cercle/bot"
	"cercle/bot/slackfake"
	"cercle/commands"
)

// Answers to "/cercle inscrire", as the core words them in French.
const (
	answerRegistered = "votre place est réservée pour"
	answerWaitlisted = "vous êtes sur la liste d'attente"
	answerWorking    = "Je m'en occupe"
)

// slackDeadline is how long Slack waits for an ack.
const slackDeadline = 3 * time.Second

// createEvent publishes an event a month away with the given capacity.
func (h *harness) createEvent(tb testing.TB, capacity int) *commands.Event {
	tb.Helper()
	start := time.Now().Add(30 * 24 * time.Hour)
	ev := &commands.Event{Kind: commands.KindPlenary, Title: "Plénière", Start: start, End: start.Add(3 * time.Hour),
		CancelCutoff: start.Add(-48 * time.Hour), Capacity: capacity, Status: commands.EventPublished, CreatedBy: "UFAC"}
	if err := h.db.CreateEvent(context.Background(), ev); err != nil {
		tb.Fatal(err)
	}
	return ev
}

// responsesTo returns the bodies posted to the response_url named name.
func (h *harness) responsesTo(name string) []string {
	var out []string
	for _, c := range h.slack.Calls("response_url") {
		if strings.HasSuffix(c.Path, "/response/"+name) {
			out = append(out, unescapeJSON(c.Body))
		}
	}
	return out
}

// drain waits for every request the bot took in, late answers included.
func (h *harness) drain(tb testing.TB) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := h.bot.Wait(ctx); err != nil {
		tb.Fatalf("work still running: %v", err)
	}
}

// registrationAnswer returns the answer a member got to "/cercle
// inscrire": in the ack, or, after a "working on it" ack, at the
// response_url. deferred reports the latter.
func (h *harness) registrationAnswer(tb testing.TB, user, ack string) (answer string, deferred bool) {
	tb.Helper()
	for _, bad := range []string{"sollicité", "Réessayez", "busy"} {
		if strings.Contains(ack, bad) {
			tb.Errorf("%s was refused: %.300s", user, ack)
		}
	}
	if strings.Contains(ack, answerWorking) {
		late := h.responsesTo(user)
		if len(late) != 1 {
			tb.Errorf("%s: acked 'working on it', then %d answers at the response_url, want 1", user, len(late))
			return "", true
		}
		return late[0], true
	}
	return ack, false
}

// countAnswers tells registered from waitlisted answers, and fails on any
// other.
func countAnswers(tb testing.TB, answers map[string]string) (registered, waitlisted int) {
	tb.Helper()
	for user, a := range answers {
		switch {
		case strings.Contains(a, answerRegistered):
			registered++
		case strings.Contains(a, answerWaitlisted):
			waitlisted++
		default:
			tb.Errorf("%s got no registration answer: %.300s", user, a)
		}
	}
	return registered, waitlisted
}

func (h *harness) checkSeats(tb testing.TB, id int64, registered, waitlisted int) {
	tb.Helper()
	got, err := h.db.FindEventByID(context.Background(), id)
	if err != nil {
		tb.Fatal(err)
	}
	if got.Registered != registered || got.Waitlisted != waitlisted {
		tb.Errorf("event in the database: %d registered, %d waitlisted; want %d and %d",
			got.Registered, got.Waitlisted, registered, waitlisted)
	}
}

// TestRegistrationBurstOverHTTP: members, each on first contact, send a
// signed "/cercle inscrire" from hundreds of concurrent clients for an
// event of 200 seats. None is refused, each gets its answer (in the ack,
// or at its response_url after a "working on it" ack), and the database
// holds 200 registered and the rest waitlisted. With the default budget
// (2,000 members, 500 clients) every ack comes within Slack's 3 s; with a
// budget too tight for anything, answers go through response_url.
func TestRegistrationBurstOverHTTP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name             string
		members, clients int
		budget           time.Duration
	}{
		{"DefaultBudget", 2000, 500, 0},
		{"TightBudget", 600, 200, time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, withBot(func(c *bot.Config) { c.AckBudget = tt.budget }))
			deferred, worst := h.registrationBurst(t, tt.members, tt.clients, 200)
			if tt.budget == 0 && !raceEnabled && worst > slackDeadline {
				t.Errorf("slowest ack took %v, over Slack's %v", worst, slackDeadline)
			}
			if tt.budget != 0 && deferred == 0 {
				t.Error("no answer went through response_url with a 1 ms budget")
			}
		})
	}
}

// registrationBurst runs the burst and checks every answer and the
// database; it returns how many answers came after the ack, and the
// slowest ack.
func (h *harness) registrationBurst(t *testing.T, members, clients, seats int) (deferred int, worst time.Duration) {
	ev := h.createEvent(t, seats)
	text := fmt.Sprintf("inscrire %d", ev.ID)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	defer client.CloseIdleConnections()

	acks := make([]string, members)
	latencies := make([]time.Duration, members)
	next := make(chan int)
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				acks[i], latencies[i] = h.timedSlash(t, client, fmt.Sprintf("U%05d", i), text)
			}
		}()
	}
	for i := range members {
		next <- i
	}
	close(next)
	wg.Wait()
	h.drain(t)

	answers := map[string]string{}
	for i, ack := range acks {
		user := fmt.Sprintf("U%05d", i)
		a, late := h.registrationAnswer(t, user, ack)
		answers[user] = a
		if late {
			deferred++
		}
	}
	registered, waitlisted := countAnswers(t, answers)
	if registered != seats || waitlisted != members-seats {
		t.Errorf("answers: %d registered, %d waitlisted; want %d and %d", registered, waitlisted, seats, members-seats)
	}
	h.checkSeats(t, ev.ID, seats, members-seats)
	slices.Sort(latencies)
	worst = latencies[members-1]
	t.Logf("%d requests from %d clients: p50 %v, p99 %v, max %v; %d answered after the ack", members, clients,
		latencies[members/2], latencies[members*99/100], worst, deferred)
	return deferred, worst
}

// timedSlash sends one signed slash command and returns the ack's body
// and how long it took.
func (h *harness) timedSlash(tb testing.TB, client *http.Client, user, text string) (string, time.Duration) {
	body := h.slashBody(user, text)
	req, err := http.NewRequest(http.MethodPost, h.srv.URL, bytes.NewReader(body))
	if err != nil {
		tb.Error(err)
		return "", 0
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	bot.SignRequest(req.Header, testSecret, time.Now(), body)
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		tb.Error(err)
		return "", 0
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	took := time.Since(start)
	if err != nil || resp.StatusCode != http.StatusOK {
		tb.Errorf("%s: status %d, %v: %s", user, resp.StatusCode, err, out)
	}
	return unescapeJSON(string(out)), took
}

// TestHungSlackDoesNotStopRegistrations: Slack's Web API hangs on
// views.publish and on response_url posts, with more Home opens and button
// answers stuck on it than the bot has turns for Slack calls, and for its
// database. Slash commands still register and answer in their ack. Once
// Slack answers again, every stuck Home view and reply goes out.
func TestHungSlackDoesNotStopRegistrations(t *testing.T) {
	t.Parallel()
	const stuck, commands = 20, 50
	// A budget long enough that a command answered late can only mean it
	// waited on Slack, whatever the machine's speed.
	h := newHarness(t, withBot(func(c *bot.Config) {
		c.DBConcurrency, c.SlackConcurrency, c.AckBudget = 2, 4, 20*time.Second
	}))
	hang := make(chan struct{})
	var release sync.Once
	t.Cleanup(func() { release.Do(func() { close(hang) }) })
	for range stuck {
		h.slack.Script("views.publish", slackfake.Reply{Block: hang})
		h.slack.Script("response_url", slackfake.Reply{Block: hang})
	}
	ev := h.createEvent(t, 200)
	id := fmt.Sprint(ev.ID)
	for i := range stuck {
		user := fmt.Sprintf("UH%02d", i)
		if code, _ := h.event(t, "Ev"+user, map[string]any{"type": "app_home_opened", "user": user, "channel": "D" + user, "tab": "home"}); code != http.StatusOK {
			t.Fatalf("home open: status %d", code)
		}
		if code, out := h.interact(t, h.buttonPress(fmt.Sprintf("UB%02d", i), "event.register", id)); code != http.StatusOK || len(out) != 0 {
			t.Fatalf("click: ack %d %s, want an empty 200", code, out)
		}
	}
	// Every Slack turn is now taken by a hung call.
	waitFor(t, func() bool { return len(h.slack.Calls("views.publish"))+len(h.slack.Calls("response_url")) == 4 })

	// The rest wait for a Slack turn, queued, not dropped.
	waitFor(t, func() bool { return h.metricValue(t, "cercle_admission_queue_depth", "slack") == 2*stuck-4 })

	var wg sync.WaitGroup
	for i := range commands {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := fmt.Sprintf("US%02d", i)
			ack := h.slash(t, user, "inscrire "+id)
			if !strings.Contains(ack.raw, answerRegistered) {
				t.Errorf("%s, while Slack hangs: ack %.300s, want the registration", user, ack.raw)
			}
		}()
	}
	wg.Wait()
	h.checkSeats(t, ev.ID, stuck+commands, 0)

	release.Do(func() { close(hang) })
	h.drain(t)
	if d := h.metricValue(t, "cercle_admission_queue_depth", "slack"); d != 0 {
		t.Errorf("Slack queue depth = %v once drained, want 0", d)
	}
	if n := h.metricValue(t, "cercle_admission_wait_seconds", "slack"); n != 2*stuck {
		t.Errorf("Slack waits recorded = %v, want %d", n, 2*stuck)
	}
	if n := len(h.slack.Calls("views.publish")); n != stuck {
		t.Errorf("views.publish calls = %d once Slack answers, want %d", n, stuck)
	}
	for i := range stuck {
		user := fmt.Sprintf("UB%02d", i)
		if late := h.responsesTo(user + "-event.register"); len(late) != 1 || !strings.Contains(late[0], answerRegistered) {
			t.Errorf("%s clicked: answers at the response_url = %q, want its registration", user, late)
		}
	}
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// metricValue returns a gauge's value, or a histogram's sample count, for
// the series with the label class.
func (h *harness) metricValue(tb testing.TB, name, class string) float64 {
	tb.Helper()
	families, err := h.metrics.Registry().Gather()
	if err != nil {
		tb.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() != "class" || l.GetValue() != class {
					continue
				}
				if m.GetHistogram() != nil {
					return float64(m.GetHistogram().GetSampleCount())
				}
				return m.GetGauge().GetValue()
			}
		}
	}
	return 0
}
