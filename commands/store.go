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
	// MarkEventProcessed records a delivery id (Slack's event_id) and
	// reports whether this is its first delivery, so retried events are
	// handled once.
	MarkEventProcessed(ctx context.Context, eventID string) (first bool, err error)
	// ForgetEvent undoes MarkEventProcessed for an event that could not be
	// handled after all.
	ForgetEvent(ctx context.Context, eventID string) error
}

// MemberStore keeps members, their roles and their companies.
type MemberStore interface {
	// FindMemberByUserID returns the member with that chat user id and their
	// company, or an ENOTFOUND error.
	FindMemberByUserID(ctx context.Context, id UserID) (*Member, error)
	// FindMemberByName returns the members whose name equals name, ignoring case.
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

// EventStore keeps events and registrations. The rules (who may register,
// when a cancellation is late) are the core's, passed in as functions; the
// store applies them inside the transaction that reads the counts, so no
// two requests can both take the last seat.
type EventStore interface {
	// CreateEvent stores a new event and sets its ID.
	CreateEvent(ctx context.Context, e *Event) error
	// UpdateEvent replaces the editable fields of an event, raises its
	// Sequence, and offers the seats a larger capacity frees. A capacity
	// below the seats taken or offered is an ECONFLICT error. The messages
	// notify returns for the updated event and its confirmed registrants
	// are queued in the same transaction.
	UpdateEvent(ctx context.Context, id int64, e *Event, now time.Time, offer OfferPolicy, notify EventNotice) (*Event, []*Registration, error)
	// SetEventStatus moves an event from one of the from statuses to to
	// (ECONFLICT if it is in none); a cancellation raises its Sequence.
	// The messages notify returns for the event and its active registrants
	// are queued in the same transaction.
	SetEventStatus(ctx context.Context, id int64, from []EventStatus, to EventStatus, notify EventNotice) (*Event, error)
	// FindEventByID returns an event with its counts, or ENOTFOUND.
	FindEventByID(ctx context.Context, id int64) (*Event, error)
	// FindEvents returns events with their counts, soonest first.
	FindEvents(ctx context.Context, f EventFilter) ([]*Event, error)

	// Register records a registration with the status decide picks from
	// the event (with its counts) and the member's current registration
	// (nil if none); an error from decide changes nothing. The messages
	// notify returns for the new registration are queued in the same
	// transaction: no seat without its confirmation.
	Register(ctx context.Context, eventID int64, user UserID, decide func(*Event, *Registration) (RegistrationStatus, error), notify func(*Registration) []*OutboxMessage) (*Registration, error)
	// CancelRegistration cancels a member's registration (late if decide
	// says so) and offers any seat it frees. It returns the cancelled
	// registration and the offers made.
	CancelRegistration(ctx context.Context, eventID int64, user UserID, decide func(*Event, *Registration) (late bool, err error), now time.Time, offer OfferPolicy) (*Registration, []*Registration, error)
	// AnswerOffer accepts or declines an offer made to user, on an event
	// still open; a decline passes the seat on. The messages notify
	// returns are queued in the same transaction.
	AnswerOffer(ctx context.Context, registrationID int64, user UserID, accept bool, now time.Time, offer OfferPolicy, notify func(*Registration) []*OutboxMessage) (*Registration, []*Registration, error)
	// ExpireOffers lapses the offers due by now and passes their seats
	// on. It returns the lapsed offers and the new ones.
	ExpireOffers(ctx context.Context, now time.Time, offer OfferPolicy) (expired, offers []*Registration, err error)
	// FindRegistrations returns registrations with member, company,
	// waitlist position and event.
	FindRegistrations(ctx context.Context, f RegistrationFilter) ([]*Registration, error)
	// RecordAttendance marks each confirmed registrant of an event as
	// attended (in the set) or no-show.
	RecordAttendance(ctx context.Context, eventID int64, attended map[UserID]bool) error
}

// EventNotice builds the messages telling an event's registrants about a
// change, inside the transaction that makes it.
type EventNotice func(ev *Event, regs []*Registration) []*OutboxMessage

// OutboxStore keeps the messages the bot sends on its own initiative until
// they are delivered.
type OutboxStore interface {
	// EnqueueMessages stores messages to send and returns how many were new:
	// a message whose DedupeKey is already stored is skipped.
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
	// CountPendingMessages returns the outbox depth.
	CountPendingMessages(ctx context.Context) (int, error)
}

// Notifier delivers a message to a member (as a direct message) or to a
// channel. Its errors are *DeliveryError, saying whether and when to retry.
type Notifier interface {
	// Notify posts r and returns where it landed, for later updates.
	Notify(ctx context.Context, to Recipient, r *Response) (MessageRef, error)
	// Update replaces a message posted earlier.
	Update(ctx context.Context, ref MessageRef, r *Response) error
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
