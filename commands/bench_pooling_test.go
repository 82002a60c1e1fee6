package commands_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"cercle/charts"
	"cercle/commands"
)

// BenchmarkPoolingSynthesis is the synthesis of a large network's
// campaign, picture included: 300 companies that each placed 30
// functions; one op is /cercle mutualisation synthese as a facilitator
// reads it, then the heat map drawn and queued to them.
//
//	go test -tags "…" -run XXX -bench PoolingSynthesis -benchtime 20x ./commands/
func BenchmarkPoolingSynthesis(b *testing.B) {
	s, db := newService(b, nil, func(c *commands.Config) { c.Charts = charts.New() })
	ctx := context.Background()
	slash(s, "staff", "aide")
	if err := db.SetRole(ctx, "admin", "staff", commands.RoleFacilitator); err != nil {
		b.Fatal(err)
	}
	var lines []string
	for i := range 30 {
		lines = append(lines, fmt.Sprintf("Fonction support numéro %d", i+1))
	}
	functions, key, _ := commands.ParseFunctions(strings.Join(lines, "\n"))
	if key != "" {
		b.Fatal(key)
	}
	c := &commands.Campaign{Name: "Grande campagne", Mode: commands.ModeCluster, Functions: functions, Status: commands.CampaignOpen}
	var users []commands.UserID
	for i := range 300 {
		u := commands.UserID(fmt.Sprintf("U%03d", i))
		if err := db.CreateMember(ctx, &commands.Member{UserID: u, Name: string(u), Role: commands.RoleMember}); err != nil {
			b.Fatal(err)
		}
		co, err := db.SaveCompany(ctx, u, &commands.Company{Name: fmt.Sprintf("Entreprise %03d", i), Sector: "Industrie"})
		if err != nil {
			b.Fatal(err)
		}
		c.Companies, users = append(c.Companies, co.ID), append(users, u)
	}
	c.Deadline = time.Now().AddDate(0, 1, 0)
	if err := db.CreateCampaign(ctx, c); err != nil {
		b.Fatal(err)
	}
	for i, co := range c.Companies {
		answers := map[string]commands.PoolAnswer{}
		for j, f := range functions {
			eff, imp := commands.Levels[(i+j)%3], commands.Levels[(i*7+j)%3]
			in, _ := commands.SuggestIntention(eff, imp)
			answers[f.Key] = commands.PoolAnswer{Function: f.Key, Efficiency: eff, Importance: imp, Intention: in}
		}
		if err := db.SaveAnswers(ctx, &commands.CompanyAnswers{Campaign: c.ID, Company: co, Answers: answers, Shared: i%2 == 0, AnsweredBy: users[i]}); err != nil {
			b.Fatal(err)
		}
	}
	ref := fmt.Sprint(c.ID)
	b.ReportAllocs()
	for b.Loop() {
		if out := slash(s, "staff", "mutualisation synthese "+ref); !strings.Contains(out, "entreprises\u00a0: 300 sur 300") {
			b.Fatalf("synthesis:\n%s", out)
		}
		if r := s.Act(ctx, &commands.Action{ID: commands.ActionPoolingHeatMap, Value: ref, User: commands.User{ID: "staff"}}); len(r.Sections) == 0 {
			b.Fatal("no heat map")
		}
	}
}
