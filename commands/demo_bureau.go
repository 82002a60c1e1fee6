package commands

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// This file is the demo's Bureau des pairs: six leaders of the network
// volunteer as peers, and a hearing day three weeks on hears six
// companies whose turns are the ones the seeds tell of (a digital turn,
// energy, a responsible business, an organisation to rethink). Every
// application goes through the form's checks, and every step through
// the rules, as a facilitator's would; nobody is sent a message.

// demoPeers are the demo members who sit on panels.
var demoPeers = []UserID{"marc", "julien", "camille", "isabelle", "antoine", "lea"}

// demoApplicants are the companies heard who are not yet in the network:
// guests, filed for by a facilitator.
var demoApplicants = []demoMember{
	{"gaelle", "Gaëlle Vandamme", RoleMember, Company{Name: "Brasserie du Pévèle", Sector: "Brasserie artisanale", Headcount: 14, City: "Orchies", FoundedYear: 2016}},
	{"yannick", "Yannick Leroux", RoleMember, Company{Name: "Ambulances de l'Opale", Sector: "Transport sanitaire", Headcount: 27, City: "Calais", FoundedYear: 2008}},
	{"aurore", "Aurore Boulanger", RoleMember, Company{Name: "Atelier Maille Nord", Sector: "Textile technique", Headcount: 2, City: "Roubaix", FoundedYear: 2024}},
}

// demoApplication is one application of the demo day, in its slot's
// order; reason is the facilitator's, for one that misses a criterion.
type demoApplication struct {
	applicant   UserID
	revenue     RevenueBand
	kind        TurnKind
	project     string
	expectation string
	reason      string
}

var demoApplications = []demoApplication{
	{"nadia", Revenue5MTo20M, TurnEnergy,
		"Nos fours de traitement thermique consomment 40 % de notre énergie. Nous envisageons de les électrifier et de récupérer la chaleur pour l'atelier de peinture, pour un investissement de 1,2 M€ sur trois ans. Faut-il le faire d'un coup ou par étapes ?",
		"Un avis de dirigeants qui ont déjà mené un gros investissement industriel.", ""},
	{"thomas", Revenue1MTo5M, TurnOrganisational,
		"Nous passons de 17 à 30 salariés en deux ans. Je décide encore de tout et l'équipe attend mes arbitrages. Je veux créer deux pôles avec leurs responsables et un comité de direction, sans perdre l'esprit de l'entreprise.",
		"Savoir comment d'autres dirigeants ont délégué sans se couper du terrain.", ""},
	{"gaelle", Revenue1MTo5M, TurnResponsible,
		"Nous voulons passer toute notre gamme en bouteilles consignées et en malt cultivé à moins de 50 km, et viser le label B Corp. Le coût de la consigne et de la logistique retour nous inquiète.",
		"Un regard sur la logistique retour et sur le prix que nos clients accepteront.", ""},
	{"pierre", Revenue1MTo5M, TurnDigital,
		"Nos 9 techniciens relèvent les compteurs de chaufferie à la main. Nous voulons poser des capteurs connectés chez nos 300 clients et vendre un contrat de pilotage à distance plutôt que des interventions.",
		"Savoir si le modèle d'abonnement tient la route et comment le présenter aux clients.", ""},
	{"yannick", Revenue1MTo5M, TurnOrganisational,
		"Trois de nos associés partent à la retraite d'ici 2028. Nous hésitons entre la reprise par les salariés en SCOP et l'adossement à un groupe régional.",
		"Entendre des dirigeants qui ont transmis ou repris une entreprise.", ""},
	{"aurore", Revenue300kTo1M, TurnDigital,
		"Nous tricotons des textiles techniques pour le médical. Nous voulons vendre en ligne aux kinésithérapeutes, avec des mesures prises par une application, au lieu de passer par des distributeurs.",
		"Savoir si nous sommes prêts, à deux, à gérer la vente directe.",
		"Deux salariés et deux ans d'existence, mais un marché et un projet mûrs : le panel peut l'aider à choisir."},
}

// seedDemoBureau names the peers and creates the hearing day with its
// six applications and its proposed panel, once: a database with a
// hearing day keeps its own.
func (s *Service) seedDemoBureau(ctx context.Context) error {
	days, err := s.store.FindHearingDays(ctx, HearingDayFilter{Limit: 1})
	if err != nil || len(days) > 0 {
		return err
	}
	if err := s.seedDemoMembers(ctx, demoApplicants); err != nil {
		return err
	}
	for _, u := range demoPeers {
		if err := s.store.SetPeer(ctx, u, true, "claire"); err != nil {
			return fmt.Errorf("seed peer %s: %w", u, err)
		}
	}
	start := demoDay(s.now().In(s.zone).AddDate(0, 0, 21), time.Tuesday)
	day := &HearingDay{StartsAt: time.Date(start.Year(), start.Month(), start.Day(), 9, 0, 0, 0, s.zone),
		Place: "CCI Grand Lille, place du Théâtre, Lille", Hearings: DefaultHearings, HearingMinutes: DefaultHearingMinutes,
		BufferMinutes: DefaultBufferMinutes, CreatedBy: "claire"}
	if err := s.store.CreateHearingDay(ctx, day); err != nil {
		return fmt.Errorf("seed hearing day: %w", err)
	}
	var apps []*Application
	for i, d := range demoApplications {
		a, err := s.seedDemoApplication(ctx, d, day, i+1)
		if err != nil {
			return fmt.Errorf("seed application of %s: %w", d.applicant, err)
		}
		apps = append(apps, a)
	}
	peers, err := s.store.FindPeers(ctx, s.now().Add(-loadWindow))
	if err != nil {
		return err
	}
	var panel []UserID
	for _, seat := range ProposePanel(peers, apps, DefaultPanelSize).Seats {
		panel = append(panel, seat.Peer.Member.UserID)
	}
	return s.store.SetPanel(ctx, day.ID, panel, "claire")
}

// seedDemoApplication files one application through the form's checks,
// has claire accept it, and gives it its slot.
func (s *Service) seedDemoApplication(ctx context.Context, d demoApplication, day *HearingDay, slot int) (*Application, error) {
	m, err := s.store.FindMemberByUserID(ctx, d.applicant)
	if err != nil {
		return nil, err
	}
	now := s.now().In(s.zone)
	c := m.Company
	a, err := parseApplication(map[string]string{
		fieldBureauCompany: c.Name, fieldBureauSector: c.Sector, fieldBureauCity: c.City,
		fieldBureauFounded: strconv.Itoa(c.FoundedYear), fieldBureauHeadcount: strconv.Itoa(c.Headcount),
		fieldBureauRevenue: string(d.revenue), fieldBureauKind: string(d.kind),
		fieldBureauProject: d.project, fieldBureauExpects: d.expectation,
	}, now.Year(), s.printer(nil))
	if err != nil {
		return nil, err
	}
	a.Applicant = m.UserID
	if slices.ContainsFunc(demoApplicants, func(g demoMember) bool { return UserID(g.id) == m.UserID }) {
		a.FiledBy = "claire" // a guest's application
	}
	decideSubmit(a, CheckEligibility(s.bureau, a, now))
	if err := s.store.CreateApplication(ctx, a); err != nil {
		return nil, err
	}
	err = s.store.ChangeApplication(ctx, a.ID, func(tx ApplicationTx) error {
		a = tx.Application()
		if err := decideApplication(a, true, d.reason, "claire", now); err != nil {
			return err
		}
		if err := decideSchedule(a, day, slot, now); err != nil {
			return err
		}
		return tx.Save(a)
	})
	return a, err
}
