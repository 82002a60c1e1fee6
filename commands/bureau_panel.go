package commands

import (
	"cmp"
	"slices"
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
	company := Fold(a.Company)
	switch {
	case m.UserID == a.Applicant:
		return RecusedApplicant
	case m.Company != nil && company != "" && Fold(m.Company.Name) == company:
		return RecusedCompany
	case m.Company != nil && a.Sector != "" && Fold(m.Company.Sector) == Fold(a.Sector):
		return RecusedSector
	}
	for _, c := range conflicts {
		if Fold(c) == company {
			return RecusedConflict
		}
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
// day is never chosen.
func ProposePanel(peers []*Peer, apps []*Application, size int) PanelProposal {
	candidates := make([]PanelSeat, 0, len(peers))
	for _, p := range peers {
		seat := PanelSeat{Peer: p, Recused: map[int64]Recusal{}}
		for _, a := range apps {
			if why := recusalOf(p.Member, p.Conflicts, a); why != "" {
				seat.Recused[a.ID] = why
			} else {
				seat.Hears++
			}
		}
		if seat.Hears > 0 || len(apps) == 0 {
			candidates = append(candidates, seat)
		}
	}
	heard := map[int64]int{}
	sectors := map[string]bool{}
	var out PanelProposal
	for len(out.Seats) < size && len(candidates) > 0 {
		best := slices.MinFunc(candidates, func(x, y PanelSeat) int {
			return cmp.Or(
				-cmp.Compare(helpsShort(x, apps, heard), helpsShort(y, apps, heard)),
				-compareBool(newSector(x, sectors), newSector(y, sectors)),
				-cmp.Compare(x.Hears, y.Hears),
				cmp.Compare(x.Peer.Sittings, y.Peer.Sittings),
				cmp.Compare(Fold(x.Peer.Member.Name), Fold(y.Peer.Member.Name)),
				cmp.Compare(x.Peer.Member.UserID, y.Peer.Member.UserID),
			)
		})
		best.NewSector = newSector(best, sectors)
		sectors[sectorOf(best.Peer.Member)] = true
		for _, a := range apps {
			if _, out := best.Recused[a.ID]; !out {
				heard[a.ID]++
			}
		}
		out.Seats = append(out.Seats, best)
		candidates = slices.DeleteFunc(candidates, func(c PanelSeat) bool { return c.Peer == best.Peer })
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

// newSector reports whether seat's sector is one the panel lacks; a peer
// with no sector on file brings none.
func newSector(seat PanelSeat, sectors map[string]bool) bool {
	s := sectorOf(seat.Peer.Member)
	return s != "" && !sectors[s]
}

func sectorOf(m *Member) string {
	if m.Company == nil {
		return ""
	}
	return Fold(m.Company.Sector)
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
