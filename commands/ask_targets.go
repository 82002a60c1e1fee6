package commands

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"cercle/i18n"
)

// This file finds the event or group a question names, by the words of
// its title, among those the member may see, and shows its card: the
// card's ordinary button proposes the action, which the member's click
// alone performs.

// maxAskCandidates is how many cards an unclear question is shown.
const maxAskCandidates = 5

// askStopWords are words that name nothing: articles, pronouns, polite
// forms, in French and English.
var askStopWords = map[string]bool{
	"pour": true, "dans": true, "avec": true, "moi": true, "nous": true, "vous": true, "votre": true, "notre": true,
	"voudrais": true, "veux": true, "souhaite": true, "aimerais": true, "pouvez": true, "peux": true, "merci": true,
	"plait": true, "please": true, "want": true, "would": true, "like": true, "with": true, "from": true, "about": true,
	"this": true, "that": true, "the": true, "tout": true, "tous": true, "toutes": true, "monde": true, "everyone": true,
	"everybody": true, "ignore": true, "instructions": true, "suis": true, "etre": true, "your": true, "mon": true,
	"prochain": true, "prochaine": true, "next": true, "cette": true, "celle": true, "quel": true, "quelle": true,
}

// targetWords are the question's words that may name something: no
// stop word, no verb of an action, at least four letters.
func (q question) targetWords() []string {
	var out []string
	for _, w := range q.words {
		if len([]rune(w)) < 4 || askStopWords[w] || isVerbCue(w) {
			continue
		}
		out = append(out, w)
	}
	return out
}

func isVerbCue(w string) bool {
	for _, l := range [][]string{cancelCues, leaveCues, joinCues, registerCues, groupCues} {
		for _, c := range l {
			if wordMatches(w, c) {
				return true
			}
		}
	}
	return w == "inscription" || w == "registration" || w == "groupes" || w == "groups"
}

// eventKindWords name each kind of event, in both languages.
var eventKindWords = map[EventKind]string{
	KindPlenary: "pleniere plenary", KindTraining: "formation training journee",
	KindVisit: "visite visit", KindMeeting: "reunion meeting",
}

// matchScore counts the target words found among words.
func matchScore(targets []string, words []string) int {
	n := 0
	for _, t := range targets {
		for _, w := range words {
			if w == t || (len([]rune(t)) >= 5 && editDistance(w, t) <= 1) {
				n++
				break
			}
		}
	}
	return n
}

// bestMatches returns the items with the highest score above zero.
func bestMatches[T any](items []T, score func(T) int) []T {
	var best []T
	top := 0
	for _, it := range items {
		switch sc := score(it); {
		case sc > top:
			best, top = []T{it}, sc
		case sc == top && sc > 0:
			best = append(best, it)
		}
	}
	return best
}

// offerEvent shows the event the question names with its ordinary
// button: register, or (cancel) cancel after confirmation. Cancelling
// looks only among the member's own registrations.
func (s *Service) offerEvent(ctx context.Context, m *Member, p *i18n.Printer, q question, cancel bool) (*Response, error) {
	published, _, err := s.eventsToCome(ctx, m)
	if err != nil {
		return nil, err
	}
	regs, err := s.viewerRegistrations(ctx, m.UserID)
	if err != nil {
		return nil, err
	}
	events := published
	if cancel {
		events = slices.DeleteFunc(slices.Clone(published), func(ev *Event) bool {
			r := regs[ev.ID]
			return r == nil || !r.Status.active()
		})
	}
	if len(events) == 0 {
		key := "ask.fallback.event.empty"
		if cancel {
			key = "ask.fallback.cancel.nothing"
		}
		return textResponse(p.T(key)), nil
	}
	targets := q.targetWords()
	found := bestMatches(events, func(ev *Event) int {
		words := newQuestion(ev.Title + " " + eventKindWords[ev.Kind]).words
		n := matchScore(targets, words)
		if slices.Contains(q.words, strconv.FormatInt(ev.ID, 10)) {
			n += 10
		}
		return n
	})
	action := "register"
	if cancel {
		action = "cancel"
	}
	lead := askLead(action, len(found))
	if len(found) == 0 {
		found = events
	}
	r := &Response{Sections: []Section{Paragraph(Text(p.T(lead)))}}
	for _, ev := range found[:min(len(found), maxAskCandidates)] {
		r.Sections = append(r.Sections, eventCard(ev, regs[ev.ID], p, s.now(), false))
	}
	return r, nil
}

// offerGroup shows the group the question names with its ordinary
// button: join, or (leave) leave. Leaving looks only among m's groups.
func (s *Service) offerGroup(ctx context.Context, m *Member, p *i18n.Printer, q question, leave bool) (*Response, error) {
	filter := GroupFilter{}
	if leave {
		filter.Member = m.UserID
	}
	groups, err := s.store.FindGroups(ctx, filter)
	if err != nil {
		return nil, err
	}
	groups = slices.DeleteFunc(groups, (*Group).Archived)
	if len(groups) == 0 {
		key := "ask.fallback.group.empty"
		if leave {
			key = "ask.fallback.leave.nothing"
		}
		return textResponse(p.T(key)), nil
	}
	next, err := s.nextMeetings(ctx)
	if err != nil {
		return nil, err
	}
	targets := q.targetWords()
	found := bestMatches(groups, func(g *Group) int {
		return matchScore(targets, newQuestion(g.Name+" "+strings.ReplaceAll(g.Slug, "-", " ")).words)
	})
	action := "join"
	if leave {
		action = "leave"
	}
	lead := askLead(action, len(found))
	if len(found) == 0 {
		found = groups
	}
	r := &Response{Sections: []Section{Paragraph(Text(p.T(lead)))}}
	for _, g := range found[:min(len(found), maxAskCandidates)] {
		r.Sections = append(r.Sections, groupCard(g, m, next[g.ID], p))
	}
	return r, nil
}

// askLead is the catalog key of the sentence before the cards of an
// action: one target found, several, or none (the candidates follow).
func askLead(action string, found int) string {
	switch found {
	case 0:
		return "ask.fallback." + action + ".none"
	case 1:
		return "ask.fallback." + action + ".one"
	}
	return "ask.fallback." + action + ".several"
}
