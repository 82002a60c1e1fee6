package commands

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"cercle/i18n"
)

// SendReminders queues the reminders due before each event. It is
// idempotent: every message has a dedupe key, so running it twice, or
// after downtime, sends nothing twice and catches up on what is due.
func (s *Service) SendReminders(ctx context.Context) error {
	return s.queueReminders(ctx, s.now())
}

// queueReminders queues, for each confirmed registrant of an event still
// to start, the most recent reminder moment that has come: a reminder
// missed during downtime goes out late, but only the latest (no J-7 on
// the eve), and never one whose moment had passed when the member
// registered.
func (s *Service) queueReminders(ctx context.Context, now time.Time) error {
	offsets := slices.Clone(s.reminderOffsets)
	if len(offsets) == 0 {
		return nil
	}
	slices.Sort(offsets) // smallest first: the most recent moment
	regs, err := s.store.FindRegistrations(ctx, RegistrationFilter{Statuses: []RegistrationStatus{RegRegistered}, StartsAfter: now})
	if err != nil {
		return fmt.Errorf("registrations to remind: %w", err)
	}
	var msgs []*OutboxMessage
	for _, r := range regs {
		ev := r.Event
		if ev.Status != EventPublished || !now.Before(ev.Start) || ev.Start.Sub(now) > offsets[len(offsets)-1]+time.Hour {
			continue
		}
		for _, off := range offsets {
			moment := reminderMoment(ev.Start, off, s.zone)
			if moment.After(now) {
				continue
			}
			if !r.UpdatedAt.Before(moment) {
				break // registered after this moment: nothing to remind
			}
			m, err := s.store.FindMemberByUserID(ctx, r.UserID)
			if err != nil {
				return err
			}
			msgs = append(msgs, s.reminder(r, m, off))
			break
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return s.enqueue(ctx, msgs...)
}

// reminderMoment is when the reminder off before start is due. Whole days
// are counted on the network's calendar: J-7 of an 18:30 event is 18:30 a
// week before, even across a change to or from summer time, when that is
// 167 or 169 hours.
func reminderMoment(start time.Time, off time.Duration, zone *time.Location) time.Time {
	const day = 24 * time.Hour
	if off%day != 0 {
		return start.Add(-off)
	}
	return start.In(zone).AddDate(0, 0, -int(off/day))
}

// reminder is the DM sent off before ev.
func (s *Service) reminder(r *Registration, m *Member, off time.Duration) *OutboxMessage {
	p := s.printer(m)
	ev := r.Event
	id := strconv.FormatInt(ev.ID, 10)
	return &OutboxMessage{
		// The start is in the key: a postponed event gets its reminders again.
		DedupeKey: fmt.Sprintf("reminder:%d:%s:%dh:%d", ev.ID, r.UserID, int(off.Hours()), ev.Start.Unix()),
		To:        Recipient{User: r.UserID},
		Message: Response{
			Title: p.T("reminder.title", offsetName(p, off)),
			Sections: []Section{
				Paragraph(Text(p.T("reminder.text", ev.Title, p.DateTime(ev.Start)))),
				{Pairs: []Pair{{Label: p.T("event.field.place"), Value: ev.Place}}},
				{Buttons: []Button{
					{ActionID: ActionAddCalendar, Value: id, Label: p.T("event.button.calendar")},
					{ActionID: ActionCancel, Value: id, Label: p.T("event.button.cancel"), Style: ButtonDanger,
						Confirm: &Confirm{Title: p.T("cancel.confirm_title"), Text: p.T("cancel.confirm_text", ev.Title), Yes: p.T("event.button.cancel"), No: p.T("button.back")}},
				}},
			},
		},
	}
}

// offsetName words a reminder offset: "J-7", "J-1", "H-2".
func offsetName(p *i18n.Printer, off time.Duration) string {
	if off >= 24*time.Hour && off%(24*time.Hour) == 0 {
		return p.T("reminder.days", int(off/(24*time.Hour)))
	}
	return p.T("reminder.hours", int(off.Hours()))
}
