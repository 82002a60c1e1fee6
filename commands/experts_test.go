package commands_test

import (
	"context"
	"strings"
	"testing"

	"cercle/commands"
	"cercle/console"
	"cercle/storage"
)

// expertWorld is a network on Monday 1 March 2027 with claire, a
// facilitator, and two members, helene and marc.
func expertWorld(t *testing.T) (*commands.Service, *storage.DB, *clock) {
	t.Helper()
	clk := &clock{t: paris("2027-03-01 10:00")}
	s, db := newService(t, nil, func(c *commands.Config) { c.Now = clk.Now })
	for _, m := range []struct {
		id, name string
		role     commands.Role
	}{{"claire", "Claire Vasseur", commands.RoleFacilitator}, {"helene", "Hélène Delattre", ""}, {"marc", "Marc Dufour", ""}} {
		if _, err := s.EnsureMember(context.Background(), commands.User{ID: commands.UserID(m.id), Name: m.name}, m.role); err != nil {
			t.Fatal(err)
		}
	}
	return s, db, clk
}

func handle(s *commands.Service, user commands.UserID, text string) *commands.Response {
	return s.Handle(context.Background(), &commands.Request{Kind: commands.KindSlash, Text: text, User: commands.User{ID: user}})
}

func submitExpert(s *commands.Service, user commands.UserID, state string, values map[string]string) *commands.Response {
	return s.Submit(context.Background(), &commands.Submission{FormID: commands.FormExpert, State: state, Values: values, User: commands.User{ID: user}})
}

func findExpert(t *testing.T, db *storage.DB, user commands.UserID) *commands.Expert {
	t.Helper()
	e, err := db.FindExpert(context.Background(), user)
	if err != nil {
		t.Fatalf("expert %s: %v", user, err)
	}
	return e
}

func fieldValue(f *commands.Form, id string) string {
	for _, fl := range f.Fields {
		if fl.ID == id {
			return fl.Value
		}
	}
	return "<no field " + id + ">"
}

func TestFacilitatorAddsAnExpert(t *testing.T) {
	s, db, _ := expertWorld(t)
	ctx := context.Background()
	r := handle(s, "claire", "expert ajouter <@helene>")
	if r.Form == nil || r.Form.ID != commands.FormExpert || r.Form.State != "helene" {
		t.Fatalf("ajouter = %+v, want the profile form for helene", r)
	}
	for id, want := range map[string]string{"expert_capacity": "4", "expert_notice": "48", "expert_buffer": "15", "expert_languages": "fr", "expert_windows": ""} {
		if got := fieldValue(r.Form, id); got != want {
			t.Errorf("new form's %s = %q, want %q", id, got, want)
		}
	}
	if hint := r.Form.Fields[0].Hint; !strings.Contains(hint, "Hélène Delattre") {
		t.Errorf("the form does not say whose profile it is: %q", hint)
	}
	r = submitExpert(s, "claire", r.Form.State, map[string]string{"expert_windows": "mardi 14h-17h"})
	if r.FieldErrors["expert_domains"] == "" || r.FieldErrors["expert_windows"] != "" {
		t.Fatalf("incomplete form: %v", r.FieldErrors)
	}
	out := console.Render(submitExpert(s, "claire", "helene", profileValues()))
	for _, want := range []string{"Profil enregistré", "Le profil d'expert de Hélène Delattre est enregistré.", "Je lui ai écrit",
		"Disponibilités — mardi 14h-17h, jeudi 9h-12h", "Rendez-vous par mois — 4 rendez-vous par mois"} {
		if !strings.Contains(out, want) {
			t.Errorf("saved profile lacks %q:\n%s", want, out)
		}
	}
	e := findExpert(t, db, "helene")
	if !e.Active || e.Name != "Hélène Delattre" || strings.Join(e.Domains, "|") != "recrutement|droit social" || e.MonthlyCapacity != 4 {
		t.Errorf("expert = %+v", e)
	}
	if m, _ := db.FindMemberByUserID(ctx, "helene"); m.Role != commands.RoleExpert {
		t.Errorf("helene's role = %s, want expert", m.Role)
	}
	if n, err := db.CountPendingMessages(ctx); err != nil || n != 1 {
		t.Errorf("pending messages = %d, %v; want the welcome", n, err)
	}
	if out := slash(s, "marc", "expert ajouter <@helene>"); !strings.Contains(out, "réservée aux animateurs") {
		t.Errorf("a member adds an expert: %s", out)
	}
	if out := slash(s, "claire", "expert ajouter"); !strings.Contains(out, "/cercle expert ajouter @membre") {
		t.Errorf("ajouter without a member: %s", out)
	}
}

