package assistant

import (
	"context"
	"errors"
	"fmt"

	"cercle/commands"
)

var _ commands.Summarizer = (*Summarizer)(nil)

// Summarize writes up to five bullets (decisions, open questions, next
// steps) on a group's messages, each citing the Refs it comes from. A week
// over the token budget is summarised in parts, then the parts' bullets
// are merged. Any failure is an error, never a made-up summary: the model
// down or refusing, or an answer with no usable bullet (ErrBadAnswer).
// The bullets are the model's words: their cites are unchecked and their
// text unescaped, only stripped of control characters and cut.
func (s *Summarizer) Summarize(ctx context.Context, req *commands.SummaryRequest) (*commands.SummaryResult, error) {
	if req == nil || len(req.Messages) == 0 {
		return nil, errors.New("summarize: no messages")
	}
	p := promptsFor(req.Lang)
	group := jsonString(req.GroupName)
	budget := s.dataBudget(p.summary, p.summaryData, group)
	items := encodeMessages(req.Messages, p.printer, budget)
	parts := pack(threads(req.Messages), items, budget)

	if len(parts) == 1 {
		user := render(p.summaryData, frame{Group: group, Data: jsonArray(items, parts[0])})
		bullets, model, err := s.call(ctx, s.request(p.summary, user))
		if err != nil {
			return nil, fmt.Errorf("summarize: %w", err)
		}
		return &commands.SummaryResult{Bullets: bullets, Model: model}, nil
	}

	s.logger.Debug("summary in parts", "messages", len(req.Messages), "parts", len(parts))
	summaries := make([][]commands.SummaryBullet, len(parts))
	for i, part := range parts {
		f := frame{Group: group, Part: i + 1, Parts: len(parts), Data: jsonArray(items, part)}
		bullets, _, err := s.call(ctx, s.request(p.summary, render(p.summaryData, f)))
		if err != nil {
			return nil, fmt.Errorf("summarize part %d of %d: %w", i+1, len(parts), err)
		}
		summaries[i] = bullets
	}
	bullets, model, err := s.merge(ctx, p, group, summaries)
	if err != nil {
		return nil, fmt.Errorf("summarize: merge %d parts: %w", len(parts), err)
	}
	return &commands.SummaryResult{Bullets: bullets, Model: model}, nil
}

// dataPart is a part's bullets as the model reads them when merging.
type dataPart struct {
	Part    int                      `json:"part"`
	Bullets []commands.SummaryBullet `json:"bullets"`
}

// merge asks the model to merge the parts' bullets into the week's, in one
// call when they fit the budget. When they do not, it merges neighbours
// first, round after round, each merge taking two parts or more so that
// every round leaves fewer.
func (s *Summarizer) merge(ctx context.Context, p *prompts, group string, parts [][]commands.SummaryBullet) ([]commands.SummaryBullet, string, error) {
	budget := s.dataBudget(p.merge, p.mergeData, group)
	for len(parts) > 1 { // every round of two groups or more leaves two parts or more
		groups := groupParts(parts, budget)
		next := make([][]commands.SummaryBullet, 0, len(groups))
		for _, g := range groups {
			if len(g) == 1 {
				next = append(next, parts[g[0]])
				continue
			}
			items := make([]item, len(g))
			for i, j := range g {
				items[i] = encode(dataPart{Part: i + 1, Bullets: parts[j]})
			}
			all := make([]int, len(g))
			for i := range all {
				all[i] = i
			}
			user := render(p.mergeData, frame{Group: group, Parts: len(g), Data: jsonArray(items, all)})
			bullets, model, err := s.call(ctx, s.request(p.merge, user))
			if err != nil {
				return nil, "", err
			}
			if len(groups) == 1 {
				return bullets, model, nil
			}
			next = append(next, bullets)
		}
		parts = next
	}
	return parts[0], s.model, nil
}

// groupParts cuts the parts into runs of consecutive parts within budget,
// each run at least two long (only the last may hold one part).
func groupParts(parts [][]commands.SummaryBullet, budget int) [][]int {
	var groups [][]int
	var cur []int
	used := 0
	for i, bullets := range parts {
		cost := encode(dataPart{Part: i + 1, Bullets: bullets}).tokens
		if len(cur) >= 2 && used+cost > budget {
			groups, cur, used = append(groups, cur), nil, 0
		}
		cur, used = append(cur, i), used+cost
	}
	return append(groups, cur)
}
