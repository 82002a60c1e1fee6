package commands

import (
	"context"
	"math"
	"slices"
	"strings"
	"time"
)

// candidatesShown is how many experts facilitators see for a request.
const candidatesShown = 3

// searchDepth is how many experts the full-text search returns before the
// filters: enough that capacity, pauses and formats leave three (when they
// do not, the chosen domain's experts are read whole); each costs the
// store an explanation of why it matched, so no more.
const searchDepth = 30

// nearEqual is how close two relevance scores are for their experts to
// count as equally suited: among those, the less loaded comes first.
const nearEqual = 0.15

// RankExperts returns the best candidates for a request as the queue
// shows them: for facilitators' tools and benchmarks.
func (s *Service) RankExperts(ctx context.Context, r *ExpertRequest) ([]*ExpertMatch, error) {
	return s.candidates(ctx, r, candidatesShown)
}

// candidates ranks the experts who could take r: the store's full-text
// relevance of their domains and bio to the problem (a domain the member
// chose counts too), then only those who can take it (active, not
// paused, with capacity left this month, in the format asked, not tried,
// never of the requester's company), the load spread among near-equals.
func (s *Service) candidates(ctx context.Context, r *ExpertRequest, n int) ([]*ExpertMatch, error) {
	matches, err := s.store.SearchExperts(ctx, r.Problem+" "+r.Domain, searchDepth)
	if err != nil {
		return nil, err
	}
	liftDomain(r, matches)
	kept, err := s.takers(ctx, r, matches)
	if err != nil || len(kept) >= n || r.Domain == "" {
		return kept[:min(len(kept), n)], err
	}
	// Too few: the chosen domain's experts the search missed join in.
	if matches, err = s.addDomainExperts(ctx, r, matches); err != nil {
		return nil, err
	}
	kept, err = s.takers(ctx, r, matches)
	return kept[:min(len(kept), n)], err
}

// takers keeps the matches who can take r now, the load spread among
// near-equals.
func (s *Service) takers(ctx context.Context, r *ExpertRequest, matches []*ExpertMatch) ([]*ExpertMatch, error) {
	now := s.now()
	local := now.In(s.zone)
	monthStart := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, s.zone)
	thisMonth, err := s.store.ExpertLoad(ctx, monthStart)
	if err != nil {
		return nil, err
	}
	recent, err := s.store.ExpertLoad(ctx, now.Add(-30*24*time.Hour))
	if err != nil {
		return nil, err
	}
	var kept []*ExpertMatch
	for _, m := range matches {
		if canTake(m.Expert, r, now, thisMonth[m.Expert.User]) {
			kept = append(kept, m)
		}
	}
	spreadLoad(kept, recent)
	return kept, nil
}

// liftDomain raises the experts of the domain the member chose: a
// declared domain says more than any word of a short problem.
func liftDomain(r *ExpertRequest, matches []*ExpertMatch) {
	if r.Domain == "" || len(matches) == 0 {
		return
	}
	want, best := fold(r.Domain), math.Max(matches[0].Score, 1)
	for _, m := range matches {
		if slices.ContainsFunc(m.Expert.Domains, func(d string) bool { return fold(d) == want }) {
			m.Score += best * 0.5
			if !slices.Contains(m.Domains, r.Domain) {
				m.Domains = append(m.Domains, r.Domain)
			}
		}
	}
	slices.SortStableFunc(matches, func(a, b *ExpertMatch) int { return cmpScore(b.Score, a.Score) })
}

// addDomainExperts adds the experts of the chosen domain the search
// missed, below those it found.
func (s *Service) addDomainExperts(ctx context.Context, r *ExpertRequest, matches []*ExpertMatch) ([]*ExpertMatch, error) {
	if r.Domain == "" {
		return matches, nil
	}
	want := fold(r.Domain)
	best := 0.0
	for _, m := range matches {
		best = math.Max(best, m.Score)
	}
	seen := map[UserID]*ExpertMatch{}
	for _, m := range matches {
		seen[m.Expert.User] = m
	}
	experts, err := s.store.ListExperts(ctx)
	if err != nil {
		return nil, err
	}
	for _, e := range experts {
		if seen[e.User] == nil && slices.ContainsFunc(e.Domains, func(d string) bool { return fold(d) == want }) {
			matches = append(matches, &ExpertMatch{Expert: e, Score: math.Max(best, 1) * 0.5, Domains: []string{r.Domain}})
		}
	}
	slices.SortStableFunc(matches, func(a, b *ExpertMatch) int { return cmpScore(b.Score, a.Score) })
	return matches, nil
}

func cmpScore(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// canTake reports whether e may be offered r now, having load requests
// this month.
func canTake(e *Expert, r *ExpertRequest, now time.Time, load int) bool {
	switch {
	case !e.Active, e.Paused(now), load >= e.MonthlyCapacity:
		return false
	case e.User == r.Requester, e.CompanyID != 0 && e.CompanyID == r.CompanyID:
		return false
	case slices.Contains(r.Tried, e.User), r.Status != RequestNew && e.User == r.Expert:
		return false
	case r.Format != FormatAnyFormat && len(e.Formats) > 0 && !slices.Contains(e.Formats, r.Format):
		return false
	}
	return true
}

// spreadLoad orders near-equal experts by their recent load, fewest
// first, keeping the relevance order between bands: the same expert is
// not offered every request of a popular domain.
func spreadLoad(matches []*ExpertMatch, recent map[UserID]int) {
	if len(matches) == 0 {
		return
	}
	best := matches[0].Score
	band := func(m *ExpertMatch) int {
		if best <= 0 {
			return 0
		}
		return int((best - m.Score) / (best * nearEqual))
	}
	slices.SortStableFunc(matches, func(a, b *ExpertMatch) int {
		if ba, bb := band(a), band(b); ba != bb {
			return ba - bb
		}
		return recent[a.Expert.User] - recent[b.Expert.User]
	})
}

// matchReasons words why an expert fits: the domains and words matched,
// and the bio's excerpt with them marked.
func matchReasons(m *ExpertMatch) []Span {
	var out []Span
	if len(m.Domains) > 0 {
		out = append(out, Bold(strings.Join(m.Domains, ", ")))
	}
	if len(m.Words) > 0 {
		if len(out) > 0 {
			out = append(out, Text(" · "))
		}
		out = append(out, Text("« "+strings.Join(m.Words, " », « ")+" »"))
	}
	if m.Excerpt != "" {
		out = append(out, Text("\n"))
		out = append(out, excerptSpans(m.Excerpt)...)
	}
	return out
}

// excerptSpans shows a search excerpt, the words between « and » in bold.
func excerptSpans(excerpt string) []Span {
	var out []Span
	for excerpt != "" {
		open := strings.Index(excerpt, "«")
		if open < 0 {
			out = append(out, Text(excerpt))
			break
		}
		closeAt := strings.Index(excerpt[open:], "»")
		if closeAt < 0 {
			out = append(out, Text(excerpt))
			break
		}
		out = append(out, Text(excerpt[:open]), Bold(strings.TrimSpace(excerpt[open+len("«"):open+closeAt])))
		excerpt = excerpt[open+closeAt+len("»"):]
	}
	return out
}