func TestExpertEditsOwnProfile(t *testing.T) {
	s, db, _ := expertWorld(t)
	submitExpert(s, "claire", "helene", profileValues())
	r := handle(s, "helene", "expert profil")
	if r.Form == nil || r.Form.State != "helene" {
		t.Fatalf("profil = %s", console.Render(r))
	}
	for id, want := range map[string]string{"expert_domains": "recrutement, droit social", "expert_windows": "mardi 14h-17h, jeudi 9h-12h",
		"expert_formats": "visio\npresentiel", "expert_capacity": "4"} {
		if got := fieldValue(r.Form, id); got != want {
			t.Errorf("prefilled %s = %q, want %q", id, got, want)
		}
	}
	out := console.Render(submitExpert(s, "helene", "helene", profileValues("expert_capacity", "2", "expert_windows", "jeudi 9h-12h")))
	if !strings.Contains(out, "Votre profil d'expert est à jour.") {
		t.Fatalf("own edit: %s", out)
	}
	if e := findExpert(t, db, "helene"); e.MonthlyCapacity != 2 || len(e.Availability) != 1 || !e.Active {
		t.Errorf("after the edit: %+v", e)
	}
}

// TestForgedProfileSubmissionsAreRefused: the form's state comes back from
// the client, so a member cannot save someone else's profile, nor make
// themselves an expert.
func TestForgedProfileSubmissionsAreRefused(t *testing.T) {
	s, db, _ := expertWorld(t)
	submitExpert(s, "claire", "helene", profileValues())
	for _, state := range []string{"helene", "marc"} {
		r := submitExpert(s, "marc", state, profileValues("expert_bio", "Piraté."))
		if out := console.Render(r); !strings.Contains(out, "Seuls les animateurs et l'expert lui-même") {
			t.Errorf("marc submits for %s: %s", state, out)
		}
	}
	if e := findExpert(t, db, "helene"); e.Bio == "Piraté." {
		t.Error("a forged submission changed helene's profile")
	}
	if _, err := db.FindExpert(context.Background(), "marc"); commands.ErrorCode(err) != commands.ENOTFOUND {
		t.Errorf("marc made himself an expert: %v", err)
	}
	if out := slash(s, "marc", "expert profil"); !strings.Contains(out, "Vous ne figurez pas parmi les experts") {
		t.Errorf("marc opens an expert profile: %s", out)
	}
	if r := submitExpert(s, "claire", "<script>", profileValues()); !strings.Contains(console.Render(r), "formulaire") {
		t.Errorf("garbage state: %s", console.Render(r))
	}
}

