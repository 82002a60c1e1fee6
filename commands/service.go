package commands

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"cercle/i18n"
)

// Service runs every use case of Cercle. Transports call Handle, Act,
// Submit and Home; jobs call the scheduled methods. Every dependency is a
// field, so tests build one on a temporary database.
//
// The public methods return a Response, never an error: they turn errors
// into the French (or English) sentence the person reads, in one place for
// every transport, and log internal errors under the reference they show.
type Service struct {
	Store     Store
	Directory Directory // nil: members keep the name the transport gave
	Logger    *slog.Logger
	Metrics   Metrics  // nil: nothing is measured
	Calendar  Calendar // nil: no .ics files
	// Notifier updates messages already posted (announcement seat counts,
	// broadcast progress); nil leaves them as posted.
	Notifier Notifier
	// AnnounceChannel, when set, is where /cercle annoncer posts instead
	// of a DM to every member.
	AnnounceChannel ChannelID
	// OfferPolicy says how long a freed seat is held; nil means 24 hours,
	// less as the event nears.
	OfferPolicy OfferPolicy
	// ReminderOffsets are how long before an event reminders go out.
	ReminderOffsets []time.Duration
	// PublicURL is the address the bot's HTTP server is reached at, for
	// calendar feed links; empty means feeds are not offered.
	PublicURL string
	Now       func() time.Time
	// DefaultLang is the language of a member whose Slack locale is unknown.
	DefaultLang i18n.Lang
	// Zone is the network's time zone, used for members without one.
	Zone *time.Location
	// OnEnqueue is called after messages are added to the outbox, so a
	// worker can deliver them at once.
	OnEnqueue func()
	// DirectoryTimeout bounds a directory lookup on a person's first
	// contact, so a slow Slack cannot hold up the reply.
	DirectoryTimeout time.Duration
	// ResyncAfter is how old a member's directory data may get before the
	// next contact refreshes it.
	ResyncAfter time.Duration

	commands []*Command
	byName   map[string]*Command
	zones    sync.Map // time zone name → *time.Location
}

// NewService returns a service over store with every command registered.
func NewService(store Store, dir Directory, logger *slog.Logger) *Service {
	s := &Service{
		Store:            store,
		Directory:        dir,
		Logger:           logger,
		Now:              time.Now,
		DefaultLang:      i18n.French,
		Zone:             i18n.Paris(),
		DirectoryTimeout: 1500 * time.Millisecond,
		ResyncAfter:      7 * 24 * time.Hour,
		ReminderOffsets:  []time.Duration{7 * 24 * time.Hour, 24 * time.Hour},
	}
	s.addCommands(s.coreCommands()...)
	return s
}

// Handle runs a command typed by a person.
func (s *Service) Handle(ctx context.Context, req *Request) *Response {
	start := s.Now()
	m, err := s.member(ctx, req.User)
	if err != nil {
		return s.errorResponse(ctx, s.printer(nil), err, nil)
	}
	p := s.printer(m)
	name, args, err := ParseCommandLine(req.Text)
	if err != nil {
		return s.errorResponse(ctx, p, err, nil)
	}
	if name == "" {
		if req.Kind != KindSlash {
			return s.notUnderstood(p)
		}
		name = "aide"
	}
	cmd := s.byName[name]
	if cmd == nil {
		if req.Kind != KindSlash {
			return s.notUnderstood(p)
		}
		s.observe("unknown", "invalid", start)
		return s.unknownCommand(m, p, name)
	}
	call := &Call{Request: req, Member: m, Args: args, P: p}
	var resp *Response
	if cmd.Allowed != nil && !cmd.Allowed(m) {
		refusal := cmd.Refusal
		if refusal == "" {
			refusal = "error.forbidden.role"
		}
		err = Errorf(EFORBIDDEN, refusal)
	} else {
		resp, err = cmd.Run(ctx, call)
	}
	s.observe(cmd.Name, outcome(err), start)
	if err != nil {
		return s.errorResponse(ctx, p, err, cmd)
	}
	return resp
}

