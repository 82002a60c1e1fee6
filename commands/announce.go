package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"cercle/i18n"
)

// This file is the broadcast of an event: a DM to every member (with the
// facilitator's progress kept current) or one post in the announcement
// channel whose seat count follows the registrations.

// announceFeature is the facilitators' broadcast.
func (s *Service) announceFeature() feature {
	return feature{commands: []*Command{{
		Name: "annoncer", Aliases: []string{"announce"},
		Usage: "announce.cmd.usage", Summary: "announce.cmd.summary", Detail: "announce.cmd.detail",
		Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator",
		Run: s.announce,
	}}}
}

// trackKind says what a posted message that is kept current shows.
type trackKind string

const (
	trackAnnouncement trackKind = "announce" // a channel post with the seats left
	trackProgress     trackKind = "progress" // a facilitator's broadcast progress
)

// trackKey names a posted message kept current. Its String form is the
// outbox's Track key; parseTrackKey reads it back.
type trackKey struct {
	kind  trackKind
	event int64
	user  UserID // the facilitator, for progress
}

func (k trackKey) String() string {
	if k.kind == trackProgress {
		return fmt.Sprintf("%s:%d:%s", k.kind, k.event, k.user)
	}
	return fmt.Sprintf("%s:%d", k.kind, k.event)
}

// parseTrackKey reads a key written by String; ok is false for anything
// else (a key from a later version, say), which is then left alone.
func parseTrackKey(s string) (k trackKey, ok bool) {
	kind, rest, _ := strings.Cut(s, ":")
	idText, user, _ := strings.Cut(rest, ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		return trackKey{}, false
	}
	switch k = (trackKey{kind: trackKind(kind), event: id, user: UserID(user)}); {
	case k.kind == trackAnnouncement && user == "", k.kind == trackProgress && user != "":
		return k, true
	}
	return trackKey{}, false
}

// broadcastPrefix is the dedupe key prefix of an event's broadcast DMs,
// counted for its progress.
func broadcastPrefix(event int64) string { return fmt.Sprintf("announce:%d:", event) }

// announce sends a published event to every member by DM, with its buttons.
func (s *Service) announce(ctx context.Context, c *Call) (*Response, error) {
	ev, err := s.eventArg(ctx, c)
	if err != nil {
		return nil, err
	}
	if ev.Status != EventPublished {
		return nil, Errorf(ECONFLICT, "announce.error.not_published")
	}
	if !ev.Start.After(s.now()) {
		return nil, Errorf(ECONFLICT, "event.error.started")
	}
	if ev.Group != 0 {
		// A group's meeting is for its members only, never a channel.
		g, err := s.groupByID(ctx, ev.Group)
		if err != nil {
			return nil, err
		}
		told, err := s.announceToGroup(ctx, ev, g, "")
		if err != nil {
			return nil, err
		}
		return textResponse(c.P.Plural("group.meeting.told", told)), nil
	}
	if s.announceChannel != "" {
		p := s.printer(nil)
		err := s.enqueue(ctx, &OutboxMessage{
			DedupeKey: fmt.Sprintf("announce-channel:%d:%s", ev.ID, s.announceChannel),
			To:        Recipient{Channel: s.announceChannel},
			Track:     trackKey{kind: trackAnnouncement, event: ev.ID}.String(),
			Message:   s.announcement(ev, nil, p),
		})
		if err != nil {
			return nil, err
		}
		return textResponse(c.P.T("announce.channel", ev.Title)), nil
	}
	members, err := s.store.ListMembers(ctx)
	if err != nil {
		return nil, err
	}
	regs, err := s.store.FindRegistrations(ctx, RegistrationFilter{EventID: ev.ID})
	if err != nil {
		return nil, err
	}
	byUser := make(map[UserID]*Registration, len(regs))
	for _, r := range regs {
		byUser[r.UserID] = r
	}
	// First the facilitator's progress DM, which the due scan keeps
	// current until the broadcast is done; then one DM per member.
	msgs := make([]*OutboxMessage, 0, len(members)+1)
	msgs = append(msgs, &OutboxMessage{
		DedupeKey: fmt.Sprintf("progress:%d:%s", ev.ID, c.Member.UserID),
		To:        Recipient{User: c.Member.UserID},
		Track:     trackKey{kind: trackProgress, event: ev.ID, user: c.Member.UserID}.String(),
		Message:   *textResponse(c.P.T("announce.progress", ev.Title, 0, len(members))),
	})
	for _, m := range members {
		p := s.printer(m)
		msgs = append(msgs, &OutboxMessage{
			DedupeKey: broadcastPrefix(ev.ID) + string(m.UserID),
			To:        Recipient{User: m.UserID},
			Message:   s.announcement(ev, byUser[m.UserID], p),
		})
	}
	if err := s.enqueue(ctx, msgs...); err != nil {
		return nil, err
	}
	return s.announceProgress(ctx, c.P, ev)
}

