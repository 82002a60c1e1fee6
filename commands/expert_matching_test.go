package commands_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"cercle/commands"
	"cercle/storage"
)

// This file ranks the demo's directory of experts for requests typed as
// members type them: with or without accents, singular or plural, a verb
// or its noun. Both ways of saying a need must find one of the experts of
// that need first, and say which of the request's words matched.

// demoDirectory is the demo network, experts included, on Wednesday 10
// March 2027.
func demoDirectory(t *testing.T) (*commands.Service, *storage.DB, *clock) {
	t.Helper()
	clk := &clock{t: paris("2027-03-10 10:00")}
	s, db := newService(t, nil, func(c *commands.Config) { c.Now = clk.Now })
	db.Now = clk.Now
	if err := s.SeedDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s, db, clk
}

// rank returns the candidates for Marc's request of problem, in order.
func rank(t *testing.T, s *commands.Service, r commands.ExpertRequest) []*commands.ExpertMatch {
	t.Helper()
	if r.Requester == "" {
		r.Requester = "marc"
	}
	r.Status = commands.RequestNew
	ms, err := s.RankExperts(context.Background(), &r)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func users(ms []*commands.ExpertMatch) []commands.UserID {
	var out []commands.UserID
	for _, m := range ms {
		out = append(out, m.Expert.User)
	}
	return out
}

func TestRankDemoExpertsWhateverTheWording(t *testing.T) {
	s, _, _ := demoDirectory(t)
	for _, tt := range []struct {
		need string
		// first are the experts of that need (any may come first: near
		// equals are spread by load); domain is theirs.
		first  []commands.UserID
		domain string
		// each problem, with the word of it that must be found in the
		// first expert's profile.
		problems [][2]string
	}{
		{"recruiting salespeople", []commands.UserID{"maxime", "francois"}, "recrutement", [][2]string{
			{"recruter un commercial", "recruter"}, {"recrutement de commerciaux", "recrutement"},
			{"Nous devons recruter un commercial pour l'export, nos annonces ne donnent rien.", "commercial"}}},
		{"tax", []commands.UserID{"bertrand", "agnes"}, "fiscalité", [][2]string{
			{"fiscalite", "fiscalite"}, {"fiscalité", "fiscalité"}, {"Une question de FISCALITE sur notre holding", "fiscalite"}}},
		{"fundraising", []commands.UserID{"caroline", "anne-sophie"}, "levée de fonds", [][2]string{
			{"levée de fonds", "levée"}, {"lever des fonds", "lever"}, {"Nous voulons lever 800 000 euros de fonds l'an prochain.", "lever"}}},
		{"functional economy", []commands.UserID{"olivier", "hugo"}, "économie de la fonctionnalité", [][2]string{
			{"économie de la fonctionnalité", "fonctionnalité"}, {"economie de fonctionnalite", "fonctionnalite"}}},
		{"energy", []commands.UserID{"nathalie", "guillaume", "vincent"}, "transition énergétique", [][2]string{
			{"energie", "energie"}, {"facture d'énergie", "énergie"}, {"Notre facture d'énergie a doublé : comment la réduire ?", "énergie"}}},
		{"handing over", []commands.UserID{"veronique", "bertrand", "sophie", "jean-marc", "anne-sophie"}, "transmission d'entreprise", [][2]string{
			{"transmettre mon entreprise", "transmettre"}, {"transmission", "transmission"},
			{"Je veux transmettre ma société à mes salariés d'ici trois ans.", "transmettre"}}},
	} {
		t.Run(tt.need, func(t *testing.T) {
			for _, p := range tt.problems {
				ms := rank(t, s, commands.ExpertRequest{Problem: p[0]})
				if len(ms) == 0 {
					t.Errorf("%q: no candidate", p[0])
					continue
				}
				best := ms[0]
				if !slices.Contains(tt.first, best.Expert.User) {
					t.Errorf("%q: %s first (%v), want one of %v", p[0], best.Expert.User, users(ms), tt.first)
				}
				if !slices.ContainsFunc(best.Expert.Domains, func(d string) bool { return strings.EqualFold(d, tt.domain) }) {
					t.Errorf("%q: the first, %s, is not in %q: %v", p[0], best.Expert.User, tt.domain, best.Expert.Domains)
				}
				if !slices.Contains(best.Words, p[1]) {
					t.Errorf("%q: %s matched on %q, want %q among them", p[0], best.Expert.User, best.Words, p[1])
				}
			}
		})
	}
}

// loaded gives expert n requests routed to them at at, met.
func loaded(t *testing.T, db *storage.DB, expert commands.UserID, n int, at time.Time) {
	t.Helper()
	for range n {
		request(t, db, commands.ExpertRequest{Requester: "nadia", Problem: "Une demande déjà traitée.", Urgency: commands.UrgencyNormal,
			Status: commands.RequestDone, Expert: expert, RoutedAt: at, AnswerBy: at.Add(72 * time.Hour), CreatedAt: at})
	}
}

func TestRankDemoExpertsWhoCanTakeIt(t *testing.T) {
	const recruit = "Nous cherchons à recruter un commercial expérimenté."
	t.Run("OwnCompany", func(t *testing.T) {
		s, db, _ := demoDirectory(t)
		maxime, err := db.FindExpert(context.Background(), "maxime")
		if err != nil {
			t.Fatal(err)
		}
		got := users(rank(t, s, commands.ExpertRequest{Problem: recruit}))
		if got[0] != "maxime" {
			t.Fatalf("from another company: %v, want maxime first", got)
		}
		if got := users(rank(t, s, commands.ExpertRequest{Problem: recruit, CompanyID: maxime.CompanyID})); slices.Contains(got, "maxime") || len(got) == 0 {
			t.Errorf("from maxime's own company: %v", got)
		}
		if got := users(rank(t, s, commands.ExpertRequest{Problem: recruit, Requester: "maxime"})); slices.Contains(got, "maxime") {
			t.Errorf("maxime's own request: %v", got)
		}
	})
	t.Run("Paused", func(t *testing.T) {
		s, db, clk := demoDirectory(t)
		e, err := db.FindExpert(context.Background(), "maxime")
		if err != nil {
			t.Fatal(err)
		}
		e.PausedUntil = clk.Now().Add(7 * 24 * time.Hour)
		if err := db.SaveExpert(context.Background(), e); err != nil {
			t.Fatal(err)
		}
		if got := users(rank(t, s, commands.ExpertRequest{Problem: recruit})); slices.Contains(got, "maxime") || len(got) == 0 || got[0] != "francois" {
			t.Errorf("maxime paused: %v, want francois first", got)
		}
		clk.Set(e.PausedUntil)
		if got := users(rank(t, s, commands.ExpertRequest{Problem: recruit})); got[0] != "maxime" {
			t.Errorf("maxime back from his pause: %v", got)
		}
	})
	t.Run("Full", func(t *testing.T) {
		s, db, clk := demoDirectory(t)
		loaded(t, db, "maxime", 4, paris("2027-03-02 09:00")) // of 5 a month
		if got := users(rank(t, s, commands.ExpertRequest{Problem: recruit})); got[0] != "maxime" {
			t.Errorf("maxime with room for one more: %v", got)
		}
		loaded(t, db, "maxime", 1, paris("2027-03-03 09:00"))
		if got := users(rank(t, s, commands.ExpertRequest{Problem: recruit})); slices.Contains(got, "maxime") || len(got) == 0 {
			t.Errorf("maxime full: %v", got)
		}
		clk.Set(paris("2027-04-01 08:00")) // a new month
		if got := users(rank(t, s, commands.ExpertRequest{Problem: recruit})); !slices.Contains(got, "maxime") {
			t.Errorf("maxime in a new month: %v", got)
		}
	})
	t.Run("SpreadAmongNearEquals", func(t *testing.T) {
		s, db, _ := demoDirectory(t)
		ms := rank(t, s, commands.ExpertRequest{Problem: "fiscalité"})
		if len(ms) < 2 || ms[0].Expert.User != "bertrand" || ms[1].Expert.User != "agnes" || ms[1].Score < ms[0].Score*0.85 {
			t.Fatalf("without load: %v, want bertrand then agnes, near equals", users(ms))
		}
		loaded(t, db, "bertrand", 2, paris("2027-03-02 09:00")) // of 3 a month: he can still take it
		if got := users(rank(t, s, commands.ExpertRequest{Problem: "fiscalité"})); len(got) < 2 || got[0] != "agnes" || got[1] != "bertrand" {
			t.Errorf("bertrand busier: %v, want agnes first", got)
		}
		// A clearly better expert stays first, however busy.
		loaded(t, db, "maxime", 4, paris("2027-03-02 09:00"))
		if got := users(rank(t, s, commands.ExpertRequest{Problem: "recrutement de commerciaux"})); got[0] != "maxime" {
			t.Errorf("maxime busier but best: %v", got)
		}
	})
}