// Act runs what a button press asks for.
func (s *Service) Act(ctx context.Context, a *Action) *Response {
	start := s.Now()
	m, err := s.member(ctx, a.User)
	if err != nil {
		return s.errorResponse(ctx, s.printer(nil), err, nil)
	}
	p := s.printer(m)
	run := s.actions()[a.ID]
	if run == nil {
		s.observe("action:unknown", "invalid", start)
		return s.errorResponse(ctx, p, Errorf(EINVALID, "error.action.unknown"), nil)
	}
	resp, err := run(ctx, m, p, a)
	s.observe("action:"+a.ID, outcome(err), start)
	if err != nil {
		return s.errorResponse(ctx, p, err, nil)
	}
	return resp
}

// Submit takes a filled-in form. A response with FieldErrors sends the
// form back to the person.
func (s *Service) Submit(ctx context.Context, sub *Submission) *Response {
	start := s.Now()
	m, err := s.member(ctx, sub.User)
	if err != nil {
		return s.errorResponse(ctx, s.printer(nil), err, nil)
	}
	p := s.printer(m)
	run := s.forms()[sub.FormID]
	if run == nil {
		s.observe("form:unknown", "invalid", start)
		return s.errorResponse(ctx, p, Errorf(EINVALID, "error.form.unknown"), nil)
	}
	resp, err := run(ctx, m, p, sub)
	s.observe("form:"+sub.FormID, outcome(err), start)
	var fe FieldErrors
	if errors.As(err, &fe) {
		return &Response{FieldErrors: fe}
	}
	if err != nil {
		return s.errorResponse(ctx, p, err, nil)
	}
	return resp
}

// ErrEventRefused reports an event whose work could not start; it is not
// recorded as handled, so a later delivery is.
var ErrEventRefused = errors.New("event refused: no worker free")

// HandleEventOnce runs handle unless the delivery id was already handled,
// so Slack's retries of one event act once. When handle reports that it
// could not take the work, the id is forgotten again.
func (s *Service) HandleEventOnce(ctx context.Context, eventID string, handle func() bool) error {
	if eventID != "" {
		first, err := s.Store.MarkEventProcessed(ctx, eventID)
		if err != nil {
			return err
		}
		if !first {
			return nil
		}
	}
	if handle() {
		return nil
	}
	if eventID != "" {
		if err := s.Store.ForgetEvent(ctx, eventID); err != nil {
			return err
		}
	}
	return ErrEventRefused
}

// Printer returns the printer for the person behind u, for transports that
// must word something themselves (such as "working on it…").
func (s *Service) Printer(ctx context.Context, u User) *i18n.Printer {
	m, err := s.Store.FindMemberByUserID(ctx, u.ID)
	if err != nil {
		return s.printer(nil)
	}
	return s.printer(m)
}

// ErrorResponse turns an error met by a transport into what the person
// reads, the same way the service's own errors are.
func (s *Service) ErrorResponse(ctx context.Context, u User, err error) *Response {
	return s.errorResponse(ctx, s.Printer(ctx, u), err, nil)
}

// member returns the member behind u, creating it on first contact. The
// directory fills in the real name, language and time zone when it
// answers in time; when it does not, the member is created from what the
// transport knows and completed on a later contact.
func (s *Service) member(ctx context.Context, u User) (*Member, error) {
	if u.ID == "" {
		return nil, Errorf(EINVALID, "error.user.unknown")
	}
	m, err := s.Store.FindMemberByUserID(ctx, u.ID)
	switch {
	case err == nil:
		if s.Directory != nil && s.Now().Sub(m.SyncedAt) > s.ResyncAfter {
			s.resync(ctx, m)
		}
		return m, nil
	case ErrorCode(err) != ENOTFOUND:
		return nil, err
	}
	m = &Member{UserID: u.ID, Name: cleanLine(u.Name), Role: RoleMember, Lang: s.DefaultLang}
	if m.Name == "" {
		m.Name = string(u.ID)
	}
	if prof := s.lookup(ctx, u.ID); prof != nil {
		applyProfile(m, prof, s.Now())
	}
	switch err := s.Store.CreateMember(ctx, m); {
	case ErrorCode(err) == ECONFLICT:
		// Created meanwhile by a concurrent request from the same person.
		return s.Store.FindMemberByUserID(ctx, u.ID)
	case err != nil:
		return nil, err
	}
	return m, nil
}

