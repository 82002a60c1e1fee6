package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"cercle/commands"
)

// TestLargePoolingCampaignFits: a campaign of 40 functions with the
// longest names, 300 companies with the longest names who all want to
// pool everything and share it. The synthesis a facilitator reads is
// paged within Slack's limits, every function on one page, and the
// follow-up and a company's view fit a message.
func TestLargePoolingCampaignFits(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	if _, err := h.service.EnsureMember(ctx, commands.User{ID: "UFAC", Name: "Claire"}, commands.RoleFacilitator); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for i := range 40 {
		name := filled(fmt.Sprintf("F%02d ", i), "Fonction « support » & Cie ", 60)
		if i%4 != 0 {
			name = "- " + name
		}
		lines = append(lines, name)
	}
	functions, key, _ := commands.ParseFunctions(strings.Join(lines, "\n"))
	if key != "" {
		t.Fatal(key)
	}
	c := &commands.Campaign{Name: filled("", "Campagne & <Cie> ", 100), Mode: commands.ModeCluster, Functions: functions,
		Status: commands.CampaignOpen, Deadline: time.Now().Add(30 * 24 * time.Hour)}
	var leader commands.UserID
	for i := range 300 {
		u := commands.UserID(fmt.Sprintf("UP%03d", i))
		if _, err := h.service.EnsureMember(ctx, commands.User{ID: u, Name: string(u)}, commands.RoleMember); err != nil {
			t.Fatal(err)
		}
		co, err := h.db.SaveCompany(ctx, u, &commands.Company{Name: filled(fmt.Sprintf("Société %03d ", i), "Métallerie & Fils <Nord> ", maxCompany)})
		if err != nil {
			t.Fatal(err)
		}
		c.Companies, leader = append(c.Companies, co.ID), u
	}
	if err := h.db.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	for i, co := range c.Companies {
		answers := map[string]commands.PoolAnswer{}
		for _, f := range functions {
			answers[f.Key] = commands.PoolAnswer{Efficiency: commands.LevelLow, Importance: commands.LevelMedium, Intention: commands.IntentPool,
				Chosen: true, Comment: filled("", "Un commentaire <long> & précis ", 300)}
		}
		if err := h.db.SaveAnswers(ctx, &commands.CompanyAnswers{Campaign: c.ID, Company: co, Answers: answers, Shared: true,
			AnsweredBy: commands.UserID(fmt.Sprintf("UP%03d", i))}); err != nil {
			t.Fatal(err)
		}
	}
	pg := readPage(t, h.slash(t, "UFAC", fmt.Sprintf("mutualisation synthese %d", c.ID)).Blocks, 50)
	seen := 0
	for presses := 1; ; presses++ {
		seen += strings.Count(pg.text, "réponses\u00a0: 300")
		next, ok := pg.button(commands.ActionPoolingSynthesisPage, fr.T("list.next"))
		if !ok {
			break
		}
		pg = h.replaced(t, "UFAC", next, presses, 50)
	}
	if seen != 40 {
		t.Errorf("%d functions seen over the pages, want 40", seen)
	}
	readPage(t, h.slash(t, "UFAC", fmt.Sprintf("mutualisation suivi %d", c.ID)).Blocks, 50)
	readPage(t, h.slash(t, string(leader), "mutualisation").Blocks, 50)
}
