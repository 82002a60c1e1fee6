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
// changes nothing: members are found by id and companies rewritten;
// events, groups, experts, the Bureau des pairs' day and the pooling
// campaign are created once.
func (s *Service) SeedDemo(ctx context.Context) error {
	if err := s.seedDemoMembers(ctx, demoNetwork); err != nil {
		return err
	}
	if err := s.seedDemoEvents(ctx); err != nil {
		return err
	}
	if err := s.seedDemoGroups(ctx); err != nil {
		return err
	}
	if err := s.seedDemoExperts(ctx); err != nil {
		return err
	}
	if err := s.seedDemoBureau(ctx); err != nil {
		return err
	}
	return s.seedDemoPooling(ctx)
}

// demoEvent is one event of the demo programme. Each comes at least
// after days after the one before it (the first, after today), on its
// weekday, on a working day outside the school holidays.
type demoEvent struct {
	kind EventKind
	// title, for a plenary, has a %s for its season: a network names its
	// plenaries « de printemps », « d'automne »…
	title, place, des string
	after             int
	weekday           time.Weekday
	hour, minute      int
	hours, capacity   int
	registered        []UserID
}

var demoEvents = []demoEvent{
	{KindPlenary, "Plénière %s : l'économie de la fonctionnalité", "CCI Grand Lille, place du Théâtre, Lille",
		"Témoignages de Gesnord Logistique et de la Métallerie Haddad : vendre l'usage plutôt que le produit. Atelier entre pairs, puis cocktail.",
		21, time.Thursday, 18, 30, 3, 60, []UserID{"marc", "nadia", "julien", "camille"}},
	{KindTraining, "Mutualiser les fonctions support entre entreprises voisines", "Maison de l'entreprise, Arras",
		"Journée de formation : achats groupés, informatique, comptabilité et RH partagés. Animée par Hélène Delattre.",
		12, time.Tuesday, 9, 0, 8, 24, []UserID{"thomas", "isabelle", "antoine"}},
	// Marc Dufour runs Gesnord Logistique: he hosts the visit, he does
	// not book a seat on it.
	{KindVisit, "Visite de Gesnord Logistique", "Zone d'activités, Courrières",
		"Visite du site et échange avec l'équipe de direction sur le passage à l'économie de la fonctionnalité.",
		10, time.Friday, 14, 0, 3, 15, []UserID{"nadia", "lea", "pierre"}},
}

// seedDemoEvents publishes the demo programme, once: a database that has
// events keeps them.
func (s *Service) seedDemoEvents(ctx context.Context) error {
	existing, err := s.store.FindEvents(ctx, EventFilter{Limit: 1})
	if err != nil || len(existing) > 0 {
		return err
	}
	day := s.now().In(s.zone)
	for _, d := range demoEvents {
		day = demoDay(day.AddDate(0, 0, d.after), d.weekday)
		start := time.Date(day.Year(), day.Month(), day.Day(), d.hour, d.minute, 0, 0, s.zone)
		title := d.title
		if d.kind == KindPlenary {
			title = fmt.Sprintf(title, season(start))
		}
		ev := &Event{Kind: d.kind, Title: title, Description: d.des, Place: d.place, Start: start,
			End: start.Add(time.Duration(d.hours) * time.Hour), Capacity: d.capacity,
			CancelCutoff: start.Add(-defaultCutoff), Status: EventPublished, CreatedBy: "claire"}
		if err := s.store.CreateEvent(ctx, ev); err != nil {
			return fmt.Errorf("seed event %q: %w", title, err)
		}
		if err := s.seedRegistrations(ctx, ev.ID, d.registered); err != nil {
			return err
		}
	}
	return nil
}

// seedRegistrations books the demo's members, who registered long ago: no
// confirmation DMs.
func (s *Service) seedRegistrations(ctx context.Context, id int64, users []UserID) error {
	return s.store.ChangeEvent(ctx, id, func(tx EventTx) error {
		for _, u := range users {
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
}

// demoDay returns the first day from day on that falls on weekday and on
// which a business network meets: a working day (no public holiday, nor
// the Friday « pont » after Ascension) outside the Christmas and summer
// school holidays.
func demoDay(day time.Time, weekday time.Weekday) time.Time {
	for day.Weekday() != weekday || publicHoliday(day) || schoolHoliday(day) {
		day = day.AddDate(0, 0, 1)
	}
	return day
}

// schoolHoliday reports whether day falls in the Christmas holidays (20
// December to 4 January) or the summer ones (14 July to 31 August), when
// company leaders are away and nobody plans a plenary.
func schoolHoliday(day time.Time) bool {
	md := int(day.Month())*100 + day.Day()
	return md >= 1220 || md <= 104 || (md >= 714 && md <= 831)
}

// publicHoliday reports whether day is a French public holiday, or the
// Friday after Ascension, which most companies give off.
func publicHoliday(day time.Time) bool {
	switch int(day.Month())*100 + day.Day() {
	case 101, 501, 508, 714, 815, 1101, 1111, 1225:
		return true
	}
	easter := easterSunday(day.Year(), day.Location())
	for _, after := range []int{1, 39, 40, 50} { // Monday, Ascension, its pont, Whit Monday
		if e := easter.AddDate(0, 0, after); e.Month() == day.Month() && e.Day() == day.Day() {
			return true
		}
	}
	return false
}

// easterSunday computes Easter in the Gregorian calendar (the anonymous
// algorithm of Meeus).
func easterSunday(year int, loc *time.Location) time.Time {
	a, b, c := year%19, year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	dayOf := (h+l-7*m+114)%31 + 1
	return time.Date(year, time.Month(month), dayOf, 0, 0, 0, 0, loc)
}

// season names the season day falls in, as a plenary's title says it.
func season(day time.Time) string {
	switch md := int(day.Month())*100 + day.Day(); {
	case md >= 320 && md < 621:
		return "de printemps"
	case md >= 621 && md < 922:
		return "d'été"
	case md >= 922 && md < 1221:
		return "d'automne"
	}
	return "d'hiver"
}
