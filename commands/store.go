package commands

import (
	"context"
	"time"
)

// Store is the persistence the core needs. storage.DB implements it on
// SQLite. Each method is one transaction: it either happens whole or not.
type Store interface {
	MemberStore
	OutboxStore
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
	// SaveCompany creates or updates the member's company.
	SaveCompany(ctx context.Context, member UserID, c *Company) (*Company, error)
}

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
	// MarkMessageSent records a delivery. A sent message is never due again.
	MarkMessageSent(ctx context.Context, id int64, at time.Time) error
	// MarkMessageFailed records a failed attempt: the message is due again
	// at retryAt, or given up for good when retryAt is zero.
	MarkMessageFailed(ctx context.Context, id int64, retryAt time.Time, reason string) error
	// CountPendingMessages returns the outbox depth.
	CountPendingMessages(ctx context.Context) (int, error)
}

// Notifier delivers a message to a member (as a direct message) or to a
// channel. It returns a *DeliveryError to say whether and when to retry.
type Notifier interface {
	Notify(ctx context.Context, to Recipient, r *Response) error
}

// Directory looks up what the chat workspace knows of a person.
type Directory interface {
	LookupUser(ctx context.Context, id UserID) (*Profile, error)
}

// Metrics receives what the core measures. Main wires it to Prometheus;
// nil records nothing.
type Metrics interface {
	CommandHandled(command, outcome string, d time.Duration)
}
