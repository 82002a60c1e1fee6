package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"cercle/commands"
	"cercle/storage"
)

func saveExpert(t *testing.T, db *storage.DB, e commands.Expert) {
	t.Helper()
	e.Active = true
	if err := db.SaveExpert(context.Background(), &e); err != nil {
		t.Fatal(err)
	}
}

func TestDirectoryShowsWhatMembersMaySee(t *testing.T) {
	s, db, clk := expertWorld(t)
	for _, id := range []commands.UserID{"agnes", "bruno"} {
		if _, err := s.EnsureMember(context.Background(), commands.User{ID: id, Name: strings.ToUpper(string(id[:1])) + string(id[1:])}, ""); err != nil {
			t.Fatal(err)
		}
	}
	week := []commands.Window{window(time.Tuesday, "14:00", "17:00")}
	saveExpert(t, db, commands.Expert{User: "helene", Domains: []string{"recrutement", "droit social"}, Bio: "Ancienne DRH d'une PME. Secret de la seconde phrase.",
		Languages: []string{"fr", "en"}, Formats: []commands.MeetingFormat{commands.FormatVideo, commands.FormatInPerson}, MonthlyCapacity: 7, Availability: week})
	saveExpert(t, db, commands.Expert{User: "agnes", Domains: []string{"fiscalité", "comptabilité"}, Bio: "Experte-comptable à Douai",
		Languages: []string{"fr"}, Formats: []commands.MeetingFormat{commands.FormatPhone}, MonthlyCapacity: 3, Availability: week})
	saveExpert(t, db, commands.Expert{User: "bruno", Domains: []string{"Recrutement"}, Bio: "En pause.", Languages: []string{"fr"},
		Formats: []commands.MeetingFormat{commands.FormatPhone}, MonthlyCapacity: 3, Availability: week, PausedUntil: clk.Now().Add(time.Hour)})
	out := slash(s, "marc", "experts")
	for _, want := range []string{"Les experts du réseau", "## Recrutement\nHélène Delattre\nAncienne DRH d'une PME.\nRendez-vous\u00a0: visio, présentiel · langues\u00a0: français, anglais",
		"## Fiscalité\nAgnes\nExperte-comptable à Douai\nRendez-vous\u00a0: téléphone", "## Droit social", "## Comptabilité", "/cercle expert"} {
		if !strings.Contains(out, want) {
			t.Errorf("directory lacks %q:\n%s", want, out)
		}
	}
	for _, secret := range []string{"Secret", "7", "3 rendez-vous", "mardi", "14h", "Bruno", "En pause"} {
		if strings.Contains(out, secret) {
			t.Errorf("directory shows %q:\n%s", secret, out)
		}
	}
	if strings.Index(out, "Comptabilité") > strings.Index(out, "Droit social") || strings.Index(out, "Fiscalité") > strings.Index(out, "Recrutement") {
		t.Errorf("domains not in alphabetical order:\n%s", out)
	}
	out = slash(s, "marc", "experts FISCALITE")
	if !strings.Contains(out, "Experts\u00a0: FISCALITE") || !strings.Contains(out, "Agnes") || strings.Contains(out, "Hélène") {
		t.Errorf("filtered directory:\n%s", out)
	}
	out = slash(s, "marc", "experts droit des robots")
	if !strings.Contains(out, "Aucun expert disponible dans un domaine qui contient «\u00a0droit des robots\u00a0»") ||
		!strings.Contains(out, "comptabilité, droit social, fiscalité, recrutement") {
		t.Errorf("no match:\n%s", out)
	}
}

func TestDirectoryWithoutExperts(t *testing.T) {
	s, _, _ := expertWorld(t)
	if out := slash(s, "marc", "experts"); !strings.Contains(out, "Aucun expert n'est disponible") {
		t.Errorf("empty directory:\n%s", out)
	}
}
