package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"cercle/bot"
	"cercle/bot/slackfake"
	"cercle/commands"
	"cercle/storage"
)

// env returns a getenv over a map, so tests never read the machine's.
func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// lockedBuffer is a bytes.Buffer safe for the writers of a running Main.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestConsoleOnDemoData(t *testing.T) {
	dir := t.TempDir()
	var out, logs lockedBuffer
	m := NewMain()
	m.Stdin = strings.NewReader(strings.Join([]string{
		"/cercle aide",
		":as claire",
		"/cercle profil",
		"", "", "", "", "", // keep every value of the demo company
		"/cercle role @nadia expert",
		":as nadia",
		"/cercle aide",
	}, "\n") + "\n")
	m.Stdout, m.Stderr = &out, &logs
	vars := map[string]string{"CERCLE_DB": filepath.Join(dir, "c.db"), "CERCLE_HTTP_ADDR": "127.0.0.1:0"}
	if err := m.Run(context.Background(), []string{"--demo"}, env(vars)); err != nil {
		t.Fatalf("run: %v\nlogs: %s", err, logs.String())
	}
	got := out.String()
	for _, want := range []string{
		"Données de démonstration chargées",
		"Commandes Cercle",
		"/cercle role @membre animateur|expert|membre", // the local operator is an admin
		"Vous agissez maintenant comme Claire Vasseur",
		"Entreprise [Cercle Hauts-de-France]",
		"Profil enregistré",
		"Cette commande est réservée aux administrateurs", // claire is a facilitator, not an admin
		"Vous agissez maintenant comme Nadia Haddad",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("console output lacks %q\n%s", want, got)
		}
	}
}

func TestConfigReportsEveryProblem(t *testing.T) {
	m := NewMain()
	m.Stderr = io.Discard
	err := m.Run(context.Background(), nil, env(map[string]string{
		"SLACK_BOT_TOKEN":           "xoxp-user-token",
		"CERCLE_TZ":                 "Mars/Olympus",
		"CERCLE_LANG":               "de",
		"LOG_LEVEL":                 "loud",
		"CERCLE_ADMINS":             "U1,<!channel>",
		"CERCLE_CORE_CONCURRENCY":   "0",
		"CERCLE_SLACK_CONCURRENCY":  "beaucoup",
		"CERCLE_SLACK_APP_ID":       "cercle",
		"CERCLE_BUREAU_MIN_REVENUE": "-300000",
	}))
	if err == nil {
		t.Fatal("bad configuration accepted")
	}
	for _, want := range []string{"CERCLE_TZ", "CERCLE_LANG", "LOG_LEVEL", "CERCLE_ADMINS", "xoxb-", "SLACK_SIGNING_SECRET",
		"CERCLE_CORE_CONCURRENCY", "CERCLE_SLACK_CONCURRENCY", "CERCLE_SLACK_APP_ID", "CERCLE_BUREAU_MIN_REVENUE"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %s:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "xoxp-user-token") {
		t.Error("the error prints the token")
	}
}

func TestHelpExitsCleanly(t *testing.T) {
	var out bytes.Buffer
	m := NewMain()
	m.Stderr = &out
	err := m.Run(context.Background(), []string{"--help"}, env(nil))
	if err == nil || !strings.Contains(out.String(), "SLACK_SIGNING_SECRET") || !strings.Contains(out.String(), "CERCLE_ADMINS") {
		t.Errorf("--help: %v\n%s", err, out.String())
	}
	// Every job run-job takes is listed.
	for _, job := range []string{"offers", "reminders", "announcements", "members", "outbox", "bureau"} {
		if !strings.Contains(out.String(), job) {
			t.Errorf("--help does not list the job %s", job)
		}
	}
}

