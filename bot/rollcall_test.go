package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"cercle/commands"
)

// rollCallView is what the test reads of a roll call modal.
type rollCallView struct {
	PrivateMetadata string `json:"private_metadata"`
	Blocks          []struct {
		Type    string `json:"type"`
		BlockID string `json:"block_id"`
		Element struct {
			Type    string `json:"type"`
			Options []struct {
				Value string `json:"value"`
			} `json:"options"`
		} `json:"element"`
	} `json:"blocks"`
}

// TestRollCallModalsFit: a roll call of 1,005 registrants with the
// longest names and companies opens as modals within Slack's limits (100
// blocks, 10 checkboxes a group, 3,000 characters of private_metadata)
// and within 40 kB, a bound of ours since Slack documents none,
// page after page; submitting page 2 records page 2's people only and
// answers with the Page suivante button, which, pressed in that modal,
// turns it into page 3.
func TestRollCallModalsFit(t *testing.T) {
	clk := &clock{}
	h := newHarness(t, withService(func(c *commands.Config) { c.Now = clk.Now }))
	ctx := context.Background()
	if _, err := h.service.EnsureMember(ctx, commands.User{ID: "UFAC", Name: "Claire"}, commands.RoleFacilitator); err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(30 * 24 * time.Hour).Truncate(time.Minute)
	ev := longEvent(h, t, 1, commands.EventPublished, start, 1005)
	for i := range 1005 {
		id := commands.UserID(fmt.Sprintf("UR%04d", i))
		name := filled(fmt.Sprintf("Personne%04d ", i), "de La Tour & Montmorency ", longName)
		h.service.Handle(ctx, &commands.Request{Kind: commands.KindSlash, Text: fmt.Sprintf("inscrire %d", ev.ID), User: commands.User{ID: id, Name: name}})
		if _, err := h.db.SaveCompany(ctx, id, &commands.Company{Name: filled(fmt.Sprintf("Société %04d ", i), "Métallerie & Fils <Nord> ", maxCompany)}); err != nil {
			t.Fatal(err)
		}
	}
	clk.Set(start.Add(time.Hour))
	var views []rollCallView
	people := 0
	for n := 1; n <= 11; n++ {
		h.slash(t, "UFAC", fmt.Sprintf("appel %d %d", ev.ID, n))
		opens := h.slack.WaitCalls("views.open", n, 2*time.Second)
		if len(opens) != n {
			t.Fatalf("page %d: %d views opened", n, len(opens))
		}
		raw := opens[n-1].Form.Get("view")
		var v rollCallView
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			t.Fatal(err)
		}
		t.Logf("page %d: %d blocks, %d bytes", n, len(v.Blocks), len(raw))
		if len(v.Blocks) == 0 || len(v.Blocks) > 100 || len(v.PrivateMetadata) > 3000 || len(raw) > 40000 {
			t.Errorf("page %d: %d blocks, metadata of %d", n, len(v.Blocks), len(v.PrivateMetadata))
		}
		for _, b := range v.Blocks {
			if b.Element.Type != "checkboxes" || len(b.Element.Options) == 0 || len(b.Element.Options) > 10 {
				t.Errorf("page %d, block %s: %s of %d options", n, b.BlockID, b.Element.Type, len(b.Element.Options))
			}
			people += len(b.Element.Options)
		}
		views = append(views, v)
	}
	if people != 1005 {
		t.Errorf("%d people over the pages, want 1005", people)
	}

	// Page 2, submitted with nobody ticked: 100 absent, nobody else.
	values := map[string]any{}
	for _, b := range views[1].Blocks {
		values[b.BlockID] = map[string]any{"value": map[string]any{"type": "checkboxes", "selected_options": []map[string]any{}}}
	}
	code, out := h.interact(t, map[string]any{
		"type": "view_submission", "team": map[string]any{"id": "T1"}, "user": map[string]any{"id": "UFAC"},
		"view": map[string]any{"id": "V9", "callback_id": "rollcall", "private_metadata": views[1].PrivateMetadata,
			"state": map[string]any{"values": values}},
	})
	if code != 200 || !strings.Contains(string(out), `"action_id":"rollcall.page"`) || !strings.Contains(string(out), "Page suivante") {
		t.Fatalf("page 2 submitted: %d %s", code, out)
	}
	// Its Page suivante, pressed in the result modal, turns it into page 3.
	h.interact(t, map[string]any{
		"type": "block_actions", "team": map[string]any{"id": "T1"}, "user": map[string]any{"id": "UFAC"}, "trigger_id": "trig-next",
		"container": map[string]any{"type": "view", "view_id": "V9"}, "view": map[string]any{"id": "V9", "type": "modal"},
		"actions": []map[string]any{{"type": "button", "action_id": commands.ActionRollCallPage, "value": fmt.Sprintf("%d:3", ev.ID), "block_id": "b", "action_ts": "1"}},
	})
	updates := h.slack.WaitCalls("views.update", 1, 2*time.Second)
	if len(updates) != 1 || updates[0].Form.Get("view_id") != "V9" || !strings.Contains(updates[0].Form.Get("view"), `"value":"UR0200"`) {
		t.Fatalf("Page suivante in the modal: %+v", updates)
	}
	if opens := h.slack.Calls("views.open"); len(opens) != 11 {
		t.Errorf("%d views opened, want the 11 pages by command only", len(opens))
	}

	regs, err := h.db.FindRegistrations(ctx, commands.RegistrationFilter{EventID: ev.ID})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range regs {
		want := commands.RegRegistered
		if i >= 100 && i < 200 {
			want = commands.RegNoShow
		}
		if r.Status != want {
			t.Errorf("%d. %s: %s, want %s", i, r.UserID, r.Status, want)
		}
	}
}
