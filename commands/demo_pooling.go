package commands

import (
	"context"
	"fmt"
	"hash/fnv"
	"time"
)

// This file is the demo's pooling campaign: the support functions of the
// default list mapped by a dozen companies of the network, the seed's
// two steps (shared/seeds/001) ready for the group's decisions.

// demoPoolers are the leaders whose companies answered, and whether each
// agreed to be named in the synthesis.
var demoPoolers = []struct {
	user   UserID
	shared bool
}{
	{"marc", true}, {"nadia", true}, {"julien", false}, {"camille", true}, {"thomas", false}, {"isabelle", true},
	{"antoine", true}, {"lea", false}, {"pierre", true}, {"gaelle", true}, {"yannick", false}, {"aurore", true},
}

// demoPendingPoolers take part but have not answered: the follow-up
// shows them, and a reminder reaches them.
var demoPendingPoolers = []UserID{"damien", "hugo"}

// seedDemoPooling opens the campaign and records the answers, once: a
// database with a campaign keeps its own.
func (s *Service) seedDemoPooling(ctx context.Context) error {
	existing, err := s.store.FindCampaigns(ctx, CampaignFilter{Limit: 1})
	if err != nil || len(existing) > 0 {
		return err
	}
	functions, key, _ := ParseFunctions(DefaultFunctions)
	if key != "" {
		return fmt.Errorf("seed pooling: the default list: %s", key)
	}
	c := &Campaign{Name: "Fonctions support 2027", Mode: ModeCluster, Functions: functions, Status: CampaignOpen, CreatedBy: "claire",
		Deadline: time.Date(s.now().In(s.zone).Year(), s.now().In(s.zone).Month(), s.now().In(s.zone).Day(), 18, 0, 0, 0, s.zone).AddDate(0, 0, 28)}
	var leaders []UserID
	for _, p := range demoPoolers {
		leaders = append(leaders, p.user)
	}
	for _, u := range append(leaders, demoPendingPoolers...) {
		m, err := s.store.FindMemberByUserID(ctx, u)
		if err != nil || m.CompanyID == 0 {
			return fmt.Errorf("seed pooling: %s has no company: %v", u, err)
		}
		c.Companies = append(c.Companies, m.CompanyID)
	}
	if err := s.store.CreateCampaign(ctx, c); err != nil {
		return fmt.Errorf("seed pooling: %w", err)
	}
	for i, p := range demoPoolers {
		m, err := s.store.FindMemberByUserID(ctx, p.user)
		if err != nil {
			return err
		}
		answers := map[string]PoolAnswer{}
		for _, f := range c.Functions {
			answers[f.Key] = demoAnswer(m.Company, f, i)
		}
		if err := s.store.SaveAnswers(ctx, &CompanyAnswers{Campaign: c.ID, Company: m.CompanyID, Answers: answers,
			Shared: p.shared, AnsweredBy: p.user}); err != nil {
			return fmt.Errorf("seed pooling answers of %s: %w", p.user, err)
		}
	}
	return nil
}

// demoAnswer places a function for a company: spread over the matrix by
// a hash of the two names, so every run gives the same map, with the
// support functions most companies do poorly alone (recruiting, IT
// security, energy purchasing) leaning to low efficiency, and the
// intention the matrix suggests, but for one company in four that
// chooses its own.
func demoAnswer(c *Company, f PoolFunction, n int) PoolAnswer {
	h := fnv.New32a()
	_, _ = h.Write([]byte(c.Name + "/" + f.Key))
	v := h.Sum32()
	eff, imp := Levels[v%3], Levels[(v/3)%3]
	switch f.Key {
	case "recrutement", "cybersecurite", "energie":
		eff, imp = LevelLow, Levels[1+int(v%2)]
	case "r-d-et-innovation":
		imp = LevelHigh
	}
	a := PoolAnswer{Function: f.Key, Efficiency: eff, Importance: imp}
	a.Intention, _ = SuggestIntention(eff, imp)
	if n%4 == 3 && a.Intention == IntentOutsource {
		a.Intention, a.Chosen = IntentPool, true
	}
	return a
}
