package commands_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

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

// TestDemoBureau: the demo seeds, once, a hearing day with six accepted
// applications in its six slots, of every kind of turn but « autre »,
// one of them accepted despite missing criteria, and a panel of five
// peers of whom none hears a company of their own sector.
func TestDemoBureau(t *testing.T) {
	s, db := newService(t, nil)
	ctx := context.Background()
	for range 2 {
		if err := s.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
	}
	days, err := db.FindHearingDays(ctx, commands.HearingDayFilter{})
	if err != nil || len(days) != 1 {
		t.Fatalf("days = %d, %v", len(days), err)
	}
	d := days[0]
	if len(d.Panel) != commands.DefaultPanelSize || d.StartsAt.Weekday() != time.Tuesday {
		t.Errorf("day = %+v", d)
	}
	apps, err := db.FindApplications(ctx, commands.ApplicationFilter{Day: d.ID})
	if err != nil || len(apps) != 6 {
		t.Fatalf("applications = %d, %v", len(apps), err)
	}
	kinds, slots, missed := map[commands.TurnKind]bool{}, map[int]bool{}, 0
	for _, a := range apps {
		kinds[a.Kind], slots[a.Slot] = true, true
		if a.Status != commands.ApplicationScheduled {
			t.Errorf("application %d: %s", a.ID, a.Status)
		}
		if len(a.Misses) > 0 {
			missed++
			if a.DecisionReason == "" || a.FiledBy != "claire" {
				t.Errorf("application %d accepted without a reason or filer: %+v", a.ID, a)
			}
		}
		if len(a.Panel) < commands.MinHearingPanel {
			t.Errorf("%s heard by %v", a.Company, a.Panel)
		}
	}
	if len(kinds) != 4 || len(slots) != 6 || missed != 1 {
		t.Errorf("kinds %v, slots %v, %d accepted despite a miss", kinds, slots, missed)
	}
	out := slash(s, "claire", fmt.Sprintf("bureau seance %d", d.ID))
	for _, want := range []string{"Brasserie du Pévèle", "Métallerie Haddad", "CCI Grand Lille"} {
		if !strings.Contains(out, want) {
			t.Errorf("day view lacks %q:\n%s", want, out)
		}
	}
	if out := slash(s, "nadia", fmt.Sprintf("bureau seance %d", d.ID)); strings.Contains(out, "Brasserie") {
		t.Errorf("an applicant sees the day:\n%s", out)
	}
}
