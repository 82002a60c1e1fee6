package commands

// UserID is a person's identifier in the chat workspace (a Slack user id
// such as U024BE7LH, or a name in the console). It is opaque to the core.
type UserID string

// ChannelID identifies a conversation in the chat workspace.
type ChannelID string

// RequestKind says how a request reached the bot.
type RequestKind int

const (
	// KindSlash is a /cercle slash command.
	KindSlash RequestKind = iota
	// KindMention is a message that mentions the bot in a channel.
	KindMention
	// KindDirectMessage is a message sent to the bot in a direct conversation.
	KindDirectMessage
)

// User is what a transport knows of the person behind a request before the
// core looks them up: enough to create the member on first contact even
// when the directory (Slack's users.info) cannot be reached.
type User struct {
	ID     UserID
	TeamID string
	// Name is the handle the transport saw (Slack's user_name), used until
	// the directory gives the real name.
	Name string
}

// Request is a command typed by a person, however it arrived.
type Request struct {
	Kind      RequestKind
	Text      string // raw, untrusted: everything after "/cercle"
	User      User
	ChannelID ChannelID
}

// Action is a button press (or a menu choice) on a message the bot sent.
type Action struct {
	ID        string // what the button does: one of the Action* constants
	Value     string // untrusted: a forged value must be checked like typed text
	User      User
	ChannelID ChannelID
}

// Submission is a filled-in Form coming back.
type Submission struct {
	FormID string
	State  string // Form.State, round-tripped untouched by the transport
	Values map[string]string
	User   User
}

// Response is what the bot shows a person. The core fills it with plain
// strings and structural marks; each transport renders (and escapes) it.
type Response struct {
	// Public posts the response in the channel for everyone; the default is
	// an ephemeral reply only the requester sees.
	Public bool
	// Replace replaces the message that carried the Action.
	Replace  bool
	Title    string
	Sections []Section
	// Form asks the transport to open a form (a Slack modal) instead of
	// showing a message.
	Form *Form
	// FieldErrors, set on the response to a Submission, sends the form back
	// with one message per field.
	FieldErrors FieldErrors
	// Files are attached to the message (an .ics invitation, a CSV export).
	Files []File
}

// File is a file attached to a message.
type File struct {
	Name    string // such as "pleniere-12.ics"
	Title   string
	Content []byte
}

// Section is one block of a response: an optional heading, a paragraph of
// spans, label/value pairs and buttons.
type Section struct {
	Heading string
	Body    []Span
	Pairs   []Pair
	Buttons []Button
	// Note marks secondary text (a Slack context block, small and grey).
	Note bool
}

// SpanKind says how a span of text is shown.
type SpanKind int

const (
	// SpanText is plain text: shown literally, escaped by the transport.
	SpanText SpanKind = iota
	// SpanBold is plain text shown in bold.
	SpanBold
	// SpanMention names a member; Slack shows it as a live @mention.
	SpanMention
	// SpanCode is plain text shown as code, such as a command to type.
	SpanCode
	// SpanLink is a link whose Target is the URL and Text the label.
	SpanLink
	// SpanChannel names a channel (Target its ChannelID, Text its name);
	// Slack shows it as a live #channel link.
	SpanChannel
)

// Span is a run of text inside a section.
type Span struct {
	Kind   SpanKind
	Text   string
	Target string // the UserID of a mention, the URL of a link
}

// Text returns a plain text span.
func Text(s string) Span { return Span{Kind: SpanText, Text: s} }

// Bold returns a bold text span.
func Bold(s string) Span { return Span{Kind: SpanBold, Text: s} }

// Code returns a span shown as code.
func Code(s string) Span { return Span{Kind: SpanCode, Text: s} }

// Mention returns a span naming a member.
func Mention(id UserID) Span { return Span{Kind: SpanMention, Target: string(id)} }

// Link returns a link span.
func Link(url, label string) Span { return Span{Kind: SpanLink, Target: url, Text: label} }

// ChannelLink returns a span naming a channel.
func ChannelLink(id ChannelID, name string) Span {
	return Span{Kind: SpanChannel, Target: string(id), Text: name}
}

// Paragraph is a section holding one paragraph.
func Paragraph(spans ...Span) Section { return Section{Body: spans} }

// Pair is a label and its value, such as "Entreprise : Acme".
type Pair struct{ Label, Value string }

// ButtonStyle colours a button.
type ButtonStyle int

const (
	ButtonDefault ButtonStyle = iota
	ButtonPrimary
	ButtonDanger
)

// Button is a button on a message. Pressing it comes back as an Action
// with the same ID and Value.
type Button struct {
	ActionID string
	Value    string
	Label    string
	Style    ButtonStyle
	// Confirm, when set, asks the person to confirm before the action runs.
	Confirm *Confirm
}

// Confirm is the question asked before a destructive button acts.
type Confirm struct{ Title, Text, Yes, No string }

// FieldKind is the kind of input a form field takes.
type FieldKind int

const (
	FieldText FieldKind = iota
	FieldLongText
	FieldNumber
	FieldSelect
	FieldDateTime   // a date and time: Slack's picker, typed text in the console
	FieldCheckboxes // several choices; the value is the chosen option values, one per line
	FieldChannel    // a channel of the workspace: Slack's picker gives its id, the console takes typed text
)

// Form is a set of fields to fill in: a Slack modal, or questions asked one
// by one in the console.
type Form struct {
	ID     string
	Title  string
	Submit string
	// State is opaque data the core needs back with the submission (Slack's
	// private_metadata, at most 3000 characters).
	State  string
	Fields []Field
}

// Field is one input of a form. Its ID is the key of the submitted value
// and of its error message.
type Field struct {
	ID          string
	Label       string
	Hint        string
	Placeholder string
	Value       string // initial value
	Kind        FieldKind
	Options     []Option
	Optional    bool
	MaxLength   int
}

// Option is one choice of a select field.
type Option struct{ Value, Label string }

// FieldErrors maps a Field.ID to the message shown under that field.
type FieldErrors map[string]string

// Error lists the fields in error so FieldErrors can travel as an error.
func (fe FieldErrors) Error() string {
	s := "invalid fields:"
	for id := range fe {
		s += " " + id
	}
	return s
}

// Profile is what the directory knows of a person.
type Profile struct {
	ID       UserID
	Name     string
	Locale   string // such as "fr-FR"; empty when unknown
	TimeZone string // IANA name such as "Europe/Paris"; empty when unknown
	Email    string // empty when unknown or not shared
	// IsBot and Deleted mark accounts that are not members of the network.
	IsBot   bool
	Deleted bool
}
