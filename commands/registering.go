package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"cercle/i18n"
)

// This file is what a member does with a seat: register and cancel, by
// command or button. The rules are in registration.go; here they run
// inside one write transaction each, with the notices they cause.

// changeOwn runs change in one write transaction over the event, with the
// member's own registration (nil if none).
func (s *Service) changeOwn(ctx context.Context, eventID int64, m *Member, change func(tx EventTx, cur *Registration) error) error {
	err := s.store.ChangeEvent(ctx, eventID, func(tx EventTx) error {
		cur, err := tx.Registration(m.UserID)
		if err != nil {
			return err
		}
		return change(tx, cur)
	})
	return err
}

// register signs a member up and tells them where they stand. The
// confirmation is queued in the same transaction, as a notice worded at
// delivery: nothing is rendered while the writer is held.
func (s *Service) register(ctx context.Context, m *Member, p *i18n.Printer, eventID int64) (*Response, error) {
	now := s.now()
	var reg *Registration
	err := s.changeOwn(ctx, eventID, m, func(tx EventTx, cur *Registration) error {
		if !CanSeeEvent(m, tx.Event()) {
			return Errorf(ENOTFOUND, "event.error.not_found", eventID)
		}
		status, err := decideRegistration(now, tx.Event(), cur)
		if err != nil {
			return err
		}
		if reg, err = tx.Join(m.UserID, status); err != nil {
			return err
		}
		if status == RegRegistered {
			return tx.Enqueue(confirmationNotice(reg))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if reg.Status == RegWaitlisted {
		return textResponse(p.T("register.waitlisted", reg.Event.Title, reg.Position)), nil
	}
	s.wake()
	return textResponse(p.T("register.done", reg.Event.Title, p.DateTime(reg.Event.Start))), nil
}

// cancel gives up a member's seat, offer or place in line; a seat freed
// goes to the line in the same transaction.
func (s *Service) cancel(ctx context.Context, m *Member, p *i18n.Printer, eventID int64) (*Response, error) {
	now := s.now()
	var reg *Registration
	err := s.changeOwn(ctx, eventID, m, func(tx EventTx, cur *Registration) error {
		to, late, err := decideCancellation(now, tx.Event(), cur)
		if err != nil {
			return err
		}
		place := cur.Position
		if err := tx.Move(cur, to, late, time.Time{}); err != nil {
			return err
		}
		reg = cur
		if to == RegWithdrawn {
			return s.tellLine(tx, place)
		}
		return s.fillSeats(tx, now)
	})
	if err != nil {
		return nil, err
	}
	s.wake()
	return textResponse(p.T(cancelKey(reg), reg.Event.Title)), nil
}

func (s *Service) registerCmd(ctx context.Context, c *Call) (*Response, error) {
	id, err := eventID(c)
	if err != nil {
		return nil, err
	}
	return s.register(ctx, c.Member, c.P, id)
}

func (s *Service) cancelCmd(ctx context.Context, c *Call) (*Response, error) {
	id, err := eventID(c)
	if err != nil {
		return nil, err
	}
	return s.cancel(ctx, c.Member, c.P, id)
}

// Button handlers: the value is an event number typed by nobody, but it
// is checked like one.

func (s *Service) registerAction(ctx context.Context, m *Member, p *i18n.Printer, a *Action) (*Response, error) {
	id, err := parseEventID(a.Value)
	if err != nil {
		return nil, err
	}
	return s.register(ctx, m, p, id)
}

func (s *Service) cancelAction(ctx context.Context, m *Member, p *i18n.Printer, a *Action) (*Response, error) {
	id, err := parseEventID(a.Value)
	if err != nil {
		return nil, err
	}
	return s.cancel(ctx, m, p, id)
}

// cancelKey words what the member gave up.
func cancelKey(r *Registration) string {
	switch {
	case r.Status == RegWithdrawn:
		return "cancel.done_waitlist"
	case r.Status == RegDeclined:
		return "cancel.done_offer"
	case r.Late:
		return "cancel.done_late"
	}
	return "cancel.done"
}

// eventID reads the one event number a command takes.
func eventID(c *Call) (int64, error) {
	if len(c.Args) != 1 {
		return 0, Errorf(EINVALID, "event.error.need_id")
	}
	return parseEventID(c.Args[0])
}

// parseEventID reads an event number as typed ("12" or "#12").
func parseEventID(s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(s), "#"), 10, 64)
	if err != nil || id <= 0 {
		return 0, Errorf(EINVALID, "event.error.bad_id", truncate(s, 20))
	}
	return id, nil
}

// textResponse is a one-paragraph ephemeral answer.
func textResponse(text string) *Response {
	return &Response{Sections: []Section{Paragraph(Text(text))}}
}

// confirmationNotice confirms a seat, once per turn: coming back after a
// cancellation is confirmed again.
func confirmationNotice(r *Registration) *OutboxMessage {
	return &OutboxMessage{
		DedupeKey: fmt.Sprintf("confirm:%d:%d", r.ID, r.Turn),
		To:        Recipient{User: r.UserID},
		Notice:    &Notice{Kind: NoticeConfirmation, Event: r.EventID, Registration: r.ID, Turn: r.Turn},
	}
}
