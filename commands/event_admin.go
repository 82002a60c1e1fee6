package commands

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"cercle/i18n"
)

// This file is the facilitators' side of events: create, edit, publish
// and cancel, each change told to the people it concerns.

// Event form and action ids.
const (
	FormEvent = "event"
	// ActionCancelEvent cancels a whole event, after the facilitator has
	// seen how many people will be told.
	ActionCancelEvent = "event.cancel_event"
)

// eventAdminFeature is what facilitators do with events.
func (s *Service) eventAdminFeature() feature {
	return feature{
		commands: []*Command{{
			Name: "evenement", Aliases: []string{"événement", "event"},
			Usage: "event.cmd.usage", Summary: "event.cmd.summary", Detail: "event.cmd.detail",
			Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator",
			Run: s.eventCmd,
		}},
		actions: []*ActionHandler{{ID: ActionCancelEvent, Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator", Run: s.cancelEventAction}},
		forms:   []*FormHandler{{ID: FormEvent, Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator", Run: s.submitEvent}},
	}
}

// eventCmd runs the facilitator's event subcommands.
func (s *Service) eventCmd(ctx context.Context, c *Call) (*Response, error) {
	if len(c.Args) == 0 {
		return nil, Errorf(EINVALID, "event.error.usage")
	}
	verb, rest := strings.ToLower(c.Args[0]), c.Args[1:]
	if verb == "nouveau" || verb == "new" || verb == "creer" || verb == "créer" {
		if len(rest) > 0 {
			return nil, Errorf(EINVALID, "event.error.usage")
		}
		return &Response{Form: s.eventForm(nil, c.P)}, nil
	}
	confirmed := len(rest) == 2 && (verb == "annuler" || verb == "cancel") && isConfirmation(rest[1])
	if len(rest) != 1 && !confirmed {
		return nil, Errorf(EINVALID, "event.error.usage")
	}
	id, err := parseEventID(rest[0])
	if err != nil {
		return nil, err
	}
	ev, err := s.findEvent(ctx, id)
	if err != nil {
		return nil, err
	}
	switch verb {
	case "modifier", "edit":
		if ev.Status == EventCancelled {
			return nil, Errorf(ECONFLICT, "event.error.cancelled")
		}
		return &Response{Form: s.eventForm(ev, c.P)}, nil
	case "publier", "publish":
		return s.publishEvent(ctx, c.P, id)
	case "annuler", "cancel":
		if confirmed {
			return s.cancelEvent(ctx, c.P, id)
		}
		return s.cancelEventPreview(ctx, c.P, ev)
	}
	return nil, Errorf(EINVALID, "event.error.usage")
}

// isConfirmation reports whether word confirms a destructive command.
func isConfirmation(word string) bool {
	switch strings.ToLower(word) {
	case "confirmer", "confirme", "oui", "confirm", "yes":
		return true
	}
	return false
}

// cancelEventPreview asks before cancelling a whole event, one word away
// from a member's own cancellation: it says who will be told, and offers
// the button (or the word to type) that does it.
func (s *Service) cancelEventPreview(ctx context.Context, p *i18n.Printer, ev *Event) (*Response, error) {
	if err := decideEventCancellation(ev); err != nil {
		return nil, err
	}
	regs, err := s.store.FindRegistrations(ctx, RegistrationFilter{EventID: ev.ID,
		Statuses: []RegistrationStatus{RegRegistered, RegOffered, RegWaitlisted}})
	if err != nil {
		return nil, err
	}
	told := p.Plural("event.cancel.preview.told", len(regs), ev.Title)
	id := strconv.FormatInt(ev.ID, 10)
	return &Response{Title: p.T("event.cancel.preview.title"), Sections: []Section{
		Paragraph(Text(told)),
		{Buttons: []Button{{ActionID: ActionCancelEvent, Value: id, Label: p.T("event.cancel.button"), Style: ButtonDanger,
			Confirm: &Confirm{Title: p.T("event.cancel.preview.title"), Text: told, Yes: p.T("event.cancel.button"), No: p.T("button.back")}}}},
		{Note: true, Body: []Span{Text(p.T("event.cancel.preview.typed") + " "), Code(p.T("event.cancel.command", ev.ID))}},
	}}, nil
}

// cancelEventAction is the confirmed press of the cancel button.
func (s *Service) cancelEventAction(ctx context.Context, _ *Member, p *i18n.Printer, a *Action) (*Response, error) {
	id, err := parseEventID(a.Value)
	if err != nil {
		return nil, err
	}
	resp, err := s.cancelEvent(ctx, p, id)
	if err != nil {
		return nil, err
	}
	resp.Replace = true
	return resp, nil
}

// publishEvent opens a draft for registration.
func (s *Service) publishEvent(ctx context.Context, p *i18n.Printer, id int64) (*Response, error) {
	now := s.now()
	var ev *Event
	err := s.store.ChangeEvent(ctx, id, func(tx EventTx) error {
		ev = tx.Event()
		if err := decidePublish(now, ev); err != nil {
			return err
		}
		return tx.SetStatus(EventPublished, false)
	})
	if err != nil {
		return nil, err
	}
	return textResponse(p.T("event.published", ev.Title, id)), nil
}

// cancelEvent cancels an event and, in the same transaction, queues a
// notice (with a calendar cancellation for those who had a seat) to
// everyone registered, offered a seat or in line.
func (s *Service) cancelEvent(ctx context.Context, p *i18n.Printer, id int64) (*Response, error) {
	var (
		ev   *Event
		told int
	)
	err := s.store.ChangeEvent(ctx, id, func(tx EventTx) error {
		ev = tx.Event()
		if err := decideEventCancellation(ev); err != nil {
			return err
		}
		regs, err := tx.Registrations(RegRegistered, RegOffered, RegWaitlisted)
		if err != nil {
			return err
		}
		if err := tx.SetStatus(EventCancelled, true); err != nil {
			return err
		}
		for _, r := range regs {
			n := &Notice{Kind: NoticeEventCancelled, Event: id, Registration: r.ID, HadSeat: r.Status == RegRegistered}
			if err := tx.Enqueue(&OutboxMessage{DedupeKey: fmt.Sprintf("event-cancelled:%d:%s", id, r.UserID),
				To: Recipient{User: r.UserID}, Notice: n}); err != nil {
				return err
			}
		}
		told = len(regs)
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.wake()
	return textResponse(p.Plural("event.cancelled.done", told, ev.Title)), nil
}

// eventForm is the form to create (ev nil) or edit an event.
func (s *Service) eventForm(ev *Event, p *i18n.Printer) *Form {
	f := &Form{ID: FormEvent, Title: p.T("event.form.new"), Submit: p.T("event.form.submit")}
	unix := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return strconv.FormatInt(t.Unix(), 10)
	}
	v := &Event{Kind: KindPlenary}
	cutoff := strconv.Itoa(int(defaultCutoff.Hours()))
	if ev != nil {
		f.Title, f.State, v = p.T("event.form.edit"), strconv.FormatInt(ev.ID, 10), ev
		cutoff = strconv.Itoa(ev.cutoffHours())
	}
	capacity := ""
	if v.Capacity > 0 {
		capacity = strconv.Itoa(v.Capacity)
	}
	kinds := []Option{}
	for _, k := range []EventKind{KindPlenary, KindTraining, KindVisit} {
		kinds = append(kinds, Option{Value: string(k), Label: eventKindName(p, k)})
	}
	f.Fields = []Field{
		{ID: fieldEventTitle, Label: p.T("event.field.title"), Value: v.Title, MaxLength: maxEventTitle},
		{ID: fieldEventKind, Label: p.T("event.field.kind"), Value: string(v.Kind), Kind: FieldSelect, Options: kinds},
		{ID: fieldEventDescription, Label: p.T("event.field.description"), Value: v.Description, Kind: FieldLongText, Optional: true, MaxLength: maxEventDescription},
		{ID: fieldEventPlace, Label: p.T("event.field.place"), Hint: p.T("event.field.place.hint"), Value: v.Place, MaxLength: maxEventPlace},
		{ID: fieldEventStart, Label: p.T("event.field.start"), Hint: p.T("event.field.date.hint"), Value: unix(v.Start), Kind: FieldDateTime},
		{ID: fieldEventEnd, Label: p.T("event.field.end"), Hint: p.T("event.field.date.hint"), Value: unix(v.End), Kind: FieldDateTime},
		{ID: fieldEventCapacity, Label: p.T("event.field.capacity"), Value: capacity, Kind: FieldNumber},
		{ID: fieldEventDeadline, Label: p.T("event.field.deadline"), Hint: p.T("event.field.deadline.hint"), Value: unix(v.Deadline), Kind: FieldDateTime, Optional: true},
		{ID: fieldEventCutoff, Label: p.T("event.field.cutoff"), Hint: p.T("event.field.cutoff.hint"), Value: cutoff, Kind: FieldNumber, Optional: true},
	}
	return f
}

// submitEvent creates or updates an event from its form.
func (s *Service) submitEvent(ctx context.Context, m *Member, p *i18n.Printer, sub *Submission) (*Response, error) {
	ev, fe := ParseEvent(sub.Values, s.now(), p.Location(), p)
	if fe != nil {
		return nil, fe
	}
	if sub.State == "" {
		ev.CreatedBy = m.UserID
		ev.UID = newEventUID(sub.User.TeamID)
		if err := s.store.CreateEvent(ctx, ev); err != nil {
			return nil, err
		}
		return &Response{Title: p.T("event.created.title"), Sections: []Section{
			eventSection(ev, p),
			{Body: []Span{Text(p.T("event.created.next") + " "), Code(p.T("event.created.command", ev.ID))},
				Buttons: []Button{publishButton(ev, p)}},
		}}, nil
	}
	id, err := parseEventID(sub.State)
	if err != nil {
		return nil, err
	}
	updated, err := s.updateEvent(ctx, id, ev)
	var e *Error
	if errors.As(err, &e) && e.Key == "event.error.capacity_below" {
		return nil, FieldErrors{fieldEventCapacity: p.T(e.Key, e.Args...)}
	}
	if err != nil {
		return nil, err
	}
	return &Response{Title: p.T("event.updated.title"), Sections: []Section{eventSection(updated, p)}}, nil
}

// updateEvent applies an edit: confirmed registrants are told what
// changed (with an updated .ics), and seats a larger capacity frees go to
// the line, all in one transaction.
func (s *Service) updateEvent(ctx context.Context, id int64, changed *Event) (*Event, error) {
	now := s.now()
	var ev *Event
	err := s.store.ChangeEvent(ctx, id, func(tx EventTx) error {
		if err := decideEdit(tx.Event(), changed); err != nil {
			return err
		}
		before := factsOf(tx.Event())
		if err := tx.UpdateEvent(changed); err != nil {
			return err
		}
		ev = tx.Event()
		if ev.Status != EventPublished || !before.changed(factsOf(ev)) {
			return s.fillSeats(tx, now)
		}
		// Everyone with a stake hears of it: a seat, an offer being
		// weighed, a place in line.
		regs, err := tx.Registrations(RegRegistered, RegOffered, RegWaitlisted)
		if err != nil {
			return err
		}
		for _, r := range regs {
			n := &Notice{Kind: NoticeEventChanged, Event: id, Registration: r.ID, Sequence: ev.Sequence, Before: before}
			if err := tx.Enqueue(&OutboxMessage{DedupeKey: fmt.Sprintf("event-changed:%d:%d:%s", id, ev.Sequence, r.UserID),
				To: Recipient{User: r.UserID}, Notice: n}); err != nil {
				return err
			}
		}
		return s.fillSeats(tx, now)
	})
	if err != nil {
		return nil, err
	}
	s.wake()
	return ev, nil
}
