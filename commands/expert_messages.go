package commands

import (
	"fmt"
	"strconv"
	"time"

	"cercle/i18n"
)

// This file words what the request flow tells each side. Dedupe keys
// carry ids, versions and sides (member, expert, staff) only, never a
// name, a Slack id or a word of the problem: the outbox table is
// confidential's neighbour, not its keeper, and keys also reach logs and
// Slack's message metadata. A key is unique per recipient (the outbox's
// recipient column says who), so a side's key serves each person on it.

// sideOf names to's side of r in a dedupe key.
func sideOf(r *ExpertRequest, to UserID) string {
	if to == r.Requester {
		return "member"
	}
	return "expert"
}

// monthStart is the first instant of now's month in zone.
func monthStart(now time.Time, zone *time.Location) time.Time {
	local := now.In(zone)
	return time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, zone)
}

// briefMessage is the routed expert's DM: the problem, the company's
// sector and size but not its name (given once they accept), and the
// buttons to answer before the deadline.
func briefMessage(r *ExpertRequest, company *Company, p *i18n.Printer) *OutboxMessage {
	id := strconv.FormatInt(r.ID, 10)
	pairs := []Pair{{Label: p.T("request.field.urgency"), Value: p.T("request.urgency." + string(r.Urgency))}}
	if company != nil && company.Sector != "" {
		pairs = append(pairs, Pair{Label: p.T("request.brief.sector"), Value: company.Sector})
	}
	if company != nil && company.Headcount > 0 {
		pairs = append(pairs, Pair{Label: p.T("request.brief.size"), Value: p.Plural("request.brief.headcount", company.Headcount)})
	}
	if r.Format != FormatAnyFormat {
		pairs = append(pairs, Pair{Label: p.T("request.field.format"), Value: p.T("request.format." + string(r.Format))})
	}
	if r.Periods != "" {
		pairs = append(pairs, Pair{Label: p.T("request.field.periods"), Value: r.Periods})
	}
	return &OutboxMessage{
		DedupeKey: fmt.Sprintf("xreq:%d:brief:%d", r.ID, r.Version+1),
		To:        Recipient{User: r.Expert},
		Message: Response{Title: p.T("request.brief.title", r.ID), Sections: []Section{
			Paragraph(Text(r.Problem)),
			{Pairs: pairs},
			{Note: true, Body: []Span{Text(p.T("request.brief.confidential") + " " + p.T("request.brief.answer_by", p.DateTime(r.AnswerBy)))}},
			{Buttons: []Button{
				{ActionID: ActionAcceptRequest, Value: id, Label: p.T("request.button.accept"), Style: ButtonPrimary},
				{ActionID: ActionDeclineRequest, Value: id, Label: p.T("request.button.decline")},
			}},
		}},
	}
}

// memberMessage is a DM to the request's author about step (a word for
// the dedupe key), saying what spans say.
func memberMessage(r *ExpertRequest, step string, p *i18n.Printer, spans ...Span) *OutboxMessage {
	return &OutboxMessage{
		DedupeKey: fmt.Sprintf("xreq:%d:member:%s:%d", r.ID, step, r.Version+1),
		To:        Recipient{User: r.Requester},
		Message:   Response{Sections: []Section{Paragraph(spans...)}},
	}
}

// slotsMessage tells the member the expert accepted, who they are, and
// asks them to pick a slot.
func slotsMessage(r *ExpertRequest, e *Expert, p *i18n.Printer) *OutboxMessage {
	msg := memberMessage(r, "slots", p, Text(p.T("request.update.accepted", r.ID)+" "), Mention(e.User), Text(" "+p.T("request.update.pick")))
	var buttons []Button
	for _, t := range r.Slots {
		buttons = append(buttons, Button{ActionID: ActionPickSlot, Value: fmt.Sprintf("%d:%d", r.ID, t.Unix()), Label: p.ShortDate(t) + " " + p.Time(t), Style: ButtonPrimary})
	}
	msg.Message.Sections = append(msg.Message.Sections, Section{Buttons: buttons},
		Section{Note: true, Body: []Span{Text(p.T("request.place") + " " + r.Place)}})
	return msg
}

// meetingEntry is what a calendar holds of a scheduled meeting, titled
// with the other side's name.
func meetingEntry(r *ExpertRequest, other string, p *i18n.Printer, cancelled bool) CalendarEntry {
	return CalendarEntry{UID: fmt.Sprintf("expert-request-%d@cercle", r.ID), Sequence: r.Sequence,
		Title: p.T("request.calendar.title", other), Location: r.Place, Start: r.Slot, End: r.Slot.Add(r.Duration),
		Description: p.T("request.calendar.description", r.ID), Cancelled: cancelled}
}

// meetingMessage confirms a meeting to one side or, when step is
// "cancel", calls it off, with its .ics and add-to-calendar links. The
// step, not the request's status, says which: a meeting is also called
// off when its request goes back to be routed again.
func (s *Service) meetingMessage(r *ExpertRequest, to UserID, other string, step string, p *i18n.Printer) *OutboxMessage {
	cancelled := step == "cancel"
	entry := meetingEntry(r, other, p, cancelled)
	msg := &OutboxMessage{DedupeKey: fmt.Sprintf("xreq:%d:%s:%d:%s", r.ID, step, r.Sequence, sideOf(r, to)), To: Recipient{User: to}}
	text := p.T("request.meeting.confirmed", other, p.DateTime(r.Slot), r.Place)
	if cancelled {
		text = p.T("request.meeting.cancelled", r.ID, p.DateTime(r.Slot))
	}
	msg.Message.Sections = []Section{Paragraph(Text(text))}
	if !cancelled {
		ev := &Event{Title: entry.Title, Place: r.Place, Start: r.Slot, End: r.Slot.Add(r.Duration)}
		msg.Message.Sections = append(msg.Message.Sections, calendarLinks(ev, p))
	}
	if s.calendar != nil {
		if ics, err := s.calendar.Invitation(entry); err == nil {
			msg.Message.Files = []File{{Name: fmt.Sprintf("entretien-%d.ics", r.ID), Title: entry.Title, Content: ics}}
		}
	}
	return msg
}

// reminderNotices are the J-1 and H-1 reminders of a meeting to both
// sides, worded at delivery and dropped if the meeting moved or ended.
func reminderNotices(r *ExpertRequest) []*OutboxMessage {
	var out []*OutboxMessage
	for _, before := range []time.Duration{24 * time.Hour, time.Hour} {
		for _, to := range []UserID{r.Requester, r.Expert} {
			out = append(out, &OutboxMessage{
				DedupeKey: fmt.Sprintf("xreq:%d:remind:%d:%d:%s", r.ID, r.Sequence, int(before.Hours()), sideOf(r, to)),
				To:        Recipient{User: to},
				DueAt:     r.Slot.Add(-before),
				Notice:    &Notice{Kind: NoticeMeetingReminder, Request: r.ID, Sequence: r.Sequence, For: to},
			})
		}
	}
	return out
}