func TestRunJobMembersNeedsSlack(t *testing.T) {
	var out bytes.Buffer
	m := NewMain()
	m.Stdout = &out
	err := m.Run(context.Background(), []string{"run-job", "members"},
		env(map[string]string{"CERCLE_DB": filepath.Join(t.TempDir(), "c.db"), "CERCLE_HTTP_ADDR": "127.0.0.1:0"}))
	if err == nil || !strings.Contains(err.Error(), "SLACK_BOT_TOKEN") || strings.Contains(out.String(), "fait") {
		t.Errorf("run-job members without Slack: %v, printed %q", err, out.String())
	}
	out.Reset()
	err = m.Run(context.Background(), []string{"run-job", "reminders"},
		env(map[string]string{"CERCLE_DB": filepath.Join(t.TempDir(), "c.db"), "CERCLE_HTTP_ADDR": "127.0.0.1:0"}))
	if err != nil || !strings.Contains(out.String(), "reminders : fait") {
		t.Errorf("run-job reminders: %v, printed %q", err, out.String())
	}
}

func TestHTTPModeEndToEnd(t *testing.T) {
	fake := slackfake.Start()
	defer fake.Stop()
	const secret, token = "s3cr3t-signing", "xoxb-very-secret-token"
	var logs lockedBuffer
	m := NewMain()
	m.Stderr = &logs
	ready := make(chan string, 1)
	m.Ready = func(addr string) { ready <- addr }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- m.Run(ctx, nil, env(map[string]string{
			"SLACK_BOT_TOKEN": token, "SLACK_SIGNING_SECRET": secret, "SLACK_API_URL": fake.APIURL(),
			"CERCLE_DB": filepath.Join(t.TempDir(), "c.db"), "CERCLE_HTTP_ADDR": "127.0.0.1:0",
			"CERCLE_ADMINS": "UADMIN", "LOG_LEVEL": "debug",
		}))
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("stopped before ready: %v\n%s", err, logs.String())
	case <-time.After(10 * time.Second):
		t.Fatal("not ready")
	}
	base := "http://" + addr

	body := []byte(url.Values{"user_id": {"UADMIN"}, "user_name": {"admin"}, "team_id": {"T1"}, "channel_id": {"C1"},
		"command": {"/cercle"}, "text": {"aide"}, "response_url": {fake.ResponseURL("x")}, "trigger_id": {"t"}}.Encode())
	req, _ := http.NewRequest(http.MethodPost, base+"/slack/events", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	bot.SignRequest(req.Header, secret, time.Now(), body)
	resp, out := get(t, req)
	if resp.StatusCode != http.StatusOK || !strings.Contains(out, "Commandes Cercle") || !strings.Contains(out, "/cercle role") {
		t.Fatalf("slash: %d %s", resp.StatusCode, out)
	}

	req, _ = http.NewRequest(http.MethodGet, base+"/healthz", nil)
	if resp, out := get(t, req); resp.StatusCode != http.StatusOK || strings.TrimSpace(out) != "ok" {
		t.Errorf("healthz: %d %q", resp.StatusCode, out)
	}
	// The member's profile is completed in the background: wait for its
	// users.info call to be counted (a condition, not a sleep).
	var metricsText string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		req, _ = http.NewRequest(http.MethodGet, base+"/metrics", nil)
		if _, metricsText = get(t, req); strings.Contains(metricsText, `method="users.info"`) {
			break
		}
	}
	for _, want := range []string{
		`cercle_commands_total{command="aide",outcome="ok"} 1`,
		`cercle_ack_latency_seconds_count{kind="slash"} 1`,
		`cercle_slack_api_calls_total{method="users.info",outcome="ok"} 1`,
		`cercle_outbox_pending 0`,
		`cercle_outbox_failed 0`,
	} {
		if !strings.Contains(metricsText, want) {
			t.Errorf("metrics lack %s", want)
		}
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not shut down")
	}
	for _, s := range []string{secret, token} {
		if strings.Contains(logs.String(), s) {
			t.Errorf("logs contain a secret")
		}
	}
}

