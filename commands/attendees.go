package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"cercle/i18n"
)

// This file is the facilitators' view of who comes: the list by
// standing, the CSV export and the roll call.

// Attendee form ids.
const (
	FormRollCall  = "rollcall"
	fieldRollCall = "attended"
)

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
		actions: []*ActionHandler{{ID: ActionAttendeesPage, Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator", Run: s.attendeesPageAction}},
		forms:   []*FormHandler{{ID: FormRollCall, Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator", Run: s.submitRollCall}},
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

// rollCall opens the attendance form of an event that has started.
func (s *Service) rollCall(ctx context.Context, c *Call) (*Response, error) {
	ev, err := s.eventArg(ctx, c)
	if err != nil {
		return nil, err
	}
	id := ev.ID
	if err := decideRollCall(s.now(), ev); err != nil {
		return nil, err
	}
	regs, err := s.store.FindRegistrations(ctx, RegistrationFilter{EventID: id,
		Statuses: []RegistrationStatus{RegRegistered, RegAttended, RegNoShow}})
	if err != nil {
		return nil, err
	}
	if len(regs) == 0 {
		return textResponse(c.P.T("rollcall.empty")), nil
	}
	// Slack shows at most 10 checkboxes in one group: one field per ten.
	var fields []Field
	for i := 0; i < len(regs); i += rollCallGroup {
		group := regs[i:min(i+rollCallGroup, len(regs))]
		field := Field{ID: fmt.Sprintf("%s_%d", fieldRollCall, i/rollCallGroup+1), Kind: FieldCheckboxes, Optional: true,
			Label: c.P.T("rollcall.field", i+1, i+len(group))}
		var checked []string
		for _, r := range group {
			label := r.MemberName
			if r.Company != "" {
				label += " (" + r.Company + ")"
			}
			field.Options = append(field.Options, Option{Value: string(r.UserID), Label: label})
			if r.Status != RegNoShow {
				checked = append(checked, string(r.UserID))
			}
		}
		field.Value = strings.Join(checked, "\n")
		fields = append(fields, field)
	}
	return &Response{Form: &Form{ID: FormRollCall, Title: c.P.T("rollcall.title"), Submit: c.P.T("rollcall.submit"),
		State: strconv.FormatInt(id, 10), Fields: fields}}, nil
}

// rollCallGroup is the most checkboxes Slack takes in one group.
const rollCallGroup = 10

func (s *Service) submitRollCall(ctx context.Context, _ *Member, p *i18n.Printer, sub *Submission) (*Response, error) {
	id, err := parseEventID(sub.State)
	if err != nil {
		return nil, err
	}
	checked := map[UserID]bool{}
	for id, value := range sub.Values {
		if !strings.HasPrefix(id, fieldRollCall+"_") {
			continue
		}
		for _, v := range strings.Split(value, "\n") {
			if v = strings.TrimSpace(v); v != "" {
				checked[UserID(v)] = true
			}
		}
	}
	attended := 0
	now := s.now()
	err = s.store.ChangeEvent(ctx, id, func(tx EventTx) error {
		if err := decideRollCall(now, tx.Event()); err != nil {
			return err
		}
		regs, err := tx.Registrations(RegRegistered, RegAttended, RegNoShow)
		if err != nil {
			return err
		}
		for _, r := range regs {
			to := attendance(checked[r.UserID])
			if to == RegAttended {
				attended++
			}
			if err := tx.Move(r, to, false, time.Time{}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return textResponse(p.Plural("rollcall.done", attended)), nil
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
