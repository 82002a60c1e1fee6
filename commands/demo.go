package commands

import (
	"context"
	"fmt"
	"time"
)

// EnsureMember returns the member behind u, creating it if needed, and
// gives it role when role is set. It is for the operator's own tools (the
// console's ":as", the demo data), which stand outside Slack's permissions.
func (s *Service) EnsureMember(ctx context.Context, u User, role Role) (*Member, error) {
	m, err := s.member(ctx, u)
	if err != nil {
		return nil, err
	}
	if role == "" || m.Role == role {
		return m, nil
	}
	if !role.valid() {
		return nil, Errorf(EINVALID, "role.error.unknown_role", string(role))
	}
	if err := s.store.SetRole(ctx, "console", m.UserID, role); err != nil {
		return nil, err
	}
	m.Role = role
	return m, nil
}

// demoMember is one person of the demo network.
type demoMember struct {
	id, name string
	role     Role
	company  Company
}

// demoNetwork is a small business club of the Hauts-de-France, modelled on
// the networks in shared/seeds: company leaders pooling support functions,
// facilitators who run the plenaries, experts who take meeting requests.
// Every name is invented.
var demoNetwork = []demoMember{
	{"claire", "Claire Vasseur", RoleFacilitator, Company{Name: "Cercle Hauts-de-France", Sector: "Animation de réseau", Headcount: 4, City: "Lille", FoundedYear: 2013}},
	{"karim", "Karim Benali", RoleFacilitator, Company{Name: "Cercle Hauts-de-France", Sector: "Animation de réseau", Headcount: 4, City: "Lille", FoundedYear: 2013}},
	{"helene", "Hélène Delattre", RoleExpert, Company{Name: "Delattre Conseil", Sector: "Conseil en stratégie", Headcount: 6, City: "Arras", FoundedYear: 2009}},
	{"olivier", "Olivier Lemaire", RoleExpert, Company{Name: "Atelier Fonctionnalité", Sector: "Économie de la fonctionnalité", Headcount: 3, City: "Roubaix", FoundedYear: 2016}},
	{"sophie", "Sophie Carpentier", RoleExpert, Company{Name: "Carpentier Avocats", Sector: "Droit des affaires", Headcount: 12, City: "Lille", FoundedYear: 2001}},
	{"marc", "Marc Dufour", RoleMember, Company{Name: "Gesnord Logistique", Sector: "Transport et logistique", Headcount: 85, City: "Courrières", FoundedYear: 1987}},
	{"nadia", "Nadia Haddad", RoleMember, Company{Name: "Métallerie Haddad", Sector: "Métallurgie", Headcount: 42, City: "Douai", FoundedYear: 1995}},
	{"julien", "Julien Roussel", RoleMember, Company{Name: "Imprimerie du Beffroi", Sector: "Imprimerie", Headcount: 23, City: "Béthune", FoundedYear: 1978}},
	{"camille", "Camille Lefebvre", RoleMember, Company{Name: "Lefebvre Menuiseries", Sector: "BTP", Headcount: 31, City: "Lens", FoundedYear: 2004}},
	{"thomas", "Thomas Wauquier", RoleMember, Company{Name: "Opale Informatique", Sector: "Services numériques", Headcount: 17, City: "Boulogne-sur-Mer", FoundedYear: 2011}},
	{"isabelle", "Isabelle Morel", RoleMember, Company{Name: "Laiterie des Flandres", Sector: "Agroalimentaire", Headcount: 120, City: "Hazebrouck", FoundedYear: 1962}},
	{"antoine", "Antoine Bernard", RoleMember, Company{Name: "Bernard Nettoyage Industriel", Sector: "Services aux entreprises", Headcount: 210, City: "Valenciennes", FoundedYear: 1990}},
	{"lea", "Léa Fontaine", RoleMember, Company{Name: "Fontaine Textile", Sector: "Textile", Headcount: 38, City: "Tourcoing", FoundedYear: 1951}},
	{"pierre", "Pierre Caron", RoleMember, Company{Name: "Caron Énergies", Sector: "Énergie", Headcount: 9, City: "Amiens", FoundedYear: 2018}},
}

