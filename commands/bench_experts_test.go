package commands_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"cercle/commands"
)

// BenchmarkRankExperts measures ranking one request against 500 experts,
// as the facilitators' queue and automatic routing do: the full-text
// search (French stems, BM25), the chosen domain's experts lifted, the
// month's and the last 30 days' load read, the filters and the load
// spread.
//
//	go test -tags "…" -run '^$' -bench RankExperts -benchtime 3s ./commands/
func BenchmarkRankExperts(b *testing.B) {
	n := &expertNet{clock: &clock{t: paris("2026-12-07 10:00")}}
	n.s, n.db = newService(b, nil, func(c *commands.Config) { c.Now = n.clock.Now })
	ctx := context.Background()
	domains := []string{"Recrutement", "Fiscalité", "Levée de fonds", "Transition énergétique", "Achats", "Droit social", "Export",
		"Cybersécurité", "RSE", "Transmission d'entreprise", "Marketing digital", "Management", "Logistique", "Économie de la fonctionnalité"}
	for i := range 500 {
		user := commands.UserID(fmt.Sprintf("E%03d", i))
		slash(n.s, user, "aide")
		e := &commands.Expert{User: user, Domains: []string{domains[i%len(domains)], domains[(i*7+3)%len(domains)]},
			Bio:             fmt.Sprintf("Accompagne les PME des Hauts-de-France depuis %d ans : diagnostic, plan d'action et suivi des équipes de direction.", 5+i%20),
			MonthlyCapacity: 4, Active: true, Availability: []commands.Window{{Weekday: time.Tuesday, Start: 9 * time.Hour, End: 12 * time.Hour}}}
		if err := n.db.SaveExpert(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
	req := &commands.ExpertRequest{Requester: "author", Status: commands.RequestNew, Domain: "Recrutement",
		Problem: "Nous cherchons à recruter deux commerciaux export pour développer nos ventes en Belgique et en Allemagne ; " +
			"nos annonces ne donnent rien et nous hésitons entre un cabinet de recrutement et un groupement d'employeurs. " +
			"Quels canaux, quel budget, et comment fidéliser ensuite ces profils dans une PME industrielle de 40 salariés ?"}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		matches, err := n.s.RankExperts(ctx, req)
		if err != nil || len(matches) != 3 {
			b.Fatalf("%d matches, %v", len(matches), err)
		}
	}
}
