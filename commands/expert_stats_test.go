package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"cercle/commands"
	"cercle/storage"
)

// request stores a request as the request flow would have left it, made
// at its CreatedAt: the store dates a new request by its own clock.
func request(t *testing.T, db *storage.DB, r commands.ExpertRequest) {
	t.Helper()
	clock := db.Now
	defer func() { db.Now = clock }()
	db.Now = func() time.Time { return r.CreatedAt }
	if err := db.CreateRequest(context.Background(), &r); err != nil {
		t.Fatal(err)
	}
}

func TestExpertStatistics(t *testing.T) {
	s, db, clk := expertWorld(t)
	if out := slash(s, "claire", "experts stats"); !strings.Contains(out, "Aucune demande d'expert pour l'instant.") {
		t.Errorf("stats without requests:\n%s", out)
	}
	if _, err := s.EnsureMember(context.Background(), commands.User{ID: "agnes", Name: "Agnès Lecomte"}, ""); err != nil {
		t.Fatal(err)
	}
	now := clk.Now()
	week := []commands.Window{window(time.Tuesday, "14:00", "17:00")}
	saveExpert(t, db, commands.Expert{User: "helene", Domains: []string{"recrutement"}, Bio: "DRH.", Languages: []string{"fr"},
		Formats: []commands.MeetingFormat{commands.FormatVideo}, MonthlyCapacity: 4, Availability: week})
	saveExpert(t, db, commands.Expert{User: "agnes", Domains: []string{"fiscalité"}, Bio: "Comptable.", Languages: []string{"fr"},
		Formats: []commands.MeetingFormat{commands.FormatVideo}, MonthlyCapacity: 2, Availability: week, PausedUntil: paris("2027-03-06 00:00")})
	day := 24 * time.Hour
	asked := func(daysAgo int, domain string, status commands.RequestStatus, expert commands.UserID, answerAfter time.Duration, rating int) commands.ExpertRequest {
		at := now.Add(-time.Duration(daysAgo) * day)
		r := commands.ExpertRequest{Requester: "marc", Problem: "Un besoin.", Domain: domain, Urgency: commands.UrgencyNormal, Status: status,
			Expert: expert, Rating: rating, CreatedAt: at}
		if expert != "" {
			r.RoutedAt, r.AnswerBy = at, at.Add(72*time.Hour)
		}
		if answerAfter > 0 {
			r.FirstAnswerAt = at.Add(answerAfter)
		}
		return r
	}
	request(t, db, asked(10, "recrutement", commands.RequestDone, "helene", 2*time.Hour, 5))
	request(t, db, asked(5, "recrutement", commands.RequestScheduled, "helene", 4*time.Hour, 0))
	declined := asked(3, "fiscalité", commands.RequestDeclined, "agnes", 6*time.Hour, 0)
	declined.Tried = []commands.UserID{"agnes"}
	request(t, db, declined)
	request(t, db, asked(1, "", commands.RequestNew, "", 0, 0))
	request(t, db, asked(40, "Recrutement", commands.RequestDone, "agnes", 30*time.Hour, 4))

	out := slash(s, "claire", "experts stats")
	for _, want := range []string{
		"Statistiques des experts", "5 demandes d'expert depuis le début.",
		"## Demandes par domaine\nRecrutement\u00a0: 3 demandes\nFiscalité\u00a0: 1 demande\nDomaine non précisé\u00a0: 1 demande",
		"Délai médian de première réponse — 5 heures (sur 4 réponses)",
		"Taux d'acceptation — 75\u202f% (3 sur 4 demandes confiées à un expert)",
		"Satisfaction moyenne — 4,5 sur 5 (2 avis)",
		"## Charge des 30 derniers jours\nHélène Delattre\u00a0: 2 demandes sur 4 par mois\nAgnès Lecomte\u00a0: 0 demande sur 2 par mois · en pause jusqu'au vendredi 5 mars 2027",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stats lack %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "%!") {
		t.Errorf("fmt mistake:\n%s", out)
	}
	if out := slash(s, "marc", "experts stats"); !strings.Contains(out, "réservée aux animateurs") {
		t.Errorf("a member reads the statistics:\n%s", out)
	}
}
