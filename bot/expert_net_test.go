package bot_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"cercle/calendar"
	"cercle/commands"
	"cercle/i18n"
)

// This file and expert_*_test.go drive confidential expert requests end
// to end over signed HTTP: the request form, the facilitators' queue, the
// expert's brief and slots, the member's pick, the schedule's job, and
// every refusal. Each step is read twice: in the database, through the
// storage API, and in what the fake Slack received. Helpers first.

// The people of the expert network, and the names users.info gives them.
// Their ids are opaque, as Slack's are, so that a name found in an
// outbox key is a name, not an id.
const (
	marc    = "U0M1" // a member who asks
	nadia   = "U0N2"
	claire  = "U0C3" // facilitator
	helene  = "U0H4" // recruitment expert
	francis = "U0F5"
	agnes   = "U0A6" // tax expert
)

var expertNames = map[string]string{
	marc: "Marc Dufour", nadia: "Nadia Haddad", claire: "Claire Vasseur",
	helene: "Hélène Delattre", francis: "François Dubrulle", agnes: "Agnès Lecomte",
}

// Marc's request, and the words of it nobody but its readers may see.
const (
	marcProblem = "Nous devons recruter un commercial export pour l'atelier de Courrières : nos annonces ne donnent rien."
	marcSecret  = "l'atelier de Courrières"
	nadiaSecret = "soudeurs qualifiés pour la chaudronnerie"
	nadiaAsks   = "Recruter deux " + nadiaSecret + " : nos annonces ne donnent rien depuis six mois."
)

// expertNet is a network over the fake Slack on Monday 7 December 2026 at
// 10h: Marc and Nadia ask, Claire facilitates, Hélène and François recruit,
// Agnès knows tax. The experts take meetings on Tuesday morning and
// Thursday afternoon, two days' notice.
type expertNet struct {
	*harness
	clk *clock
	// acks are the answers Slack got in the HTTP response (slash commands,
	// submissions), by the user who sent them.
	mu   sync.Mutex
	acks map[string][]string
}

