package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"cercle/commands"
	"cercle/i18n"
)

// The longest texts the core accepts, with characters that grow when
// escaped for Slack: the worst case a page must fit.
const (
	maxTitle   = 150
	maxPlace   = 300
	maxCompany = 120
	longName   = 80 // Slack's limit on a display name
)

// filled returns s repeated up to n runes, after a distinct prefix.
func filled(prefix, s string, n int) string {
	r := []rune(prefix + strings.Repeat(s, n))
	return strings.TrimSpace(string(r[:n]))
}

// maxBlocksText bounds the text of a message's blocks all together. Slack
// refuses a message whose blocks hold too much text (msg_blocks_too_long)
// without documenting the limit; Slack's staff put it at "12,000 text
// characters with a buffer for block containers" (slackapi/bolt-js#2509),
// and a message of 11,341 was seen refused (bolt-js#2867). 9,000 leaves
// room for the fallback text sent with it.
const maxBlocksText = 9000

// textLength sums every "text" string in the blocks, as Slack counts.
func textLength(raw []json.RawMessage) int {
	n := 0
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && k == "text" {
					n += utf8.RuneCountInString(s)
				} else {
					walk(x)
				}
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	for _, r := range raw {
		var v any
		_ = json.Unmarshal(r, &v)
		walk(v)
	}
	return n
}

// kitBlock is what the tests read of a Block Kit block.
type kitBlock struct {
	Type     string    `json:"type"`
	Text     *kitText  `json:"text"`
	Fields   []kitText `json:"fields"`
	Elements []struct {
		kitText
		ActionID string `json:"action_id"`
		Value    string `json:"value"`
	} `json:"elements"`
}

type kitText struct {
	Text json.RawMessage `json:"text"`
}

// str reads a text that is a string (a section's) or an object (a
// button's label).
func (t kitText) str() string {
	var s string
	if json.Unmarshal(t.Text, &s) == nil {
		return s
	}
	var o struct{ Text string }
	_ = json.Unmarshal(t.Text, &o)
	return o.Text
}

type kitButton struct{ action, value, label string }

// page is a rendered message or view: its blocks, all its text and its
// buttons.
type page struct {
	blocks  []kitBlock
	text    string
	buttons []kitButton
}

// readPage decodes blocks and checks that they fit Block Kit's limits
// without the renderer's cuts: at most limit blocks, no section text
// over 3,000 characters, no field over 2,000, and no « … » anywhere.
func readPage(t *testing.T, raw []json.RawMessage, limit int) page {
	t.Helper()
	var pg page
	var all []string
	for _, r := range raw {
		var b kitBlock
		if err := json.Unmarshal(r, &b); err != nil {
			t.Fatalf("block %s: %v", r, err)
		}
		pg.blocks = append(pg.blocks, b)
		if b.Text != nil {
			s := b.Text.str()
			if n := utf8.RuneCountInString(s); n > 3000 {
				t.Errorf("section text of %d characters", n)
			}
			all = append(all, s)
		}
		for _, f := range b.Fields {
			if n := utf8.RuneCountInString(f.str()); n > 2000 {
				t.Errorf("field of %d characters", n)
			}
			all = append(all, f.str())
		}
		for _, e := range b.Elements {
			if e.ActionID != "" {
				pg.buttons = append(pg.buttons, kitButton{e.ActionID, e.Value, e.kitText.str()})
			} else {
				all = append(all, e.str())
			}
		}
	}
	// Read as Slack shows it: JSON's and mrkdwn's escapes undone.
	if n := textLength(raw); n > maxBlocksText {
		t.Errorf("%d characters of text in the blocks, over %d", n, maxBlocksText)
	} else {
		t.Logf("%d blocks, %d characters of text", len(raw), n)
	}
	pg.text = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(unescapeJSON(strings.Join(all, "\n")))
	if len(pg.blocks) > limit {
		t.Errorf("%d blocks, over %d", len(pg.blocks), limit)
	}
	// The renderer's cut mark ends the line it cuts (cut, cutWords,
	// cutAtLine); an ellipsis inside a line is the text's own, such as
	// the "@membre…" of a command's usage.
	for _, line := range strings.Split(pg.text, "\n") {
		if strings.HasSuffix(line, "…") {
			t.Errorf("the renderer cut something (%q):\n%s", line, pg.text)
			break
		}
	}
	return pg
}

