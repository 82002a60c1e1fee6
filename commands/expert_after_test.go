package commands_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"cercle/commands"
	"cercle/console"
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

// An accepted request times out like a proposed one: once every slot
// offered has passed unpicked, or when the expert proposes no new slots
// after a reschedule, it goes back to the facilitators and the member is
// told.
func TestAcceptedRequestLapses(t *testing.T) {
	ctx := context.Background()
	t.Run("SlotsPassed", func(t *testing.T) {
		n := newExpertNet(t)
		id := n.ask(t, "Recruter un commercial export pour notre PME de métallerie.")
		n.act("staff", commands.ActionRouteRequest, fmt.Sprintf("%d:expert", id))
		n.proposeSlots(t, id)
		slots := n.request(t, id).Slots
		n.clock.Set(slots[0].Add(time.Minute)) // one slot left
		if err := n.s.ExpireRequestAnswers(ctx); err != nil {
			t.Fatal(err)
		}
		if r := n.request(t, id); r.Status != commands.RequestAccepted {
			t.Fatalf("taken back with a slot still to come: %+v", r)
		}
		n.clock.Set(slots[len(slots)-1].Add(time.Minute))
		if err := n.s.ExpireRequestAnswers(ctx); err != nil {
			t.Fatal(err)
		}
		r := n.request(t, id)
		if r.Status != commands.RequestNew || r.Expert != "" || len(r.Slots) != 0 || len(r.Tried) != 1 {
			t.Fatalf("after every slot passed: %+v", r)
		}
		if got := n.outbox(t, "author", ":member:"); !slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, "n'a été choisi à temps") }) {
			t.Errorf("the member was not told: %v", got)
		}
		if got := n.outbox(t, "staff", "staff"); len(got) != 2 {
			t.Errorf("the facilitators were told %d times, want at asking and now", len(got))
		}
		if err := n.s.ExpireRequestAnswers(ctx); err != nil || n.request(t, id).Version != r.Version {
			t.Errorf("a second run changed the request again (%v)", err)
		}
	})
	t.Run("NoNewSlots", func(t *testing.T) {
		n := newExpertNet(t)
		id := n.ask(t, "Recruter un commercial export pour notre PME de métallerie.")
		n.act("staff", commands.ActionRouteRequest, fmt.Sprintf("%d:expert", id))
		slots := n.proposeSlots(t, id)
		n.act("author", commands.ActionPickSlot, fmt.Sprintf("%d:%s", id, slots[1]))
		start := n.clock.Now()
		n.act("author", commands.ActionRescheduleRequest, fmt.Sprint(id))
		n.clock.Set(start.Add(71 * time.Hour))
		if err := n.s.ExpireRequestAnswers(ctx); err != nil {
			t.Fatal(err)
		}
		if r := n.request(t, id); r.Status != commands.RequestAccepted {
			t.Fatalf("taken back before the answer delay: %+v", r)
		}
		n.clock.Set(start.Add(72*time.Hour + time.Minute))
		if err := n.s.ExpireRequestAnswers(ctx); err != nil {
			t.Fatal(err)
		}
		if r := n.request(t, id); r.Status != commands.RequestNew || !r.Slot.IsZero() || len(r.Tried) != 1 {
			t.Fatalf("after the expert proposed nothing: %+v", r)
		}
		if got := n.outbox(t, "author", ":member:"); !slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, "pas proposé de nouveaux créneaux") }) {
			t.Errorf("the member was not told: %v", got)
		}
		for _, u := range []commands.UserID{"author", "expert"} {
			if got := n.outbox(t, u, ":cancel:"); len(got) != 1 || !strings.Contains(got[0], "est annulé") {
				t.Errorf("%s's calendar cancellation: %v", u, got)
			}
		}
	})
}

// A pick checks, in the request's transaction, that the request is still
// with the expert whose calendar it read: moved meanwhile (the expert
// retired, another took it and proposed the same time), it is refused,
// not booked against the wrong calendar under the wrong name.
func TestPickRefusedWhenTheRequestChangedExpert(t *testing.T) {
	// moveOnce, armed, runs once when pickAction reads the clock: after
	// it has read the request and its expert's calendar, before its
	// transaction. Nothing else in the flow can run at that point.
	var moveOnce func()
	n := newExpertNet(t, func(c *commands.Config) {
		now := c.Now
		c.Now = func() time.Time {
			if moveOnce != nil && calledFrom("pickAction") {
				move := moveOnce
				moveOnce = nil
				move()
			}
			return now()
		}
	})
	id := n.ask(t, "Recruter un commercial export pour notre PME de métallerie.")
	n.act("staff", commands.ActionRouteRequest, fmt.Sprintf("%d:expert", id))
	slot := n.proposeSlots(t, id)[0]
	moveOnce = func() {
		slash(n.s, "staff", "expert retirer <@expert>")
		n.act("staff", commands.ActionRouteRequest, fmt.Sprintf("%d:expert2", id))
		form := n.s.Act(context.Background(), &commands.Action{ID: commands.ActionAcceptRequest, Value: fmt.Sprint(id), User: commands.User{ID: "expert2"}})
		if form.Form == nil {
			t.Fatalf("expert2's slot form: %s", console.Render(form))
		}
		n.submit("expert2", commands.FormRequestSlots, form.Form.State, map[string]string{"request_slots": slot, "request_place": "Téléphone"})
	}
	out := n.act("author", commands.ActionPickSlot, fmt.Sprintf("%d:%s", id, slot))
	if moveOnce != nil {
		t.Fatal("the request was not moved during the pick")
	}
	r := n.request(t, id)
	if r.Expert != "expert2" || r.Status != commands.RequestAccepted {
		t.Errorf("the pick went through with the old expert's calendar (%s): %+v", out, r)
	}
	if !strings.Contains(out, "vient de changer") {
		t.Errorf("the member was not told the request changed: %s", out)
	}
}

// calledFrom, called by a Config.Now func, reports whether the Service
// method name is reading the clock: above the Now func come Service.now,
// then its caller.
func calledFrom(name string) bool {
	pcs := make([]uintptr, 8)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)])
	for range 2 {
		f, more := frames.Next()
		if strings.HasSuffix(f.Function, ".(*Service)."+name) {
			return true
		}
		if !more {
			break
		}
	}
	return false
}
