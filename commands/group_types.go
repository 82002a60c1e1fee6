package commands

import (
	"context"
	"time"

	"cercle/i18n"
)

// Group is a thematic working group (achats groupés, recrutement …) and
// the chat channel where its members talk.
type Group struct {
	ID int64
	// Slug is the short name members type: lower-case ASCII letters,
	// digits and hyphens, unique.
	Slug        string
	Name        string // unique, ignoring case
	Description string
	Private     bool
	Channel     ChannelID
	// ChannelCreated says the bot created the channel (rather than linking
	// an existing one), so archiving the group archives the channel too.
	ChannelCreated bool
	ArchivedAt     time.Time // zero while the group is active
	CreatedBy      UserID
	CreatedAt      time.Time

	// Filled by the store's reads.
	Members int      // how many members the group has
	Leads   []UserID // the group's leads (animateurs du groupe), by name
}

// Archived reports whether the group was archived.
func (g *Group) Archived() bool { return !g.ArchivedAt.IsZero() }

// GroupMember is one member of a group.
type GroupMember struct {
	User     UserID
	Name     string
	Company  string // the member's company name, empty when unknown
	Lead     bool
	JoinedAt time.Time
}

// GroupFilter selects groups.
type GroupFilter struct {
	// Member, when set, keeps the groups that member belongs to.
	Member UserID
	// Archived keeps archived groups as well as active ones.
	Archived bool
}

// DigestFrequency is how often a member gets the digest.
type DigestFrequency string

const (
	DigestWeekly  DigestFrequency = "weekly" // the default
	DigestMonthly DigestFrequency = "monthly"
	DigestOff     DigestFrequency = "off"
)

// GroupMessage is a message posted in a group's channel, kept (for the
// retention period) to summarise the group's week from. Messages from
// bots, from members who opted out of summaries and off the record are
// never stored.
type GroupMessage struct {
	Group   int64
	Channel ChannelID
	// TS is the chat's id of the message (Slack's ts), unique in its
	// channel; ThreadTS is its thread's parent, empty for a top-level
	// message.
	TS, ThreadTS string
	Author       UserID
	AuthorName   string // filled by reads: the member's name, or empty
	Text         string
	Permalink    string
	PostedAt     time.Time
	EditedAt     time.Time // zero if never edited
	Replies      int       // replies stored in its thread
	Reactions    int       // reactions it carries
}

// ChannelMessage is what a transport saw happen to a message in a channel:
// posted, edited or deleted. The core decides whether to keep it.
type ChannelMessage struct {
	Channel ChannelID
	TS      string
	// ThreadTS is the thread's parent; empty for a top-level message.
	ThreadTS string
	Author   UserID
	// FromBot marks a message from a bot or an app, never kept.
	FromBot   bool
	Text      string // raw, untrusted
	Permalink string
	At        time.Time
	Edited    bool // Text replaces the text of message TS
	Deleted   bool // message TS is gone
}

// ChannelReaction is a reaction added to or removed from a message.
type ChannelReaction struct {
	Channel ChannelID
	TS      string
	Added   bool
}

// GroupStore keeps working groups, their members, the messages of their
// channels and the summaries made from them.
type GroupStore interface {
	// CreateGroup stores a new group with its leads as members and sets
	// its ID. A slug or name already taken is an ECONFLICT error.
	CreateGroup(ctx context.Context, g *Group, leads []UserID) error
	// FindGroupBySlug returns a group (archived or not), or ENOTFOUND.
	FindGroupBySlug(ctx context.Context, slug string) (*Group, error)
	// FindGroupByChannel returns the group of a channel, or ENOTFOUND.
	FindGroupByChannel(ctx context.Context, ch ChannelID) (*Group, error)
	// FindGroups returns groups by name.
	FindGroups(ctx context.Context, f GroupFilter) ([]*Group, error)
	// ArchiveGroup marks a group archived and records who did it.
	ArchiveGroup(ctx context.Context, id int64, actor UserID, at time.Time) error
	// SetGroupLeads makes leads the group's leads (adding them as members
	// if they were not) and the others plain members.
	SetGroupLeads(ctx context.Context, id int64, actor UserID, leads []UserID) error
	// JoinGroup adds the member to the group; joined is false if they
	// were in it already.
	JoinGroup(ctx context.Context, id int64, user UserID) (joined bool, err error)
	// LeaveGroup removes the member; left is false if they were not in it.
	LeaveGroup(ctx context.Context, id int64, user UserID) (left bool, err error)
	// GroupMembers returns a group's members, leads first, then by name.
	GroupMembers(ctx context.Context, id int64) ([]*GroupMember, error)
	// GroupMemberships returns, for every active group, its members' ids:
	// one read for a digest run.
	GroupMemberships(ctx context.Context) (map[int64][]UserID, error)

	// SaveGroupMessage stores a new message, or replaces the text of one
	// stored under the same channel and TS.
	SaveGroupMessage(ctx context.Context, m *GroupMessage) error
	// EditGroupMessage replaces a stored message's text; found is false
	// when no such message is stored.
	EditGroupMessage(ctx context.Context, ch ChannelID, ts, text string, at time.Time) (found bool, err error)
	// DeleteGroupMessage removes a message and, for a thread's parent,
	// its replies.
	DeleteGroupMessage(ctx context.Context, ch ChannelID, ts string) error
	// MarkOffRecord records a thread parent posted off the record, so its
	// replies are not stored either.
	MarkOffRecord(ctx context.Context, ch ChannelID, ts string, at time.Time) error
	// IsOffRecord reports whether a thread parent was posted off the record.
	IsOffRecord(ctx context.Context, ch ChannelID, ts string) (bool, error)
	// CountReaction adds delta (+1 or -1) to a stored message's reactions.
	CountReaction(ctx context.Context, ch ChannelID, ts string, delta int) error
	// DeleteMessagesBy removes every stored message a member wrote: they
	// opted out of summaries.
	DeleteMessagesBy(ctx context.Context, user UserID) error
	// GroupMessages returns a group's messages posted in [from, to), in
	// time order.
	GroupMessages(ctx context.Context, group int64, from, to time.Time) ([]*GroupMessage, error)
	// PurgeGroupMessages removes messages (and off-the-record marks)
	// posted before before, and returns how many messages went.
	PurgeGroupMessages(ctx context.Context, before time.Time) (int, error)

	// FindSummary returns the summary of a group for a period (such as
	// "2026-W48"), or ENOTFOUND.
	FindSummary(ctx context.Context, group int64, period string) (*GroupSummary, error)
	// SaveSummary stores a summary, replacing the period's earlier one.
	SaveSummary(ctx context.Context, s *GroupSummary) error
}