func newExpertNet(t *testing.T, configure ...func(*commands.Config)) *expertNet {
	t.Helper()
	clk := &clock{}
	clk.Set(parisTime("2026-12-07 10:00"))
	opts := []harnessOption{withClock(clk), withService(func(c *commands.Config) { c.Calendar = calendar.New(i18n.Paris()) })}
	for _, f := range configure {
		opts = append(opts, withService(f))
	}
	n := &expertNet{harness: newHarness(t, opts...), clk: clk, acks: map[string][]string{}}
	n.slack.SetUserInfo(func(id string) (map[string]any, time.Duration) {
		name := expertNames[id]
		if name == "" {
			name = "Membre " + id
		}
		return map[string]any{"id": id, "name": strings.ToLower(id), "real_name": name, "tz": "Europe/Paris", "locale": "fr-FR",
			"profile": map[string]any{"real_name": name}}, 0
	})
	ctx := context.Background()
	for id, name := range expertNames {
		role := commands.RoleMember
		switch id {
		case claire:
			role = commands.RoleFacilitator
		case helene, francis, agnes:
			role = commands.RoleExpert
		}
		if _, err := n.service.EnsureMember(ctx, commands.User{ID: commands.UserID(id), Name: name}, role); err != nil {
			t.Fatal(err)
		}
	}
	for id, c := range map[string]commands.Company{
		marc:  {Name: "Gesnord Logistique", Sector: "Transport et logistique", Headcount: 85},
		nadia: {Name: "Métallerie Haddad", Sector: "Métallurgie", Headcount: 42},
	} {
		if _, err := n.db.SaveCompany(ctx, commands.UserID(id), &c); err != nil {
			t.Fatal(err)
		}
	}
	week := []commands.Window{{Weekday: time.Tuesday, Start: 9 * time.Hour, End: 12 * time.Hour}, {Weekday: time.Thursday, Start: 14 * time.Hour, End: 17 * time.Hour}}
	for _, e := range []*commands.Expert{
		{User: helene, Domains: []string{"Recrutement", "Management"}, Bio: "Vingt ans à recruter des commerciaux et des cadres pour des PME industrielles.",
			Formats: []commands.MeetingFormat{commands.FormatVideo}, MonthlyCapacity: 4},
		{User: francis, Domains: []string{"Recrutement"}, Bio: "Cabinet de recrutement : je vous aide à définir le profil et à mener les entretiens.",
			MonthlyCapacity: 4},
		{User: agnes, Domains: []string{"Fiscalité"}, Bio: "Experte-comptable : TVA, crédit d'impôt recherche.", MonthlyCapacity: 4},
	} {
		e.Availability, e.MinNotice, e.Buffer, e.Active = week, 48*time.Hour, 15*time.Minute, true
		if err := n.db.SaveExpert(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	return n
}

// paris is the network's zone.
var paris = i18n.Paris()

func parisTime(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, paris)
	if err != nil {
		panic(err)
	}
	return t
}

// command runs a signed /cercle command and returns what its ack says.
func (n *expertNet) command(t *testing.T, user, text string) string {
	t.Helper()
	out := said(n.slash(t, user, text).raw)
	n.saw(user, out)
	return out
}

func (n *expertNet) saw(user, text string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.acks[user] = append(n.acks[user], text)
}

// submit posts a view_submission and returns its ack, as read.
func (n *expertNet) submit(t *testing.T, user, callbackID, metadata string, values map[string]any) string {
	t.Helper()
	code, ack := n.submitForm(t, user, callbackID, metadata, values)
	if code != 200 {
		t.Fatalf("%s submitting %s: status %d: %s", user, callbackID, code, ack)
	}
	n.saw(user, ack)
	return ack
}

// press presses a button and returns the answer posted to its
// response_url.
func (n *expertNet) press(t *testing.T, user, action, value string) string {
	t.Helper()
	path := responsePath(n.slack.ResponseURL(user + "-" + action))
	before := len(n.answersAt(path))
	n.interact(t, n.buttonPress(user, action, value))
	deadline := time.Now().Add(3 * time.Second)
	for {
		if got := n.answersAt(path); len(got) > before {
			return said(got[len(got)-1])
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s pressing %s %s: no answer", user, action, value)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func responsePath(url string) string { return url[strings.Index(url, "/response/"):] }

func (n *expertNet) answersAt(path string) []string {
	var out []string
	for _, c := range n.slack.Calls("response_url") {
		if c.Path == path {
			out = append(out, c.Body)
		}
	}
	return out
}

// modalView is what the tests read of a modal Slack was asked to open.
type modalView struct {
	CallbackID      string `json:"callback_id"`
	PrivateMetadata string `json:"private_metadata"`
	Title           struct{ Text string }
	Submit          struct{ Text string }
	Blocks          []struct {
		BlockID  string `json:"block_id"`
		Optional bool   `json:"optional"`
		Label    struct{ Text string }
		Hint     struct{ Text string }
		Element  struct {
			Type          string       `json:"type"`
			Multiline     bool         `json:"multiline"`
			InitialOption *viewOption  `json:"initial_option"`
			Options       []viewOption `json:"options"`
		} `json:"element"`
	} `json:"blocks"`
}

type viewOption struct {
	Value string `json:"value"`
	Text  struct{ Text string }
}

// field returns the block of field id, failing the test without it.
func (v modalView) field(t *testing.T, id string) int {
	t.Helper()
	for i, b := range v.Blocks {
		if b.BlockID == id {
			return i
		}
	}
	t.Fatalf("modal %s has no field %s", v.CallbackID, id)
	return -1
}

// opened waits for the n-th views.open and returns its modal, checking
// it was opened on user's trigger.
func (n *expertNet) opened(t *testing.T, user string, count int) modalView {
	t.Helper()
	calls := n.slack.WaitCalls("views.open", count, 3*time.Second)
	if len(calls) < count {
		t.Fatalf("views.open called %d times, want %d", len(calls), count)
	}
	c := calls[count-1]
	if trig := c.Form.Get("trigger_id"); !strings.HasSuffix(trig, "-"+user) {
		t.Fatalf("modal opened on trigger %q, want %s's", trig, user)
	}
	var v modalView
	if err := json.Unmarshal([]byte(c.Form.Get("view")), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// pressForm presses a button that opens a modal, and returns it.
func (n *expertNet) pressForm(t *testing.T, user, action, value string) modalView {
	t.Helper()
	count := len(n.slack.Calls("views.open")) + 1
	n.interact(t, n.buttonPress(user, action, value))
	return n.opened(t, user, count)
}

// dms delivers the outbox and returns the DMs user received so far, as
// pages (text and buttons).
func (n *expertNet) dms(t *testing.T, user string) []page {
	t.Helper()
	n.flush(t)
	var out []page
	for _, raw := range n.postedTo("D" + strings.TrimPrefix(user, "U")) {
		var blocks []json.RawMessage
		if err := json.Unmarshal([]byte(raw), &blocks); err != nil {
			t.Fatalf("DM to %s: %v", user, err)
		}
		p := readPage(t, blocks, 50)
		p.text = said(p.text)
		out = append(out, p)
	}
	return out
}

// newDMs returns the DMs user received after the first skip.
func (n *expertNet) newDMs(t *testing.T, user string, skip int) []page {
	t.Helper()
	all := n.dms(t, user)
	if len(all) < skip {
		t.Fatalf("%s has %d DMs, fewer than %d", user, len(all), skip)
	}
	return all[skip:]
}

// oneDM is the single DM user received after the first skip.
func (n *expertNet) oneDM(t *testing.T, user string, skip int) page {
	t.Helper()
	got := n.newDMs(t, user, skip)
	if len(got) != 1 {
		var texts []string
		for _, p := range got {
			texts = append(texts, p.text)
		}
		t.Fatalf("%s got %d new DMs, want 1: %q", user, len(got), texts)
	}
	return got[0]
}

// uploadsTo returns the files posted to user's DM, by name, with content.
func (n *expertNet) uploadsTo(t *testing.T, user string) map[string][]string {
	t.Helper()
	n.flush(t)
	bodies := map[string]string{} // file id → content
	for _, c := range n.slack.Calls("upload") {
		bodies[strings.TrimPrefix(c.Path, "/upload/")] = c.Body
	}
	names := map[string]string{} // file id → name
	for _, c := range n.slack.Calls("upload") {
		names[strings.TrimPrefix(c.Path, "/upload/")] = c.Query.Get("name")
	}
	out := map[string][]string{}
	for _, c := range n.slack.Calls("files.completeUploadExternal") {
		if c.Form.Get("channel_id") != "D"+strings.TrimPrefix(user, "U") {
			continue
		}
		var files []struct{ ID string }
		if err := json.Unmarshal([]byte(c.Form.Get("files")), &files); err != nil {
			t.Fatalf("files.completeUploadExternal files=%s: %v", c.Form.Get("files"), err)
		}
		for _, f := range files {
			out[names[f.ID]] = append(out[names[f.ID]], bodies[f.ID])
		}
	}
	return out
}

// request reads a request from the database.
func (n *expertNet) request(t *testing.T, id int64) *commands.ExpertRequest {
	t.Helper()
	r, err := n.db.FindRequest(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// requestsOf returns user's requests, newest first.
func (n *expertNet) requestsOf(t *testing.T, user string) []*commands.ExpertRequest {
	t.Helper()
	rs, err := n.db.FindRequests(context.Background(), commands.RequestFilter{Requester: commands.UserID(user)})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// requestForm is the state of the request modal as Slack sends it.
func requestForm(problem, domain, urgency, format, periods string) map[string]any {
	v := map[string]any{"request_problem": textInput(problem), "request_domain": choice(domain),
		"request_urgency": choice(urgency), "request_format": choice(format)}
	if periods != "" {
		v["request_periods"] = textInput(periods)
	}
	return v
}

// ask has user submit the request form and returns the stored request.
func (n *expertNet) ask(t *testing.T, user, problem string) *commands.ExpertRequest {
	t.Helper()
	before := len(n.requestsOf(t, user))
	ack := n.submit(t, user, commands.FormExpertRequest, "", requestForm(problem, "?", "normale", "any", ""))
	wantSaid(t, "request's ack", ack, "est enregistrée")
	rs := n.requestsOf(t, user)
	if len(rs) != before+1 {
		t.Fatalf("%s has %d requests after asking, want %d", user, len(rs), before+1)
	}
	return rs[0]
}

// route has Claire route request id to expert with the queue's button.
func (n *expertNet) route(t *testing.T, id int64, expert string) {
	t.Helper()
	answer := n.press(t, claire, commands.ActionRouteRequest, fmt.Sprintf("%d:%s", id, expert))
	wantSaid(t, "route", answer, fmt.Sprintf("La demande n°%d est confiée à %s.", id, expertNames[expert]))
}

// checkbox is the state of a checkboxes element, the values ticked.
func checkbox(values ...string) map[string]any {
	var opts []map[string]any
	for _, v := range values {
		opts = append(opts, map[string]any{"value": v})
	}
	return map[string]any{"value": map[string]any{"type": "checkboxes", "selected_options": opts}}
}

// accept has expert press Accepter on request id and propose the slots
// of the modal at the given positions; it returns them as Unix seconds.
func (n *expertNet) accept(t *testing.T, expert string, id int64, at ...int) []string {
	t.Helper()
	v := n.pressForm(t, expert, commands.ActionAcceptRequest, strconv.FormatInt(id, 10))
	opts := v.Blocks[v.field(t, "request_slots")].Element.Options
	var chosen []string
	for _, i := range at {
		if i >= len(opts) {
			t.Fatalf("%d slots offered, want a %dth", len(opts), i+1)
		}
		chosen = append(chosen, opts[i].Value)
	}
	ack := n.submit(t, expert, v.CallbackID, v.PrivateMetadata,
		map[string]any{"request_slots": checkbox(chosen...), "request_place": textInput("Visio : https://meet.example.org/cercle-" + strconv.FormatInt(id, 10))})
	wantSaid(t, "slots' ack", ack, fmt.Sprintf("La demande n°%d vient de", id), "qui choisit l'un de vos créneaux")
	return chosen
}

// unix reads a slot button's or option's Unix seconds.
func unix(t *testing.T, s string) time.Time {
	t.Helper()
	sec, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("slot %q: %v", s, err)
	}
	return time.Unix(sec, 0)
}

// pick has the member press the slot button of request id at slot.
func (n *expertNet) pick(t *testing.T, user string, id int64, slot string) string {
	t.Helper()
	return n.press(t, user, commands.ActionPickSlot, fmt.Sprintf("%d:%s", id, slot))
}

// runJob runs the schedule's expert job at the clock's time.
func (n *expertNet) runJob(t *testing.T) {
	t.Helper()
	if err := n.service.ExpireRequestAnswers(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// seenBy returns everything Slack showed user: the acks they got, the
// answers to their buttons and commands, the modals opened for them, the
// DMs and files sent to them. It fails the test on a call it cannot
// attribute to someone, so nothing escapes the audit.
func (n *expertNet) seenBy(t *testing.T) map[string][]string {
	t.Helper()
	n.flush(t)
	out := map[string][]string{}
	n.mu.Lock()
	for u, acks := range n.acks {
		out[u] = append(out[u], acks...)
	}
	n.mu.Unlock()
	uploads := map[string]string{}
	for _, c := range n.slack.Calls("upload") {
		uploads[strings.TrimPrefix(c.Path, "/upload/")] = c.Body
	}
	user := regexp.MustCompile(`^/response/(U[A-Z0-9]+)(-|$)`)
	for _, c := range n.slack.Calls("") {
		switch c.Method {
		case "chat.postMessage", "chat.update":
			u := "U" + strings.TrimPrefix(c.Form.Get("channel"), "D")
			out[u] = append(out[u], said(c.Form.Get("text")+"\n"+c.Form.Get("blocks")))
		case "chat.postEphemeral":
			out[c.Form.Get("user")] = append(out[c.Form.Get("user")], said(c.Form.Get("blocks")))
		case "response_url":
			m := user.FindStringSubmatch(c.Path)
			if m == nil {
				t.Fatalf("response_url %s: whose?", c.Path)
			}
			out[m[1]] = append(out[m[1]], said(c.Body))
		case "views.open":
			trig := c.Form.Get("trigger_id")
			u := trig[strings.LastIndex(trig, "-")+1:]
			out[u] = append(out[u], said(c.Form.Get("view")))
		case "views.publish":
			out[c.Form.Get("user_id")] = append(out[c.Form.Get("user_id")], said(c.Form.Get("view")))
		case "files.completeUploadExternal":
			u := "U" + strings.TrimPrefix(c.Form.Get("channel_id"), "D")
			var files []struct{ ID string }
			_ = json.Unmarshal([]byte(c.Form.Get("files")), &files)
			for _, f := range files {
				out[u] = append(out[u], uploads[f.ID])
			}
		case "views.update":
			t.Fatalf("views.update: the audit cannot tell whose modal it is: %s", c.Form)
		}
	}
	return out
}

// confidential fails the test if anyone but readers was shown secret, and
// if nobody was (the audit would prove nothing).
func (n *expertNet) confidential(t *testing.T, secret string, readers ...string) {
	t.Helper()
	shown := 0
	for u, texts := range n.seenBy(t) {
		for _, text := range texts {
			if !strings.Contains(text, secret) {
				continue
			}
			shown++
			if !slices.Contains(readers, u) {
				t.Errorf("%s was shown %q:\n%s", u, secret, text)
			}
		}
	}
	if shown == 0 {
		t.Errorf("nobody was shown %q: the audit misses a channel", secret)
	}
}

// dedupeKeys returns every key of the outbox, sent or not.
func (n *expertNet) dedupeKeys(t *testing.T) []string {
	t.Helper()
	db, err := sql.Open("sqlite3_cercle", "file:"+n.dbPath+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT dedupe_key FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return keys
}

// keysHoldNoName fails the test if an outbox key of the request flow
// holds anything but request ids, steps, sides and numbers: no name, no
// Slack id, no word of a problem, no company.
func (n *expertNet) keysHoldNoName(t *testing.T, words ...string) {
	t.Helper()
	keys := n.dedupeKeys(t)
	shape := regexp.MustCompile(`^xreq:\d+(:([a-z]+|\d+))*$`)
	requestKeys := 0
	for _, k := range keys {
		if !strings.HasPrefix(k, "xreq:") {
			continue
		}
		requestKeys++
		if !shape.MatchString(k) {
			t.Errorf("outbox key %q is not made of ids and steps", k)
		}
		for _, w := range append(words, marc, nadia, claire, helene, francis, agnes) {
			if strings.Contains(strings.ToLower(k), strings.ToLower(w)) {
				t.Errorf("outbox key %q holds %q", k, w)
			}
		}
	}
	if requestKeys == 0 {
		t.Error("no outbox key of the request flow: nothing was checked")
	}
}

// secretWords are the words no outbox key may hold: names, companies and
// the problems' words.
func secretWords() []string {
	words := []string{"Gesnord", "Haddad", "Courrières", "soudeurs", "commercial", "recrut"}
	for _, name := range expertNames {
		words = append(words, strings.Fields(name)...)
	}
	return words
}
