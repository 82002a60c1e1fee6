package commands

import (
	"context"
	"fmt"
	"strconv"

	"cercle/i18n"
)

// groupParts is « Vos groupes »: for each of the member's groups, what its
// channel said over the period, its next meeting and its channel. A
// group's part is made once per language and zone, whoever reads it.
func (b *digestBuilder) groupParts(ctx context.Context, m *Member, period digestPeriod, p *i18n.Printer) ([]Section, error) {
	var out []Section
	for _, id := range b.memberOf[m.UserID] {
		g := b.groups[id]
		if g == nil {
			continue
		}
		key := fmt.Sprintf("%d|%s|%s|%s", id, period.Key, p.Lang(), p.Location())
		secs, ok := b.groupSections[key]
		if !ok {
			var err error
			if secs, err = b.groupPart(ctx, g, period, p); err != nil {
				return nil, err
			}
			b.groupSections[key] = secs
		}
		out = append(out, secs...)
	}
	if len(out) > 0 {
		out[0].Heading = p.T("digest.groups") + " — " + out[0].Heading
	}
	return out, nil
}

func (b *digestBuilder) groupPart(ctx context.Context, g *Group, period digestPeriod, p *i18n.Printer) ([]Section, error) {
	sum, byTS, err := b.s.summaries.summary(ctx, g, period)
	if err != nil {
		return nil, err
	}
	sec := Section{Heading: g.Name}
	if sum == nil {
		sec.Body = []Span{Text(p.T("digest.group.quiet"))}
	} else {
		sec.Body = summarySpans(sum, byTS, p)
	}
	var facts []Span
	if ev := b.nextMeeting[g.ID]; ev != nil {
		facts = append(facts, Text(p.T("digest.group.next", p.DateTime(ev.Start))+" · "))
	}
	if g.Channel != "" {
		facts = append(facts, ChannelLink(g.Channel, g.Slug))
	}
	out := []Section{sec}
	if sum != nil {
		label := p.T("summary.label.generated")
		if !sum.Generated {
			label = p.T("summary.label.extractive")
		}
		facts = append([]Span{Text(label + " · ")}, facts...)
	}
	if len(facts) > 0 {
		out = append(out, Section{Note: true, Body: facts})
	}
	return out, nil
}

// summarySpans shows a summary's points, each followed by links to the
// messages it cites: permalinks the core stored, never an address the
// model wrote.
func summarySpans(sum *GroupSummary, byTS map[string]*GroupMessage, p *i18n.Printer) []Span {
	var out []Span
	for _, bullet := range sum.Bullets {
		switch bullet.Kind {
		case BulletQuote:
			author := bullet.Author
			if author == "" {
				author = p.T("summary.someone")
			}
			out = append(out, Text("• "+p.T("summary.quote", author, bullet.Text)))
		default:
			out = append(out, Text("• "), Bold(p.T("summary.kind."+string(bullet.Kind))), Text(" "+bullet.Text))
		}
		for i, ts := range bullet.Cites {
			if msg := byTS[ts]; msg != nil && msg.Permalink != "" {
				out = append(out, Text(" "), Link(msg.Permalink, "["+strconv.Itoa(i+1)+"]"))
			}
		}
		out = append(out, Text("\n"))
	}
	if len(out) > 0 {
		out = out[:len(out)-1] // no blank line before the note
	}
	return out
}
