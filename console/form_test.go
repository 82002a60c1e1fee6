package console_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"cercle/commands"
)

// TestEventFormTakesTheWordsItShows creates events through the console,
// typing the event type as a member would: the French word the prompt
// lists, without accents, its start, a word of it, or the key.
func TestEventFormTakesTheWordsItShows(t *testing.T) {
	s := newSession(t)
	for _, tt := range []struct {
		typed string
		want  commands.EventKind
	}{
		{"plénière", commands.KindPlenary},
		{"pleniere", commands.KindPlenary},
		{"Plén", commands.KindPlenary},
		{"PLENIERE", commands.KindPlenary},
		{"visite", commands.KindVisit},
		{"Visite d’entreprise", commands.KindVisit},
		{"entreprise", commands.KindVisit},
		{"journée de formation", commands.KindTraining},
		{"formation", commands.KindTraining},
		{"training", commands.KindTraining},
		{"plenary", commands.KindPlenary},
	} {
		t.Run(tt.typed, func(t *testing.T) {
			out := s.typeLines(":as claire", "/cercle evenement nouveau",
				"Rencontre", tt.typed, "", "Lille", "10/02/2099 à 18h30", "10/02/2099 21h", "40", "", "")
			if !strings.Contains(out, "Événement créé") {
				t.Fatalf("form not accepted:\n%s", out)
			}
			if got := s.lastEvent().Kind; got != tt.want {
				t.Errorf("kind = %s, want %s\n%s", got, tt.want, out)
			}
		})
	}
}

// TestEventFormAsksAgainForAnUnclearChoice: a word that names no type, or
// several, is asked again with the choices; nothing is submitted until a
// choice is clear.
func TestEventFormAsksAgainForAnUnclearChoice(t *testing.T) {
	s := newSession(t)
	out := s.typeLines(":as claire", "/cercle evenement nouveau",
		"Rencontre", "apéro", "d", "vis", "", "Lille", "10/02/2099 18h30", "10/02/2099 21h", "40", "", "")
	for _, want := range []string{
		"Type {plénière, journée de formation, visite d'entreprise} [plénière] : ",
		"« apéro » ne fait pas partie des choix : plénière, journée de formation, visite d'entreprise.",
		"« d » peut désigner journée de formation, visite d'entreprise : précisez.",
		"Événement créé",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, out)
		}
	}
	if n := strings.Count(out, "Type {"); n != 3 {
		t.Errorf("type asked %d times, want 3\n%s", n, out)
	}
	if got := s.lastEvent().Kind; got != commands.KindVisit {
		t.Errorf("kind = %s, want visit", got)
	}
}

// TestEnglishMemberTypesEnglishChoices: the labels are the member's
// language, so an English member types the English word.
func TestEnglishMemberTypesEnglishChoices(t *testing.T) {
	s := newSession(t)
	out := s.typeLines(":as claire", "/cercle langue en", "/cercle evenement nouveau",
		"Meeting", "company", "", "Lille", "10/02/2099 18:30", "10/02/2099 21:00", "40", "", "")
	if !strings.Contains(out, "{plenary, training day, company visit}") {
		t.Errorf("choices not in English:\n%s", out)
	}
	if got := s.lastEvent().Kind; got != commands.KindVisit {
		t.Errorf("kind = %s, want visit\n%s", got, out)
	}
}

// TestRollCallByName ticks attendees by name in the roll call's
// checkboxes: a full name, a first name, and a start shared by two
// members, which is asked again.
func TestRollCallByName(t *testing.T) {
	s := newSession(t)
	ctx := context.Background()
	start := s.clock.now().Add(48 * time.Hour)
	ev := &commands.Event{Kind: commands.KindVisit, Title: "Visite de la Laiterie des Flandres", Place: "Hazebrouck",
		Start: start, End: start.Add(2 * time.Hour), CancelCutoff: start.Add(-24 * time.Hour), Capacity: 10,
		Status: commands.EventPublished, CreatedBy: "claire"}
	if err := s.db.CreateEvent(ctx, ev); err != nil {
		t.Fatal(err)
	}
	id := fmt.Sprintf(" %d", ev.ID)
	s.typeLines(":as Marcel Roy membre", "/cercle inscrire"+id, ":as marc", "/cercle inscrire"+id, ":as nadia", "/cercle inscrire"+id)
	s.clock.set(start.Add(time.Hour))
	out := s.typeLines(":as claire", "/cercle appel"+id, "Mar", "marc dufour, Nadia")
	for _, want := range []string{
		"« Mar » peut désigner Marcel Roy, Marc Dufour (Gesnord Logistique) : précisez.",
		"Appel enregistré\u00a0: 2 personnes présentes.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, out)
		}
	}
	regs, err := s.db.FindRegistrations(ctx, commands.RegistrationFilter{EventID: ev.ID})
	if err != nil {
		t.Fatal(err)
	}
	got := map[commands.UserID]commands.RegistrationStatus{}
	for _, r := range regs {
		got[r.UserID] = r.Status
	}
	want := map[commands.UserID]commands.RegistrationStatus{"marc": commands.RegAttended, "nadia": commands.RegAttended, "marcel.roy": commands.RegNoShow}
	for u, st := range want {
		if got[u] != st {
			t.Errorf("%s: %s, want %s (all: %v)", u, got[u], st, got)
		}
	}
}

// TestRollCallPagesInTheConsole: 105 registrants make two pages. The
// console asks page 1's ten groups, answers with the Page suivante
// button, whose :clic asks page 2's one group.
func TestRollCallPagesInTheConsole(t *testing.T) {
	s := newSession(t)
	ctx := context.Background()
	start := s.clock.now().Add(48 * time.Hour)
	ev := &commands.Event{Kind: commands.KindVisit, Title: "Visite de la Laiterie des Flandres", Place: "Hazebrouck",
		Start: start, End: start.Add(2 * time.Hour), CancelCutoff: start.Add(-24 * time.Hour), Capacity: 105,
		Status: commands.EventPublished, CreatedBy: "claire"}
	if err := s.db.CreateEvent(ctx, ev); err != nil {
		t.Fatal(err)
	}
	for i := range 105 {
		u := commands.User{ID: commands.UserID(fmt.Sprintf("p%03d", i)), Name: fmt.Sprintf("Personne%03d", i)}
		s.service.Handle(ctx, &commands.Request{Kind: commands.KindSlash, Text: fmt.Sprintf("inscrire %d", ev.ID), User: u})
	}
	s.clock.set(start.Add(time.Hour))
	lines := []string{":as claire", fmt.Sprintf("/cercle appel %d", ev.ID)}
	for range 10 {
		lines = append(lines, "-")
	}
	lines = append(lines, fmt.Sprintf(":clic %s %d:2", commands.ActionRollCallPage, ev.ID), "Personne101")
	out := s.typeLines(lines...)
	for _, want := range []string{
		"Page 1 sur 2 enregistrée.",
		fmt.Sprintf("[Page suivante] (:clic %s %d:2)", commands.ActionRollCallPage, ev.ID),
		"Présents (101 à 105)",
		"Appel enregistré\u00a0: 1 personne présente.",
		"Page 2 sur 2 enregistrée.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q\n%s", want, out)
		}
	}
	regs, err := s.db.FindRegistrations(ctx, commands.RegistrationFilter{EventID: ev.ID, Statuses: []commands.RegistrationStatus{commands.RegAttended}})
	if err != nil {
		t.Fatal(err)
	}
	if len(regs) != 1 || regs[0].UserID != "p101" {
		t.Errorf("present: %+v, want p101", regs)
	}
}