// SeedDemo fills the database with the demo network. Running it twice
// changes nothing: members are found by id and companies rewritten.
func (s *Service) SeedDemo(ctx context.Context) error {
	for _, d := range demoNetwork {
		m, err := s.EnsureMember(ctx, User{ID: UserID(d.id), Name: d.name}, d.role)
		if err != nil {
			return fmt.Errorf("seed member %s: %w", d.id, err)
		}
		if m.Name != d.name {
			name := d.name
			if _, err := s.store.UpdateMember(ctx, m.UserID, MemberUpdate{Name: &name}); err != nil {
				return fmt.Errorf("seed member %s: %w", d.id, err)
			}
		}
		company := d.company
		if _, err := s.store.SaveCompany(ctx, m.UserID, &company); err != nil {
			return fmt.Errorf("seed company of %s: %w", d.id, err)
		}
	}
	return s.seedDemoEvents(ctx)
}

// demoEvent is one event of the demo programme, days ahead of today.
type demoEvent struct {
	kind              EventKind
	title, place, des string
	inDays, hour      int
	weekday           time.Weekday // moved forward to this day
	hours, capacity   int
	registered        []UserID
}

var demoEvents = []demoEvent{
	{KindPlenary, "Plénière de printemps : l'économie de la fonctionnalité", "CCI Grand Lille, place du Théâtre, Lille",
		"Témoignages de Gesnord Logistique et de la Métallerie Haddad : vendre l'usage plutôt que le produit. Atelier entre pairs, puis cocktail.",
		21, 18, time.Thursday, 3, 60, []UserID{"marc", "nadia", "julien", "camille"}},
	{KindTraining, "Mutualiser les fonctions support entre entreprises voisines", "Maison de l'entreprise, Arras",
		"Journée de formation : achats groupés, informatique, comptabilité et RH partagés. Animée par Hélène Delattre.",
		35, 9, time.Tuesday, 8, 3, []UserID{"thomas", "isabelle", "antoine"}},
	{KindVisit, "Visite de Gesnord Logistique", "Zone d'activités, Courrières",
		"Visite du site et échange avec l'équipe de direction sur le passage à l'économie de la fonctionnalité.",
		49, 14, time.Friday, 3, 15, nil},
}

// seedDemoEvents publishes the demo programme, once: a database that has
// events keeps them.
func (s *Service) seedDemoEvents(ctx context.Context) error {
	existing, err := s.store.FindEvents(ctx, EventFilter{Limit: 1})
	if err != nil || len(existing) > 0 {
		return err
	}
	today := s.now().In(s.zone)
	for _, d := range demoEvents {
		day := today.AddDate(0, 0, d.inDays)
		day = day.AddDate(0, 0, (int(d.weekday)-int(day.Weekday())+7)%7)
		start := time.Date(day.Year(), day.Month(), day.Day(), d.hour, 30, 0, 0, s.zone)
		ev := &Event{Kind: d.kind, Title: d.title, Description: d.des, Place: d.place, Start: start,
			End: start.Add(time.Duration(d.hours) * time.Hour), Capacity: d.capacity,
			CancelCutoff: start.Add(-defaultCutoff), Status: EventPublished, CreatedBy: "claire"}
		if err := s.store.CreateEvent(ctx, ev); err != nil {
			return fmt.Errorf("seed event %q: %w", d.title, err)
		}
		// The demo's members registered long ago: no confirmation DMs.
		err := s.store.ChangeEvent(ctx, ev.ID, func(tx EventTx) error {
			for _, u := range d.registered {
				status, err := decideRegistration(s.now(), tx.Event(), nil)
				if err != nil {
					return err
				}
				if _, err := tx.Join(u, status); err != nil {
					return fmt.Errorf("seed registration of %s: %w", u, err)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
