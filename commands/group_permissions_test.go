package commands_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"cercle/commands"
	"cercle/console"
	"cercle/storage"
)

// The people of the permissions matrix: a facilitator of the network, a
// lead of the group who is no facilitator, a plain member of the group,
// and a member of the network outside it.
const (
	asFacilitator = "claire"
	asLead        = "lea"
	asMember      = "marc"
	asOutsider    = "nadia"
)

// channelLog is the chat's Channels, recording what it was asked.
type channelLog struct {
	mu    sync.Mutex
	calls []string
}

func (c *channelLog) add(call string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, call)
}

func (c *channelLog) taken() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.calls
	c.calls = nil
	return out
}

func (c *channelLog) CreateChannel(_ context.Context, name string, _ bool) (commands.ChannelID, error) {
	c.add("create " + name)
	return commands.ChannelID("C-" + name), nil
}

func (c *channelLog) JoinChannel(_ context.Context, ch commands.ChannelID) error {
	c.add("join " + string(ch))
	return nil
}

func (c *channelLog) Invite(_ context.Context, ch commands.ChannelID, u commands.UserID) error {
	c.add("invite " + string(u))
	return nil
}

func (c *channelLog) Kick(_ context.Context, ch commands.ChannelID, u commands.UserID) error {
	c.add("kick " + string(u))
	return nil
}

func (c *channelLog) ArchiveChannel(_ context.Context, ch commands.ChannelID) error {
	c.add("archive " + string(ch))
	return nil
}

// groupWorld is a network with the group achats, led by lea (and claire,
// who made it), with marc in it and nadia outside it.
func groupWorld(t *testing.T) (*commands.Service, *storage.DB, *channelLog) {
	t.Helper()
	chans := &channelLog{}
	s, db := newService(t, nil, func(c *commands.Config) { c.Channels = chans })
	facilitator(t, s)
	ctx := context.Background()
	created := s.Submit(ctx, &commands.Submission{FormID: commands.FormGroup, User: commands.User{ID: asFacilitator},
		Values: map[string]string{"group_name": "Achats groupés", "group_slug": "achats", "group_privacy": "public"}})
	if out := console.Render(created); !strings.Contains(out, "est créé") {
		t.Fatalf("group not created: %s %v", out, created.FieldErrors)
	}
	for user, text := range map[commands.UserID]string{
		asFacilitator: "groupe animateurs achats <@lea> <@claire>",
		asMember:      "rejoindre achats",
		asOutsider:    "aide",
	} {
		if out := slash(s, user, text); strings.Contains(out, "réservée") {
			t.Fatalf("%s %q: %s", user, text, out)
		}
	}
	chans.taken()
	return s, db, chans
}

