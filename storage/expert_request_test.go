package storage_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"cercle/commands"
	"cercle/storage"
)

// requestDB returns a database with the members U1 (requester), E1 and E2
// (experts), and its clock, fixed until the test moves it.
func requestDB(t *testing.T) (*storage.DB, *time.Time) {
	t.Helper()
	db, _ := MustOpenDB(t)
	clock := time.Date(2027, 3, 1, 8, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return clock }
	mustMembers(t, db, "U1", "U2", "E1", "E2")
	return db, &clock
}

// mustRequest stores r and returns it.
func mustRequest(t *testing.T, db *storage.DB, r *commands.ExpertRequest) *commands.ExpertRequest {
	t.Helper()
	if r.Requester == "" {
		r.Requester = "U1"
	}
	if r.Problem == "" {
		r.Problem = "Recruter un commercial"
	}
	if err := db.CreateRequest(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestExpertRequestRoundTrip(t *testing.T) {
	db, clock := requestDB(t)
	ctx := context.Background()
	at := func(h int) time.Time { return clock.Add(time.Duration(h) * time.Hour) }
	r := mustRequest(t, db, &commands.ExpertRequest{
		Requester: "U1", CompanyID: 7, Problem: "Lever des fonds sans perdre la main", Domain: "levée de fonds",
		Urgency: commands.UrgencyHigh, Format: commands.FormatVideo, Periods: "les mardis matin", Status: commands.RequestScheduled,
		Expert: "E1", Tried: []commands.UserID{"E2"}, RoutedAt: at(1), AnswerBy: at(73), Slots: []time.Time{at(48), at(72)},
		Slot: at(72), Duration: 45 * time.Minute, Place: "https://visio.example/abc", Sequence: 2, DeclineReason: "pas disponible",
		Rating: 4, Comment: "Très utile", FollowUp: "oui", FirstAnswerAt: at(5),
	})
	if r.ID == 0 || r.Version != 1 || !r.CreatedAt.Equal(*clock) || !r.UpdatedAt.Equal(*clock) {
		t.Errorf("created: id %d, version %d, times %v %v", r.ID, r.Version, r.CreatedAt, r.UpdatedAt)
	}
	got, err := db.FindRequest(ctx, r.ID)
	if err != nil || !reflect.DeepEqual(got, r) {
		t.Errorf("FindRequest = %+v, %v\nwant %+v", got, err, r)
	}

	bare := mustRequest(t, db, &commands.ExpertRequest{})
	got, err = db.FindRequest(ctx, bare.ID)
	if err != nil || got.Status != commands.RequestNew || got.Expert != "" || got.Tried != nil || got.Slots != nil || !reflect.DeepEqual(got, bare) {
		t.Errorf("a new request read back = %+v, %v; want %+v", got, err, bare)
	}
	if _, err := db.FindRequest(ctx, 999); commands.ErrorCode(err) != commands.ENOTFOUND {
		t.Errorf("FindRequest(999) = %v, want ENOTFOUND", err)
	}
	err = db.CreateRequest(ctx, &commands.ExpertRequest{Requester: "UNOPE", Problem: "x"})
	if commands.ErrorCode(err) != commands.ENOTFOUND || errKey(err) != "member.error.not_found" {
		t.Errorf("CreateRequest(unknown requester) = %v, want ENOTFOUND member.error.not_found", err)
	}
}

func TestFindRequests(t *testing.T) {
	db, clock := requestDB(t)
	ctx := context.Background()
	start := *clock
	at := func(h int) time.Time { return start.Add(time.Duration(h) * time.Hour) }
	// One request an hour, in this order.
	specs := []commands.ExpertRequest{
		{Requester: "U1", Status: commands.RequestNew},
		{Requester: "U1", Status: commands.RequestProposed, Expert: "E1", RoutedAt: at(1), AnswerBy: at(73)},
		{Requester: "U2", Status: commands.RequestProposed, Expert: "E2", RoutedAt: at(2), AnswerBy: at(74)},
		{Requester: "U2", Status: commands.RequestScheduled, Expert: "E1", Slot: at(100)},
		{Requester: "U1", Status: commands.RequestScheduled, Expert: "E2", Slot: at(200)},
		{Requester: "U1", Status: commands.RequestAccepted, Expert: "E1", AnswerBy: at(10), Slot: at(100)},
	}
	ids := make([]int64, len(specs))
	for i := range specs {
		*clock = at(i)
		ids[i] = mustRequest(t, db, &specs[i]).ID
	}
	for _, tt := range []struct {
		name string
		f    commands.RequestFilter
		want []int // indexes in specs, newest first
	}{
		{"all", commands.RequestFilter{}, []int{5, 4, 3, 2, 1, 0}},
		{"requester", commands.RequestFilter{Requester: "U2"}, []int{3, 2}},
		{"expert", commands.RequestFilter{Expert: "E1"}, []int{5, 3, 1}},
		{"statuses", commands.RequestFilter{Statuses: []commands.RequestStatus{commands.RequestNew, commands.RequestAccepted}}, []int{5, 0}},
		{"expert and status", commands.RequestFilter{Expert: "E1", Statuses: []commands.RequestStatus{commands.RequestScheduled}}, []int{3}},
		{"answer due", commands.RequestFilter{AnswerDueBefore: at(74)}, []int{1}},
		{"slot between", commands.RequestFilter{SlotFrom: at(100), SlotTo: at(200)}, []int{3}},
		{"slot from", commands.RequestFilter{SlotFrom: at(101)}, []int{4}},
		{"slot to", commands.RequestFilter{SlotTo: at(201)}, []int{4, 3}},
		{"limit", commands.RequestFilter{Requester: "U1", Limit: 2}, []int{5, 4}},
	} {
		got, err := db.FindRequests(ctx, tt.f)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var gotIDs, wantIDs []int64
		for _, r := range got {
			gotIDs = append(gotIDs, r.ID)
		}
		for _, i := range tt.want {
			wantIDs = append(wantIDs, ids[i])
		}
		if !reflect.DeepEqual(gotIDs, wantIDs) {
			t.Errorf("%s: FindRequests = %v, want %v", tt.name, gotIDs, wantIDs)
		}
	}
}

// TestChangeRequest: a change writes the request and its messages
// together, raising the version each time; a write decided on a stale
// copy is refused, and a failed change leaves nothing behind.
func TestChangeRequest(t *testing.T) {
	db, clock := requestDB(t)
	ctx := context.Background()
	r := mustRequest(t, db, &commands.ExpertRequest{})
	stale := *r
	*clock = clock.Add(time.Hour)
	msg := &commands.OutboxMessage{DedupeKey: "request-proposed", To: commands.Recipient{User: "E1"}, Message: commands.Response{Title: "Demande"}}
	err := db.ChangeRequest(ctx, r.ID, func(tx commands.RequestTx) error {
		cur := tx.Request()
		cur.Status, cur.Expert, cur.RoutedAt, cur.AnswerBy = commands.RequestProposed, "E1", *clock, clock.Add(72*time.Hour)
		if err := tx.Save(cur); err != nil {
			return err
		}
		if cur.Version != 2 || !cur.UpdatedAt.Equal(*clock) {
			t.Errorf("after Save: version %d, updated %v", cur.Version, cur.UpdatedAt)
		}
		if again := tx.Request(); again.Status != commands.RequestNew || again.Version != 1 {
			t.Errorf("Request() after an edit = %+v, want the request as read at the start", again)
		}
		cur.Place = "Lille"
		if err := tx.Save(cur); err != nil {
			return err
		}
		return tx.Enqueue(msg)
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := db.FindRequest(ctx, r.ID)
	if got.Version != 3 || got.Status != commands.RequestProposed || got.Expert != "E1" || got.Place != "Lille" {
		t.Errorf("after the change: %+v", got)
	}
	if due, _ := db.DueMessages(ctx, clock.Add(time.Minute), 10); len(due) != 1 || due[0].DedupeKey != "request-proposed" {
		t.Errorf("queued with the change: %v", due)
	}

	// Decided on the copy read before the change: refused.
	stale.Status = commands.RequestCancelled
	err = db.ChangeRequest(ctx, r.ID, func(tx commands.RequestTx) error { return tx.Save(&stale) })
	if commands.ErrorCode(err) != commands.ECONFLICT || errKey(err) != "request.error.stale" {
		t.Errorf("stale Save = %v, want ECONFLICT request.error.stale", err)
	}
	// A change that fails undoes its writes and its messages.
	boom := errors.New("boom")
	err = db.ChangeRequest(ctx, r.ID, func(tx commands.RequestTx) error {
		cur := tx.Request()
		cur.Status = commands.RequestDeclined
		if err := tx.Save(cur); err != nil {
			return err
		}
		if err := tx.Enqueue(&commands.OutboxMessage{DedupeKey: "lost", To: commands.Recipient{User: "U1"}}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("failed change = %v, want boom", err)
	}
	if got, _ := db.FindRequest(ctx, r.ID); got.Version != 3 || got.Status != commands.RequestProposed {
		t.Errorf("after refused and failed changes: version %d, status %s; want 3, proposed", got.Version, got.Status)
	}
	if due, _ := db.DueMessages(ctx, clock.Add(time.Minute), 10); len(due) != 1 {
		t.Errorf("messages after a failed change: %d, want 1", len(due))
	}
	err = db.ChangeRequest(ctx, 999, func(commands.RequestTx) error { t.Error("change called for no request"); return nil })
	if commands.ErrorCode(err) != commands.ENOTFOUND {
		t.Errorf("ChangeRequest(999) = %v, want ENOTFOUND", err)
	}
}

// TestExpertMeetings: the expert's scheduled requests in [from, to),
// other than the transaction's own.
func TestExpertMeetings(t *testing.T) {
	db, _ := requestDB(t)
	ctx := context.Background()
	day := time.Date(2027, 3, 10, 0, 0, 0, 0, time.UTC)
	scheduled := func(expert commands.UserID, slot time.Time) *commands.ExpertRequest {
		return mustRequest(t, db, &commands.ExpertRequest{Status: commands.RequestScheduled, Expert: expert, Slot: slot, Duration: time.Hour})
	}
	own := scheduled("E1", day.Add(11*time.Hour))
	early := scheduled("E1", day) // from is inside
	afternoon := scheduled("E1", day.Add(14*time.Hour))
	scheduled("E1", day.Add(24*time.Hour))      // to is outside
	scheduled("E2", day.Add(10*time.Hour))      // another expert
	scheduled("E1", day.Add(-time.Minute))      // before
	mustRequest(t, db, &commands.ExpertRequest{ // not scheduled
		Status: commands.RequestAccepted, Expert: "E1", Slots: []time.Time{day.Add(9 * time.Hour)}, Slot: day.Add(9 * time.Hour)})

	var got []int64
	err := db.ChangeRequest(ctx, own.ID, func(tx commands.RequestTx) error {
		ms, err := tx.ExpertMeetings("E1", day, day.Add(24*time.Hour))
		for _, m := range ms {
			got = append(got, m.ID)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{early.ID, afternoon.ID}; !reflect.DeepEqual(got, want) {
		t.Errorf("ExpertMeetings = %v, want %v (by slot, without the request itself)", got, want)
	}
}

// TestExpertLoad counts, per expert, the requests routed to them since a
// time that are proposed, accepted, scheduled or done.
func TestExpertLoad(t *testing.T) {
	db, clock := requestDB(t)
	ctx := context.Background()
	since := clock.Add(-24 * time.Hour)
	routed := func(expert commands.UserID, at time.Time, status commands.RequestStatus) {
		mustRequest(t, db, &commands.ExpertRequest{Status: status, Expert: expert, RoutedAt: at})
	}
	for _, st := range []commands.RequestStatus{commands.RequestProposed, commands.RequestAccepted, commands.RequestScheduled, commands.RequestDone,
		commands.RequestDeclined, commands.RequestExpired, commands.RequestCancelled} {
		routed("E1", *clock, st)
	}
	routed("E1", since, commands.RequestProposed)                  // since is included
	routed("E1", since.Add(-time.Second), commands.RequestDone)    // before
	routed("E2", clock.Add(-time.Hour), commands.RequestScheduled) // another expert
	mustRequest(t, db, &commands.ExpertRequest{})                  // not routed
	got, err := db.ExpertLoad(ctx, since)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[commands.UserID]int{"E1": 5, "E2": 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("ExpertLoad = %v, want %v", got, want)
	}
}
