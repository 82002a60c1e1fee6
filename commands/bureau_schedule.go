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

// This file gives an accepted application its slot on a hearing day: the
// facilitator picks among the free slots to come, and the applicant gets
// the slot with its .ics and, the day before and the hour before, a
// reminder worded at delivery.

// Scheduling: the button's value is the application id; the form's state
// too, and its one field's value "<day>:<slot>". Cancelling a day: the
// button's value is the day id.
const (
	ActionScheduleApplication = "bureau.schedule"
	ActionCancelHearingDay    = "bureau.day.cancel"
	FormBureauSchedule        = "bureau.schedule"
	fieldBureauSlot           = "bureau_slot"
	maxSlotOptions            = 100 // Slack's limit on a select's options
)

// scheduleAction opens the slot picker: every free slot of the days to
// come.
func (s *Service) scheduleAction(ctx context.Context, m *Member, p *i18n.Printer, act *Action) (*Response, error) {
	a, err := s.visibleApplication(ctx, m, act.Value, mayDecide)
	if err != nil {
		return nil, err
	}
	if a.Status != ApplicationAccepted && a.Status != ApplicationScheduled {
		return nil, errApplicationState(a)
	}
	options, err := s.freeSlots(ctx, p)
	if err != nil {
		return nil, err
	}
	if len(options) == 0 {
		return nil, Errorf(ECONFLICT, "bureau.error.no_free_slot")
	}
	return &Response{Form: &Form{ID: FormBureauSchedule, Title: p.T("bureau.schedule.title", a.ID), Submit: p.T("bureau.schedule.submit"),
		State: strconv.FormatInt(a.ID, 10), Fields: []Field{
			{ID: fieldBureauSlot, Label: p.T("bureau.schedule.field", a.Company), Kind: FieldSelect, Options: options},
		}}}, nil
}

// freeSlots lists the slots not taken of the days to come, as options.
func (s *Service) freeSlots(ctx context.Context, p *i18n.Printer) ([]Option, error) {
	now := s.now()
	days, err := s.store.FindHearingDays(ctx, HearingDayFilter{From: now, Limit: maxDaysShown})
	if err != nil {
		return nil, err
	}
	var out []Option
	for _, d := range days {
		taken, err := s.store.FindApplications(ctx, ApplicationFilter{Day: d.ID,
			Statuses: []ApplicationStatus{ApplicationScheduled, ApplicationHeard, ApplicationAdvised}})
		if err != nil {
			return nil, err
		}
		used := map[int]bool{}
		for _, a := range taken {
			used[a.Slot] = true
		}
		for n := 1; n <= d.Hearings && len(out) < maxSlotOptions; n++ {
			if !used[n] && d.SlotStart(n).After(now) {
				out = append(out, Option{Value: fmt.Sprintf("%d:%d", d.ID, n),
					Label: p.T("bureau.schedule.option", d.ID, p.DateTime(d.SlotStart(n)))})
			}
		}
	}
	return out, nil
}

// submitSchedule gives the application the slot picked, checked again in
// its transaction, and tells the applicant.
func (s *Service) submitSchedule(ctx context.Context, m *Member, p *i18n.Printer, sub *Submission) (*Response, error) {
	id, err := applicationID(sub.State)
	if err != nil {
		return nil, err
	}
	rawDay, rawSlot, _ := strings.Cut(sub.Values[fieldBureauSlot], ":")
	dayID, err1 := strconv.ParseInt(rawDay, 10, 64)
	slot, err2 := strconv.Atoi(rawSlot)
	if err1 != nil || err2 != nil {
		return nil, FieldErrors{fieldBureauSlot: p.T("request.error.choice")}
	}
	now := s.now()
	var day *HearingDay
	a, err := s.changeApplication(ctx, m, id, mayDecide, func(tx ApplicationTx, a *Application) error {
		if day, err = tx.Day(dayID); err != nil {
			return err
		}
		if err := decideSchedule(a, day, slot, now); err != nil {
			return err
		}
		return tx.Enqueue(append(hearingReminders(a, day), s.hearingMessage(ctx, a, day, a.Slot, ""))...)
	})
	switch ErrorCode(err) {
	case "":
	case ECONFLICT, EINVALID:
		var e *Error
		if errors.As(err, &e) && strings.HasPrefix(e.Key, "bureau.error.s") {
			return nil, FieldErrors{fieldBureauSlot: p.T(e.Key, e.Args...)}
		}
		return nil, err
	default:
		return nil, err
	}
	return textResponse(p.T("bureau.scheduled", a.ID, a.Company, p.DateTime(day.SlotStart(a.Slot)))), nil
}

