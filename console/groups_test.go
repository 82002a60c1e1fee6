package console_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"cercle/commands"
	"cercle/console"
)

// read is the console's output with French non-breaking spaces as
// spaces, so tests look for phrases as they are written.
func read(out string) string {
	return strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(out)
}

// groupMembers returns the ids of a group's members.
func (s *session) groupMembers(g *commands.Group) []string {
	s.t.Helper()
	ms, err := s.db.GroupMembers(context.Background(), g.ID)
	if err != nil {
		s.t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		out = append(out, string(m.User))
	}
	slices.Sort(out)
	return out
}

// TestGroupLifeInTheConsole: a facilitator creates a group (not one of
// the demo's) through the form typed field by field (a short name with a space and an accent is
// asked again), a member joins it, writes in its channel with :canal,
// which keeps the message as a Slack one would be, and leaves it.
func TestGroupLifeInTheConsole(t *testing.T) {
	t.Parallel()
	s := newSession(t, func(c *commands.Config) { c.Channels = console.Channels{} })
	ctx := context.Background()

	out := read(s.typeLines(":as claire animateur", "/cercle groupe nouveau",
		"Transition énergétique", "transition énergétique", "Réduire nos factures d'énergie", "privé", "",
		"energie"))
	for _, want := range []string{
		"Vous agissez maintenant comme Claire Vasseur",
		"== Nouveau groupe ==",
		"Canal {Public : visible de tout l'espace Slack, Privé : visible des seuls membres du groupe}",
		"! Nom court : Le nom court s'écrit en minuscules sans accents ni espaces, avec des tirets : par exemple « transition-energetique ».",
		"Le groupe Transition énergétique est créé.",
		"/cercle rejoindre energie",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, out)
		}
	}
	if n := strings.Count(out, "\nNom court"); n != 2 {
		t.Errorf("short name asked %d times, want 2\n%s", n, out)
	}
	g, err := s.db.FindGroupBySlug(ctx, "energie")
	if err != nil {
		t.Fatalf("group not stored: %v\n%s", err, out)
	}
	if g.Name != "Transition énergétique" || !g.Private || g.Channel != "energie" || !g.ChannelCreated || g.Description != "Réduire nos factures d'énergie" {
		t.Errorf("stored %+v", g)
	}

	out = read(s.typeLines(":as marc", "/cercle rejoindre energie", ":canal energie Qui a un devis d'électricité ?"))
	for _, want := range []string{"Bienvenue dans le groupe Transition énergétique !", "#energie · marc : Qui a un devis d'électricité ?"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, out)
		}
	}
	if got := s.groupMembers(g); !slices.Equal(got, []string{"claire", "marc"}) {
		t.Errorf("members %v, want marc in", got)
	}
	now := time.Now()
	msgs, err := s.db.GroupMessages(ctx, g.ID, now.Add(-time.Hour), now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || msgs[0].Author != "marc" || msgs[0].Text != "Qui a un devis d'électricité ?" || msgs[0].Channel != "energie" {
		t.Errorf("kept messages %+v, want marc's", msgs)
	}

	out = read(s.typeLines(":as marc", "/cercle quitter energie", "/cercle quitter energie"))
	for _, want := range []string{"Vous avez quitté le groupe Transition énergétique.", "Vous ne faites pas partie du groupe Transition énergétique."} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, out)
		}
	}
	if got := s.groupMembers(g); !slices.Equal(got, []string{"claire"}) {
		t.Errorf("members %v, want marc gone", got)
	}
}