// button returns the button labelled label for action, if any.
func (pg page) button(action, label string) (kitButton, bool) {
	for _, b := range pg.buttons {
		if b.action == action && b.label == label {
			return b, true
		}
	}
	return kitButton{}, false
}

// replaced presses a button and returns the message that replaces the
// one it was on: the n-th post to a response_url.
func (h *harness) replaced(t *testing.T, user string, b kitButton, n int, limit int) page {
	t.Helper()
	h.interact(t, h.buttonPress(user, b.action, b.value))
	calls := h.slack.WaitCalls("response_url", n, 3*time.Second)
	if len(calls) < n {
		t.Fatalf("pressing %s %s: no answer", b.action, b.value)
	}
	var m struct {
		Replace bool              `json:"replace_original"`
		Blocks  []json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal([]byte(calls[n-1].Body), &m); err != nil {
		t.Fatal(err)
	}
	if !m.Replace {
		t.Errorf("pressing %s %s does not replace the message", b.action, b.value)
	}
	return readPage(t, m.Blocks, limit)
}

var fr = i18n.NewPrinter(i18n.French, nil)

// longEvent is an event whose title and place are as long as allowed.
func longEvent(h *harness, t *testing.T, i int, status commands.EventStatus, start time.Time, capacity int) *commands.Event {
	t.Helper()
	ev := &commands.Event{Kind: commands.KindTraining, Status: status, CreatedBy: "UFAC", Capacity: capacity,
		Title: filled(fmt.Sprintf("E%02d ", i), "Achats & énergie <mutualisés> ", maxTitle),
		Place: filled("", "Salle & Cie, 12 rue <du> Port, ", maxPlace),
		Start: start, End: start.Add(2 * time.Hour), CancelCutoff: start.Add(-48 * time.Hour)}
	if err := h.db.CreateEvent(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

// TestLongEventListIsPaged: 23 events and 9 drafts with the longest
// titles and places. `/cercle evenements` says how many there are, shows
// a page that fits Slack's limits whole, and Suivant / Précédent replace
// it with the next pages until every event has been seen once.
func TestLongEventListIsPaged(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	if _, err := h.service.EnsureMember(ctx, commands.User{ID: "UFAC", Name: "Claire"}, commands.RoleFacilitator); err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(30 * 24 * time.Hour).Truncate(time.Minute)
	var titles, drafts []string
	for i := range 23 {
		ev := longEvent(h, t, i, commands.EventPublished, start.Add(time.Duration(i)*time.Hour), 40)
		titles = append(titles, ev.Title)
		// Registered, each event also has a cancel button whose
		// confirmation repeats the title: the longest card.
		h.service.Handle(ctx, &commands.Request{Kind: commands.KindSlash, Text: fmt.Sprintf("inscrire %d", ev.ID), User: commands.User{ID: "UFAC"}})
	}
	for i := range 9 {
		drafts = append(drafts, longEvent(h, t, 50+i, commands.EventDraft, start.Add(time.Duration(i)*time.Hour), 40).Title)
	}
	ack := h.slash(t, "UFAC", "evenements")
	pg := readPage(t, ack.Blocks, 50)
	for _, want := range []string{
		fr.Plural("events.count", 23) + " · " + fr.T("list.page", 1, 4),
		fr.T("drafts.title"), fr.Plural("drafts.count", 9) + " · " + fr.T("list.page", 1, 5),
	} {
		if !strings.Contains(pg.text, want) {
			t.Errorf("first page lacks %q:\n%s", want, pg.text)
		}
	}
	if b, ok := pg.button(commands.ActionPublish, fr.T("event.button.publish")); !ok || b.value == "" {
		t.Errorf("no Publish button on the drafts: %+v", pg.buttons)
	}
	seen := map[string]int{}
	presses := 0
	for n := 1; ; n++ {
		for _, title := range titles {
			if strings.Contains(pg.text, title) {
				seen[title]++
			}
		}
		if n > 1 && !strings.Contains(pg.text, fr.T("list.page", n, 4)) {
			t.Errorf("page %d does not say so:\n%s", n, pg.text)
		}
		if _, ok := pg.button(commands.ActionEventsPage, fr.T("list.previous")); ok != (n > 1) {
			t.Errorf("page %d: Précédent shown = %v", n, ok)
		}
		next, ok := pg.button(commands.ActionEventsPage, fr.T("list.next"))
		if !ok {
			break
		}
		presses++
		pg = h.replaced(t, "UFAC", next, presses, 50)
	}
	if len(seen) != 23 || presses != 3 {
		t.Errorf("saw %d events in %d pages, want 23 in 4", len(seen), presses+1)
	}
	for title, n := range seen {
		if n != 1 {
			t.Errorf("%q on %d pages", title, n)
		}
	}

	// A member sees the events, never the drafts.
	member := readPage(t, h.slash(t, "U1", "evenements").Blocks, 50)
	if strings.Contains(member.text, fr.T("drafts.title")) || strings.Contains(member.text, drafts[0]) {
		t.Errorf("a member sees drafts:\n%s", member.text)
	}
}

// TestLongAttendeeListIsPaged: 151 people with long names and companies
// (99 registered, one offered a seat, 51 in line). `/cercle inscrits`
// says how many there are, pages them without cutting a name, points to
// the CSV on every page, and its pages together hold everyone once.
func TestLongAttendeeListIsPaged(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	if _, err := h.service.EnsureMember(ctx, commands.User{ID: "UFAC", Name: "Claire"}, commands.RoleFacilitator); err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(30 * 24 * time.Hour).Truncate(time.Minute)
	ev := longEvent(h, t, 1, commands.EventPublished, start, 100)
	var names []string
	for i := range 152 {
		id := commands.UserID(fmt.Sprintf("UA%03d", i))
		name := filled(fmt.Sprintf("Personne%03d ", i), "de La Tour & Montmorency ", longName)
		names = append(names, name)
		h.service.Handle(ctx, &commands.Request{Kind: commands.KindSlash, Text: fmt.Sprintf("inscrire %d", ev.ID), User: commands.User{ID: id, Name: name}})
		if _, err := h.db.SaveCompany(ctx, id, &commands.Company{Name: filled(fmt.Sprintf("Société %03d ", i), "Métallerie & Fils <Nord> ", maxCompany)}); err != nil {
			t.Fatal(err)
		}
	}
	h.service.Handle(ctx, &commands.Request{Kind: commands.KindSlash, Text: fmt.Sprintf("annuler %d", ev.ID), User: commands.User{ID: "UA000"}})
	names = names[1:]

	pg := readPage(t, h.slash(t, "UFAC", fmt.Sprintf("inscrits %d", ev.ID)).Blocks, 50)
	if want := fr.Plural("attendees.count", 151) + " · " + fr.T("list.page", 1, 6); !strings.Contains(pg.text, want) {
		t.Errorf("first page lacks %q:\n%s", want, pg.text)
	}
	seen := map[string]int{}
	presses := 0
	for n := 1; ; n++ {
		t.Logf("page %d: %d blocks", n, len(pg.blocks))
		for _, name := range names {
			seen[name] += strings.Count(pg.text, name)
		}
		if csv := fmt.Sprintf("/cercle inscrits %d csv", ev.ID); !strings.Contains(pg.text, csv) {
			t.Errorf("page %d does not point to the CSV", n)
		}
		next, ok := pg.button(commands.ActionAttendeesPage, fr.T("list.next"))
		if !ok {
			break
		}
		presses++
		pg = h.replaced(t, "UFAC", next, presses, 50)
	}
	if presses != 5 {
		t.Errorf("%d pages, want 6 of 30", presses+1)
	}
	for _, name := range names {
		if seen[name] != 1 {
			t.Errorf("%q shown %d times", name, seen[name])
		}
	}
	if !strings.Contains(pg.text, fr.T("attendees.group.waitlisted", 51)) {
		t.Errorf("last page lacks the line's heading:\n%s", pg.text)
	}
}

// TestHomeWorstCaseFits: a facilitator with a long company, fifteen
// registrations and nine drafts, all with the longest titles. The Home
// tab fits Slack's limits whole, says how many of each there are, and
// its Tout voir buttons send the whole paged lists by message.
func TestHomeWorstCaseFits(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	if _, err := h.service.EnsureMember(ctx, commands.User{ID: "UFAC", Name: "Claire"}, commands.RoleFacilitator); err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.SaveCompany(ctx, "UFAC", &commands.Company{Name: filled("", "Métallerie & Fils ", maxCompany),
		Sector: filled("", "Chaudronnerie & ", 80), City: filled("", "Villeneuve & ", 80), Headcount: 250, FoundedYear: 1990}); err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(30 * 24 * time.Hour).Truncate(time.Minute)
	for i := range 15 {
		ev := longEvent(h, t, i, commands.EventPublished, start.Add(time.Duration(i)*time.Hour), 40)
		h.service.Handle(ctx, &commands.Request{Kind: commands.KindSlash, Text: fmt.Sprintf("inscrire %d", ev.ID), User: commands.User{ID: "UFAC"}})
	}
	for i := range 9 {
		longEvent(h, t, 50+i, commands.EventDraft, start, 40)
	}
	h.event(t, "EvHomeFac", map[string]any{"type": "app_home_opened", "user": "UFAC", "channel": "DFAC", "tab": "home"})
	pubs := h.slack.WaitCalls("views.publish", 1, 2*time.Second)
	if len(pubs) != 1 {
		t.Fatal("no Home view published")
	}
	var view struct {
		Blocks []json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal([]byte(pubs[0].Form.Get("view")), &view); err != nil {
		t.Fatal(err)
	}
	home := readPage(t, view.Blocks, 100)
	t.Logf("worst Home: %d blocks", len(home.blocks))
	for _, want := range []string{fr.T("home.events"), fr.Plural("events.count", 15), fr.T("drafts.title"), fr.Plural("drafts.count", 9)} {
		if !strings.Contains(home.text, want) {
			t.Errorf("Home lacks %q:\n%s", want, home.text)
		}
	}
	// A button on the Home tab has no response_url: the list comes by DM.
	for i, want := range []struct{ action, text string }{
		{commands.ActionEventsPage, fr.Plural("drafts.count", 9) + " · " + fr.T("list.page", 1, 5)},
		{commands.ActionAgendaPage, fr.Plural("agenda.count", 15) + " · " + fr.T("list.page", 1, 2)},
	} {
		all, ok := home.button(want.action, fr.T("list.all"))
		if !ok {
			t.Fatalf("no Tout voir for %s: %+v", want.action, home.buttons)
		}
		h.interact(t, map[string]any{
			"type": "block_actions", "team": map[string]any{"id": "T1"}, "user": map[string]any{"id": "UFAC"}, "trigger_id": "trig",
			"container": map[string]any{"type": "view", "view_id": "V0001"}, "view": map[string]any{"id": "V0001", "type": "home"},
			"actions": []map[string]any{{"type": "button", "action_id": all.action, "value": all.value, "block_id": "b", "action_ts": "1"}},
		})
		h.slack.WaitCalls("chat.postMessage", i+1, 2*time.Second)
		dms := h.postedTo("DFAC")
		if len(dms) != i+1 {
			t.Fatalf("Tout voir sent %d messages", len(dms))
		}
		var blocks []json.RawMessage
		if err := json.Unmarshal([]byte(dms[i]), &blocks); err != nil {
			t.Fatal(err)
		}
		if list := readPage(t, blocks, 50); !strings.Contains(list.text, want.text) {
			t.Errorf("the list sent lacks %q:\n%s", want.text, list.text)
		}
	}
}
