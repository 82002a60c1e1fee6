package commands

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"cercle/i18n"
)

// This file is /cercle experts stats, the facilitators' view of the
// expert requests: what members ask about, how fast and how well experts
// answer, and how loaded each expert is.

// Bounds of the statistics: the requests they read (every request of a
// network's first years), the domains they list, and the span of an
// expert's recent load.
const (
	statsRequestLimit = 10_000
	maxStatsDomains   = 25
	expertLoadSpan    = 30 * 24 * time.Hour
)

// requestStats are the figures of a set of requests.
type requestStats struct {
	total    int
	byDomain []domainCount // most asked first
	// waits are the times from a request to its expert's first answer.
	waits            []time.Duration
	routed, accepted int
	ratings, stars   int // how many ratings, and their sum
}

type domainCount struct {
	name  string // as first written; empty: the member did not know
	count int
}

// countRequests computes the statistics of reqs.
func countRequests(reqs []*ExpertRequest) requestStats {
	st := requestStats{total: len(reqs)}
	byKey := map[string]*domainCount{}
	for _, r := range reqs {
		key := Fold(r.Domain)
		if byKey[key] == nil {
			byKey[key] = &domainCount{name: r.Domain}
		}
		byKey[key].count++
		if !r.FirstAnswerAt.IsZero() && r.FirstAnswerAt.After(r.CreatedAt) {
			st.waits = append(st.waits, r.FirstAnswerAt.Sub(r.CreatedAt))
		}
		if wasRouted(r) {
			st.routed++
			if wasAccepted(r) {
				st.accepted++
			}
		}
		if r.Rating >= 1 && r.Rating <= 5 {
			st.ratings++
			st.stars += r.Rating
		}
	}
	for _, d := range byKey {
		st.byDomain = append(st.byDomain, *d)
	}
	slices.SortFunc(st.byDomain, func(a, b domainCount) int {
		switch {
		case a.count != b.count:
			return b.count - a.count
		case a.name == "" || b.name == "": // « non précisé » after the named
			return len(b.name) - len(a.name)
		}
		return strings.Compare(Fold(a.name), Fold(b.name))
	})
	return st
}

// wasRouted reports whether r ever reached an expert.
func wasRouted(r *ExpertRequest) bool {
	switch r.Status {
	case RequestProposed, RequestAccepted, RequestScheduled, RequestDone:
		return true
	}
	return !r.RoutedAt.IsZero() || len(r.Tried) > 0
}

// wasAccepted reports whether an expert accepted r: it is accepted or
// further on, or was called off after the expert proposed slots.
func wasAccepted(r *ExpertRequest) bool {
	switch r.Status {
	case RequestAccepted, RequestScheduled, RequestDone:
		return true
	case RequestCancelled:
		return len(r.Slots) > 0
	}
	return false
}

// medianWait returns the middle of ds, sorting them.
func medianWait(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	n := len(ds)
	if n%2 == 1 {
		return ds[n/2]
	}
	return (ds[n/2-1] + ds[n/2]) / 2
}

