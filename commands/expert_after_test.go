package commands_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"cercle/commands"
)

// An expert retired while a meeting is being moved leaves no meeting
// behind: both calendars get the cancellation, and the request goes back
// holding no slot, proposed or picked.
func TestRetiredExpertCallsOffMeetingBeingMoved(t *testing.T) {
	n := newExpertNet(t)
	id := n.ask(t, "Recruter un commercial export pour notre PME de métallerie.")
	n.act("staff", commands.ActionRouteRequest, fmt.Sprintf("%d:expert", id))
	slots := n.proposeSlots(t, id)
	n.act("author", commands.ActionPickSlot, fmt.Sprintf("%d:%s", id, slots[0]))
	n.act("expert", commands.ActionRescheduleRequest, fmt.Sprint(id))
	before := n.request(t, id)
	if before.Status != commands.RequestAccepted || before.Slot.IsZero() {
		t.Fatalf("after the reschedule: %+v", before)
	}
	if out := slash(n.s, "staff", "expert retirer <@expert>"); !strings.Contains(out, "ne fait plus partie des experts") {
		t.Fatalf("retirer: %s", out)
	}
	r := n.request(t, id)
	if r.Status != commands.RequestNew || r.Expert != "" || !r.Slot.IsZero() || len(r.Slots) != 0 || r.Place != "" {
		t.Errorf("the request went back holding a time: %+v", r)
	}
	if r.Sequence <= before.Sequence {
		t.Errorf("sequence %d, want above %d: calendars would keep the meeting", r.Sequence, before.Sequence)
	}
	for _, u := range []commands.UserID{"author", "expert"} {
		if got := n.outbox(t, u, ":cancel:"); len(got) != 1 || !strings.Contains(got[0], "est annulé") || !strings.Contains(got[0], ".ics") {
			t.Errorf("%s's calendar cancellation: %v", u, got)
		}
	}
	ctx := context.Background()
	msgs, err := n.db.DueMessages(ctx, n.clock.Now(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		for _, f := range m.Message.Files {
			if strings.Contains(m.DedupeKey, ":cancel:") && !strings.Contains(string(f.Content), "STATUS:CANCELLED") {
				t.Errorf("%s: the .ics does not call the meeting off:\n%s", m.DedupeKey, f.Content)
			}
		}
	}
}
