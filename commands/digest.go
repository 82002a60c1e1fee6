package commands

import (
	"context"
	"fmt"
	"sync"
	"time"

	"cercle/i18n"
)

// This file is the digest: one direct message per member, each week (or
// month), with the events to come, what each of their working groups
// said, and the new members. It is built for every member in one pass
// over data read once, and queued in the outbox under a key per period
// and member, so a run that comes late or twice sends each digest once.

// maxDigestSections is how many sections one digest message holds: about
// three Slack blocks each, well inside the 50 blocks of a message. A
// longer digest goes out as several messages.
const maxDigestSections = 12

// Limits on each part of the digest.
const (
	digestEvents     = 5
	digestNewMembers = 10
	digestSeats      = 5
	// digestBatch is how many digests are queued in one write.
	digestBatch = 250
)

// digestPeriod is the span a digest covers: a whole ISO week (Monday to
// Monday) or calendar month, in the network's zone, before the one being
// lived. Its Key names it in summaries' cache and dedupe keys.
type digestPeriod struct {
	Key      string
	From, To time.Time
	Monthly  bool
}

// weekBefore returns the week before the one holding now.
func weekBefore(now time.Time, zone *time.Location) digestPeriod {
	local := now.In(zone)
	daysSinceMonday := (int(local.Weekday()) + 6) % 7
	monday := time.Date(local.Year(), local.Month(), local.Day()-daysSinceMonday, 0, 0, 0, 0, zone)
	from := monday.AddDate(0, 0, -7)
	year, week := from.ISOWeek()
	return digestPeriod{Key: fmt.Sprintf("%d-W%02d", year, week), From: from, To: monday}
}

// monthBefore returns the month before the one holding now.
func monthBefore(now time.Time, zone *time.Location) digestPeriod {
	local := now.In(zone)
	first := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, zone)
	from := first.AddDate(0, -1, 0)
	return digestPeriod{Key: from.Format("2006-01"), From: from, To: first, Monthly: true}
}

// periodFor returns the period of a member's digest, or false if they
// want none.
func periodFor(m *Member, now time.Time, zone *time.Location) (digestPeriod, bool) {
	switch m.Digest {
	case DigestOff:
		return digestPeriod{}, false
	case DigestMonthly:
		return monthBefore(now, zone), true
	}
	return weekBefore(now, zone), true
}

// SendDigests queues the digests that are due and not queued yet: last
// week's from Monday at the digest time, last month's from the first of
// the month. Run every hour, it sends on Monday morning; after a missed
// Monday, its first run that week sends what was missed, never twice; a
// member who joins during the week gets that week's digest as a welcome.
func (s *Service) SendDigests(ctx context.Context) error {
	members, err := s.store.ListMembers(ctx)
	if err != nil {
		return err
	}
	now := s.now()
	due := map[string][]*Member{}
	periods := map[string]digestPeriod{}
	for _, m := range members {
		period, ok := periodFor(m, now, s.zone)
		if !ok || now.Before(period.To.Add(s.digestTime)) {
			continue
		}
		due[period.Key] = append(due[period.Key], m)
		periods[period.Key] = period
	}
	for key, list := range due {
		missing, err := s.notQueued(ctx, key, list)
		if err != nil {
			return err
		}
		if len(missing) == 0 {
			delete(due, key)
		} else {
			due[key] = missing
		}
	}
	if len(due) == 0 {
		return nil
	}
	b, err := s.newDigestBuilder(ctx, members)
	if err != nil {
		return err
	}
	for key, list := range due {
		b.prepareSummaries(ctx, periods[key])
		if err := s.queueDigests(ctx, b, periods[key], list); err != nil {
			return err
		}
	}
	return nil
}

// notQueued returns the members of list whose digest of period is not
// queued yet. A period whose digests are all queued costs one read of its
// keys. Those keys are matched member by member, never counted: a count
// would take a member gone since the last run (or who reads monthly now)
// for a newcomer still waiting for theirs.
func (s *Service) notQueued(ctx context.Context, period string, list []*Member) ([]*Member, error) {
	keys, err := s.store.FindMessageKeys(ctx, digestPrefix(period))
	if err != nil {
		return nil, err
	}
	queued := make(map[string]bool, len(keys))
	for _, k := range keys {
		queued[k] = true
	}
	var missing []*Member
	for _, m := range list {
		if !queued[digestPrefix(period)+string(m.UserID)] {
			missing = append(missing, m)
		}
	}
	return missing, nil
}

