// Command loadgen is a load generator for Cercle's HTTP mode. It plays
// Slack: it signs requests exactly as Slack does (HMAC-SHA256 of
// "v0:<timestamp>:<body>" with the signing secret, in the
// X-Slack-Request-Timestamp and X-Slack-Signature headers) and posts
// "/cercle inscrire <event>" slash commands to POST /slack/events, from
// -clients concurrent clients, once for each of -members distinct user ids.
// The ids start with -prefix, so a run's members are new to the bot.
//
// It prints the number of requests, successes (HTTP 200 and a reply that
// says the member is registered or on the waitlist), failures, replies
// with the "very busy" text, the rate, and the p50/p90/p99/max latency
// seen by the clients, then one RESULT line for scripts. It exits 1 if a
// request failed.
//
// It uses only the standard library; tools/loadtest.sh builds and runs it.
//
//	loadgen -url http://127.0.0.1:8080/slack/events -secret S -event 1
package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Words of the replies, from i18n/fr.json and en.json: register.done,
// register.waitlisted and bot.busy. "déjà inscrit" (register.already)
// does not match, on purpose.
var (
	registeredWords = []string{"votre place est réservée pour", "vous êtes inscrit à", "you are registered for"} // register.done
	waitlistedWords = []string{"vous êtes sur la liste d'attente", "you are on the waitlist"}                    // register.waitlisted
	busyWords       = []string{"très sollicité", "very busy"}                                                    // the refusal of versions that refused under load
	lateWords       = []string{"Je m'en occupe", "On it:"}                                                       // bot.working: the ack budget ran out
)

// options are the flags of a run.
type options struct {
	target, secret, prefix, respURL string
	clients, members, showFails     int
	event                           int64
	timeout, wantP99                time.Duration
	warmup                          bool
	wantRate                        float64
}

func parseOptions() options {
	var o options
	flag.StringVar(&o.target, "url", "http://127.0.0.1:8080/slack/events", "Cercle's Slack endpoint")
	flag.StringVar(&o.secret, "secret", os.Getenv("SLACK_SIGNING_SECRET"), "signing secret (default $SLACK_SIGNING_SECRET)")
	flag.IntVar(&o.clients, "clients", 50, "concurrent clients")
	flag.IntVar(&o.members, "members", 2000, "distinct members, one registration each")
	flag.Int64Var(&o.event, "event", 0, "id of a published event (required)")
	flag.StringVar(&o.prefix, "prefix", "", "user id prefix, new to the bot (default: L and the time, base 36)")
	flag.StringVar(&o.respURL, "response-url", "http://127.0.0.1:9/hooks/load", "response_url sent with each command (Slack's Web API host of the run, so the bot trusts it)")
	flag.DurationVar(&o.timeout, "timeout", 10*time.Second, "timeout of one request")
	flag.BoolVar(&o.warmup, "warmup", true, "open the clients' connections with GET /healthz before the run")
	flag.Float64Var(&o.wantRate, "want-rate", 0, "target rate in requests/s; when set, the verdict is printed")
	flag.DurationVar(&o.wantP99, "want-p99", 0, "target p99 latency; when set, the verdict is printed")
	flag.IntVar(&o.showFails, "show-failures", 3, "failed replies to print")
	flag.Parse()
	if o.event <= 0 || o.secret == "" || o.clients <= 0 || o.members <= 0 {
		fmt.Fprintln(os.Stderr, "loadgen: -event, -secret, -clients and -members are required (see -h)")
		os.Exit(2)
	}
	if o.prefix == "" {
		o.prefix = "L" + strings.ToUpper(strconv.FormatInt(time.Now().UnixNano()/1e6, 36))
	}
	return o
}

func main() {
	o := parseOptions()
	client := &http.Client{
		Timeout: o.timeout,
		Transport: &http.Transport{
			MaxIdleConns:        o.clients,
			MaxIdleConnsPerHost: o.clients,
			MaxConnsPerHost:     o.clients,
			DisableCompression:  true,
		},
	}
	if o.warmup {
		warm(client, o.target, o.clients)
	}
	results, failures, elapsed := run(client, o, slashBodies(o))
	if !report(o, results, failures, elapsed) {
		os.Exit(1)
	}
}

// slashBodies encodes every request before the clock starts; signing is
// per request, since it covers the timestamp.
func slashBodies(o options) [][]byte {
	bodies := make([][]byte, o.members)
	for i := range bodies {
		user := fmt.Sprintf("%s%06d", o.prefix, i)
		bodies[i] = []byte(url.Values{
			"token": {"ignored"}, "team_id": {"TLOAD"}, "team_domain": {"load"},
			"channel_id": {"DLOAD"}, "channel_name": {"directmessage"},
			"user_id": {user}, "user_name": {strings.ToLower(user)},
			"command": {"/cercle"}, "text": {fmt.Sprintf("inscrire %d", o.event)},
			"response_url": {o.respURL}, "trigger_id": {"trigger." + user}, "api_app_id": {"ALOAD"},
		}.Encode())
	}
	return bodies
}

