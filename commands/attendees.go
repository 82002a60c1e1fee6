package commands

import (
	"context"
	"fmt"
	"strings"
)

// This file is the facilitators' view of who comes: the list by
// standing and the CSV export (the roll call is in rollcall.go).

// ActionAttendeesPage shows a page of an event's attendee list; its value
// is "<event number>:<offset>".
const ActionAttendeesPage = "attendees.page"

// attendeesFeature is the facilitators' attendee list and roll call.
func (s *Service) attendeesFeature() feature {
	return feature{
		commands: []*Command{
			{
				Name: "inscrits", Aliases: []string{"attendees"},
				Usage: "attendees.cmd.usage", Summary: "attendees.cmd.summary", Detail: "attendees.cmd.detail",
				Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator",
				Run: s.attendees,
			},
			{
				Name: "appel", Aliases: []string{"rollcall"},
				Usage: "rollcall.cmd.usage", Summary: "rollcall.cmd.summary", Detail: "rollcall.cmd.detail",
				Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator",
				Run: s.rollCall,
			},
		},
		actions: []*ActionHandler{
			{ID: ActionAttendeesPage, Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator", Run: s.attendeesPageAction},
			{ID: ActionRollCallPage, Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator", Run: s.rollCallPageAction},
		},
		forms: []*FormHandler{{ID: FormRollCall, Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator", Run: s.submitRollCall}},
	}
}

// attendees lists an event's registrations for facilitators, or sends
// them as a CSV file.
func (s *Service) attendees(ctx context.Context, c *Call) (*Response, error) {
	if len(c.Args) == 0 || len(c.Args) > 2 || len(c.Args) == 2 && strings.ToLower(c.Args[1]) != "csv" {
		return nil, Errorf(EINVALID, "attendees.error.usage")
	}
	id, err := parseEventID(c.Args[0])
	if err != nil {
		return nil, err
	}
	ev, regs, err := s.eventRegistrations(ctx, id)
	if err != nil {
		return nil, err
	}
	p := c.P
	if len(c.Args) == 2 {
		file, err := attendeesCSV(ev, regs, p)
		if err != nil {
			return nil, err
		}
		err = s.enqueue(ctx, &OutboxMessage{
			DedupeKey: fmt.Sprintf("export:%d:%s:%d", id, c.Member.UserID, s.now().UnixNano()),
			To:        Recipient{User: c.Member.UserID},
			Message:   Response{Sections: []Section{Paragraph(Text(p.T("attendees.csv.text", ev.Title)))}, Files: []File{*file}},
		})
		if err != nil {
			return nil, err
		}
		return textResponse(p.T("attendees.csv.sent")), nil
	}
	return s.attendeesPage(ctx, p, ev, regs, 0)
}

// eventRegistrations returns an event and all its registrations, in line
// order.
func (s *Service) eventRegistrations(ctx context.Context, id int64) (*Event, []*Registration, error) {
	ev, err := s.findEvent(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	regs, err := s.store.FindRegistrations(ctx, RegistrationFilter{EventID: id})
	if err != nil {
		return nil, nil, err
	}
	return ev, regs, nil
}