// announcement is the message announcing ev, with its current seats, as
// seen by a member whose registration is reg: where they stand and the
// button that fits. A channel post (reg nil) has the buttons of someone
// not registered, and Détails for each one's own standing.
func (s *Service) announcement(ev *Event, reg *Registration, p *i18n.Printer) Response {
	return Response{Title: p.T("announce.title", eventKindName(p, ev.Kind)), Sections: withDescription(ev, eventCard(ev, reg, p, s.now(), false))}
}

// announceProgress says how far the broadcast of ev has gone.
func (s *Service) announceProgress(ctx context.Context, p *i18n.Printer, ev *Event) (*Response, error) {
	sent, total, err := s.store.CountMessages(ctx, broadcastPrefix(ev.ID))
	if err != nil {
		return nil, err
	}
	return textResponse(p.T("announce.progress", ev.Title, sent, total)), nil
}

// RefreshPostedMessages keeps posted messages current: a channel
// announcement's seat count and a broadcast's progress. It runs from the
// due scan, so updates are debounced to one a minute per message, and a
// message is updated only when what it shows has changed.
func (s *Service) RefreshPostedMessages(ctx context.Context) error {
	if s.notifier == nil {
		return nil
	}
	tracked, err := s.store.FindTrackedMessages(ctx, "")
	if err != nil {
		return err
	}
	for _, t := range tracked {
		msg, shown, err := s.trackedContent(ctx, t.Key)
		if err != nil {
			return err
		}
		if msg == nil || shown == t.Shown {
			continue
		}
		if err := s.notifier.Update(ctx, t.Ref, msg); err != nil {
			s.logger.Warn("posted message not updated", "track", t.Key, "err", err)
			continue
		}
		if err := s.store.SetTrackedShown(ctx, t.Key, shown); err != nil {
			return err
		}
	}
	return nil
}

// trackedContent is what a tracked message should show now, with a
// fingerprint of it; nil when it is to be left alone.
func (s *Service) trackedContent(ctx context.Context, raw string) (*Response, string, error) {
	key, ok := parseTrackKey(raw)
	if !ok {
		return nil, "", nil
	}
	ev, err := s.store.FindEventByID(ctx, key.event)
	if err != nil {
		return nil, "", err
	}
	switch key.kind {
	case trackAnnouncement:
		if !ev.End.After(s.now()) {
			return nil, "", nil // over: the last count stays
		}
		p := s.printer(nil)
		msg := s.announcement(ev, nil, p)
		if ev.Status == EventCancelled {
			msg = *textResponse(p.T("event.cancelled.text", ev.Title, p.DateTime(ev.Start)))
		}
		return &msg, fmt.Sprintf("%s/%d/%d/%d/%d", ev.Status, ev.Sequence, ev.Registered, ev.Offered, ev.Waitlisted), nil
	case trackProgress:
		sent, total, err := s.store.CountMessages(ctx, broadcastPrefix(key.event))
		if err != nil {
			return nil, "", err
		}
		m, err := s.store.FindMemberByUserID(ctx, key.user)
		if err != nil {
			return nil, "", err
		}
		return textResponse(s.printer(m).T("announce.progress", ev.Title, sent, total)), fmt.Sprintf("%d/%d", sent, total), nil
	}
	return nil, "", nil
}