// hearingMessage gives the applicant their slot, with its .ics and
// calendar links; or, with offKey (the sentence saying why), calls the
// slot off, with the calendar cancellation.
func (s *Service) hearingMessage(ctx context.Context, a *Application, d *HearingDay, slot int, offKey string) *OutboxMessage {
	p := s.Printer(ctx, User{ID: a.Applicant})
	start, end := d.SlotStart(slot), d.SlotEnd(slot)
	where := d.Place
	if where == "" {
		where = d.VideoURL
	}
	msg := &OutboxMessage{DedupeKey: fmt.Sprintf("bureau:%d:hearing:%d", a.ID, a.HearingSeq), To: Recipient{User: a.Applicant}}
	if offKey != "" {
		msg.Message.Sections = []Section{Paragraph(Text(p.T(offKey, a.ID, p.DateTime(start))))}
	} else {
		msg.Message.Sections = []Section{Paragraph(Text(p.T("bureau.hearing.given", a.ID, p.DateTime(start), where))),
			calendarLinks(&Event{Title: p.T("bureau.calendar.hearing"), Place: where, Start: start, End: end}, p)}
	}
	if s.calendar != nil {
		entry := CalendarEntry{UID: fmt.Sprintf("bureau-hearing-%d@cercle", a.ID), Sequence: a.HearingSeq,
			Title: p.T("bureau.calendar.hearing"), Location: where, URL: d.VideoURL, Start: start, End: end,
			Description: p.T("bureau.calendar.hearing.description", a.ID), Cancelled: offKey != ""}
		if b, err := s.calendar.Invitation(entry); err == nil {
			msg.Message.Files = []File{{Name: fmt.Sprintf("audition-%d.ics", a.ID), Title: entry.Title, Content: b}}
		}
	}
	return msg
}

// cancelDayAction calls a hearing day off: its hearings go back to be
// scheduled again, and their applicants and the panel are told, with
// the calendar cancellations. Running it again finishes what a first
// run left undone.
func (s *Service) cancelDayAction(ctx context.Context, m *Member, p *i18n.Printer, act *Action) (*Response, error) {
	d, err := s.visibleDay(ctx, m, act.Value)
	if err != nil {
		return nil, err
	}
	if err := s.store.CancelHearingDay(ctx, d.ID, m.UserID); err != nil {
		return nil, err
	}
	if d, err = s.store.FindHearingDay(ctx, d.ID); err != nil {
		return nil, err
	}
	apps, err := s.store.FindApplications(ctx, ApplicationFilter{Day: d.ID, Statuses: []ApplicationStatus{ApplicationScheduled}})
	if err != nil {
		return nil, err
	}
	for _, a := range apps {
		err := s.store.ChangeApplication(ctx, a.ID, func(tx ApplicationTx) error {
			a := tx.Application()
			slot := a.Slot
			if !decideUnschedule(a, d) {
				return nil
			}
			if err := tx.Save(a); err != nil {
				return err
			}
			return tx.Enqueue(s.hearingMessage(ctx, a, d, slot, "bureau.hearing.cancelled"))
		})
		if err != nil && ErrorCode(err) != ECONFLICT {
			return nil, err
		}
	}
	var msgs []*OutboxMessage
	for _, u := range d.Panel {
		pu := s.Printer(ctx, User{ID: u})
		msg := &OutboxMessage{DedupeKey: fmt.Sprintf("bureau:day:%d:cancelled", d.ID), To: Recipient{User: u},
			Message: Response{Sections: []Section{Paragraph(Text(pu.T("bureau.day.cancelled.panel", pu.Date(d.StartsAt))))}}}
		if f := s.dayInvitation(d, pu); f != nil {
			msg.Message.Files = []File{*f}
		}
		msgs = append(msgs, msg)
	}
	if _, err := s.store.EnqueueMessages(ctx, msgs); err != nil {
		return nil, err
	}
	s.wake()
	return textResponse(p.T("bureau.day.cancelled", d.ID, len(apps))), nil
}

// hearingReminders are the J-1 and H-1 reminders of a hearing to its
// applicant, worded at delivery and dropped if it moved or was withdrawn.
func hearingReminders(a *Application, d *HearingDay) []*OutboxMessage {
	var out []*OutboxMessage
	for _, before := range []time.Duration{24 * time.Hour, time.Hour} {
		out = append(out, &OutboxMessage{
			DedupeKey: fmt.Sprintf("bureau:%d:remind:%d:%d", a.ID, a.HearingSeq, int(before.Hours())),
			To:        Recipient{User: a.Applicant},
			DueAt:     d.SlotStart(a.Slot).Add(-before),
			Notice:    &Notice{Kind: NoticeHearingReminder, Application: a.ID, Sequence: a.HearingSeq},
		})
	}
	return out
}

// hearingReminder words a hearing reminder, or nothing when the hearing
// moved, was withdrawn, or has begun.
func (s *Service) hearingReminder(ctx context.Context, n *Notice) (*Response, error) {
	a, err := s.store.FindApplication(ctx, n.Application)
	if ErrorCode(err) == ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if a.Status != ApplicationScheduled || a.HearingSeq != n.Sequence {
		return nil, nil
	}
	d, err := s.store.FindHearingDay(ctx, a.Day)
	if err != nil {
		return nil, err
	}
	start := d.SlotStart(a.Slot)
	if !s.now().Before(start) {
		return nil, nil
	}
	p := s.Printer(ctx, User{ID: a.Applicant})
	where := d.Place
	if where == "" {
		where = d.VideoURL
	}
	return &Response{Sections: []Section{Paragraph(Text(p.T("bureau.hearing.reminder", p.DateTime(start), where)))}}, nil
}
