package commands

import (
	"context"
	"sort"
	"strings"
	"unicode"
)

// This file serves the operator's tools (the console's ":as"), which name
// members the way a person types: a first name, without accents, or with a
// typo.

// Members returns every member of the network, by name.
func (s *Service) Members(ctx context.Context) ([]*Member, error) {
	return s.store.ListMembers(ctx)
}

// MemberLookup is what a name typed by the operator designates.
type MemberLookup struct {
	// Member is the one member meant, or nil.
	Member *Member
	// Several lists the members the text names in part, when it names
	// more than one ("c" for Claire and Camille).
	Several []*Member
	// Close lists, when the text names nobody, the members whose id or
	// name come close to it (a typo, a letter missing), closest first.
	Close []*Member
}

// maxCloseMembers is how many close names a failed lookup suggests.
const maxCloseMembers = 5

// LookupMember finds the member text names: their user id, their full
// name, or the start of the id, the name or one of its words, with case
// and accents folded ("claire", "Hélène Delattre", "helene", "Vass").
func (s *Service) LookupMember(ctx context.Context, text string) (*MemberLookup, error) {
	members, err := s.store.ListMembers(ctx)
	if err != nil {
		return nil, err
	}
	want := Fold(text)
	if want == "" {
		return &MemberLookup{}, nil
	}
	var named, prefixed []*Member
	for _, m := range members {
		id, name := Fold(string(m.UserID)), Fold(m.Name)
		switch {
		case id == want:
			return &MemberLookup{Member: m}, nil // an id is unique
		case name == want:
			named = append(named, m)
		case strings.HasPrefix(id, want) || strings.HasPrefix(name, want) || anyHasPrefix(strings.Fields(name), want):
			prefixed = append(prefixed, m)
		}
	}
	if len(named) == 0 {
		named = prefixed
	}
	switch len(named) {
	case 0:
		return &MemberLookup{Close: closeMembers(members, want)}, nil
	case 1:
		return &MemberLookup{Member: named[0]}, nil
	}
	return &MemberLookup{Several: named}, nil
}

func anyHasPrefix(words []string, prefix string) bool {
	for _, w := range words {
		if strings.HasPrefix(w, prefix) {
			return true
		}
	}
	return false
}

// closeMembers returns the members whose id, name or a word of it is
// within a small edit distance of want, or shares its first letters,
// closest first.
func closeMembers(members []*Member, want string) []*Member {
	type scored struct {
		m     *Member
		score int
	}
	var near []scored
	limit := 2
	if len([]rune(want)) <= 4 {
		limit = 1
	}
	for _, m := range members {
		name := Fold(m.Name)
		best := limit + 1
		for _, cand := range append([]string{Fold(string(m.UserID)), name}, strings.Fields(name)...) {
			d := editDistance(want, cand)
			if commonPrefix(want, cand) >= 3 {
				d = min(d, limit)
			}
			best = min(best, d)
		}
		if best <= limit {
			near = append(near, scored{m, best})
		}
	}
	sort.SliceStable(near, func(i, j int) bool { return near[i].score < near[j].score })
	var out []*Member
	for _, c := range near[:min(len(near), maxCloseMembers)] {
		out = append(out, c.m)
	}
	return out
}

// commonPrefix returns how many runes a and b share at their start.
func commonPrefix(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	n := 0
	for n < len(ra) && n < len(rb) && ra[n] == rb[n] {
		n++
	}
	return n
}

// foldings are the letters French writes with accents or as ligatures,
// and the typographic apostrophe, as a person types them on a plain
// keyboard.
var foldings = strings.NewReplacer(
	"à", "a", "â", "a", "ä", "a", "á", "a",
	"ç", "c",
	"é", "e", "è", "e", "ê", "e", "ë", "e",
	"î", "i", "ï", "i", "í", "i",
	"ô", "o", "ö", "o", "ó", "o",
	"ù", "u", "û", "u", "ü", "u", "ú", "u",
	"ÿ", "y", "ñ", "n",
	"œ", "oe", "æ", "ae",
	"’", "'", "ʼ", "'",
)

// Fold returns s as typed text is compared with names and labels: lower
// case, without accents, with plain apostrophes and single spaces, so
// « Plénière » and "pleniere" compare equal.
func Fold(s string) string {
	s = foldings.Replace(strings.ToLower(s))
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}