type result struct {
	latency time.Duration
	kind    outcome
}

// run sends every body from o.clients clients and returns each result,
// the first failed replies and the time it all took.
func run(client *http.Client, o options, bodies [][]byte) ([]result, []string, time.Duration) {
	results := make([]result, len(bodies))
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		failMu   sync.Mutex
		failures []string
	)
	began := time.Now()
	for range o.clients {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(bodies) {
					return
				}
				t0 := time.Now()
				status, reply, err := post(client, o.target, o.secret, bodies[i])
				kind := classify(status, reply, err)
				results[i] = result{time.Since(t0), kind}
				if kind != failed && kind != late {
					continue
				}
				failMu.Lock()
				if len(failures) < o.showFails {
					if err != nil {
						failures = append(failures, err.Error())
					} else {
						failures = append(failures, fmt.Sprintf("HTTP %d: %.300s", status, reply))
					}
				}
				failMu.Unlock()
			}
		})
	}
	wg.Wait()
	return results, failures, time.Since(began)
}

// report prints the figures and the verdict; it returns false if any
// request failed.
func report(o options, results []result, failures []string, elapsed time.Duration) bool {
	var counts [numOutcomes]int
	lat := make([]time.Duration, len(results))
	for i, r := range results {
		counts[r.kind]++
		lat[i] = r.latency
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	rate := float64(len(results)) / elapsed.Seconds()
	ok := counts[registered] + counts[waitlisted]
	bad := counts[failed] + counts[busy] + counts[late]

	fmt.Printf("requests    %d from %d clients (users %s000000…)\n", len(results), o.clients, o.prefix)
	fmt.Printf("successes   %d (registered %d, waitlisted %d)\n", ok, counts[registered], counts[waitlisted])
	fmt.Printf("failures    %d (busy replies %d, late \"working on it\" acks %d, other %d)\n", bad, counts[busy], counts[late], counts[failed])
	fmt.Printf("elapsed     %.3fs\n", elapsed.Seconds())
	fmt.Printf("rate        %.0f requests/s\n", rate)
	fmt.Printf("latency     p50 %s  p90 %s  p99 %s  max %s\n", ms(pct(.50)), ms(pct(.90)), ms(pct(.99)), ms(lat[len(lat)-1]))
	for _, f := range failures {
		fmt.Printf("  failure: %s\n", f)
	}
	verdict := ""
	if o.wantRate > 0 || o.wantP99 > 0 {
		verdict = "missed"
		if bad == 0 && rate >= o.wantRate && (o.wantP99 == 0 || pct(.99) <= o.wantP99) {
			verdict = "met"
		}
		fmt.Printf("target      ≥ %.0f/s, p99 ≤ %s, no failure: %s\n", o.wantRate, o.wantP99, verdict)
		verdict = " target=" + verdict
	}
	fmt.Printf("RESULT requests=%d ok=%d failures=%d busy=%d rate=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f elapsed_s=%.3f%s\n",
		len(results), ok, bad, counts[busy], rate, msf(pct(.50)), msf(pct(.90)), msf(pct(.99)), msf(lat[len(lat)-1]), elapsed.Seconds(), verdict)
	return bad == 0
}

type outcome int

const (
	failed outcome = iota
	registered
	waitlisted
	busy
	late
	numOutcomes
)

func classify(status int, reply []byte, err error) outcome {
	switch {
	case err != nil || status != http.StatusOK:
		return failed
	case containsAny(reply, registeredWords):
		return registered
	case containsAny(reply, waitlistedWords):
		return waitlisted
	case containsAny(reply, busyWords):
		return busy
	case containsAny(reply, lateWords):
		return late
	}
	return failed
}

func containsAny(b []byte, words []string) bool {
	for _, w := range words {
		if bytes.Contains(b, []byte(w)) {
			return true
		}
	}
	return false
}

// post sends body signed as Slack signs it and reads the whole reply.
func post(client *http.Client, target, secret string, body []byte) (int, []byte, error) {
	req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(resp.Body)
	return resp.StatusCode, reply, err
}

// warm opens the clients' connections with concurrent GET /healthz, so
// the run measures requests rather than TCP handshakes.
func warm(client *http.Client, target string, n int) {
	u, err := url.Parse(target)
	if err != nil {
		return
	}
	u.Path, u.RawQuery = "/healthz", ""
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if resp, err := client.Get(u.String()); err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", msf(d)) }

func msf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
