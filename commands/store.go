package commands

import (
	"context"
	"time"
)

// Store is the persistence the core needs. storage.DB implements it on
// SQLite. Each method is one transaction: it either happens whole or not.
type Store interface {
	MemberStore
	EventStore
	OutboxStore
	GroupStore
	ExpertStore
	BureauStore
	PeerStore
	PoolingStore
	AskStore
	// MarkEventProcessed records a delivery id (Slack's event_id) and
	// reports whether this is its first delivery, so retried events are
	// handled once.
	MarkEventProcessed(ctx context.Context, eventID string) (first bool, err error)
}

// MemberStore keeps members, their roles and their companies.
type MemberStore interface {
	// FindMemberByUserID returns the member with that chat user id and their
	// company, or an ENOTFOUND error.
	FindMemberByUserID(ctx context.Context, id UserID) (*Member, error)
	// FindMembersByName returns the members whose name equals name, ignoring case.
	FindMembersByName(ctx context.Context, name string) ([]*Member, error)
	// CreateMember stores a new member and sets its ID and CreatedAt. A
	// member with the same UserID is an ECONFLICT error.
	CreateMember(ctx context.Context, m *Member) error
	// UpdateMember changes the given fields and returns the member.
	UpdateMember(ctx context.Context, id UserID, upd MemberUpdate) (*Member, error)
	// SetRole gives a member a role and records who did it in the audit log.
	SetRole(ctx context.Context, actor, target UserID, role Role) error
	// EnsureAdmins makes each user an admin, creating the members that do
	// not exist yet.
	EnsureAdmins(ctx context.Context, ids []UserID) error
	// CalendarToken returns the member's calendar feed token, creating it
	// (or, with renew, replacing it) first.
	CalendarToken(ctx context.Context, user UserID, renew bool) (string, error)
	// FindMemberByCalendarToken returns the member a feed token belongs to.
	FindMemberByCalendarToken(ctx context.Context, token string) (*Member, error)
	// ListMembers returns every member, by name.
	ListMembers(ctx context.Context) ([]*Member, error)
	// SaveCompany creates or updates the member's company.
	SaveCompany(ctx context.Context, member UserID, c *Company) (*Company, error)
}

// EventStore keeps events and registrations. Writes go through
// ChangeEvent: the store opens one transaction over the event, and the
// core's rules (registration.go) decide inside it what to write, so no
// two requests can both take the last seat and no rule lives in the store.
type EventStore interface {
	// CreateEvent stores a new event and sets its ID.
	CreateEvent(ctx context.Context, e *Event) error
	// FindEventByID returns an event with its counts, or ENOTFOUND.
	FindEventByID(ctx context.Context, id int64) (*Event, error)
	// FindEvents returns events with their counts, soonest first.
	FindEvents(ctx context.Context, f EventFilter) ([]*Event, error)
	// FindRegistrations returns registrations with member, company,
	// waitlist position and event.
	FindRegistrations(ctx context.Context, f RegistrationFilter) ([]*Registration, error)
	// FindRegistrationByID returns one registration as FindRegistrations
	// does, or ENOTFOUND.
	FindRegistrationByID(ctx context.Context, id int64) (*Registration, error)
	// ChangeEvent runs change in one write transaction over the event
	// (ENOTFOUND if there is none). An error from change undoes all it
	// wrote. change must be quick and do nothing but decide and call the
	// transaction: concurrent changes share the single writer.
	ChangeEvent(ctx context.Context, eventID int64, change func(EventTx) error) error
	// EventsWithOffersDue returns the events holding an offer whose
	// deadline is at or before now.
	EventsWithOffersDue(ctx context.Context, now time.Time) ([]int64, error)
}

// EventTx is a write transaction over one event and its registrations. It
// loads, counts and writes; the core decides. Registrations it returns
// carry their Event (the transaction's) but not member names or no-show
// counts, which no rule needs.
type EventTx interface {
	// Event returns the event, with its counts as the writes made so far
	// in this transaction left them.
	Event() *Event
	// Registration returns the member's registration for the event, or
	// nil if they never registered. A waitlisted one has its Position.
	Registration(user UserID) (*Registration, error)
	// RegistrationByID returns the event's registration with that id, or
	// nil.
	RegistrationByID(id int64) (*Registration, error)
	// Registrations returns the registrations in the given statuses, in
	// line order.
	Registrations(statuses ...RegistrationStatus) ([]*Registration, error)
	// WaitlistHead returns the first n members in line, in order.
	WaitlistHead(n int) ([]*Registration, error)
	// Join puts the member at the back of the line in status: a new
	// registration, or their earlier one (cancelled, declined …) reused.
	Join(user UserID, status RegistrationStatus) (*Registration, error)
	// Move changes a registration's status, late mark and offer deadline,
	// and the event's counts with it.
	Move(r *Registration, to RegistrationStatus, late bool, offerExpiresAt time.Time) error
	// UpdateEvent replaces the event's editable fields (those ParseEvent
	// fills) and raises its Sequence.
	UpdateEvent(e *Event) error
	// SetStatus moves the event to status, raising its Sequence when bump.
	SetStatus(status EventStatus, bump bool) error
	// Enqueue queues messages in this transaction: a change and the
	// messages telling people about it commit together or not at all.
	Enqueue(msgs ...*OutboxMessage) error
}

