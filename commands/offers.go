package commands

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"cercle/i18n"
)

// This file passes freed seats down the line: offers made, answered and
// lapsed, each inside the transaction that frees or takes the seat, with
// its DM queued in that same transaction.

// fillSeats offers every free seat of the transaction's event to the head
// of the line (or gives it outright when too late for an offer) and
// queues the DM each one gets.
func (s *Service) fillSeats(tx EventTx, now time.Time) error {
	n, to, expires := seatsToOffer(now, tx.Event(), s.offerPolicy)
	if n == 0 {
		return nil
	}
	head, err := tx.WaitlistHead(n)
	if err != nil {
		return err
	}
	for _, r := range head {
		if err := tx.Move(r, to, false, expires); err != nil {
			return err
		}
		msg := offerNotice(r)
		if to == RegRegistered {
			msg = confirmationNotice(r)
			msg.Notice.Freed = true
		}
		if err := tx.Enqueue(msg); err != nil {
			return err
		}
	}
	return s.tellLine(tx, 1)
}

// lineTold is how far down the waitlist a member is told they moved up:
// a DM at every step of a long line would be noise; the agenda always
// shows the current place.
const lineTold = 3

// tellLine tells the members now in the first places of the line that
// they moved up, when the first to leave it in this transaction stood at
// place left (those ahead of it did not move).
func (s *Service) tellLine(tx EventTx, left int) error {
	head, err := tx.WaitlistHead(lineTold)
	if err != nil {
		return err
	}
	for _, r := range head {
		if r.Position < left {
			continue
		}
		err := tx.Enqueue(&OutboxMessage{
			DedupeKey: fmt.Sprintf("line:%d:%d:%d", r.ID, r.Turn, r.Position),
			To:        Recipient{User: r.UserID},
			Notice:    &Notice{Kind: NoticeLine, Event: r.EventID, Registration: r.ID, Turn: r.Turn, Position: r.Position},
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// offerNotice is the DM offering a seat, with Accept and Decline buttons.
// The key names the deadline: a new offer to the same member is a new DM.
func offerNotice(r *Registration) *OutboxMessage {
	return &OutboxMessage{
		DedupeKey: fmt.Sprintf("offer:%d:%d", r.ID, r.OfferExpiresAt.Unix()),
		To:        Recipient{User: r.UserID},
		Notice:    &Notice{Kind: NoticeOffer, Event: r.EventID, Registration: r.ID, Until: r.OfferExpiresAt},
	}
}

// answerOffer accepts or declines a seat offered to the member. The
// button's value is the registration id; the rule checks it is theirs.
func (s *Service) answerOffer(ctx context.Context, m *Member, p *i18n.Printer, a *Action, accept bool) (*Response, error) {
	id, err := strconv.ParseInt(a.Value, 10, 64)
	if err != nil || id <= 0 {
		return nil, Errorf(ENOTFOUND, "offer.error.not_found")
	}
	found, err := s.store.FindRegistrationByID(ctx, id)
	if ErrorCode(err) == ENOTFOUND {
		return nil, Errorf(ENOTFOUND, "offer.error.not_found")
	} else if err != nil {
		return nil, err
	}
	now := s.now()
	var reg *Registration
	err = s.store.ChangeEvent(ctx, found.EventID, func(tx EventTx) error {
		cur, err := tx.RegistrationByID(id)
		if err != nil {
			return err
		}
		to, err := decideOfferAnswer(now, tx.Event(), cur, m.UserID, accept)
		if err != nil {
			return err
		}
		if err := tx.Move(cur, to, false, time.Time{}); err != nil {
			return err
		}
		reg = cur
		if accept {
			return tx.Enqueue(confirmationNotice(cur))
		}
		return s.fillSeats(tx, now)
	})
	if err != nil {
		return nil, err
	}
	s.wake()
	ev := reg.Event
	if !accept {
		return &Response{Replace: true, Sections: []Section{Paragraph(Text(p.T("offer.declined", ev.Title)))}}, nil
	}
	return &Response{Replace: true, Sections: []Section{Paragraph(Text(p.T("offer.accepted", ev.Title, p.DateTime(ev.Start))))}}, nil
}

func (s *Service) acceptOfferAction(ctx context.Context, m *Member, p *i18n.Printer, a *Action) (*Response, error) {
	return s.answerOffer(ctx, m, p, a, true)
}

func (s *Service) declineOfferAction(ctx context.Context, m *Member, p *i18n.Printer, a *Action) (*Response, error) {
	return s.answerOffer(ctx, m, p, a, false)
}

// ExpireOffers lapses the offers whose deadline has passed and passes
// their seats on. It is idempotent: a job runs it every minute, and after
// downtime it catches up at once.
func (s *Service) ExpireOffers(ctx context.Context) error {
	now := s.now()
	ids, err := s.store.EventsWithOffersDue(ctx, now)
	if err != nil {
		return fmt.Errorf("expire offers: %w", err)
	}
	for _, id := range ids {
		err := s.store.ChangeEvent(ctx, id, func(tx EventTx) error {
			offers, err := tx.Registrations(RegOffered)
			if err != nil {
				return err
			}
			for _, r := range offers {
				if !offerLapsed(r, now) {
					continue
				}
				if err := tx.Move(r, RegExpired, false, time.Time{}); err != nil {
					return err
				}
			}
			return s.fillSeats(tx, now)
		})
		if err != nil {
			return fmt.Errorf("expire offers of event %d: %w", id, err)
		}
	}
	if len(ids) > 0 {
		s.wake()
	}
	return nil
}
