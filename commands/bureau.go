package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"cercle/i18n"
)

// This file is /cercle bureau: a member's own applications, the
// facilitators' queue, and the feature's entry points.

// Bureau action ids; the value of each is the application id.
const (
	ActionAcceptApplication   = "bureau.accept"
	ActionRefuseApplication   = "bureau.refuse"
	ActionWithdrawApplication = "bureau.withdraw"
)

// bureauFeature is the Bureau des pairs: applications and eligibility
// (hearings, panels and opinions come later).
func (s *Service) bureauFeature() feature {
	return feature{
		commands: []*Command{{Name: "bureau", Aliases: []string{"peers"}, Usage: "bureau.cmd.usage", Summary: "bureau.cmd.summary",
			Detail: "bureau.cmd.detail", Run: s.bureauCmd}},
		actions: []*ActionHandler{
			{ID: ActionAcceptApplication, Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator", Run: s.decisionAction},
			{ID: ActionRefuseApplication, Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator", Run: s.decisionAction},
			{ID: ActionWithdrawApplication, Run: s.withdrawAction},
		},
		forms: []*FormHandler{
			{ID: FormBureauApplication, Run: s.submitApplication},
			{ID: FormBureauDecision, Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator", Run: s.submitDecision},
		},
	}
}

// bureauCmd dispatches /cercle bureau [candidater [@invité] | candidatures].
func (s *Service) bureauCmd(ctx context.Context, c *Call) (*Response, error) {
	if len(c.Args) == 0 {
		return s.myApplications(ctx, c)
	}
	switch verb := Fold(c.Args[0]); verb {
	case "candidater", "apply":
		return s.applyCmd(ctx, c, c.Args[1:])
	case "candidatures", "applications":
		if len(c.Args) > 1 {
			return nil, Errorf(EINVALID, "bureau.error.usage")
		}
		if !c.Member.IsFacilitator() {
			return nil, Errorf(EFORBIDDEN, "error.forbidden.facilitator")
		}
		return s.applicationQueue(ctx, c)
	}
	return nil, Errorf(EINVALID, "bureau.error.usage")
}

// myApplications shows a member their own applications and those they
// filed for guests.
func (s *Service) myApplications(ctx context.Context, c *Call) (*Response, error) {
	mine, err := s.store.FindApplications(ctx, ApplicationFilter{Applicant: c.Member.UserID})
	if err != nil {
		return nil, err
	}
	filed, err := s.store.FindApplications(ctx, ApplicationFilter{FiledBy: c.Member.UserID})
	if err != nil {
		return nil, err
	}
	r := &Response{Title: c.P.T("bureau.title")}
	if len(mine)+len(filed) == 0 {
		r.Sections = append(r.Sections, Paragraph(Text(c.P.T("bureau.mine.none")+" "), Code("/cercle bureau candidater")))
	}
	for _, a := range mine {
		r.Sections = append(r.Sections, applicationCard(a, c.Member, c.P))
	}
	if len(filed) > 0 {
		r.Sections = append(r.Sections, Section{Heading: c.P.T("bureau.filed")})
		for _, a := range filed {
			r.Sections = append(r.Sections, applicationCard(a, c.Member, c.P))
		}
	}
	return r, nil
}

// applicationQueue is /cercle bureau candidatures: the applications
// waiting for a decision, oldest first, with their eligibility.
func (s *Service) applicationQueue(ctx context.Context, c *Call) (*Response, error) {
	queue, err := s.store.FindApplications(ctx, ApplicationFilter{Limit: maxQueueShown,
		Statuses: []ApplicationStatus{ApplicationSubmitted, ApplicationEligible, ApplicationToDecide}})
	if err != nil {
		return nil, err
	}
	r := &Response{Title: c.P.T("bureau.queue.title")}
	if len(queue) == 0 {
		r.Sections = append(r.Sections, Paragraph(Text(c.P.T("bureau.queue.none"))))
	}
	for _, a := range queue {
		if CanSeeApplication(c.Member, a) {
			r.Sections = append(r.Sections, applicationCard(a, c.Member, c.P))
		}
	}
	return r, nil
}

// applicationCard shows an application to someone who may see it, with
// its eligibility and the buttons their role allows at its step.
func applicationCard(a *Application, m *Member, p *i18n.Printer) Section {
	sec := Section{Heading: p.T("bureau.heading", a.ID, a.Company, p.T("bureau.status."+string(a.Status)))}
	sec.Body = []Span{Mention(a.Applicant), Text(" · " + truncate(a.Project, 280))}
	sec.Pairs = []Pair{
		{Label: p.T("bureau.field.kind"), Value: p.T("bureau.kind." + string(a.Kind))},
		{Label: p.T("bureau.company"), Value: p.T("bureau.company.value", a.Sector, a.City, a.FoundedYear,
			p.T("bureau.revenue."+string(a.Revenue)), a.Headcount)},
	}
	if len(a.Misses) == 0 {
		sec.Pairs = append(sec.Pairs, Pair{Label: p.T("bureau.eligibility"), Value: p.T("bureau.eligibility.ok")})
	} else {
		sec.Pairs = append(sec.Pairs, Pair{Label: p.T("bureau.eligibility"), Value: missSentences(p, a)})
	}
	if a.DecisionReason != "" && mayActOnApplication(m, a, AppFacilitator, AppFiler) {
		sec.Pairs = append(sec.Pairs, Pair{Label: p.T("bureau.reason"), Value: a.DecisionReason})
	}
	sec.Buttons = applicationButtons(a, m, p)
	return sec
}

// applicationButtons are the steps m may take on a now.
func applicationButtons(a *Application, m *Member, p *i18n.Printer) []Button {
	id := strconv.FormatInt(a.ID, 10)
	var out []Button
	if a.pending() && mayDecide(m, a) {
		out = append(out, Button{ActionID: ActionAcceptApplication, Value: id, Label: p.T("bureau.button.accept"), Style: ButtonPrimary},
			Button{ActionID: ActionRefuseApplication, Value: id, Label: p.T("bureau.button.refuse"), Style: ButtonDanger})
	}
	if a.open() && mayActOnApplication(m, a, AppApplicant) {
		out = append(out, Button{ActionID: ActionWithdrawApplication, Value: id, Label: p.T("bureau.button.withdraw"),
			Confirm: &Confirm{Title: p.T("bureau.withdraw.confirm_title"), Text: p.T("bureau.withdraw.confirm_text", a.ID),
				Yes: p.T("bureau.button.withdraw"), No: p.T("button.back")}})
	}
	return out
}

// applicationID reads an application id from a button or form state.
func applicationID(s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || id <= 0 {
		return 0, Errorf(EINVALID, "error.action.unknown")
	}
	return id, nil
}

// decisionKey names a decision in the outbox, once per version.
func decisionKey(a *Application) string {
	return fmt.Sprintf("bureau:%d:%s:%d", a.ID, a.Status, a.Version+1)
}