// GroupSummary is what a group's channel said over a period, as bullets
// citing the messages they come from, cached with a fingerprint of those
// messages: a new, edited or deleted message makes it outdated.
type GroupSummary struct {
	Group  int64
	Period string // "2026-W48" for a week, "2026-11" for a month
	// Fingerprint identifies the messages (and their edits) it was made
	// from.
	Fingerprint string
	// Generated is true for a model's summary, false for the extractive
	// one made without a model.
	Generated bool
	Model     string
	Bullets   []SummaryBullet
	Messages  int // how many messages it covers
	CreatedAt time.Time
}

// SummaryBullet is one point of a summary and the messages it cites, by
// their TS in the group's channel.
type SummaryBullet struct {
	Kind BulletKind `json:"kind"`
	Text string     `json:"text"`
	// Author is who wrote the message an extractive point quotes.
	Author string   `json:"author,omitempty"`
	Cites  []string `json:"cites"`
}

// BulletKind is what a summary point is about.
type BulletKind string

const (
	BulletDecision BulletKind = "decision"
	BulletQuestion BulletKind = "question"
	BulletNextStep BulletKind = "next_step"
	BulletQuote    BulletKind = "quote" // an extractive summary's excerpt
)

// SummaryRequest is a group's messages over a period, handed to a
// Summarizer as data: Ref is the id a bullet cites.
type SummaryRequest struct {
	GroupName string
	Lang      i18n.Lang
	Messages  []SummaryInput
}

// SummaryInput is one message as a summarizer sees it.
type SummaryInput struct {
	Ref    string // the message's TS
	Thread string // the thread parent's TS, empty for a top-level message
	Author string // a display name, never a user id
	At     time.Time
	Text   string
}

// Summarizer writes a summary from a group's messages: a language model
// behind the assistant package. Its bullets are untrusted: the core keeps
// those that cite messages it gave, cuts and escapes them.
type Summarizer interface {
	Summarize(ctx context.Context, req *SummaryRequest) (*SummaryResult, error)
}

// SummaryResult is a summarizer's answer.
type SummaryResult struct {
	Bullets []SummaryBullet
	Model   string
}

// Channels creates and manages the chat channels of working groups (Slack:
// conversations.*). Its errors are *ChannelError, saying why Slack refused.
type Channels interface {
	// CreateChannel creates a channel the bot is in and returns its id.
	CreateChannel(ctx context.Context, name string, private bool) (ChannelID, error)
	// JoinChannel puts the bot in an existing channel (a public one; a
	// private one needs a person to invite it).
	JoinChannel(ctx context.Context, ch ChannelID) error
	// Invite adds a member to a channel.
	Invite(ctx context.Context, ch ChannelID, user UserID) error
	// Kick removes a member from a channel.
	Kick(ctx context.Context, ch ChannelID, user UserID) error
	// ArchiveChannel archives a channel.
	ArchiveChannel(ctx context.Context, ch ChannelID) error
}

// ChannelRefusal is why the chat refused a channel operation.
type ChannelRefusal string

const (
	RefusedArchived     ChannelRefusal = "archived"      // the channel is archived
	RefusedMissingScope ChannelRefusal = "missing_scope" // the app lacks a permission
	RefusedAlreadyIn    ChannelRefusal = "already_in"    // the member already is in the channel
	RefusedNotIn        ChannelRefusal = "not_in"        // the member is not in the channel
	RefusedNameTaken    ChannelRefusal = "name_taken"    // a channel has that name
	RefusedNotFound     ChannelRefusal = "not_found"     // no such channel, or the bot cannot see it
	RefusedBotNotIn     ChannelRefusal = "bot_not_in"    // the bot is not in the channel
	RefusedRateLimited  ChannelRefusal = "rate_limited"  // try again after RetryAfter
	RefusedCantKick     ChannelRefusal = "cant_kick"     // the member cannot be removed (owner, general channel …)
	RefusedOther        ChannelRefusal = "other"         // anything else, such as Slack unreachable
)

// ChannelError is a Channels failure.
type ChannelError struct {
	Refusal    ChannelRefusal
	RetryAfter time.Duration
	// Detail is the chat's own error code (such as "is_archived"), for logs.
	Detail string
	Err    error
}

func (e *ChannelError) Error() string {
	if e.Err != nil {
		return "channel: " + string(e.Refusal) + ": " + e.Err.Error()
	}
	return "channel: " + string(e.Refusal) + " (" + e.Detail + ")"
}

func (e *ChannelError) Unwrap() error { return e.Err }
