package commands

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"cercle/i18n"
)

// This file shows an event to the person looking at it: where they stand
// (registered, in line at position N, offered a seat until …, or not at
// all) and the one button that fits, in the list, the details, the
// announcement and the Home tab alike.

// viewerRegistrations returns the member's registrations by event, read
// once per view.
func (s *Service) viewerRegistrations(ctx context.Context, user UserID) (map[int64]*Registration, error) {
	regs, err := s.store.FindRegistrations(ctx, RegistrationFilter{UserID: user})
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*Registration, len(regs))
	for _, r := range regs {
		out[r.EventID] = r
	}
	return out, nil
}

// eventCard shows ev to a viewer whose registration is reg (nil if they
// never registered): the event, their standing and the buttons that fit
// it. details leaves out the Détails button, for the details themselves.
// A draft shows the Publish button instead, which only facilitators see.
func eventCard(ev *Event, reg *Registration, p *i18n.Printer, now time.Time, details bool) Section {
	sec := Section{
		Heading: fmt.Sprintf("#%d · %s", ev.ID, ev.Title),
		Body:    []Span{Text(eventKindName(p, ev.Kind) + " · " + p.DateTime(ev.Start))},
		Pairs:   []Pair{{Label: p.T("event.field.place"), Value: ev.Place}, {Label: p.T("event.seats"), Value: seatsText(ev, p)}},
	}
	id := strconv.FormatInt(ev.ID, 10)
	if ev.Status == EventDraft {
		if ev.CreatedBy != "" {
			sec.Body = append(sec.Body, Text(" · "+p.T("drafts.by")+" "), Mention(ev.CreatedBy))
		}
		sec.Buttons = []Button{publishButton(ev, p)}
	} else {
		if reg != nil && reg.Status.active() {
			sec.Pairs = append(sec.Pairs, Pair{Label: p.T("event.you"), Value: registrationState(reg, p)})
		}
		sec.Buttons = standingButtons(ev, reg, p, now)
	}
	if !details {
		sec.Buttons = append(sec.Buttons, Button{ActionID: ActionDetails, Value: id, Label: p.T("event.button.details")})
	}
	return sec
}

// standingButtons are what the viewer can do from where they stand: a
// seat offered is accepted or declined; a seat is cancelled (or added to
// their calendar); a place in line is left; with none, they register or
// join the line. An event closed to registration offers nothing.
func standingButtons(ev *Event, reg *Registration, p *i18n.Printer, now time.Time) []Button {
	if ev.Status != EventPublished || !now.Before(ev.Start) {
		return nil
	}
	id := strconv.FormatInt(ev.ID, 10)
	status := RegistrationStatus("")
	if reg != nil {
		status = reg.Status
	}
	switch status {
	case RegOffered:
		v := strconv.FormatInt(reg.ID, 10)
		return []Button{
			{ActionID: ActionAcceptOffer, Value: v, Label: p.T("offer.accept"), Style: ButtonPrimary},
			{ActionID: ActionDeclineOffer, Value: v, Label: p.T("offer.decline"), Style: ButtonDanger,
				Confirm: &Confirm{Title: p.T("offer.decline.confirm_title"), Text: p.T("offer.decline.confirm_text"), Yes: p.T("offer.decline"), No: p.T("button.back")}},
		}
	case RegRegistered:
		return []Button{
			{ActionID: ActionAddCalendar, Value: id, Label: p.T("event.button.calendar")},
			{ActionID: ActionCancel, Value: id, Label: p.T("event.button.cancel"), Style: ButtonDanger,
				Confirm: &Confirm{Title: p.T("cancel.confirm_title"), Text: p.T("cancel.confirm_text", ev.Title), Yes: p.T("event.button.cancel"), No: p.T("button.back")}},
		}
	case RegWaitlisted:
		return []Button{{ActionID: ActionCancel, Value: id, Label: p.T("event.button.leave_waitlist"), Style: ButtonDanger,
			Confirm: &Confirm{Title: p.T("leave.confirm_title"), Text: p.T("leave.confirm_text", ev.Title), Yes: p.T("event.button.leave_waitlist"), No: p.T("button.back")}}}
	}
	if !canRegister(now, ev) {
		return nil
	}
	label := p.T("event.button.register")
	if !ev.seatFree() {
		label = p.T("event.button.join_waitlist")
	}
	return []Button{{ActionID: ActionRegister, Value: id, Label: label, Style: ButtonPrimary}}
}

// publishButton publishes a draft, after a confirmation.
func publishButton(ev *Event, p *i18n.Printer) Button {
	return Button{ActionID: ActionPublish, Value: strconv.FormatInt(ev.ID, 10), Label: p.T("event.button.publish"), Style: ButtonPrimary,
		Confirm: &Confirm{Title: p.T("publish.confirm_title"), Text: p.T("publish.confirm_text", ev.Title), Yes: p.T("event.button.publish"), No: p.T("button.back")}}
}
