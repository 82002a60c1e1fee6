package commands

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode"

	"cercle/i18n"
)

// This file is the experts' directory every member reads: who the
// experts are, by domain, and what they offer. It never shows what is
// the facilitators' business (capacity, availability, load) nor the
// experts who are paused or retired.

// Bounds of one directory page, inside Slack's 50 blocks a message and
// 3,000 characters a section.
const (
	maxDirectoryDomains = 40
	maxDirectoryExperts = 10
	maxDirectoryBio     = 200
	maxListedDomains    = 60
)

// expertsCmd is /cercle experts [domaine] | stats.
func (s *Service) expertsCmd(ctx context.Context, c *Call) (*Response, error) {
	if len(c.Args) == 1 && (strings.EqualFold(c.Args[0], "stats") || Fold(c.Args[0]) == "statistiques") {
		if err := allow(c.Member, (*Member).IsFacilitator, "error.forbidden.facilitator"); err != nil {
			return nil, err
		}
		return s.expertStats(ctx, c.P)
	}
	return s.expertDirectory(ctx, c.P, cleanLine(strings.Join(c.Args, " ")))
}

// directoryDomain is one domain of the directory and its experts, by
// name.
type directoryDomain struct {
	name    string
	experts []*Expert
}

// expertDirectory lists the experts available at this moment by domain;
// filter, when set, keeps the domains that contain it, ignoring case and
// accents.
func (s *Service) expertDirectory(ctx context.Context, p *i18n.Printer, filter string) (*Response, error) {
	experts, err := s.store.ListExperts(ctx)
	if err != nil {
		return nil, err
	}
	domains := directoryDomains(experts, s.now(), Fold(filter))
	r := &Response{Title: p.T("experts.title")}
	if filter != "" {
		r.Title = p.T("experts.title.filtered", truncate(filter, 40))
	}
	if len(domains) == 0 {
		r.Sections = noExpertFound(experts, s.now(), filter, p)
		return r, nil
	}
	companies, err := s.companyNames(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range domains[:min(len(domains), maxDirectoryDomains)] {
		r.Sections = append(r.Sections, directorySection(d, companies, p))
	}
	if n := len(domains) - maxDirectoryDomains; n > 0 {
		r.Sections = append(r.Sections, Section{Note: true, Body: []Span{Text(p.Plural("experts.more_domains", n) + " "), Code(p.T("experts.filter.command"))}})
	}
	r.Sections = append(r.Sections, Section{Note: true, Body: []Span{Text(p.T("experts.ask") + " "), Code(p.T("expert.request.command"))}})
	return r, nil
}

// directoryDomains groups the experts available at now by domain, the
// domains in alphabetical order (accents folded); want, folded, keeps
// the domains containing it.
func directoryDomains(experts []*Expert, now time.Time, want string) []*directoryDomain {
	byKey := map[string]*directoryDomain{}
	var keys []string
	for _, e := range experts {
		if !e.Active || e.Paused(now) {
			continue
		}
		for _, d := range e.Domains {
			key := Fold(d)
			if !strings.Contains(key, want) {
				continue
			}
			if byKey[key] == nil {
				byKey[key] = &directoryDomain{name: d}
				keys = append(keys, key)
			}
			byKey[key].experts = append(byKey[key].experts, e)
		}
	}
	slices.Sort(keys)
	out := make([]*directoryDomain, len(keys))
	for i, k := range keys {
		out[i] = byKey[k]
	}
	return out
}

// noExpertFound says that no expert is available, or none in the domain
// asked for, with the domains that have one.
func noExpertFound(experts []*Expert, now time.Time, filter string, p *i18n.Printer) []Section {
	if filter == "" {
		return []Section{Paragraph(Text(p.T("experts.none")))}
	}
	sections := []Section{Paragraph(Text(p.T("experts.none.filtered", truncate(filter, 40))))}
	var names []string
	for _, d := range directoryDomains(experts, now, "") {
		names = append(names, d.name)
	}
	if len(names) > 0 {
		if len(names) > maxListedDomains {
			names = append(names[:maxListedDomains], "…")
		}
		sections = append(sections, Section{Note: true, Body: []Span{Text(p.T("experts.domains", strings.Join(names, ", ")))}})
	}
	return sections
}

// companyNames returns each member's company name, for the directory.
func (s *Service) companyNames(ctx context.Context) (map[UserID]string, error) {
	members, err := s.store.ListMembers(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[UserID]string, len(members))
	for _, m := range members {
		if m.Company != nil {
			out[m.UserID] = m.Company.Name
		}
	}
	return out, nil
}

// directorySection is one domain: each expert's name and company, the
// first sentence of their bio, how they meet and in which languages.
func directorySection(d *directoryDomain, companies map[UserID]string, p *i18n.Printer) Section {
	sec := Section{Heading: upperFirst(d.name)}
	for i, e := range d.experts[:min(len(d.experts), maxDirectoryExperts)] {
		if i > 0 {
			sec.Body = append(sec.Body, Text("\n\n"))
		}
		sec.Body = append(sec.Body, Bold(e.Name))
		if c := companies[e.User]; c != "" {
			sec.Body = append(sec.Body, Text(" ("+c+")"))
		}
		line := p.T("experts.line.formats", formatList(e.Formats, p)) + " · " + p.T("experts.line.languages", languageList(e.Languages, p))
		sec.Body = append(sec.Body, Text("\n"+firstSentence(e.Bio, maxDirectoryBio)+"\n"+line))
	}
	if n := len(d.experts) - maxDirectoryExperts; n > 0 {
		sec.Body = append(sec.Body, Text("\n\n"+p.Plural("experts.more_in_domain", n)))
	}
	return sec
}

// firstSentence returns the first sentence of text, at most n
// characters, cut at a word.
func firstSentence(text string, n int) string {
	text, _, _ = strings.Cut(strings.TrimSpace(text), "\n")
	for i, r := range text {
		if (r == '.' || r == '!' || r == '?' || r == '…') && (i+len(string(r)) == len(text) || text[i+len(string(r))] == ' ') {
			text = text[:i+len(string(r))]
			break
		}
	}
	rs := []rune(text)
	if len(rs) <= n {
		return text
	}
	cut := n - 1
	for cut > n/2 && rs[cut] != ' ' {
		cut--
	}
	return strings.TrimRight(string(rs[:cut]), " ,;:") + "…"
}

// upperFirst capitalises a domain for a heading: « recrutement » is shown
// « Recrutement ».
func upperFirst(s string) string {
	rs := []rune(s)
	if len(rs) == 0 {
		return s
	}
	rs[0] = unicode.ToUpper(rs[0])
	return string(rs)
}
