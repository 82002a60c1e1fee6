package commands

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"cercle/i18n"
)

// Limits on what a summary shows.
const (
	maxBullets        = 5
	maxBulletText     = 300 // runes
	maxQuoteText      = 160 // runes of a message quoted by the extractive summary
	extractiveBullets = 3
	// modelRetryAfter is how long a summary made without the model (it
	// failed) is served before the model is asked again: a model that is
	// down is not called once per reader.
	modelRetryAfter = time.Hour
	// summaryTimeout bounds the model's work on one summary, retries
	// included.
	summaryTimeout = 3 * time.Minute
	// modelRestAfterFailure is how long the model is left alone after it
	// failed: a stalled model must not hold each of 40 groups for
	// summaryTimeout in turn.
	modelRestAfterFailure = 10 * time.Minute
)

// summaryCache makes and keeps one summary per group and period. Readers
// of the same summary (a thousand digests, a preview) wait for one
// making rather than each calling the model.
type summaryCache struct {
	store      GroupStore
	summarizer Summarizer
	logger     *slog.Logger
	now        func() time.Time

	mu      sync.Mutex
	pending map[string]*sync.Mutex // group and period → the making in progress
	// modelRestsUntil is when the model may be asked again after a
	// failure; zero when it did not fail.
	modelRestsUntil time.Time
}

func newSummaryCache(store GroupStore, sum Summarizer, logger *slog.Logger, now func() time.Time) *summaryCache {
	return &summaryCache{store: store, summarizer: sum, logger: logger, now: now, pending: map[string]*sync.Mutex{}}
}

// summary returns the summary of what g's channel said over period, with
// the messages it cites by TS; nil when nothing was said. A cached summary
// is served while its messages are unchanged; an edit, a deletion or a
// late message makes it outdated, and the next reader remakes it, once.
func (c *summaryCache) summary(ctx context.Context, g *Group, period digestPeriod) (*GroupSummary, map[string]*GroupMessage, error) {
	lock := c.lock(fmt.Sprintf("%d:%s", g.ID, period.Key))
	lock.Lock()
	defer lock.Unlock()
	msgs, err := c.store.GroupMessages(ctx, g.ID, period.From, period.To)
	if err != nil || len(msgs) == 0 {
		return nil, nil, err
	}
	byTS := make(map[string]*GroupMessage, len(msgs))
	for _, m := range msgs {
		byTS[m.TS] = m
	}
	fp := fingerprint(msgs)
	cached, err := c.store.FindSummary(ctx, g.ID, period.Key)
	switch {
	case err == nil && cached.Fingerprint == fp && c.fresh(cached):
		return cached, byTS, nil
	case err != nil && ErrorCode(err) != ENOTFOUND:
		return nil, nil, err
	}
	sum := c.make(ctx, g, period, msgs, byTS)
	sum.Fingerprint = fp
	if err := c.store.SaveSummary(ctx, sum); err != nil {
		return nil, nil, err
	}
	return sum, byTS, nil
}

// fresh reports whether a cached summary of unchanged messages is still
// to be served: a model's always; an extractive one unless a model is
// configured and an hour has passed since it last failed.
func (c *summaryCache) fresh(s *GroupSummary) bool {
	return s.Generated || c.summarizer == nil || c.now().Sub(s.CreatedAt) < modelRetryAfter
}

func (c *summaryCache) lock(key string) *sync.Mutex {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.pending[key]
	if l == nil {
		l = &sync.Mutex{}
		c.pending[key] = l
	}
	return l
}