// summaryCalls is how many summaries are made at once before a run: a
// model answers in seconds, and 40 groups one after the other would take
// minutes.
const summaryCalls = 4

// prepareSummaries makes the period's summary of every group with
// members, a few at once, so that building the digests finds them made.
// A failure is left for the digest that needs the summary to meet again.
func (b *digestBuilder) prepareSummaries(ctx context.Context, period digestPeriod) {
	turns := make(chan struct{}, summaryCalls)
	var wg sync.WaitGroup
	for _, g := range b.groups {
		turns <- struct{}{}
		wg.Go(func() {
			defer func() { <-turns }()
			if _, _, err := b.s.summaries.summary(ctx, g, period); err != nil {
				b.s.logger.WarnContext(ctx, "digest: summary not prepared", "group", g.Slug, "err", err)
			}
		})
	}
	wg.Wait()
}

// digestPrefix starts the dedupe key of each member's first digest
// message of a period; further parts have keys of their own, so counting
// this prefix counts members.
func digestPrefix(period string) string { return "digest:" + period + ":" }

// queueDigests builds and queues a period's digests, in batches, logging
// progress.
func (s *Service) queueDigests(ctx context.Context, b *digestBuilder, period digestPeriod, members []*Member) error {
	var batch []*OutboxMessage
	queued := 0
	flush := func() error {
		n, err := s.store.EnqueueMessages(ctx, batch)
		queued += n
		batch = batch[:0]
		return err
	}
	for i, m := range members {
		parts, err := b.digest(ctx, m, period)
		if err != nil {
			return err
		}
		for j, part := range parts {
			key := digestPrefix(period.Key) + string(m.UserID)
			if j > 0 {
				key = fmt.Sprintf("digest-part:%s:%s:%d", period.Key, m.UserID, j+1)
			}
			batch = append(batch, &OutboxMessage{DedupeKey: key, To: Recipient{User: m.UserID}, Message: *part})
		}
		if len(batch) >= digestBatch {
			if err := flush(); err != nil {
				return err
			}
		}
		if (i+1)%1000 == 0 {
			s.logger.InfoContext(ctx, "digest: progress", "period", period.Key, "built", i+1, "of", len(members))
		}
	}
	if err := flush(); err != nil {
		return err
	}
	s.logger.InfoContext(ctx, "digest: queued", "period", period.Key, "members", len(members), "new_messages", queued)
	if queued > 0 {
		s.wake()
	}
	return nil
}

// digestPreview is /cercle digest apercu: the member's digest as it would
// be sent now (last week's, or last month's for a monthly reader).
func (s *Service) digestPreview(ctx context.Context, c *Call) (*Response, error) {
	b, err := s.newDigestBuilder(ctx, []*Member{c.Member})
	if err != nil {
		return nil, err
	}
	period, ok := periodFor(c.Member, b.now, s.zone)
	if !ok {
		period = weekBefore(b.now, s.zone)
	}
	parts, err := b.digest(ctx, c.Member, period)
	if err != nil {
		return nil, err
	}
	r := &Response{Title: parts[0].Title}
	for _, part := range parts {
		r.Sections = append(r.Sections, part.Sections...)
	}
	return r, nil
}

// splitDigest cuts a digest's sections into messages of at most
// maxDigestSections, each after the first titled as a continuation.
func splitDigest(title string, sections []Section, p *i18n.Printer) []*Response {
	var out []*Response
	for len(sections) > 0 {
		n := min(len(sections), maxDigestSections)
		r := &Response{Title: title, Sections: sections[:n]}
		if len(out) > 0 {
			r.Title = p.T("digest.title.more", len(out)+1)
		}
		out = append(out, r)
		sections = sections[n:]
	}
	return out
}