func TestExpertPausesAndResumes(t *testing.T) {
	s, db, clk := expertWorld(t)
	submitExpert(s, "claire", "helene", profileValues())
	out := slash(s, "helene", "expert pause 15/03/2027")
	if !strings.Contains(out, "jusqu'au lundi 15 mars 2027 inclus") || !strings.Contains(out, "le mardi 16 mars 2027") {
		t.Errorf("pause: %s", out)
	}
	if e := findExpert(t, db, "helene"); !e.PausedUntil.Equal(paris("2027-03-16 00:00")) {
		t.Errorf("paused until %v", e.PausedUntil)
	}
	if out := slash(s, "marc", "experts"); strings.Contains(out, "Hélène") {
		t.Errorf("the directory shows a paused expert:\n%s", out)
	}
	clk.Set(paris("2027-03-16 00:00"))
	if out := slash(s, "marc", "experts"); !strings.Contains(out, "Hélène") {
		t.Errorf("the pause is over, the directory still hides her:\n%s", out)
	}
	clk.Set(paris("2027-03-02 10:00"))
	if out := slash(s, "helene", "expert reprendre"); !strings.Contains(out, "Vous êtes de retour") {
		t.Errorf("reprendre: %s", out)
	}
	if e := findExpert(t, db, "helene"); !e.PausedUntil.IsZero() {
		t.Errorf("still paused until %v", e.PausedUntil)
	}
	for text, want := range map[string]string{
		"expert reprendre":        "Vous n'étiez pas en pause",
		"expert pause 01/03/2027": "Cette date est passée",
		"expert pause 31/02/2027": "«\u00a031/02/2027\u00a0» n'est pas une date",
		"expert pause demain":     "n'est pas une date",
		"expert pause 01/06/2028": "un an au plus",
		"expert pause":            "/cercle expert pause JJ/MM/AAAA",
	} {
		if out := slash(s, "helene", text); !strings.Contains(out, want) {
			t.Errorf("%q: %s", text, out)
		}
	}
	if out := slash(s, "marc", "expert pause 15/03/2027"); !strings.Contains(out, "Vous ne figurez pas parmi les experts") {
		t.Errorf("a member pauses: %s", out)
	}
}

func TestFacilitatorRetiresAnExpert(t *testing.T) {
	s, db, _ := expertWorld(t)
	submitExpert(s, "claire", "helene", profileValues())
	if out := slash(s, "marc", "expert retirer <@helene>"); !strings.Contains(out, "réservée aux animateurs") {
		t.Errorf("a member retires an expert: %s", out)
	}
	out := slash(s, "claire", "expert retirer <@helene>")
	if !strings.Contains(out, "Hélène Delattre ne fait plus partie des experts") || !strings.Contains(out, "reviennent aux animateurs") {
		t.Errorf("retirer: %s", out)
	}
	if e := findExpert(t, db, "helene"); e.Active {
		t.Error("still active")
	}
	if m, _ := db.FindMemberByUserID(context.Background(), "helene"); m.Role != commands.RoleMember {
		t.Errorf("role = %s, want member again", m.Role)
	}
	if out := slash(s, "marc", "experts"); strings.Contains(out, "Hélène") {
		t.Errorf("the directory shows a retired expert:\n%s", out)
	}
	for user, text := range map[commands.UserID]string{"helene": "expert profil", "claire": "expert retirer <@marc>"} {
		if out := slash(s, user, text); !strings.Contains(out, "ne figure") {
			t.Errorf("%s %q: %s", user, text, out)
		}
	}
	if out := slash(s, "claire", "expert retirer <@helene>"); !strings.Contains(out, "ne fait déjà plus partie") {
		t.Errorf("retired twice: %s", out)
	}
	r := submitExpert(s, "helene", "helene", profileValues())
	if out := console.Render(r); !strings.Contains(out, "Seuls les animateurs") {
		t.Errorf("a retired expert edits their profile: %s", out)
	}
	r = handle(s, "claire", "expert ajouter <@helene>")
	if r.Form == nil || fieldValue(r.Form, "expert_domains") != "recrutement, droit social" {
		t.Fatalf("adding back a retired expert does not show their profile: %+v", r)
	}
	submitExpert(s, "claire", "helene", profileValues())
	if e := findExpert(t, db, "helene"); !e.Active {
		t.Error("added back, still retired")
	}
}

// TestExpertCommandLeavesRequestsToTheRequestFlow: /cercle expert alone or
// with anything but a profile verb is a member's request.
func TestExpertCommandLeavesRequestsToTheRequestFlow(t *testing.T) {
	s, _, _ := expertWorld(t)
	for _, text := range []string{"expert", "expert besoin d'aide pour recruter"} {
		if r := handle(s, "marc", text); r.Form != nil && r.Form.ID == commands.FormExpert {
			t.Errorf("%q opens the profile form", text)
		}
	}
}