// make asks the model for a summary, and falls back to the extractive one
// when there is no model, it fails, or none of its points survives the
// checks.
func (c *summaryCache) make(ctx context.Context, g *Group, period digestPeriod, msgs []*GroupMessage, byTS map[string]*GroupMessage) *GroupSummary {
	sum := &GroupSummary{Group: g.ID, Period: period.Key, Messages: len(msgs), CreatedAt: c.now()}
	if c.summarizer != nil && c.modelAwake() {
		ctx, cancel := context.WithTimeout(ctx, summaryTimeout)
		res, err := c.summarizer.Summarize(ctx, summaryRequest(g, msgs))
		cancel()
		switch {
		case err != nil:
			c.rest()
			c.logger.Warn("summary: model failed, extractive summary instead", "group", g.Slug, "period", period.Key, "err", err)
		default:
			if bullets := checkBullets(res.Bullets, byTS); len(bullets) > 0 {
				sum.Generated, sum.Model, sum.Bullets = true, res.Model, bullets
				return sum
			}
			c.logger.Warn("summary: no usable point in the model's answer", "group", g.Slug, "period", period.Key)
		}
	}
	sum.Bullets = extractive(msgs)
	return sum
}

func (c *summaryCache) modelAwake() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.now().Before(c.modelRestsUntil)
}

func (c *summaryCache) rest() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.modelRestsUntil = c.now().Add(modelRestAfterFailure)
}

// summaryRequest hands the model a group's messages as data, by author
// name and never by user id.
func summaryRequest(g *Group, msgs []*GroupMessage) *SummaryRequest {
	req := &SummaryRequest{GroupName: g.Name, Lang: i18n.French, Messages: make([]SummaryInput, 0, len(msgs))}
	for _, m := range msgs {
		author := m.AuthorName
		if author == "" {
			author = "?"
		}
		req.Messages = append(req.Messages, SummaryInput{Ref: m.TS, Thread: m.ThreadTS, Author: author, At: m.PostedAt, Text: m.Text})
	}
	return req
}

// checkBullets keeps the model's points that cite messages it was given,
// with their citations cut to those, their text made one short line
// without links, and no more than maxBullets.
func checkBullets(in []SummaryBullet, byTS map[string]*GroupMessage) []SummaryBullet {
	var out []SummaryBullet
	for _, b := range in {
		switch b.Kind {
		case BulletDecision, BulletQuestion, BulletNextStep:
		default:
			continue
		}
		var cites []string
		for _, ts := range b.Cites {
			if byTS[ts] != nil && !slices.Contains(cites, ts) {
				cites = append(cites, ts)
			}
		}
		text := untrustedLine(b.Text, maxBulletText)
		if len(cites) == 0 || text == "" {
			continue
		}
		out = append(out, SummaryBullet{Kind: b.Kind, Text: text, Cites: cites[:min(len(cites), 3)]})
		if len(out) == maxBullets {
			break
		}
	}
	return out
}

// untrustedLine makes text a model (or a member) wrote safe to show as one
// line: no links of any kind (the only links a summary carries are the
// permalinks the core adds), no control characters, at most n runes. The
// transport escapes what remains, so no mention can come alive.
func untrustedLine(text string, n int) string {
	text = replaceLinks(cleanLine(text), nil)
	return truncate(strings.TrimSpace(text), n)
}

// extractive is the summary made without a model: the top-level messages
// people replied and reacted to most, quoted briefly, in time order.
func extractive(msgs []*GroupMessage) []SummaryBullet {
	var top []*GroupMessage
	for _, m := range msgs {
		if m.ThreadTS == "" && strings.TrimSpace(m.Text) != "" {
			top = append(top, m)
		}
	}
	score := func(m *GroupMessage) int { return 2*m.Replies + m.Reactions }
	slices.SortStableFunc(top, func(a, b *GroupMessage) int { return score(b) - score(a) })
	top = top[:min(len(top), extractiveBullets)]
	slices.SortFunc(top, func(a, b *GroupMessage) int { return a.PostedAt.Compare(b.PostedAt) })
	out := make([]SummaryBullet, 0, len(top))
	for _, m := range top {
		out = append(out, SummaryBullet{Kind: BulletQuote, Author: m.AuthorName, Text: untrustedLine(m.Text, maxQuoteText), Cites: []string{m.TS}})
	}
	return out
}

// fingerprint identifies a set of messages and their edits: it changes
// when one is added, edited or deleted.
func fingerprint(msgs []*GroupMessage) string {
	h := sha256.New()
	for _, m := range msgs {
		fmt.Fprintf(h, "%s|%d|%d\n", m.TS, m.EditedAt.UnixMilli(), len(m.Text))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
