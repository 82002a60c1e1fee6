package commands

import (
	"context"
	"time"
)

// This file is the contract of the Bureau des pairs' hearings: the peers
// who volunteer to sit on panels, the hearing days (« séances ») with
// their slots and panel, and the opinion a panel gives an application.

// HearingDay is a « séance »: a day on which a panel of peers hears
// applications, one per slot of HearingMinutes, BufferMinutes apart.
type HearingDay struct {
	ID       int64
	StartsAt time.Time
	// Place is where it happens, VideoURL the link for a remote day;
	// one at least is set.
	Place    string
	VideoURL string
	// Hearings is the number of slots: the seed hears five to six
	// companies a day.
	Hearings       int
	HearingMinutes int
	BufferMinutes  int
	// Panel are the peers facilitators put on the day's panel who are
	// still peers: one who left the peers loses the day's applications
	// at once. Filled by the store's reads, set with SetPanel.
	Panel     []UserID
	CreatedBy UserID
	CreatedAt time.Time
	// CancelledAt is when a facilitator cancelled the day; zero while it
	// stands.
	CancelledAt time.Time
	CancelledBy UserID
}

// Cancelled reports whether the day was called off.
func (d *HearingDay) Cancelled() bool { return !d.CancelledAt.IsZero() }

// Hearing day defaults, from the seed: five to six companies heard for
// about 45 minutes each.
const (
	DefaultHearings       = 6
	DefaultHearingMinutes = 45
	DefaultBufferMinutes  = 15
	// DefaultPanelSize is the seed's first panel: the five networks'
	// presidents.
	DefaultPanelSize = 5
)

// SlotStart returns when slot n (1-based) of the day begins.
func (d *HearingDay) SlotStart(n int) time.Time {
	return d.StartsAt.Add(time.Duration((n-1)*(d.HearingMinutes+d.BufferMinutes)) * time.Minute)
}

// SlotEnd returns when the hearing of slot n ends.
func (d *HearingDay) SlotEnd(n int) time.Time {
	return d.SlotStart(n).Add(time.Duration(d.HearingMinutes) * time.Minute)
}

// EndsAt returns when the day's last hearing ends.
func (d *HearingDay) EndsAt() time.Time { return d.SlotEnd(d.Hearings) }

// OnPanel reports whether user sits on the day's panel.
func (d *HearingDay) OnPanel(user UserID) bool {
	for _, u := range d.Panel {
		if u == user {
			return true
		}
	}
	return false
}

// HearingDayFilter selects hearing days; a zero field selects nothing
// out.
type HearingDayFilter struct {
	// From and Before bound StartsAt.
	From, Before time.Time
	// Panelist keeps the days whose panel they sit on.
	Panelist UserID
	Limit    int
}

// Peer is a member who volunteers to sit on panels (the role « pair »).
type Peer struct {
	Member *Member
	Since  time.Time
	// Sittings counts the hearing days whose panel the peer sits on,
	// from the store's since on (past and planned): the panel proposal
	// spreads the load by it.
	Sittings int
	// Conflicts are the companies the peer declared a conflict with, as
	// typed; the store matches them on CompanyKey.
	Conflicts []string
}

// Verdict is the panel's conclusion on a project.
type Verdict string

const (
	VerdictValidated  Verdict = "validated"   // the project holds as it stands
	VerdictRework     Verdict = "rework"      // to rework before going on
	VerdictNotAdvised Verdict = "not_advised" // the panel advises against it
)

// Verdicts lists the verdicts in the order the form offers them.
var Verdicts = []Verdict{VerdictValidated, VerdictRework, VerdictNotAdvised}

// Opinion is the panel's written opinion on an application: one panelist
// writes it, others amend it, a facilitator seals it, and only then does
// the applicant receive it.
type Opinion struct {
	Strengths       string
	Risks           string
	Recommendations string
	// Contacts are the people the panel suggests meeting, as written;
	// Experts the network's experts it suggests, whom the applicant can
	// ask for a meeting from the opinion.
	Contacts string
	Experts  []UserID
	Verdict  Verdict
	// WrittenBy wrote it first; AmendedBy amended it since, in order,
	// each once.
	WrittenBy UserID
	AmendedBy []UserID
	WrittenAt time.Time
	SealedBy  UserID
	SealedAt  time.Time
}

// Written reports whether a panelist has written the opinion.
func (o *Opinion) Written() bool { return o.WrittenBy != "" }

// Sealed reports whether a facilitator has sealed it.
func (o *Opinion) Sealed() bool { return !o.SealedAt.IsZero() }

// FollowUp is the applicant's answer, three months after the opinion, to
// whether it helped.
type FollowUp struct {
	AskedAt    time.Time
	AnsweredAt time.Time
	Score      int // 1 to 5
	Comment    string
}

// PeerStore keeps the peers who volunteer for panels, their declared
// conflicts, and the hearing days.
type PeerStore interface {
	// SetPeer makes a member a peer, or with active false no longer one,
	// and records who did it in the audit log.
	SetPeer(ctx context.Context, user UserID, active bool, by UserID) error
	// FindPeers returns the active peers with their members and
	// companies, their conflicts, and their sittings on days starting
	// from since on, by name.
	FindPeers(ctx context.Context, since time.Time) ([]*Peer, error)
	// DeclareConflict records that a peer has a conflict with a company;
	// declaring it again changes nothing.
	DeclareConflict(ctx context.Context, user UserID, company string) error
	// CreateHearingDay stores a new day and sets its ID and CreatedAt.
	CreateHearingDay(ctx context.Context, d *HearingDay) error
	// FindHearingDay returns a day with its panel, cancelled or not, or
	// ENOTFOUND.
	FindHearingDay(ctx context.Context, id int64) (*HearingDay, error)
	// CancelHearingDay marks a day cancelled, once, and records who did
	// it in the audit log; ENOTFOUND for an unknown day.
	CancelHearingDay(ctx context.Context, id int64, by UserID) error
	// FindHearingDays returns the days not cancelled, by start, earliest
	// first.
	FindHearingDays(ctx context.Context, f HearingDayFilter) ([]*HearingDay, error)
	// SetPanel replaces a day's panel (ENOTFOUND for an unknown day; every
	// panelist must be an active peer, or EINVALID) and records who did
	// it in the audit log.
	SetPanel(ctx context.Context, day int64, panel []UserID, by UserID) error
}
