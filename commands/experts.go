package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"cercle/i18n"
)

// This file is the experts' side of the network: facilitators add and
// retire experts; experts keep their profile and pause themselves. The
// directory is in expert_directory.go, the statistics in expert_stats.go.

// expertsFeature is experts' profiles, the directory and the statistics.
// /cercle expert alone, or with anything but a profile verb, is a
// member's request for a meeting (expertRequestCmd).
func (s *Service) expertsFeature() feature {
	return feature{
		commands: []*Command{
			{Name: "experts", Usage: "experts.cmd.usage", Summary: "experts.cmd.summary", Detail: "experts.cmd.detail", Run: s.expertsCmd},
			{Name: "expert", Usage: "expert.cmd.usage", Summary: "expert.cmd.summary", Detail: "expert.cmd.detail", Run: s.expertCmd},
		},
		// The form is for facilitators and for the expert it describes:
		// submitExpert checks who it is for, which its State says.
		forms: []*FormHandler{{ID: FormExpert, Run: s.submitExpert}},
	}
}

// expertVerbs are the profile verbs of /cercle expert, French and
// English, by the French word.
var expertVerbs = map[string]string{
	"ajouter": "ajouter", "add": "ajouter",
	"profil": "profil", "profile": "profil",
	"pause":     "pause",
	"reprendre": "reprendre", "resume": "reprendre",
	"retirer": "retirer", "remove": "retirer",
}

// expertCmd is /cercle expert ajouter @membre | profil | pause JJ/MM/AAAA
// | reprendre | retirer @membre; anything else is a request.
func (s *Service) expertCmd(ctx context.Context, c *Call) (*Response, error) {
	if len(c.Args) == 0 {
		return s.expertRequestCmd(ctx, c)
	}
	verb, ok := expertVerbs[strings.ToLower(c.Args[0])]
	if !ok {
		return s.expertRequestCmd(ctx, c)
	}
	rest := c.Args[1:]
	staffOnly := func() error { return allow(c.Member, (*Member).IsFacilitator, "error.forbidden.facilitator") }
	switch {
	case verb == "ajouter" && len(rest) == 1:
		if err := staffOnly(); err != nil {
			return nil, err
		}
		return s.addExpertForm(ctx, c, rest[0])
	case verb == "profil" && len(rest) == 0:
		return s.ownExpertForm(ctx, c)
	case verb == "pause" && len(rest) == 1:
		return s.pauseExpert(ctx, c, rest[0])
	case verb == "reprendre" && len(rest) == 0:
		return s.resumeExpert(ctx, c)
	case verb == "retirer" && len(rest) == 1:
		if err := staffOnly(); err != nil {
			return nil, err
		}
		return s.retireExpert(ctx, c, rest[0])
	}
	return nil, Errorf(EINVALID, "expert.error.verb_usage", c.P.T("expert."+verb+".command"))
}

// findExpert returns user's profile, or nil if they have none.
func (s *Service) findExpert(ctx context.Context, user UserID) (*Expert, error) {
	e, err := s.store.FindExpert(ctx, user)
	if ErrorCode(err) == ENOTFOUND {
		return nil, nil
	}
	return e, err
}

// addExpertForm opens the profile form for the member a facilitator
// named, filled with their profile if they have one (a retired expert
// comes back with it).
func (s *Service) addExpertForm(ctx context.Context, c *Call, ref string) (*Response, error) {
	target, err := s.resolveMember(ctx, ref)
	if err != nil {
		return nil, err
	}
	e, err := s.findExpert(ctx, target.UserID)
	if err != nil {
		return nil, err
	}
	return &Response{Form: expertForm(e, target, target.UserID == c.Member.UserID, c.P)}, nil
}

// ownExpertForm opens the expert's own profile form.
func (s *Service) ownExpertForm(ctx context.Context, c *Call) (*Response, error) {
	e, err := s.activeExpert(ctx, c.Member.UserID)
	if err != nil {
		return nil, err
	}
	return &Response{Form: expertForm(e, c.Member, true, c.P)}, nil
}

// activeExpert returns user's profile, or refuses someone who is not an
// expert of the network (any more).
func (s *Service) activeExpert(ctx context.Context, user UserID) (*Expert, error) {
	e, err := s.findExpert(ctx, user)
	if err != nil {
		return nil, err
	}
	if e == nil || !e.Active {
		return nil, Errorf(EFORBIDDEN, "expert.error.not_an_expert")
	}
	return e, nil
}