// expertStats is the facilitators' statistics.
func (s *Service) expertStats(ctx context.Context, p *i18n.Printer) (*Response, error) {
	reqs, err := s.store.FindRequests(ctx, RequestFilter{Limit: statsRequestLimit})
	if err != nil {
		return nil, err
	}
	experts, err := s.store.ListExperts(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	load, err := s.store.ExpertLoad(ctx, now.Add(-expertLoadSpan))
	if err != nil {
		return nil, err
	}
	st := countRequests(reqs)
	r := &Response{Title: p.T("expert.stats.title")}
	if st.total == 0 {
		r.Sections = append(r.Sections, Paragraph(Text(p.T("expert.stats.none"))))
	} else {
		r.Sections = append(r.Sections,
			Paragraph(Text(p.Plural("expert.stats.total", st.total, p.Number(st.total)))),
			statsDomainSection(st, p), statsAnswerSection(st, p))
	}
	r.Sections = append(r.Sections, statsLoadSection(experts, load, now, p))
	if len(reqs) >= statsRequestLimit {
		r.Sections = append(r.Sections, Section{Note: true, Body: []Span{Text(p.T("expert.stats.capped", p.Number(statsRequestLimit)))}})
	}
	return r, nil
}

// statsDomainSection counts the requests by domain, most asked first.
func statsDomainSection(st requestStats, p *i18n.Printer) Section {
	var lines []string
	for _, d := range st.byDomain[:min(len(st.byDomain), maxStatsDomains)] {
		name := upperFirst(d.name)
		if name == "" {
			name = p.T("expert.stats.no_domain")
		}
		lines = append(lines, p.T("expert.stats.line", name, p.Plural("expert.stats.requests", d.count, p.Number(d.count))))
	}
	if n := len(st.byDomain) - maxStatsDomains; n > 0 {
		lines = append(lines, p.Plural("expert.stats.more_domains", n))
	}
	return Section{Heading: p.T("expert.stats.by_domain"), Body: []Span{Text(strings.Join(lines, "\n"))}}
}

// statsAnswerSection is how experts answer: how soon, how often yes, and how
// members rate the meetings.
func statsAnswerSection(st requestStats, p *i18n.Printer) Section {
	wait := p.T("expert.stats.median.none")
	if len(st.waits) > 0 {
		wait = p.Plural("expert.stats.median", len(st.waits), statsDuration(medianWait(st.waits), p))
	}
	acceptance := p.T("expert.stats.acceptance.none")
	if st.routed > 0 {
		acceptance = p.Plural("expert.stats.acceptance", st.routed, (st.accepted*100+st.routed/2)/st.routed, st.accepted)
	}
	rating := p.T("expert.stats.rating.none")
	if st.ratings > 0 {
		rating = p.Plural("expert.stats.rating", st.ratings, decimalText(float64(st.stars)/float64(st.ratings), p))
	}
	return Section{Heading: p.T("expert.stats.answers"), Pairs: []Pair{
		{Label: p.T("expert.stats.median.label"), Value: wait},
		{Label: p.T("expert.stats.acceptance.label"), Value: acceptance},
		{Label: p.T("expert.stats.rating.label"), Value: rating},
	}}
}

// statsLoadSection lists each active expert's requests of the last 30 days
// against what they take a month, the most loaded first.
func statsLoadSection(experts []*Expert, load map[UserID]int, now time.Time, p *i18n.Printer) Section {
	var active []*Expert
	for _, e := range experts {
		if e.Active {
			active = append(active, e)
		}
	}
	sec := Section{Heading: p.T("expert.stats.load.title")}
	if len(active) == 0 {
		sec.Body = []Span{Text(p.T("expert.stats.load.none"))}
		return sec
	}
	ratio := func(e *Expert) float64 { return float64(load[e.User]) / float64(max(1, e.MonthlyCapacity)) }
	slices.SortStableFunc(active, func(a, b *Expert) int {
		switch ra, rb := ratio(a), ratio(b); {
		case ra > rb:
			return -1
		case ra < rb:
			return 1
		}
		return 0
	})
	lines := make([]string, len(active))
	for i, e := range active {
		n := load[e.User]
		line := p.T("expert.stats.line", e.Name, p.Plural("expert.stats.load", n, e.MonthlyCapacity))
		switch {
		case e.Paused(now):
			line += " · " + p.T("expert.stats.load.paused", p.Date(e.PausedUntil.Add(-time.Minute)))
		case n >= e.MonthlyCapacity:
			line += " · " + p.T("expert.stats.load.full")
		}
		lines[i] = line
	}
	sec.Body = []Span{Text(strings.Join(lines, "\n"))}
	return sec
}

// statsDuration words a wait as a facilitator reads it: minutes under an
// hour, hours under two days, then days.
func statsDuration(d time.Duration, p *i18n.Printer) string {
	switch {
	case d < time.Hour:
		return p.Plural("expert.stats.minutes", max(1, int(d.Round(time.Minute)/time.Minute)))
	case d < 48*time.Hour:
		return p.Plural("expert.stats.hours", int(d.Round(time.Hour)/time.Hour))
	}
	return p.Plural("expert.stats.days", int(d.Round(24*time.Hour)/(24*time.Hour)))
}

// decimalText writes x with one decimal, with the decimal comma in French:
// « 4,3 ».
func decimalText(x float64, p *i18n.Printer) string {
	s := strconv.FormatFloat(x, 'f', 1, 64)
	if p.Lang() != i18n.English {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
