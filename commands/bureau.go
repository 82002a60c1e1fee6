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

// bureauFeature is the Bureau des pairs: applications and eligibility,
// peers and hearing days, opinions and their follow-up.
func (s *Service) bureauFeature() feature {
	return feature{
		commands: []*Command{{Name: "bureau", Aliases: []string{"peers"}, Usage: "bureau.cmd.usage", Summary: "bureau.cmd.summary",
			Detail: "bureau.cmd.detail", Run: s.bureauCmd}},
		actions: []*ActionHandler{
			{ID: ActionAcceptApplication, Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator", Run: s.decisionAction},
			{ID: ActionRefuseApplication, Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator", Run: s.decisionAction},
			{ID: ActionWithdrawApplication, Run: s.withdrawAction},
			{ID: ActionScheduleApplication, Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator", Run: s.scheduleAction},
			{ID: ActionProposePanel, Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator", Run: s.proposePanelAction},
			{ID: ActionCancelHearingDay, Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator", Run: s.cancelDayAction},
			{ID: ActionSetPanel, Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator", Run: s.setPanelAction},
			{ID: ActionShowHearingDay, Run: s.showDayAction},
			{ID: ActionWriteOpinion, Run: s.writeOpinionAction},
			{ID: ActionSealOpinion, Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator", Run: s.sealOpinionAction},
			{ID: ActionOpinionToExpert, Run: s.opinionToExpertAction},
			{ID: ActionFollowUpApplication, Run: s.bureauFollowUpAction},
		},
		forms: []*FormHandler{
			{ID: FormBureauApplication, Run: s.submitApplication},
			{ID: FormBureauDecision, Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator", Run: s.submitDecision},
			{ID: FormBureauSchedule, Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator", Run: s.submitSchedule},
			{ID: FormHearingDay, Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator", Run: s.submitHearingDay},
			{ID: FormBureauOpinion, Run: s.submitOpinion},
			{ID: FormBureauFollowUp, Run: s.submitFollowUp},
		},
	}
}

// bureauCmd dispatches /cercle bureau and its verbs. Verbs for
// facilitators say so to anyone else.
func (s *Service) bureauCmd(ctx context.Context, c *Call) (*Response, error) {
	if len(c.Args) == 0 {
		return s.myApplications(ctx, c)
	}
	verb, args := Fold(c.Args[0]), c.Args[1:]
	switch verb {
	case "candidater", "apply":
		return s.applyCmd(ctx, c, args)
	case "seances", "days":
		return s.hearingDays(ctx, c)
	case "seance", "day":
		return s.dayCmd(ctx, c, args)
	case "conflit", "conflict":
		return s.conflictCmd(ctx, c, args)
	case "avis", "opinion":
		return s.opinionCmd(ctx, c, args)
	}
	facilitatorVerbs := map[string]func(context.Context, *Call, []string) (*Response, error){
		"candidatures": s.queueCmd, "applications": s.queueCmd,
		"pairs": s.peersCmd, "peers": s.peersCmd,
		"pair": s.setPeersCmd, "peer": s.setPeersCmd,
		"panel": s.panelCmd,
		"bilan": s.reportCmd, "report": s.reportCmd,
	}
	run, ok := facilitatorVerbs[verb]
	if !ok {
		return nil, Errorf(EINVALID, "bureau.error.usage")
	}
	if !c.Member.IsFacilitator() {
		return nil, Errorf(EFORBIDDEN, "error.forbidden.facilitator")
	}
	return run(ctx, c, args)
}

// queueCmd is /cercle bureau candidatures.
func (s *Service) queueCmd(ctx context.Context, c *Call, args []string) (*Response, error) {
	if len(args) > 0 {
		return nil, Errorf(EINVALID, "bureau.error.usage")
	}
	return s.applicationQueue(ctx, c)
}

// peersCmd is /cercle bureau pairs.
func (s *Service) peersCmd(ctx context.Context, c *Call, args []string) (*Response, error) {
	if len(args) > 0 {
		return nil, Errorf(EINVALID, "bureau.error.usage")
	}
	return s.peersList(ctx, c)
}

// dayCmd is /cercle bureau seance nouvelle (facilitators) or /cercle
// bureau seance <n°>.
func (s *Service) dayCmd(ctx context.Context, c *Call, args []string) (*Response, error) {
	if len(args) != 1 {
		return nil, Errorf(EINVALID, "bureau.error.day_usage")
	}
	if v := Fold(args[0]); v == "nouvelle" || v == "new" {
		if !c.Member.IsFacilitator() {
			return nil, Errorf(EFORBIDDEN, "error.forbidden.facilitator")
		}
		return &Response{Form: hearingDayForm(c.P)}, nil
	}
	d, err := s.visibleDay(ctx, c.Member, args[0])
	if err != nil {
		return nil, err
	}
	return s.hearingDayView(ctx, c.Member, c.P, d)
}

// showDayAction is the day's button in /cercle bureau seances.
func (s *Service) showDayAction(ctx context.Context, m *Member, p *i18n.Printer, act *Action) (*Response, error) {
	d, err := s.visibleDay(ctx, m, act.Value)
	if err != nil {
		return nil, err
	}
	return s.hearingDayView(ctx, m, p, d)
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
// waiting for a decision or for their slot, oldest first, with their
// eligibility.
func (s *Service) applicationQueue(ctx context.Context, c *Call) (*Response, error) {
	queue, err := s.store.FindApplications(ctx, ApplicationFilter{Limit: maxQueueShown,
		Statuses: []ApplicationStatus{ApplicationSubmitted, ApplicationEligible, ApplicationToDecide, ApplicationAccepted}})
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
		{Label: p.T("bureau.company"), Value: companyFacts(a, p)},
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
	if (a.Status == ApplicationAccepted || a.Status == ApplicationScheduled) && mayDecide(m, a) {
		label := p.T("bureau.button.schedule")
		if a.Status == ApplicationScheduled {
			label = p.T("bureau.button.reschedule")
		}
		out = append(out, Button{ActionID: ActionScheduleApplication, Value: id, Label: label})
	}
	out = append(out, opinionButtons(a, m, p)...)
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