func get(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestCalendarFeedOverHTTP(t *testing.T) {
	fake := slackfake.Start()
	defer fake.Stop()
	const secret = "s3cr3t"
	m := NewMain()
	var logs lockedBuffer // at debug level: no feed link may reach it
	m.Stderr = &logs
	ready := make(chan string, 1)
	m.Ready = func(addr string) { ready <- addr }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dbPath := filepath.Join(t.TempDir(), "c.db")
	done := make(chan error, 1)
	go func() {
		done <- m.Run(ctx, nil, env(map[string]string{
			"SLACK_BOT_TOKEN": "xoxb-x", "SLACK_SIGNING_SECRET": secret, "SLACK_API_URL": fake.APIURL(),
			"CERCLE_DB": dbPath, "CERCLE_HTTP_ADDR": "127.0.0.1:0", "CERCLE_PUBLIC_URL": "https://cercle.example.org",
			"CERCLE_ADMINS": "UFAC", "CERCLE_SLACK_APP_ID": "A0CERCLE", "LOG_LEVEL": "debug",
		}))
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("stopped: %v", err)
	}
	slash := func(user, text string) string {
		t.Helper()
		body := []byte(url.Values{"user_id": {user}, "team_id": {"T1"}, "channel_id": {"C1"}, "command": {"/cercle"},
			"text": {text}, "response_url": {fake.ResponseURL(user)}, "trigger_id": {"t"}}.Encode())
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/slack/events", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		bot.SignRequest(req.Header, secret, time.Now(), body)
		_, out := get(t, req)
		return out
	}
	// An admin is a facilitator too: create and publish through the store
	// the form would fill, then register through Slack.
	db, err := storage.Open(ctx, dbPath, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(10 * 24 * time.Hour)
	ev := &commands.Event{Kind: commands.KindVisit, Title: "Visite de Gesnord", Place: "Courrières", Start: start,
		End: start.Add(2 * time.Hour), CancelCutoff: start.Add(-48 * time.Hour), Capacity: 10, CreatedBy: "UFAC"}
	if err := db.CreateEvent(ctx, ev); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if out := slash("UFAC", fmt.Sprintf("evenement publier %d", ev.ID)); !strings.Contains(out, "publié") {
		t.Fatalf("publish: %s", out)
	}
	if out := slash("U1", fmt.Sprintf("inscrire %d", ev.ID)); !strings.Contains(out, "réservée") {
		t.Fatalf("register: %s", out)
	}
	out := slash("U1", "agenda lien")
	feed := regexp.MustCompile(`https://cercle\.example\.org(/ical/[a-z0-9]+\.ics)`).FindStringSubmatch(out)
	if feed == nil {
		t.Fatalf("agenda lien: %s", out)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+feed[1], nil)
	resp, ics := get(t, req)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/calendar; charset=utf-8" ||
		!strings.Contains(ics, "SUMMARY:Visite de Gesnord") || !strings.Contains(ics, "BEGIN:VTIMEZONE") ||
		!strings.Contains(ics, "\r\nURL:https://slack.com/app_redirect?app=A0CERCLE\r\n") {
		t.Fatalf("feed: %d %s", resp.StatusCode, ics)
	}
	// Revoking the link kills the old one.
	slash("U1", "agenda nouveau-lien")
	if resp, _ := get(t, req); resp.StatusCode != http.StatusNotFound {
		t.Errorf("old feed after revocation: %d", resp.StatusCode)
	}
	req, _ = http.NewRequest(http.MethodGet, "http://"+addr+"/ical/notatoken.ics", nil)
	if resp, _ := get(t, req); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown token: %d", resp.StatusCode)
	}
	token := strings.TrimSuffix(strings.TrimPrefix(feed[1], "/ical/"), ".ics")
	if out := logs.String(); strings.Contains(out, token) || strings.Contains(out, "/ical/") || !strings.Contains(out, "DEBUG") {
		t.Errorf("a feed link reached the debug log, or nothing was logged at debug:\n%s", out)
	}
}

func TestConsoleEventFlow(t *testing.T) {
	var out lockedBuffer
	m := NewMain()
	m.Stdin = strings.NewReader(strings.Join([]string{
		":as claire",
		"/cercle evenement nouveau",
		"Plénière de printemps", "plenary", "Témoignages de membres", "CCI Grand Lille",
		"2099-03-18 18:30", "2099-03-18 18:00", "1", "", "", // the end comes before the start
		"2099-03-18 21:30",            // so the end is asked again
		"/cercle evenement publier 5", // the demo holds events 1 to 4 (three of the programme, a group meeting)
		":as marc", "/cercle inscrire 5",
		":as nadia", "/cercle inscrire 5", "/cercle agenda",
	}, "\n") + "\n")
	m.Stdout, m.Stderr = &out, io.Discard
	vars := map[string]string{"CERCLE_DB": filepath.Join(t.TempDir(), "c.db"), "CERCLE_HTTP_ADDR": "127.0.0.1:0"}
	if err := m.Run(context.Background(), []string{"--demo"}, env(vars)); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"La fin doit venir après le début",
		"Événement créé",
		"est publié",
		"votre place est réservée pour «\u00a0Plénière de printemps\u00a0», mercredi 18 mars 2099 à 18h30",
		"message direct à @marc",
		"📎 cercle-5.ics",
		"liste d'attente, en position 1",
		"liste d'attente (position 1)",
		": l'économie de la fonctionnalité", // nadia's demo registration, at the plenary of the season
	} {
		if !strings.Contains(got, want) {
			t.Errorf("console lacks %q\n%s", want, got)
		}
	}
}

