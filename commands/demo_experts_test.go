package commands_test

import (
	"context"
	"strings"
	"testing"

	"cercle/commands"
)

// TestDemoExperts: the demo seeds a directory of at least 40 experts,
// once, each a member with a company and a complete profile.
func TestDemoExperts(t *testing.T) {
	s, db := newService(t, nil)
	ctx := context.Background()
	for range 2 {
		if err := s.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
	}
	experts, err := db.ListExperts(ctx)
	if err != nil || len(experts) < 40 {
		t.Fatalf("experts = %d, %v; want at least 40", len(experts), err)
	}
	domains := map[string]bool{}
	for _, e := range experts {
		m, err := db.FindMemberByUserID(ctx, e.User)
		if err != nil || m.Company == nil || m.Role != commands.RoleExpert {
			t.Errorf("expert %s: member %+v, %v", e.User, m, err)
		}
		if !e.Active || len(e.Domains) < 1 || len(e.Domains) > 4 || e.Bio == "" || len(e.Availability) == 0 || e.MonthlyCapacity < 1 {
			t.Errorf("expert %s = %+v", e.User, e)
		}
		for _, d := range e.Domains {
			domains[d] = true
		}
	}
	for _, d := range []string{"recrutement", "droit social", "fiscalité", "levée de fonds", "financement bancaire", "économie de la fonctionnalité",
		"transition énergétique", "achats", "export", "cybersécurité", "RSE", "transmission d'entreprise", "marketing digital", "management",
		"logistique", "immobilier d'entreprise", "innovation", "propriété industrielle", "assurance", "comptabilité", "systèmes d'information",
		"qualité", "santé au travail"} {
		if !domains[d] {
			t.Errorf("no demo expert in %q", d)
		}
	}
	out := slash(s, "marc", "experts economie de la fonctionnalite")
	for _, want := range []string{"Olivier Lemaire (Atelier Fonctionnalité)", "Hugo Dhalluin (Circulaire & Co)"} {
		if !strings.Contains(out, want) {
			t.Errorf("directory of économie de la fonctionnalité lacks %q:\n%s", want, out)
		}
	}
	if out := slash(s, "marc", "experts"); strings.Contains(out, "%!") || strings.Count(out, "## ") < 20 {
		t.Errorf("directory:\n%s", out)
	}
}
