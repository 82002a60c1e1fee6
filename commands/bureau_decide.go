package commands

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"cercle/i18n"
)

// This file is each step taken on an application after it is submitted:
// a facilitator accepts or refuses it with a reason, the applicant
// withdraws it. Every button and form names the application by id, an
// untrusted value: each step checks, inside the application's
// transaction, that the person may take it.

// The decision form; its state is "accept:<id>" or "refuse:<id>".
const (
	FormBureauDecision = "bureau.decision"
	fieldBureauReason  = "bureau_reason"
	maxDecisionReason  = 1000
)

// changeApplication runs step on application id for m, if allowed says m
// may take it, and saves what step changed. Someone who may not see the
// application is told it does not exist: a forged id reveals nothing.
func (s *Service) changeApplication(ctx context.Context, m *Member, id int64, allowed func(*Member, *Application) bool,
	step func(tx ApplicationTx, a *Application) error) (*Application, error) {
	var out *Application
	err := s.store.ChangeApplication(ctx, id, func(tx ApplicationTx) error {
		a := tx.Application()
		switch {
		case !CanSeeApplication(m, a):
			return Errorf(ENOTFOUND, "bureau.error.not_found", id)
		case !allowed(m, a):
			return Errorf(EFORBIDDEN, "bureau.error.forbidden", id)
		}
		if err := step(tx, a); err != nil {
			return err
		}
		out = a
		return tx.Save(a)
	})
	if ErrorCode(err) == ENOTFOUND {
		return nil, Errorf(ENOTFOUND, "bureau.error.not_found", id)
	}
	if err == nil {
		s.wake()
	}
	return out, err
}

// visibleApplication loads an application for m, or says it does not
// exist, and refuses m a step allowed does not give them.
func (s *Service) visibleApplication(ctx context.Context, m *Member, value string, allowed func(*Member, *Application) bool) (*Application, error) {
	id, err := applicationID(value)
	if err != nil {
		return nil, err
	}
	a, err := s.store.FindApplication(ctx, id)
	if err != nil || !CanSeeApplication(m, a) {
		return nil, Errorf(ENOTFOUND, "bureau.error.not_found", id)
	}
	if !allowed(m, a) {
		return nil, Errorf(EFORBIDDEN, "bureau.error.forbidden", id)
	}
	return a, nil
}

// decisionAction opens the facilitator's form for Accepter or Refuser:
// the reason, required to refuse and to accept an application that
// misses a criterion.
func (s *Service) decisionAction(ctx context.Context, m *Member, p *i18n.Printer, act *Action) (*Response, error) {
	a, err := s.visibleApplication(ctx, m, act.Value, mayDecide)
	if err != nil {
		return nil, err
	}
	if !a.pending() {
		return nil, errApplicationState(a)
	}
	verb, optional := "refuse", false
	if act.ID == ActionAcceptApplication {
		verb, optional = "accept", a.Status == ApplicationEligible
	}
	hint := p.T("bureau.decision.hint")
	if len(a.Misses) > 0 {
		hint = missSentences(p, a)
	}
	return &Response{Form: &Form{ID: FormBureauDecision, Title: p.T("bureau.decision."+verb+".title", a.ID),
		Submit: p.T("bureau.button." + verb), State: verb + ":" + strconv.FormatInt(a.ID, 10), Fields: []Field{
			{ID: fieldBureauReason, Label: p.T("bureau.field.reason"), Hint: hint, Kind: FieldLongText, Optional: optional, MaxLength: maxDecisionReason},
		}}}, nil
}

// submitDecision records a facilitator's decision and tells the
// applicant, in the same transaction.
func (s *Service) submitDecision(ctx context.Context, m *Member, p *i18n.Printer, sub *Submission) (*Response, error) {
	verb, rawID, _ := strings.Cut(sub.State, ":")
	if verb != "accept" && verb != "refuse" {
		return nil, Errorf(EINVALID, "error.action.unknown")
	}
	id, err := applicationID(rawID)
	if err != nil {
		return nil, err
	}
	reason := cleanText(sub.Values[fieldBureauReason])
	if utf8.RuneCountInString(reason) > maxDecisionReason {
		return nil, FieldErrors{fieldBureauReason: p.T("event.error.too_long", maxDecisionReason)}
	}
	now := s.now()
	a, err := s.changeApplication(ctx, m, id, mayDecide, func(tx ApplicationTx, a *Application) error {
		if err := decideApplication(a, verb == "accept", reason, m.UserID, now); err != nil {
			return err
		}
		pa := s.Printer(ctx, User{ID: a.Applicant})
		return tx.Enqueue(&OutboxMessage{DedupeKey: decisionKey(a), To: Recipient{User: a.Applicant},
			Message: Response{Sections: []Section{Paragraph(Text(pa.T("bureau.update."+string(a.Status), a.ID)))}}})
	})
	if ErrorCode(err) == EINVALID {
		return nil, FieldErrors{fieldBureauReason: p.T("bureau.error.reason_required")}
	}
	if err != nil {
		return nil, err
	}
	return textResponse(p.T("bureau.decided."+string(a.Status), a.ID, a.Company)), nil
}

// withdrawAction is the applicant taking their application back.
func (s *Service) withdrawAction(ctx context.Context, m *Member, p *i18n.Printer, act *Action) (*Response, error) {
	id, err := applicationID(act.Value)
	if err != nil {
		return nil, err
	}
	applicantOnly := func(m *Member, a *Application) bool { return mayActOnApplication(m, a, AppApplicant) }
	a, err := s.changeApplication(ctx, m, id, applicantOnly, func(tx ApplicationTx, a *Application) error {
		day, slot := a.Day, a.Slot
		if err := decideWithdraw(a); err != nil || day == 0 {
			return err
		}
		d, err := tx.Day(day)
		if err != nil {
			return err
		}
		return tx.Enqueue(s.hearingMessage(ctx, a, d, slot, "bureau.hearing.withdrawn"))
	})
	if err != nil {
		return nil, err
	}
	return &Response{Replace: true, Sections: []Section{Paragraph(Text(p.T("bureau.withdrawn", a.ID)))}}, nil
}