// TestConsoleLogsGoToAFile: in the console, the log goes to cercle.log
// beside the database (or CERCLE_LOG_FILE), never into the conversation;
// only a warning also shows on the terminal, on a line of its own.
func TestConsoleLogsGoToAFile(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0") // the health server cannot start: a warning
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	for _, tt := range []struct{ name, logFile, want string }{
		{"BesideTheDatabase", "", "cercle.log"},
		{"CERCLE_LOG_FILE", "console.log", "console.log"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			var out, errs lockedBuffer
			m := NewMain()
			m.Stdin = strings.NewReader(":as claire\n/cercle profil\n\n\n\n\n\n/cercle aide\n")
			m.Stdout, m.Stderr = &out, &errs
			vars := map[string]string{"CERCLE_DB": filepath.Join(dir, "c.db"), "CERCLE_HTTP_ADDR": busy.Addr().String(), "LOG_LEVEL": "debug"}
			if tt.logFile != "" {
				vars["CERCLE_LOG_FILE"] = filepath.Join(dir, tt.logFile)
			}
			if err := m.Run(context.Background(), []string{"--demo"}, env(vars)); err != nil {
				t.Fatal(err)
			}
			logged, err := os.ReadFile(filepath.Join(dir, tt.want))
			if err != nil {
				t.Fatalf("no log file: %v", err)
			}
			for _, want := range []string{`level=INFO msg="cercle ready" mode=console`, `level=WARN msg="health server not started"`} {
				if !strings.Contains(string(logged), want) {
					t.Errorf("log file lacks %s:\n%s", want, logged)
				}
			}
			terminal := out.String() + errs.String()
			if strings.Contains(terminal, "level=INFO") || strings.Contains(terminal, "level=DEBUG") || strings.Contains(terminal, "time=") {
				t.Errorf("information lines reached the terminal:\n%s", terminal)
			}
			if n := len(regexp.MustCompile(`(?m)^level=WARN msg="health server not started"`).FindAllString(out.String(), -1)); n != 1 {
				t.Errorf("the warning shows %d times on the terminal, want once on a line of its own:\n%s", n, out.String())
			}
			if !strings.Contains(out.String(), "Profil enregistré") || !strings.Contains(out.String(), "Commandes Cercle") {
				t.Errorf("the conversation is missing:\n%s", out.String())
			}
		})
	}
}