// groupState is what a group action may change, as text: each group with
// its state, leads and members, and every event and queued message.
func groupState(t *testing.T, db *storage.DB) string {
	t.Helper()
	ctx := context.Background()
	groups, err := db.FindGroups(ctx, commands.GroupFilter{Archived: true})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, g := range groups {
		ms, err := db.GroupMembers(ctx, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, m := range ms {
			ids = append(ids, fmt.Sprintf("%s(lead=%v)", m.User, m.Lead))
		}
		fmt.Fprintf(&b, "%s %q archived=%v channel=%s members=%v\n", g.Slug, g.Name, g.Archived(), g.Channel, ids)
	}
	evs, err := db.FindEvents(ctx, commands.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	outbox, err := db.CountOutbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "events=%d outbox=%+v\n", len(evs), outbox)
	return b.String()
}

// groupAction is one thing done to the group achats, by whom it is
// allowed, what the others read, and what the allowed read.
type groupAction struct {
	name    string
	do      func(s *commands.Service, u commands.UserID) *commands.Response
	allowed []string
	refusal string // the sentence the others read
	done    string // in what the allowed read; empty when the answer is a form
	form    string // the form the allowed get
	chat    string // a call the chat gets when allowed; %s is who acts
}

func groupActions() []groupAction {
	run := func(text string) func(*commands.Service, commands.UserID) *commands.Response {
		return func(s *commands.Service, u commands.UserID) *commands.Response {
			return s.Handle(context.Background(), &commands.Request{Kind: commands.KindSlash, Text: text, User: commands.User{ID: u}})
		}
	}
	submit := func(form, state string, values map[string]string) func(*commands.Service, commands.UserID) *commands.Response {
		return func(s *commands.Service, u commands.UserID) *commands.Response {
			return s.Submit(context.Background(), &commands.Submission{FormID: form, State: state, Values: values, User: commands.User{ID: u}})
		}
	}
	press := func(id, value string) func(*commands.Service, commands.UserID) *commands.Response {
		return func(s *commands.Service, u commands.UserID) *commands.Response {
			return s.Act(context.Background(), &commands.Action{ID: id, Value: value, User: commands.User{ID: u}})
		}
	}
	start := time.Now().Add(14 * 24 * time.Hour).Truncate(time.Minute)
	meeting := map[string]string{"event_title": "Point fournisseurs", "event_place": "Lille", "event_capacity": "12",
		"event_start": fmt.Sprint(start.Unix()), "event_end": fmt.Sprint(start.Add(2 * time.Hour).Unix())}
	staff := "Cette action est réservée aux animateurs du réseau."
	leads := "Seuls les animateurs du groupe Achats groupés et ceux du réseau planifient ses réunions."
	inGroup := []string{asFacilitator, asLead, asMember}
	return []groupAction{
		{name: "OpenGroupForm", do: run("groupe nouveau"), allowed: []string{asFacilitator}, refusal: staff, form: commands.FormGroup},
		{name: "SubmitGroupForm", do: submit(commands.FormGroup, "", map[string]string{"group_name": "Recrutement", "group_slug": "recrutement", "group_privacy": "private"}),
			allowed: []string{asFacilitator}, refusal: staff, done: "Le groupe Recrutement est créé.", chat: "create recrutement"},
		{name: "Archive", do: run("groupe archiver achats"), allowed: []string{asFacilitator}, refusal: staff, done: "Le groupe Achats groupés est archivé",
			chat: "archive C-achats"},
		{name: "NameLeads", do: run("groupe animateurs achats <@nadia>"), allowed: []string{asFacilitator}, refusal: staff, done: "Animateurs du groupe Achats groupés",
			chat: "invite nadia"},
		{name: "OpenMeetingForm", do: run("groupe reunion achats"), allowed: []string{asFacilitator, asLead}, refusal: leads, form: commands.FormGroupMeeting},
		{name: "SubmitMeetingForm", do: submit(commands.FormGroupMeeting, "achats", meeting), allowed: []string{asFacilitator, asLead}, refusal: leads,
			done: "Réunion du groupe Achats groupés"},
		{name: "Join", do: run("rejoindre achats"), allowed: []string{asOutsider}, refusal: "Vous faites déjà partie du groupe Achats groupés.",
			done: "Bienvenue dans le groupe Achats groupés", chat: "invite %s"},
		{name: "Leave", do: run("quitter achats"), allowed: inGroup, refusal: "Vous ne faites pas partie du groupe Achats groupés.",
			done: "Vous avez quitté le groupe Achats groupés.", chat: "kick %s"},
		{name: "LeaveButton", do: press(commands.ActionLeaveGroup, "achats"), allowed: inGroup, refusal: "Vous ne faites pas partie du groupe Achats groupés.",
			done: "Vous avez quitté le groupe Achats groupés.", chat: "kick %s"},
	}
}

// TestGroupPermissions runs every group action and form as each of the
// four people, each on a network of its own: the allowed get it done,
// the others read a French refusal, and nothing changes for them, in the
// database or in the chat.
func TestGroupPermissions(t *testing.T) {
	t.Parallel()
	for _, a := range groupActions() {
		for _, who := range []string{asFacilitator, asLead, asMember, asOutsider} {
			t.Run(a.name+"/"+who, func(t *testing.T) {
				t.Parallel()
				s, db, chans := groupWorld(t)
				before := groupState(t, db)
				r := a.do(s, commands.UserID(who))
				out := strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(console.Render(r))
				after, calls := groupState(t, db), chans.taken()
				if !slices.Contains(a.allowed, who) {
					if !strings.Contains(out, a.refusal) || r.Form != nil {
						t.Errorf("got %q (form %v), want the refusal %q", out, r.Form, a.refusal)
					}
					if after != before || len(calls) != 0 {
						t.Errorf("a refusal changed things:\nbefore %s\nafter  %s\nchat calls %v", before, after, calls)
					}
					return
				}
				switch {
				case a.form != "" && (r.Form == nil || r.Form.ID != a.form):
					t.Errorf("got %q, want the form %s", out, a.form)
				case a.form == "" && !strings.Contains(out, a.done):
					t.Errorf("got %q (errors %v), want %q", out, r.FieldErrors, a.done)
				case a.form == "" && after == before:
					t.Errorf("%s did nothing: %s", a.name, after)
				}
				if want := strings.ReplaceAll(a.chat, "%s", who); want != "" && !slices.Contains(calls, want) {
					t.Errorf("chat calls %v, want %q", calls, want)
				}
			})
		}
	}
}

// TestGroupMembersShownToStaffOnly: the group's details list its members
// to its leads and the facilitators; the others see the card alone.
func TestGroupMembersShownToStaffOnly(t *testing.T) {
	t.Parallel()
	s, _, _ := groupWorld(t)
	for who, shown := range map[commands.UserID]bool{asFacilitator: true, asLead: true, asMember: false, asOutsider: false} {
		out := strings.NewReplacer("\u00a0", " ").Replace(slash(s, who, "groupe achats"))
		if !strings.Contains(out, "Achats groupés (achats)") || !strings.Contains(out, "Animé par") {
			t.Errorf("%s: no card in %q", who, out)
		}
		if got := strings.Contains(out, "## 3 membres"); got != shown {
			t.Errorf("%s sees the members = %v, want %v:\n%s", who, got, shown, out)
		}
	}
}
