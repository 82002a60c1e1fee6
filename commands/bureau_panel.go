package commands

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"unicode"
)

// This file composes a hearing day's panel: who may hear whom, and the
// proposal facilitators start from. The seed insists on peers from other
// sectors (« pas d'entre soi »); a peer never hears their own company nor
// one they declared a conflict with; and the load is spread, so the same
// few volunteers do not sit every time.

// Recusal is why a peer may not hear an application.
type Recusal string

const (
	RecusedApplicant Recusal = "applicant" // it is their own application
	RecusedCompany   Recusal = "company"   // they work for the company
	RecusedSector    Recusal = "sector"    // same sector as the company
	RecusedConflict  Recusal = "conflict"  // they declared a conflict with it
)

// MinHearingPanel is the fewest panelists a hearing should have: the
// proposal says which hearings fall short.
const MinHearingPanel = 3

// recusalOf returns why m may not hear a, or "" when they may. conflicts
// are the companies m declared a conflict with.
func recusalOf(m *Member, conflicts []string, a *Application) Recusal {
	return foldPeer(m, conflicts).recusal(foldApplication(a))
}

// foldedPeer and foldedApplication are what recusal compares, folded
// once (Fold): the proposal compares every peer with every hearing.
type foldedPeer struct {
	user                  UserID
	company, sector, name string
	conflicts             []string
}

type foldedApplication struct {
	applicant       UserID
	company, sector string
}

func foldPeer(m *Member, conflicts []string) foldedPeer {
	f := foldedPeer{user: m.UserID, name: Fold(m.Name)}
	if m.Company != nil {
		f.company, f.sector = CompanyKey(m.Company.Name), Fold(m.Company.Sector)
	}
	for _, c := range conflicts {
		f.conflicts = append(f.conflicts, CompanyKey(c))
	}
	return f
}

func foldApplication(a *Application) foldedApplication {
	return foldedApplication{applicant: a.Applicant, company: CompanyKey(a.Company), sector: Fold(a.Sector)}
}

// legalForms are the words of a company's name that say its legal form,
// not which company it is: « Métallerie Secrète SARL » is « Métallerie
// Secrète ».
var legalForms = map[string]bool{"sarl": true, "sas": true, "sasu": true, "sa": true, "eurl": true, "sci": true, "scop": true,
	"snc": true, "sca": true, "selarl": true, "ei": true, "eirl": true, "gie": true, "scic": true, "et": true, "cie": true, "co": true}

// CompanyKey is what two spellings of one company's name share: folded
// (case, accents), without punctuation nor its legal form. Declared
// conflicts and a peer's own company are matched on it.
func CompanyKey(name string) string {
	var words []string
	for _, w := range strings.FieldsFunc(Fold(name), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if !legalForms[w] {
			words = append(words, w)
		}
	}
	if len(words) == 0 {
		return Fold(name)
	}
	return strings.Join(words, " ")
}

func (p foldedPeer) recusal(a foldedApplication) Recusal {
	switch {
	case p.user == a.applicant:
		return RecusedApplicant
	case a.company != "" && p.company == a.company:
		return RecusedCompany
	case a.sector != "" && p.sector == a.sector:
		return RecusedSector
	case a.company != "" && slices.Contains(p.conflicts, a.company):
		return RecusedConflict
	}
	return ""
}

// isPanelist reports whether m hears a: on its day's panel as the store
// gives it (still a peer, no declared conflict) and not recused.
func isPanelist(m *Member, a *Application) bool {
	return a.Day != 0 && slices.Contains(a.Panel, m.UserID) && recusalOf(m, nil, a) == ""
}

// PanelSeat is a peer the proposal seats, with the hearings they sit out
// and why.
type PanelSeat struct {
	Peer *Peer
	// Hears counts the day's applications the peer may hear.
	Hears int
	// NewSector is set when the peer brought a sector the panel lacked
	// when they were chosen.
	NewSector bool
	Recused   map[int64]Recusal
}

// PanelProposal is the panel proposed for a day, and what it lacks.
type PanelProposal struct {
	Seats []PanelSeat
	// Short are the applications fewer than MinHearingPanel of the
	// seats may hear.
	Short []int64
}

// ProposePanel chooses up to size peers for a day's applications, one at
// a time, each time preferring, in order: a peer who can hear a hearing
// still short of MinHearingPanel; one whose sector the panel lacks; one
// who can hear more of the day; one who sat fewer times; then by name,
// so the same input gives the same panel. A peer who can hear none of the
// day is never chosen, nor one whose own company is heard that day.
func ProposePanel(peers []*Peer, apps []*Application, size int) PanelProposal {
	folded := make([]foldedApplication, len(apps))
	for i, a := range apps {
		folded[i] = foldApplication(a)
	}
	type candidate struct {
		seat PanelSeat
		peer foldedPeer
	}
	candidates := make([]candidate, 0, len(peers))
	for _, p := range peers {
		c := candidate{seat: PanelSeat{Peer: p, Recused: map[int64]Recusal{}}, peer: foldPeer(p.Member, p.Conflicts)}
		for i, a := range apps {
			if why := c.peer.recusal(folded[i]); why != "" {
				c.seat.Recused[a.ID] = why
			} else {
				c.seat.Hears++
			}
		}
		// A peer heard that day, or whose company is, sits on none of its
		// hearings: their own draft opinion would be theirs to read.
		own := slices.ContainsFunc(slices.Collect(maps.Values(c.seat.Recused)), func(r Recusal) bool {
			return r == RecusedApplicant || r == RecusedCompany
		})
		if !own && (c.seat.Hears > 0 || len(apps) == 0) {
			candidates = append(candidates, c)
		}
	}
	heard := map[int64]int{}
	sectors := map[string]bool{}
	isNew := func(c candidate) bool { return c.peer.sector != "" && !sectors[c.peer.sector] }
	var out PanelProposal
	for len(out.Seats) < size && len(candidates) > 0 {
		best := slices.MinFunc(candidates, func(x, y candidate) int {
			return cmp.Or(
				-cmp.Compare(helpsShort(x.seat, apps, heard), helpsShort(y.seat, apps, heard)),
				-compareBool(isNew(x), isNew(y)),
				-cmp.Compare(x.seat.Hears, y.seat.Hears),
				cmp.Compare(x.seat.Peer.Sittings, y.seat.Peer.Sittings),
				cmp.Compare(x.peer.name, y.peer.name),
				cmp.Compare(x.peer.user, y.peer.user),
			)
		})
		best.seat.NewSector = isNew(best)
		sectors[best.peer.sector] = true
		for _, a := range apps {
			if _, out := best.seat.Recused[a.ID]; !out {
				heard[a.ID]++
			}
		}
		out.Seats = append(out.Seats, best.seat)
		candidates = slices.DeleteFunc(candidates, func(c candidate) bool { return c.seat.Peer == best.seat.Peer })
	}
	for _, a := range apps {
		if heard[a.ID] < MinHearingPanel {
			out.Short = append(out.Short, a.ID)
		}
	}
	return out
}

// helpsShort counts the applications seat may hear that are still heard
// by fewer than MinHearingPanel chosen peers.
func helpsShort(seat PanelSeat, apps []*Application, heard map[int64]int) int {
	n := 0
	for _, a := range apps {
		if _, out := seat.Recused[a.ID]; !out && heard[a.ID] < MinHearingPanel {
			n++
		}
	}
	return n
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}
