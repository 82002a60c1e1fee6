package commands

import (
	"context"
	"strings"
	"time"

	"cercle/i18n"
)

// digestBuilder holds what every digest of a run shares, read once: the
// events to come and their registrations, the groups and who is in them,
// and each group's summary rendered once per language.
type digestBuilder struct {
	s   *Service
	now time.Time

	events      []*Event // published, to come, soonest first
	regs        map[int64]map[UserID]*Registration
	groups      map[int64]*Group
	memberOf    map[UserID][]int64 // user → their active groups, by name
	nextMeeting map[int64]*Event   // group → its next meeting
	members     []*Member

	groupSections map[string][]Section // group, period and printer → its part of the digest
	newcomers     map[string][]*Member // period → members who joined in it
	printers      map[string]*i18n.Printer
}

func (s *Service) newDigestBuilder(ctx context.Context, members []*Member) (*digestBuilder, error) {
	b := &digestBuilder{s: s, now: s.now(), regs: map[int64]map[UserID]*Registration{}, groups: map[int64]*Group{},
		memberOf: map[UserID][]int64{}, nextMeeting: map[int64]*Event{}, groupSections: map[string][]Section{},
		newcomers: map[string][]*Member{}, printers: map[string]*i18n.Printer{}}
	if len(members) <= 1 {
		// A preview: the newcomers are counted among everyone.
		all, err := s.store.ListMembers(ctx)
		if err != nil {
			return nil, err
		}
		members = all
	}
	b.members = members
	evs, err := s.store.FindEvents(ctx, EventFilter{Statuses: []EventStatus{EventPublished}, EndsAfter: b.now})
	if err != nil {
		return nil, err
	}
	for _, ev := range evs {
		if !ev.Start.After(b.now) {
			continue
		}
		b.events = append(b.events, ev)
		if ev.Group != 0 && b.nextMeeting[ev.Group] == nil {
			b.nextMeeting[ev.Group] = ev
		}
	}
	if err := b.readRegistrations(ctx); err != nil {
		return nil, err
	}
	return b, b.readGroups(ctx)
}

// readRegistrations reads the registrations of the events a digest may
// show: one read per event rather than one per member.
func (b *digestBuilder) readRegistrations(ctx context.Context) error {
	for _, ev := range b.events[:min(len(b.events), 4*digestEvents)] {
		regs, err := b.s.store.FindRegistrations(ctx, RegistrationFilter{EventID: ev.ID})
		if err != nil {
			return err
		}
		byUser := make(map[UserID]*Registration, len(regs))
		for _, r := range regs {
			byUser[r.UserID] = r
		}
		b.regs[ev.ID] = byUser
	}
	return nil
}

func (b *digestBuilder) readGroups(ctx context.Context) error {
	groups, err := b.s.store.FindGroups(ctx, GroupFilter{})
	if err != nil {
		return err
	}
	memberships, err := b.s.store.GroupMemberships(ctx)
	if err != nil {
		return err
	}
	for _, g := range groups { // by name, so each member's groups are too
		b.groups[g.ID] = g
		for _, u := range memberships[g.ID] {
			b.memberOf[u] = append(b.memberOf[u], g.ID)
		}
	}
	return nil
}

func (b *digestBuilder) printer(m *Member) *i18n.Printer {
	key := string(m.Lang) + "|" + m.TimeZone
	p := b.printers[key]
	if p == nil {
		p = b.s.printer(m)
		b.printers[key] = p
	}
	return p
}

// digest is one member's digest, as one or more messages.
func (b *digestBuilder) digest(ctx context.Context, m *Member, period digestPeriod) ([]*Response, error) {
	p := b.printer(m)
	last := period.To.Add(-time.Hour)
	title := p.T("digest.title.week", p.ShortDate(period.From), p.ShortDate(last))
	if period.Monthly {
		title = p.T("digest.title.month", p.ShortDate(period.From), p.ShortDate(last))
	}
	secs := []Section{Paragraph(Text(p.T("digest.intro", firstName(m.Name))))}
	shown := map[int64]bool{}
	secs = append(secs, b.upcoming(m, p, shown)...)
	groups, err := b.groupParts(ctx, m, period, p)
	if err != nil {
		return nil, err
	}
	secs = append(secs, groups...)
	secs = append(secs, b.newMembers(period, p)...)
	secs = append(secs, b.seatsLeft(m, p, shown)...)
	secs = append(secs, digestSettings(m, p))
	return splitDigest(title, secs, p), nil
}

