package commands_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"cercle/commands"
)

// Every facilitator is told of a request waiting to be routed, though
// their messages share one key: keys name the side, never the person,
// and the outbox dedupes per recipient.
func TestEachFacilitatorToldUnderOneKey(t *testing.T) {
	n := newExpertNet(t)
	ctx := context.Background()
	slash(n.s, "staff2", "aide")
	if err := n.db.SetRole(ctx, "admin", "staff2", commands.RoleFacilitator); err != nil {
		t.Fatal(err)
	}
	id := n.ask(t, "Recruter un commercial export pour notre PME de métallerie.")
	for _, u := range []commands.UserID{"staff", "staff2"} {
		if got := n.outbox(t, u, ":staff:"); len(got) != 1 || !strings.Contains(got[0], "à confier") {
			t.Errorf("%s was told %v, want the request to route", u, got)
		}
	}
	// Through a meeting, its reminders and a cancellation: no key names
	// who gets it.
	n.act("staff", commands.ActionRouteRequest, fmt.Sprintf("%d:expert", id))
	slots := n.proposeSlots(t, id)
	n.act("author", commands.ActionPickSlot, fmt.Sprintf("%d:%s", id, slots[0]))
	n.act("expert", commands.ActionCancelRequest, fmt.Sprint(id))
	msgs, err := n.db.DueMessages(ctx, n.clock.Now().Add(400*24*time.Hour), 10000)
	if err != nil {
		t.Fatal(err)
	}
	keys := 0
	for _, m := range msgs {
		if !strings.HasPrefix(m.DedupeKey, "xreq:") {
			continue
		}
		keys++
		// "staff" and "expert" are this network's ids and sides both.
		for _, who := range []string{"author", "staff2"} {
			if strings.Contains(m.DedupeKey, who) {
				t.Errorf("key %q names %s", m.DedupeKey, who)
			}
		}
	}
	if keys < 8 {
		t.Errorf("%d request keys, want the alerts, brief, slots, meeting, reminders and cancellation", keys)
	}
}
