package commands

import (
	"context"
	"time"
)

// MeetingFormat is how an expert meets a member.
type MeetingFormat string

const (
	FormatVideo     MeetingFormat = "visio"
	FormatInPerson  MeetingFormat = "presentiel"
	FormatPhone     MeetingFormat = "telephone"
	FormatAnyFormat MeetingFormat = "" // the member does not mind
)

// Expert is a person who takes confidential meeting requests: a member,
// or a guest with an account in the workspace.
type Expert struct {
	User UserID
	Name string // filled by reads: the member's name
	// CompanyID is the expert's own company, never matched with its
	// members' requests; zero for a guest without one.
	CompanyID int64
	Domains   []string // tags, such as « recrutement », « énergie »
	Bio       string
	Languages []string // such as "fr", "en"
	Formats   []MeetingFormat
	// MonthlyCapacity is how many meetings a calendar month the expert
	// takes.
	MonthlyCapacity int
	Availability    []Window
	// MinNotice is how long before a slot it may be booked; Buffer is the
	// free time kept around each meeting.
	MinNotice, Buffer time.Duration
	PausedUntil       time.Time // zero: not paused
	Active            bool
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Paused reports whether the expert takes no request at t.
func (e *Expert) Paused(t time.Time) bool { return t.Before(e.PausedUntil) }

// Window is a weekly availability window, in the network's zone: on
// Weekday, from Start to End after midnight.
type Window struct {
	Weekday    time.Weekday
	Start, End time.Duration
}

// RequestStatus is where an expert request is in its life.
type RequestStatus string

const (
	RequestNew       RequestStatus = "new"       // waiting to be routed
	RequestProposed  RequestStatus = "proposed"  // routed to an expert, who has not answered
	RequestAccepted  RequestStatus = "accepted"  // the expert accepted and proposes slots
	RequestScheduled RequestStatus = "scheduled" // the member picked a slot
	RequestDone      RequestStatus = "done"      // the meeting took place
	RequestDeclined  RequestStatus = "declined"  // no expert could take it
	RequestCancelled RequestStatus = "cancelled" // the member or the expert called it off
	RequestExpired   RequestStatus = "expired"   // nobody answered in time
)

// Urgency is how soon the member needs help.
type Urgency string

const (
	UrgencyLow    Urgency = "faible"
	UrgencyNormal Urgency = "normale"
	UrgencyHigh   Urgency = "haute"
)

// ExpertRequest is a member's confidential request for a meeting with an
// expert. Only its author, the expert it is routed to and facilitators
// may see it (CanSeeRequest).
type ExpertRequest struct {
	ID        int64
	Requester UserID
	// CompanyID is the requester's company when they asked: no expert of
	// it is matched.
	CompanyID int64
	Problem   string
	Domain    string // a known domain, or empty for « je ne sais pas »
	Urgency   Urgency
	Format    MeetingFormat
	Periods   string // preferred periods, in the member's words
	Status    RequestStatus
	// Expert is who the request is routed to (proposed and after).
	Expert UserID
	// Tried are the experts who declined it or let it lapse, never
	// proposed again.
	Tried []UserID
	// RoutedAt is when it was routed to Expert; AnswerBy, when Expert's
	// answer is due (72 h later) before it passes on.
	RoutedAt, AnswerBy time.Time
	// Slots are the times the expert proposed; Slot the one the member
	// picked; Duration the meeting's length.
	Slots    []time.Time
	Slot     time.Time
	Duration time.Duration
	Place    string // where, or the video link, as the expert wrote it
	// Sequence rises on every change of the meeting, for calendars.
	Sequence      int
	DeclineReason string // the last expert's reason, seen by facilitators
	Rating        int    // 1–5 from the member after the meeting; 0 not given
	Comment       string
	FollowUp      string // the expert's answer: is a follow-up needed
	FirstAnswerAt time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// Version rises on every write: a change decided on a stale copy is
	// refused by the store.
	Version int
}

// ExpertMatch is an expert ranked for a request, with why.
type ExpertMatch struct {
	Expert *Expert
	// Score is the relevance of the expert's domains and bio to the
	// request; higher is better.
	Score float64
	// Domains are the expert's domains the request matched; Words the
	// request's words found in the profile; Excerpt a part of the bio
	// with those words marked (between « » markers the transport shows
	// in bold).
	Domains []string
	Words   []string
	Excerpt string
}

// RequestFilter selects expert requests.
type RequestFilter struct {
	Requester UserID
	Expert    UserID
	Statuses  []RequestStatus
	// AnswerDueBefore keeps proposed requests whose answer is due before
	// it; SlotFrom and SlotTo keep scheduled ones whose slot falls in
	// [SlotFrom, SlotTo), either bound zero for none.
	AnswerDueBefore time.Time
	SlotFrom        time.Time
	SlotTo          time.Time
	Limit           int
}

// ExpertStore keeps experts, their requests, and finds experts for a
// request.
type ExpertStore interface {
	// SaveExpert creates or replaces an expert's profile (the member must
	// exist), and its search entry.
	SaveExpert(ctx context.Context, e *Expert) error
	// FindExpert returns an expert, or ENOTFOUND.
	FindExpert(ctx context.Context, user UserID) (*Expert, error)
	// ListExperts returns every expert, active or not, by name.
	ListExperts(ctx context.Context) ([]*Expert, error)
	// SearchExperts returns the experts whose domains and bio match text,
	// best first, at most limit: the store's full-text search, which
	// folds accents, stems French words and ignores stop-words. Text is
	// untrusted and never breaks the query.
	SearchExperts(ctx context.Context, text string, limit int) ([]*ExpertMatch, error)
	// ExpertLoad returns, per expert, how many requests routed to them
	// since since are with them or were met (proposed, accepted,
	// scheduled, done): their recent load.
	ExpertLoad(ctx context.Context, since time.Time) (map[UserID]int, error)

	// CreateRequest stores a new request and sets its ID and Version.
	CreateRequest(ctx context.Context, r *ExpertRequest) error
	// FindRequest returns a request, or ENOTFOUND.
	FindRequest(ctx context.Context, id int64) (*ExpertRequest, error)
	// FindRequests returns requests, newest first.
	FindRequests(ctx context.Context, f RequestFilter) ([]*ExpertRequest, error)
	// ChangeRequest runs change in one write transaction over the request
	// (ENOTFOUND if none): change decides, the transaction writes.
	ChangeRequest(ctx context.Context, id int64, change func(RequestTx) error) error
}

// RequestTx is a write transaction over one expert request.
type RequestTx interface {
	// Request returns the request as stored when the transaction began.
	Request() *ExpertRequest
	// Save writes the request's fields, raising its Version.
	Save(r *ExpertRequest) error
	// ExpertMeetings returns the expert's scheduled meetings (requests
	// other than this one) whose slot falls in [from, to): what a new
	// slot must not overlap.
	ExpertMeetings(expert UserID, from, to time.Time) ([]*ExpertRequest, error)
	// Enqueue queues messages with the change.
	Enqueue(msgs ...*OutboxMessage) error
}