// upcoming is « À venir »: the events of the next weeks the member may
// see, with where they stand and the buttons that fit.
func (b *digestBuilder) upcoming(m *Member, p *i18n.Printer, shown map[int64]bool) []Section {
	var out []Section
	horizon := b.now.Add(b.s.digestAhead)
	for _, ev := range b.events {
		if len(out) == digestEvents || ev.Start.After(horizon) {
			break
		}
		if !CanSeeEvent(m, ev) {
			continue
		}
		shown[ev.ID] = true
		out = append(out, eventCard(ev, b.regs[ev.ID][m.UserID], p, b.now, false))
	}
	if len(out) == 0 {
		return []Section{{Heading: p.T("digest.upcoming"), Body: []Span{Text(p.T("digest.upcoming.none"))}}}
	}
	out[0].Heading = p.T("digest.upcoming") + " — " + out[0].Heading
	return out
}

// seatsLeft is « Il reste des places »: events further ahead, not shown
// above, that still have seats and that the member has not taken.
func (b *digestBuilder) seatsLeft(m *Member, p *i18n.Printer, shown map[int64]bool) []Section {
	var lines []Span
	n := 0
	for _, ev := range b.events {
		if n == digestSeats {
			break
		}
		if shown[ev.ID] || !CanSeeEvent(m, ev) || ev.SeatsLeft() == 0 || !canRegister(b.now, ev) {
			continue
		}
		if r := b.regs[ev.ID][m.UserID]; r != nil && r.Status.active() {
			continue
		}
		n++
		lines = append(lines, Text("• "), Bold(ev.Title), Text(" — "+p.DateTime(ev.Start)+" · "+seatsText(ev, p)+"\n"))
	}
	if n == 0 {
		return nil
	}
	lines = append(lines, Code(p.T("events.command")))
	return []Section{{Heading: p.T("digest.seats"), Body: lines}}
}

// newMembers is « Nouveaux membres »: who joined the network over the
// period, with their company.
func (b *digestBuilder) newMembers(period digestPeriod, p *i18n.Printer) []Section {
	list, ok := b.newcomers[period.Key]
	if !ok {
		for _, m := range b.members {
			if !m.CreatedAt.Before(period.From) && m.CreatedAt.Before(period.To) {
				list = append(list, m)
			}
		}
		b.newcomers[period.Key] = list
	}
	if len(list) == 0 {
		return nil
	}
	var body []Span
	for _, m := range list[:min(len(list), digestNewMembers)] {
		body = append(body, Text("• "), Bold(m.Name))
		if m.Company != nil {
			body = append(body, Text(" ("+m.Company.Name+")"))
		}
		body = append(body, Text("\n"))
	}
	if more := len(list) - digestNewMembers; more > 0 {
		body = append(body, Text(p.Plural("digest.newcomers.more", more)))
	}
	return []Section{{Heading: p.Plural("digest.newcomers", len(list)), Body: body}}
}

// firstName is the first word of a name, for a greeting.
func firstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return name
}

// digestSettings closes every digest: how often it comes, and the buttons
// to change that in one tap, with no confirmation and no page to log in.
func digestSettings(m *Member, p *i18n.Printer) Section {
	freq := m.Digest
	if freq == "" {
		freq = DigestWeekly
	}
	sec := Section{Note: true, Body: []Span{Text(p.T("digest.settings." + string(freq)))}}
	for _, f := range []DigestFrequency{DigestWeekly, DigestMonthly, DigestOff} {
		if f != freq {
			sec.Buttons = append(sec.Buttons, Button{ActionID: ActionDigestFrequency, Value: string(f), Label: p.T("digest.button." + string(f))})
		}
	}
	return sec
}