// submitExpert saves a profile. The form's State names whose it is and
// comes back from the client, so the actor is checked again here: a
// facilitator may save anyone's, an expert only their own, and a member
// who is no expert cannot make themselves one.
func (s *Service) submitExpert(ctx context.Context, m *Member, p *i18n.Printer, sub *Submission) (*Response, error) {
	user, ok := ParseMention(sub.State)
	if !ok {
		return nil, Errorf(EINVALID, "error.form.unknown")
	}
	old, err := s.findExpert(ctx, user)
	if err != nil {
		return nil, err
	}
	if !m.IsFacilitator() && (user != m.UserID || old == nil || !old.Active) {
		return nil, Errorf(EFORBIDDEN, "expert.error.not_yours")
	}
	e, fe := ParseExpert(sub.Values, p)
	if fe != nil {
		return nil, fe
	}
	target, err := s.store.FindMemberByUserID(ctx, user)
	if err != nil {
		return nil, err
	}
	now := s.now()
	e.User, e.Name, e.CompanyID, e.Active, e.CreatedAt, e.UpdatedAt = user, target.Name, target.CompanyID, true, now, now
	if old != nil {
		e.PausedUntil, e.CreatedAt = old.PausedUntil, old.CreatedAt
	}
	if err := s.store.SaveExpert(ctx, e); err != nil {
		return nil, err
	}
	if err := s.giveExpertRole(ctx, m.UserID, target, RoleMember, RoleExpert); err != nil {
		return nil, err
	}
	if user == m.UserID {
		return &Response{Title: p.T("expert.saved.title"), Sections: []Section{
			Paragraph(Text(p.T("expert.saved.own"))), {Pairs: expertPairs(e, p)}}}, nil
	}
	said := p.T("expert.saved.other", target.Name)
	if old == nil || !old.Active {
		if err := s.enqueue(ctx, s.expertWelcome(e, m, target, now)); err != nil {
			return nil, err
		}
		said += " " + p.T("expert.saved.told")
	}
	return &Response{Title: p.T("expert.saved.title"), Sections: []Section{
		Paragraph(Text(said)), {Pairs: expertPairs(e, p)}}}, nil
}

// giveExpertRole moves target's role from one to another, when it is
// from: a facilitator who becomes an expert stays a facilitator.
func (s *Service) giveExpertRole(ctx context.Context, actor UserID, target *Member, from, to Role) error {
	if target.Role != from {
		return nil
	}
	return s.store.SetRole(ctx, actor, target.UserID, to)
}

// expertWelcome tells a new expert, in their language, who added them
// and how they keep their profile.
func (s *Service) expertWelcome(e *Expert, by, target *Member, now time.Time) *OutboxMessage {
	p := s.printer(target)
	return &OutboxMessage{
		DedupeKey: fmt.Sprintf("expert-added:%s:%d", e.User, now.Unix()),
		To:        Recipient{User: e.User},
		Message: Response{Sections: []Section{
			Paragraph(Text(p.T("expert.welcome", by.Name, strings.Join(e.Domains, ", ")))),
			Paragraph(Text(p.T("expert.welcome.profile")+" "), Code(p.T("expert.profil.command")),
				Text(" · "+p.T("expert.welcome.pause")+" "), Code(p.T("expert.pause.command"))),
		}},
	}
}

// pauseExpert is /cercle expert pause JJ/MM/AAAA: the expert takes no
// request until that day, included.
func (s *Service) pauseExpert(ctx context.Context, c *Call, day string) (*Response, error) {
	e, err := s.activeExpert(ctx, c.Member.UserID)
	if err != nil {
		return nil, err
	}
	y, mo, d, ok := parseDay(day)
	loc := c.P.Location()
	if !ok || time.Date(y, mo, d, 0, 0, 0, 0, loc).Day() != d {
		return nil, Errorf(EINVALID, "expert.error.pause_date", truncate(day, 20))
	}
	back := time.Date(y, mo, d+1, 0, 0, 0, 0, loc)
	now := s.now()
	if !back.After(now) {
		return nil, Errorf(EINVALID, "expert.error.pause_past")
	}
	if back.After(now.AddDate(1, 0, 1)) {
		return nil, Errorf(EINVALID, "expert.error.pause_far")
	}
	e.PausedUntil, e.UpdatedAt = back, now
	if err := s.store.SaveExpert(ctx, e); err != nil {
		return nil, err
	}
	last := back.AddDate(0, 0, -1)
	return &Response{Sections: []Section{
		Paragraph(Text(c.P.T("expert.paused", c.P.Date(last), c.P.Date(back))+" "), Code(c.P.T("expert.reprendre.command"))),
	}}, nil
}

// resumeExpert is /cercle expert reprendre: the pause ends now.
func (s *Service) resumeExpert(ctx context.Context, c *Call) (*Response, error) {
	e, err := s.activeExpert(ctx, c.Member.UserID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if !e.Paused(now) {
		return textResponse(c.P.T("expert.not_paused")), nil
	}
	e.PausedUntil, e.UpdatedAt = time.Time{}, now
	if err := s.store.SaveExpert(ctx, e); err != nil {
		return nil, err
	}
	return textResponse(c.P.T("expert.resumed")), nil
}

// retireExpert is /cercle expert retirer @membre: the expert leaves the
// directory and gets no new request; their profile is kept, for a return.
func (s *Service) retireExpert(ctx context.Context, c *Call, ref string) (*Response, error) {
	target, err := s.resolveMember(ctx, ref)
	if err != nil {
		return nil, err
	}
	e, err := s.findExpert(ctx, target.UserID)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return nil, Errorf(ENOTFOUND, "expert.error.not_expert", target.Name)
	}
	if !e.Active {
		return textResponse(c.P.T("expert.already_retired", target.Name)), nil
	}
	e.Active, e.UpdatedAt = false, s.now()
	if err := s.store.SaveExpert(ctx, e); err != nil {
		return nil, err
	}
	if err := s.giveExpertRole(ctx, c.Member.UserID, target, RoleExpert, RoleMember); err != nil {
		return nil, err
	}
	if err := s.expertRemoved(ctx, target.UserID); err != nil {
		return nil, err
	}
	return textResponse(c.P.T("expert.retired", target.Name)), nil
}

// expertRemoved is called once an expert is retired. The requests routed
// to them and not yet done go back to the facilitators: the request flow
// re-routes them here, in the same place for every way an expert leaves.
func (s *Service) expertRemoved(_ context.Context, _ UserID) error {
	return nil
}
