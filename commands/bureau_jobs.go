package commands

import (
	"context"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"cercle/i18n"
)

// This file is the Bureau des pairs' scheduled work: the panel's briefs
// the day before, each hearing marked heard when its slot ends (the
// panel is asked for its opinion), and the applicant's follow-up three
// months after the opinion.

// Follow-up: the button's value and the form's state are the application
// id.
const (
	ActionFollowUpApplication = "bureau.followup"
	FormBureauFollowUp        = "bureau.followup"
	fieldFollowUpScore        = "followup_score"
	fieldFollowUpComment      = "followup_comment"
	// briefHour is when, the day before, panelists get their briefs.
	briefHour = 9
	// allRows asks the store for every row: the store's default page
	// would leave the newest out of a job or the report.
	allRows = 1 << 30
)

// RunBureau is the Bureau des pairs' job; each step is idempotent, so a
// run that stops half way is finished by the next.
func (s *Service) RunBureau(ctx context.Context) error {
	now := s.now()
	if err := s.sendBriefs(ctx, now); err != nil {
		return err
	}
	if err := s.markHeard(ctx, now); err != nil {
		return err
	}
	return s.askFollowUps(ctx, now)
}

// sendBriefs sends each panelist of a day starting tomorrow the briefs of
// the hearings they sit on, from briefHour the day before. A panelist
// added later gets theirs at the next run, and everyone gets the briefs
// again when the day's hearings change.
func (s *Service) sendBriefs(ctx context.Context, now time.Time) error {
	days, err := s.store.FindHearingDays(ctx, HearingDayFilter{From: now, Before: now.Add(48 * time.Hour)})
	if err != nil {
		return err
	}
	var msgs []*OutboxMessage
	for _, d := range days {
		local := d.StartsAt.In(s.zone)
		due := time.Date(local.Year(), local.Month(), local.Day()-1, briefHour, 0, 0, 0, s.zone)
		if now.Before(due) || len(d.Panel) == 0 {
			continue
		}
		apps, err := s.store.FindApplications(ctx, ApplicationFilter{Day: d.ID, Statuses: []ApplicationStatus{ApplicationScheduled}})
		if err != nil {
			return err
		}
		for _, u := range d.Panel {
			m, err := s.store.FindMemberByUserID(ctx, u)
			if err != nil {
				return err
			}
			msgs = append(msgs, s.briefMessage(ctx, d, apps, m))
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	_, err = s.store.EnqueueMessages(ctx, msgs)
	return err
}

// briefMessage is a panelist's confidential brief of a day: each
// application they may hear, in the applicant's words; the hearings they
// sit out are named by slot only.
func (s *Service) briefMessage(ctx context.Context, d *HearingDay, apps []*Application, m *Member) *OutboxMessage {
	p := s.Printer(ctx, User{ID: m.UserID})
	// The key names the day's hearings as they stand: one scheduled,
	// moved or withdrawn after the briefs went out sends them again.
	h := fnv.New32a()
	for _, a := range apps {
		fmt.Fprintf(h, "%d:%d;", a.ID, a.HearingSeq)
	}
	msg := &OutboxMessage{DedupeKey: fmt.Sprintf("bureau:day:%d:brief:%08x", d.ID, h.Sum32()), To: Recipient{User: m.UserID}}
	msg.Message.Title = p.T("bureau.brief.title", p.Date(d.StartsAt))
	msg.Message.Sections = []Section{{Note: true, Body: []Span{Text("🔒 " + p.T("bureau.brief.confidential"))}}, dayHeader(d, p)}
	for _, a := range apps {
		when := p.T("bureau.slot.when", a.Slot, p.Time(d.SlotStart(a.Slot)), p.Time(d.SlotEnd(a.Slot)))
		if !isPanelist(m, a) {
			msg.Message.Sections = append(msg.Message.Sections, Paragraph(Bold(when), Text(" · "+p.T("bureau.slot.not_yours"))))
			continue
		}
		sec := Section{Heading: when + " · " + a.Company, Body: []Span{Text(a.Project)}, Pairs: []Pair{
			{Label: p.T("bureau.field.kind"), Value: p.T("bureau.kind." + string(a.Kind))},
			{Label: p.T("bureau.company"), Value: companyFacts(a, p)},
		}}
		if a.Expectations != "" {
			sec.Pairs = append(sec.Pairs, Pair{Label: p.T("bureau.field.expectations"), Value: a.Expectations})
		}
		msg.Message.Sections = append(msg.Message.Sections, sec)
	}
	return msg
}

// companyFacts is the company's sector, city, age, revenue and size.
func companyFacts(a *Application, p *i18n.Printer) string {
	return p.T("bureau.company.value", a.Sector, a.City, a.FoundedYear, p.T("bureau.revenue."+string(a.Revenue)),
		p.Plural("bureau.company.headcount", a.Headcount))
}

// markHeard marks heard the hearings whose slot ended, and asks their
// panelists for the opinion.
func (s *Service) markHeard(ctx context.Context, now time.Time) error {
	scheduled, err := s.store.FindApplications(ctx, ApplicationFilter{Statuses: []ApplicationStatus{ApplicationScheduled}, Limit: allRows})
	if err != nil {
		return err
	}
	for _, a := range scheduled {
		err := s.store.ChangeApplication(ctx, a.ID, func(tx ApplicationTx) error {
			a := tx.Application()
			d, err := tx.Day(a.Day)
			if err != nil || !decideHeard(a, d, now) {
				return err
			}
			if err := tx.Save(a); err != nil {
				return err
			}
			return tx.Enqueue(s.opinionRequests(ctx, a)...)
		})
		if err != nil && ErrorCode(err) != ECONFLICT {
			return err
		}
	}
	return nil
}

// opinionRequests ask each panelist of a heard application to write, or
// amend, the opinion.
func (s *Service) opinionRequests(ctx context.Context, a *Application) []*OutboxMessage {
	var out []*OutboxMessage
	for _, u := range a.Panel {
		m, err := s.store.FindMemberByUserID(ctx, u)
		if err != nil || !isPanelist(m, a) {
			continue
		}
		p := s.Printer(ctx, User{ID: u})
		out = append(out, &OutboxMessage{DedupeKey: fmt.Sprintf("bureau:%d:heard", a.ID), To: Recipient{User: u},
			Message: Response{Sections: []Section{{Body: []Span{Text(p.T("bureau.heard.ask", a.Company))},
				Buttons: []Button{{ActionID: ActionWriteOpinion, Value: strconv.FormatInt(a.ID, 10), Label: p.T("bureau.button.write_opinion"), Style: ButtonPrimary}}}}}})
	}
	return out
}

// askFollowUps asks the applicants whose opinion was sealed three months
// ago whether it helped.
func (s *Service) askFollowUps(ctx context.Context, now time.Time) error {
	advised, err := s.store.FindApplications(ctx, ApplicationFilter{Statuses: []ApplicationStatus{ApplicationAdvised}, Limit: allRows})
	if err != nil {
		return err
	}
	for _, a := range advised {
		if !followUpDue(a, now) {
			continue
		}
		err := s.store.ChangeApplication(ctx, a.ID, func(tx ApplicationTx) error {
			a := tx.Application()
			if !followUpDue(a, now) {
				return nil
			}
			a.FollowUp.AskedAt = now
			if err := tx.Save(a); err != nil {
				return err
			}
			p := s.Printer(ctx, User{ID: a.Applicant})
			return tx.Enqueue(&OutboxMessage{DedupeKey: fmt.Sprintf("bureau:%d:followup", a.ID), To: Recipient{User: a.Applicant},
				Message: Response{Sections: []Section{{Body: []Span{Text(p.T("bureau.followup.ask", p.Date(a.Opinion.SealedAt)))},
					Buttons: []Button{{ActionID: ActionFollowUpApplication, Value: strconv.FormatInt(a.ID, 10), Label: p.T("bureau.button.followup"), Style: ButtonPrimary}}}}}})
		})
		if err != nil && ErrorCode(err) != ECONFLICT {
			return err
		}
	}
	return nil
}

// bureauFollowUpAction opens the follow-up form: a score and a comment.
func (s *Service) bureauFollowUpAction(ctx context.Context, m *Member, p *i18n.Printer, act *Action) (*Response, error) {
	a, err := s.visibleApplication(ctx, m, act.Value, mayFollowUp)
	if err != nil {
		return nil, err
	}
	if a.Status != ApplicationAdvised || !a.FollowUp.AnsweredAt.IsZero() {
		return nil, errApplicationState(a)
	}
	scores := make([]Option, 5)
	for i := range scores {
		scores[i] = Option{Value: strconv.Itoa(5 - i), Label: p.T("bureau.followup.score." + strconv.Itoa(5-i))}
	}
	return &Response{Form: &Form{ID: FormBureauFollowUp, Title: p.T("bureau.followup.title"), Submit: p.T("bureau.followup.submit"),
		State: strconv.FormatInt(a.ID, 10), Fields: []Field{
			{ID: fieldFollowUpScore, Label: p.T("bureau.followup.field.score"), Kind: FieldSelect, Options: scores},
			{ID: fieldFollowUpComment, Label: p.T("bureau.followup.field.comment"), Kind: FieldLongText, Optional: true, MaxLength: maxFollowUpText},
		}}}, nil
}

// submitFollowUp records the applicant's answer.
func (s *Service) submitFollowUp(ctx context.Context, m *Member, p *i18n.Printer, sub *Submission) (*Response, error) {
	id, err := applicationID(sub.State)
	if err != nil {
		return nil, err
	}
	score, err := strconv.Atoi(strings.TrimSpace(sub.Values[fieldFollowUpScore]))
	if err != nil || score < 1 || score > 5 {
		return nil, FieldErrors{fieldFollowUpScore: p.T("request.error.choice")}
	}
	comment := cleanText(sub.Values[fieldFollowUpComment])
	if utf8.RuneCountInString(comment) > maxFollowUpText {
		return nil, FieldErrors{fieldFollowUpComment: p.T("event.error.too_long", maxFollowUpText)}
	}
	now := s.now()
	if _, err := s.changeApplication(ctx, m, id, mayFollowUp, func(_ ApplicationTx, a *Application) error {
		return decideApplicationFollowUp(a, score, comment, now)
	}); err != nil {
		return nil, err
	}
	return textResponse(p.T("bureau.followup.thanks")), nil
}