func (s *Service) lookup(ctx context.Context, id UserID) *Profile {
	if s.Directory == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, s.DirectoryTimeout)
	defer cancel()
	prof, err := s.Directory.LookupUser(ctx, id)
	if err != nil {
		s.Logger.Warn("directory lookup failed; member kept as is", "slack_user", id, "err", err)
		return nil
	}
	return prof
}

func (s *Service) resync(ctx context.Context, m *Member) {
	prof := s.lookup(ctx, m.UserID)
	if prof == nil {
		return
	}
	firstSync, chosen := m.SyncedAt.IsZero(), m.Lang
	applyProfile(m, prof, s.Now())
	upd := MemberUpdate{Name: &m.Name, TimeZone: &m.TimeZone, SyncedAt: &m.SyncedAt}
	switch {
	case m.LangChosen:
		m.Lang = chosen
	case firstSync:
		upd.Lang = &m.Lang
	}
	if _, err := s.Store.UpdateMember(ctx, m.UserID, upd); err != nil {
		s.Logger.Warn("member resync not saved", "slack_user", m.UserID, "err", err)
	}
}

func applyProfile(m *Member, p *Profile, now time.Time) {
	if name := cleanLine(p.Name); name != "" {
		m.Name = name
	}
	if p.TimeZone != "" {
		m.TimeZone = p.TimeZone
	}
	if p.Locale != "" {
		m.Lang = i18n.ParseLang(p.Locale)
	}
	m.SyncedAt = now
}

// printer returns the printer for m's language and zone; nil m gets the
// network defaults.
func (s *Service) printer(m *Member) *i18n.Printer {
	if m == nil {
		return i18n.NewPrinter(s.DefaultLang, s.Zone)
	}
	lang := m.Lang
	if lang == "" {
		lang = s.DefaultLang
	}
	return i18n.NewPrinter(lang, s.location(m.TimeZone))
}

func (s *Service) location(name string) *time.Location {
	if name == "" {
		return s.Zone
	}
	if loc, ok := s.zones.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		loc = s.Zone
	}
	s.zones.Store(name, loc)
	return loc
}

// errorResponse words err for the person. Internal errors show only a
// reference, which is logged with the full error.
func (s *Service) errorResponse(ctx context.Context, p *i18n.Printer, err error, cmd *Command) *Response {
	var (
		e  *Error
		fe FieldErrors
	)
	switch {
	case errors.As(err, &e) && e.Code != EINTERNAL:
		sections := []Section{Paragraph(Text(p.T(e.Key, e.Args...)))}
		if e.Code == EINVALID && cmd != nil {
			sections = append(sections, usageSection(p, cmd))
		}
		return &Response{Sections: sections}
	case errors.As(err, &fe):
		return &Response{FieldErrors: fe}
	}
	ref := newErrorRef()
	s.Logger.ErrorContext(ctx, "internal error", "err_ref", ref, "err", err)
	return &Response{Sections: []Section{Paragraph(Text(p.T("error.internal", ref)))}}
}

func (s *Service) notUnderstood(p *i18n.Printer) *Response {
	return &Response{Sections: []Section{Paragraph(
		Text(p.T("chat.not_understood")+" "), Code("/cercle aide"),
	)}}
}

func (s *Service) observe(command, outcome string, start time.Time) {
	if s.Metrics != nil {
		s.Metrics.CommandHandled(command, outcome, s.Now().Sub(start))
	}
}

// outcome names the result of a command for metrics.
func outcome(err error) string {
	if err == nil {
		return "ok"
	}
	var fe FieldErrors
	if errors.As(err, &fe) {
		return EINVALID
	}
	return ErrorCode(err)
}

// enqueue stores outgoing messages and wakes the delivery worker.
func (s *Service) enqueue(ctx context.Context, msgs ...*OutboxMessage) error {
	n, err := s.Store.EnqueueMessages(ctx, msgs)
	if err == nil && n > 0 {
		s.wake()
	}
	return err
}

// wake tells the delivery worker that messages are waiting.
func (s *Service) wake() {
	if s.OnEnqueue != nil {
		s.OnEnqueue()
	}
}
