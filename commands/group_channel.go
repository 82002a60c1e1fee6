package commands

import (
	"context"
	"strings"
	"unicode/utf8"
)

// This file is what the core hears from working groups' channels: the
// messages it keeps to summarise a week from, and people joining or
// leaving a channel by themselves, which the group follows.

// maxStoredMessage bounds the text kept of one message: a summary needs
// its gist, not 40,000 characters.
const maxStoredMessage = 4000

// offRecordMark opens a message its author keeps out of summaries; a
// thread under such a message is kept out too.
const offRecordMark = "[off]"

// ChannelMessage records what happened to a message in a channel: a new
// message of a group's channel is kept unless it comes from a bot, from a
// member who opted out of summaries, or is off the record; an edit
// replaces the text kept, a deletion removes it. Messages of other
// channels are ignored.
func (s *Service) ChannelMessage(ctx context.Context, cm *ChannelMessage) error {
	g, err := s.store.FindGroupByChannel(ctx, cm.Channel)
	if ErrorCode(err) == ENOTFOUND {
		return nil
	}
	if err != nil || g.Archived() {
		return err
	}
	switch {
	case cm.Deleted:
		return s.store.DeleteGroupMessage(ctx, cm.Channel, cm.TS)
	case cm.FromBot || cm.Author == "":
		return nil
	case offRecord(cm.Text):
		// Made off the record by an edit, or posted so: nothing of it is
		// kept, and a thread under it stays out.
		if err := s.store.DeleteGroupMessage(ctx, cm.Channel, cm.TS); err != nil {
			return err
		}
		if cm.ThreadTS == "" || cm.ThreadTS == cm.TS {
			return s.store.MarkOffRecord(ctx, cm.Channel, cm.TS, cm.At)
		}
		return nil
	}
	keep, err := s.keepsMessagesOf(ctx, cm.Author)
	if err != nil || !keep {
		return err
	}
	text := storedText(cm.Text)
	if cm.Edited {
		_, err := s.store.EditGroupMessage(ctx, cm.Channel, cm.TS, text, cm.At)
		return err
	}
	thread := cm.ThreadTS
	if thread == cm.TS {
		thread = ""
	}
	if thread != "" {
		off, err := s.store.IsOffRecord(ctx, cm.Channel, thread)
		if err != nil || off {
			return err
		}
	}
	return s.store.SaveGroupMessage(ctx, &GroupMessage{
		Group: g.ID, Channel: cm.Channel, TS: cm.TS, ThreadTS: thread, Author: cm.Author,
		Text: text, Permalink: cm.Permalink, PostedAt: cm.At,
	})
}

// ChannelReaction counts a reaction on a kept message: the extractive
// summary picks the messages people reacted to most.
func (s *Service) ChannelReaction(ctx context.Context, r *ChannelReaction) error {
	delta := -1
	if r.Added {
		delta = 1
	}
	return s.store.CountReaction(ctx, r.Channel, r.TS, delta)
}

// ChannelMembership follows a person joining or leaving a group's channel
// by themselves (or by someone else's hand in Slack): the group's
// membership follows the channel, so the two never silently disagree.
// Events for other channels, and the bot's own, are ignored by the caller.
func (s *Service) ChannelMembership(ctx context.Context, ch ChannelID, user UserID, joined bool) error {
	g, err := s.store.FindGroupByChannel(ctx, ch)
	if ErrorCode(err) == ENOTFOUND {
		return nil
	}
	if err != nil || g.Archived() {
		return err
	}
	if !joined {
		_, err := s.store.LeaveGroup(ctx, g.ID, user)
		return err
	}
	if _, err := s.member(ctx, User{ID: user}); err != nil {
		return err
	}
	_, err = s.store.JoinGroup(ctx, g.ID, user)
	return err
}

// keepsMessagesOf reports whether the author's messages may be kept: not
// if they opted out of summaries. Someone Cercle has never met has not.
func (s *Service) keepsMessagesOf(ctx context.Context, author UserID) (bool, error) {
	m, err := s.store.FindMemberByUserID(ctx, author)
	switch {
	case ErrorCode(err) == ENOTFOUND:
		return true, nil
	case err != nil:
		return false, err
	}
	return !m.SummariesOptOut, nil
}

// offRecord reports whether a message is marked off the record.
func offRecord(text string) bool {
	t := strings.TrimSpace(text)
	return len(t) >= len(offRecordMark) && strings.EqualFold(t[:len(offRecordMark)], offRecordMark)
}

// storedText is the part of a message kept: valid UTF-8, at most
// maxStoredMessage runes.
func storedText(text string) string {
	text = strings.ToValidUTF8(text, "")
	if utf8.RuneCountInString(text) <= maxStoredMessage {
		return text
	}
	return string([]rune(text)[:maxStoredMessage]) + "…"
}

// PurgeMessages forgets the group messages older than the retention
// period: the job behind the promise the install guide makes.
func (s *Service) PurgeMessages(ctx context.Context) error {
	n, err := s.store.PurgeGroupMessages(ctx, s.now().Add(-s.retention))
	if err == nil && n > 0 {
		s.logger.InfoContext(ctx, "group messages purged", "count", n, "retention", s.retention)
	}
	return err
}