// OutboxStore keeps the messages the bot sends on its own initiative until
// they are delivered.
type OutboxStore interface {
	// EnqueueMessages stores messages to send and returns how many were new:
	// a message whose DedupeKey is already stored for its recipient is
	// skipped.
	EnqueueMessages(ctx context.Context, msgs []*OutboxMessage) (int, error)
	// DueMessages returns up to limit pending messages whose next attempt is
	// at or before now, oldest first.
	DueMessages(ctx context.Context, now time.Time, limit int) ([]*OutboxMessage, error)
	// NextDueTime returns when the earliest pending message is due, or the
	// zero time if nothing is pending.
	NextDueTime(ctx context.Context) (time.Time, error)
	// MarkMessageSent records a delivery, and where it landed for a message
	// with a Track key. A sent message is never due again.
	MarkMessageSent(ctx context.Context, id int64, at time.Time, ref MessageRef) error
	// FindTrackedMessages returns the tracked messages whose key starts
	// with prefix.
	FindTrackedMessages(ctx context.Context, prefix string) ([]*TrackedMessage, error)
	// SetTrackedShown records what a tracked message now shows.
	SetTrackedShown(ctx context.Context, key, shown string) error
	// MarkMessageFailed records a failed attempt: the message is due again
	// at retryAt, or given up for good when retryAt is zero.
	MarkMessageFailed(ctx context.Context, id int64, retryAt time.Time, reason string) error
	// CountMessages returns how many messages whose dedupe key starts with
	// prefix were sent, and how many there are.
	CountMessages(ctx context.Context, prefix string) (sent, total int, err error)
	// FindMessageKeys returns the dedupe keys, sent or not, that start
	// with prefix.
	FindMessageKeys(ctx context.Context, prefix string) ([]string, error)
	// CountPendingMessages returns the outbox depth.
	CountPendingMessages(ctx context.Context) (int, error)
	// SetMessageProgress records the parts of a pending message that got
	// through, and whether it is in flight (a zero inFlightAt: it is not).
	SetMessageProgress(ctx context.Context, id int64, d Delivery, inFlightAt time.Time) error
	// PostponeMessage makes a pending message due again at until without
	// counting an attempt: it waited on a rate limit, it did not fail.
	PostponeMessage(ctx context.Context, id int64, until time.Time, reason string) error
}

// Notifier delivers a message to a member (as a direct message) or to a
// channel. Its errors are *DeliveryError, saying whether and when to retry.
type Notifier interface {
	// Notify sends the parts of r that d says are not done yet (the text,
	// then each file) and returns how far it got, also with an error, so a
	// retry never sends a part twice.
	Notify(ctx context.Context, to Recipient, r *Response, d Delivery) (Delivery, error)
	// FindSent looks in the recipient's conversation, since a moment, for
	// the text sent under key: what a crash may have left posted but
	// unrecorded.
	FindSent(ctx context.Context, to Recipient, key string, since time.Time) (MessageRef, bool, error)
	// PartMethods names the rate-limited calls (Slack: Web API methods)
	// that sending part i (0: the text) makes, or FindSent when i is -1;
	// nil if none is limited.
	PartMethods(i int) []string
	// Update replaces a message posted earlier.
	Update(ctx context.Context, ref MessageRef, r *Response) error
}

// Delivery is how far a message with parts got: part 0 is its text,
// then one part per file.
type Delivery struct {
	// Key is the message's dedupe key, carried with the text so FindSent
	// can tell it apart; empty for a one-off message.
	Key string
	// Done is how many parts were sent.
	Done int
	// Upto, when above Done, is where Notify stops: the parts from Upto on
	// need a call that is paused by a rate limit. Zero sends every part.
	Upto int
	// Ref is where the text landed, once it has.
	Ref MessageRef
}

// MessageRef locates a posted message (Slack: channel id and timestamp).
type MessageRef struct {
	Channel string
	TS      string
}

// TrackedMessage is a posted message the bot keeps current, such as a
// channel announcement's seat count.
type TrackedMessage struct {
	Key   string // such as "announce:12"
	Ref   MessageRef
	Shown string // a fingerprint of what it shows, to skip needless updates
}

// Directory looks up what the chat workspace knows of people.
type Directory interface {
	LookupUser(ctx context.Context, id UserID) (*Profile, error)
	// ListUsers returns everyone in the workspace.
	ListUsers(ctx context.Context) ([]*Profile, error)
}

// Metrics receives what the core measures. Main wires it to Prometheus;
// nil records nothing.
type Metrics interface {
	CommandHandled(command, outcome string, d time.Duration)
}
