package commands

import (
	"context"
	"encoding/json"
	"time"

	"cercle/i18n"
)

// Answerer is a language model that answers a member's question in plain
// words, asking the core through read-only tools: the assistant package
// over an OpenAI-compatible server. It never acts: an action is only
// proposed (a propose_* tool), and runs when the member clicks.
type Answerer interface {
	Answer(ctx context.Context, q *Question) (*Answer, error)
}

// Question is what the model is given: the thread's earlier turns, the
// member's words, and the tools it may call, each run as that member.
type Question struct {
	Lang    i18n.Lang
	History []Turn // oldest first, already cut to the token budget
	Text    string // untrusted: the member's words
	Tools   []ToolSpec
	// Call runs a tool as the asking member and returns its JSON result,
	// or an error the model is told (an unknown tool, bad arguments).
	Call func(ctx context.Context, name string, args json.RawMessage) (json.RawMessage, error)
	// Stream, when set, receives the answer's text as it is written.
	Stream func(delta string)
	// MaxToolCalls bounds the tool calls of one answer.
	MaxToolCalls int
}

// Turn is one message of an assistant conversation.
type Turn struct {
	Role string `json:"role"` // "user" or "assistant"
	Text string `json:"text"`
}

// ToolSpec describes a tool to the model: its name, what it does, and its
// arguments as a JSON Schema object.
type ToolSpec struct {
	Name        string
	Description string
	Parameters  json.RawMessage
}

// Answer is the model's reply: untrusted text the core cleans before it
// is shown, and what it cost.
type Answer struct {
	Text             string
	Model            string
	PromptTokens     int
	CompletionTokens int
	ToolCalls        int
}

// ErrToolsUnsupported is returned (wrapped) by an Answerer whose server
// refuses tools: the core then answers without a model.
var ErrToolsUnsupported = Errorf(EUNAVAILABLE, "ask.error.tools_unsupported")

// ThreadRef names a conversation with the bot: a DM or channel, and the
// thread's parent message (empty for a DM outside any thread).
type ThreadRef struct {
	Channel ChannelID
	TS      string
}

// AskStore keeps assistant conversations, their Slack context and the
// actions proposed to members.
type AskStore interface {
	// ThreadTurns returns a member's last turns in a thread, oldest
	// first, at most limit: never another member's, though a channel
	// thread is shared.
	ThreadTurns(ctx context.Context, t ThreadRef, user UserID, limit int) ([]Turn, error)
	// AddTurns appends turns to a thread.
	AddTurns(ctx context.Context, t ThreadRef, user UserID, turns ...Turn) error
	// SaveThreadContext records the channel a member was looking at when
	// they opened an assistant thread (Slack's thread context).
	SaveThreadContext(ctx context.Context, t ThreadRef, user UserID, contextChannel ChannelID) error
	// ThreadContext returns it, or "" when none was recorded.
	ThreadContext(ctx context.Context, t ThreadRef) (ChannelID, error)
	// SaveProposal stores an action proposed to a member and sets its ID.
	SaveProposal(ctx context.Context, p *Proposal) error
	// TakeProposal marks a proposal made to user used and returns it;
	// ENOTFOUND if there is none for that user (another member's stays
	// untouched), ECONFLICT if already used.
	TakeProposal(ctx context.Context, id int64, user UserID) (*Proposal, error)
	// RecordAsk counts a question a member asked and the tokens its
	// answer cost, for the limits.
	RecordAsk(ctx context.Context, user UserID, tokens int, at time.Time) error
	// CountAsks returns how many questions the member asked since since,
	// and the tokens the whole network used since since.
	CountAsks(ctx context.Context, user UserID, since time.Time) (asks int, tokens int, err error)
}

// Proposal is an action the assistant offered a member: it runs only when
// that same member clicks, through the ordinary command path.
type Proposal struct {
	ID     int64
	User   UserID
	Action string // a command name, such as "inscrire"
	Args   []string
	// Summary is what the confirmation says the action will do.
	Summary   string
	CreatedAt time.Time
}
