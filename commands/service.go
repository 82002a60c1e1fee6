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
// Submit and Home; jobs call the scheduled methods; Run delivers the
// outbox and completes members' profiles in the background.
//
// The public methods return a Response, never an error: they turn errors
// into the French (or English) sentence the person reads, in one place for
// every transport, and log internal errors under the reference they show.
type Service struct {
	store     Store
	directory Directory
	notifier  Notifier
	calendar  Calendar
	charts    Charts
	channels  Channels
	summaries *summaryCache
	metrics   Metrics
	logger    *slog.Logger
	now       func() time.Time

	defaultLang     i18n.Lang
	zone            *time.Location
	announceChannel ChannelID
	offerPolicy     OfferPolicy
	reminderOffsets []time.Duration
	publicURL       string
	appURL          string
	resyncAfter     time.Duration
	retention       time.Duration
	digestAhead     time.Duration
	digestTime      time.Duration
	maxOpenRequests int
	autoRoute       bool
	bureau          BureauCriteria
	answerer        Answerer
	askLimits       AskLimits

	outbox   *Outbox
	profiles *profileSync

	commands []*Command
	byName   map[string]*Command
	actions  map[string]*ActionHandler
	forms    map[string]*FormHandler
	zones    sync.Map // time zone name → *time.Location
}

// Config is what a Service is built from: its dependencies, then the
// network's settings. Only Store is required; the zero value of every
// other field has a working default.
type Config struct {
	Store Store
	// Directory completes members' profiles (name, language, zone) from
	// the chat workspace; nil keeps the name the transport gave.
	Directory Directory
	// Notifier delivers the outbox and updates posted messages; nil
	// leaves messages queued.
	Notifier Notifier
	Calendar Calendar // nil: no .ics files
	Charts   Charts   // nil: no pictures
	// Channels creates working groups' channels and adds and removes
	// their members; nil keeps groups without a channel.
	Channels Channels
	// Summarizer writes the digest's group summaries with a language
	// model; nil (no API key) makes extractive summaries, labelled so.
	Summarizer Summarizer
	Metrics    Metrics // nil: nothing is measured
	Logger     *slog.Logger
	Now        func() time.Time

	// DefaultLang is the language of a member whose locale is unknown.
	DefaultLang i18n.Lang
	// Zone is the network's time zone, used for members without one.
	Zone *time.Location
	// AnnounceChannel, when set, is where /cercle annoncer posts instead
	// of a DM to every member.
	AnnounceChannel ChannelID
	// OfferWindow is how long a freed seat is held (24 hours by default,
	// less as the event nears).
	OfferWindow time.Duration
	// ReminderOffsets are how long before an event reminders go out.
	ReminderOffsets []time.Duration
	// PublicURL is the address the bot's HTTP server is reached at, for
	// calendar feed links; empty means feeds are not offered.
	PublicURL string
	// AppURL opens Cercle where members use it (Slack: the app's
	// app_redirect address), for calendar entries to link back to the
	// registration; empty means entries carry no link.
	AppURL string
	// ResyncAfter is how old a member's directory data may get before
	// their next contact refreshes it.
	ResyncAfter time.Duration
	// OutboxRate is the most messages per second the outbox sends.
	OutboxRate float64
	// MessageRetention is how long group channels' messages are kept to
	// be summarised (35 days by default).
	MessageRetention time.Duration
	// DigestAhead is how far ahead the digest lists events (30 days by
	// default).
	DigestAhead time.Duration
	// MaxOpenRequests is how many expert requests a member may have open
	// at once (3 by default).
	MaxOpenRequests int
	// Answerer answers plain questions with a model and tools; nil
	// answers them from the commands alone.
	Answerer Answerer
	// AskLimits bound what the model costs.
	AskLimits AskLimits
	// AutoRouteExperts routes each expert request to the best candidate
	// at once, instead of waiting for a facilitator's choice.
	AutoRouteExperts bool
	// BureauCriteria are the Bureau des pairs' eligibility criteria; a
	// zero criterion is the seed's (DefaultBureauCriteria).
	BureauCriteria BureauCriteria
	// DigestTime is when, after midnight on Monday (on the first, for a
	// monthly digest), digests are due: 8h30 by default.
	DigestTime time.Duration
}

// NewService returns a service with every feature registered.
func NewService(cfg Config) *Service {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.DefaultLang == "" {
		cfg.DefaultLang = i18n.French
	}
	if cfg.Zone == nil {
		cfg.Zone = i18n.Paris()
	}
	if cfg.OfferWindow <= 0 {
		cfg.OfferWindow = 24 * time.Hour
	}
	if cfg.ReminderOffsets == nil {
		cfg.ReminderOffsets = []time.Duration{7 * 24 * time.Hour, 24 * time.Hour}
	}
	if cfg.ResyncAfter <= 0 {
		cfg.ResyncAfter = 7 * 24 * time.Hour
	}
	if cfg.MessageRetention <= 0 {
		cfg.MessageRetention = 35 * 24 * time.Hour
	}
	if cfg.MaxOpenRequests <= 0 {
		cfg.MaxOpenRequests = defaultOpenAllowed
	}
	cfg.AskLimits = cfg.AskLimits.withDefaults()
	if cfg.DigestTime <= 0 {
		cfg.DigestTime = 8*time.Hour + 30*time.Minute
	}
	if cfg.DigestAhead <= 0 {
		cfg.DigestAhead = 30 * 24 * time.Hour
	}
	s := &Service{
		store: cfg.Store, directory: cfg.Directory, notifier: cfg.Notifier, calendar: cfg.Calendar, charts: cfg.Charts,
		metrics: cfg.Metrics, logger: cfg.Logger, now: cfg.Now,
		defaultLang: cfg.DefaultLang, zone: cfg.Zone, announceChannel: cfg.AnnounceChannel,
		offerPolicy: DefaultOfferPolicy(cfg.OfferWindow), reminderOffsets: cfg.ReminderOffsets,
		publicURL: cfg.PublicURL, appURL: cfg.AppURL, resyncAfter: cfg.ResyncAfter,
		channels: cfg.Channels, retention: cfg.MessageRetention, digestAhead: cfg.DigestAhead, digestTime: cfg.DigestTime,
		maxOpenRequests: cfg.MaxOpenRequests, autoRoute: cfg.AutoRouteExperts,
		answerer: cfg.Answerer, askLimits: cfg.AskLimits, bureau: cfg.BureauCriteria.withDefaults(),
	}
	s.summaries = newSummaryCache(cfg.Store, cfg.Summarizer, cfg.Logger.With("component", "summaries"), cfg.Now)
	s.outbox = newOutbox(cfg.Store, cfg.Notifier, s.renderNotice, cfg.Logger.With("component", "outbox"), cfg.Now)
	if cfg.OutboxRate > 0 {
		s.outbox.Rate = cfg.OutboxRate
	}
	s.profiles = newProfileSync(s)
	for _, f := range s.features() {
		s.install(f)
	}
	return s
}

// Outbox returns the service's outbox, for flushing it on demand (the
// console, one-shot jobs) and for its settings in tests.
func (s *Service) Outbox() *Outbox { return s.outbox }

// Run does the service's background work until ctx ends: it delivers the
// outbox and completes the profiles of members first seen without one.
// It returns once both have stopped.
func (s *Service) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	wg.Go(func() { s.profiles.run(ctx) })
	err := s.outbox.Run(ctx)
	wg.Wait()
	return err
}

// Handle runs a command typed by a person.
func (s *Service) Handle(ctx context.Context, req *Request) *Response {
	start := s.now()
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
			return s.Ask(ctx, req, ThreadRef{Channel: req.ChannelID}, nil)
		}
		name = "aide"
	}
	cmd := s.byName[name]
	if cmd == nil {
		if req.Kind != KindSlash {
			// Plain words to the bot: a question, not a mistyped command.
			return s.Ask(ctx, req, ThreadRef{Channel: req.ChannelID}, nil)
		}
		s.observe("unknown", "invalid", start)
		return s.unknownCommand(m, p, name)
	}
	var resp *Response
	if err = allow(m, cmd.Allowed, cmd.Refusal); err == nil {
		resp, err = cmd.Run(ctx, &Call{Request: req, Member: m, Args: args, P: p})
	}
	s.observe(cmd.Name, outcome(err), start)
	if err != nil {
		return s.errorResponse(ctx, p, err, cmd)
	}
	return resp
}

// Act runs what a button press asks for, if the member may press it: a
// forged or stale button is refused here, by its feature's table.
func (s *Service) Act(ctx context.Context, a *Action) *Response {
	start := s.now()
	m, err := s.member(ctx, a.User)
	if err != nil {
		return s.errorResponse(ctx, s.printer(nil), err, nil)
	}
	p := s.printer(m)
	h := s.actions[a.ID]
	if h == nil {
		s.observe("action:unknown", "invalid", start)
		return s.errorResponse(ctx, p, Errorf(EINVALID, "error.action.unknown"), nil)
	}
	var resp *Response
	if err = allow(m, h.Allowed, h.Refusal); err == nil {
		resp, err = h.Run(ctx, m, p, a)
	}
	s.observe(h.metricName, outcome(err), start)
	if err != nil {
		return s.errorResponse(ctx, p, err, nil)
	}
	return resp
}

// Submit takes a filled-in form, if the member may submit it. A response
// with FieldErrors sends the form back to the person.
func (s *Service) Submit(ctx context.Context, sub *Submission) *Response {
	start := s.now()
	m, err := s.member(ctx, sub.User)
	if err != nil {
		return s.errorResponse(ctx, s.printer(nil), err, nil)
	}
	p := s.printer(m)
	h := s.forms[sub.FormID]
	if h == nil {
		s.observe("form:unknown", "invalid", start)
		return s.errorResponse(ctx, p, Errorf(EINVALID, "error.form.unknown"), nil)
	}
	var resp *Response
	if err = allow(m, h.Allowed, h.Refusal); err == nil {
		resp, err = h.Run(ctx, m, p, sub)
	}
	s.observe(h.metricName, outcome(err), start)
	var fe FieldErrors
	if errors.As(err, &fe) {
		return &Response{FieldErrors: fe}
	}
	if err != nil {
		return s.errorResponse(ctx, p, err, nil)
	}
	return resp
}

// allow refuses m if allowed says no, with refusal (a catalog key; empty
// means the admins-only sentence).
func allow(m *Member, allowed func(*Member) bool, refusal string) error {
	if allowed == nil || allowed(m) {
		return nil
	}
	if refusal == "" {
		refusal = "error.forbidden.role"
	}
	return Errorf(EFORBIDDEN, refusal)
}

// HandleEventOnce runs handle unless the delivery id was already handled,
// so Slack's retries of one event act once. An event is recorded before
// it is handled: a crash in between loses that one event rather than
// risk answering twice.
func (s *Service) HandleEventOnce(ctx context.Context, eventID string, handle func()) error {
	if eventID != "" {
		first, err := s.store.MarkEventProcessed(ctx, eventID)
		if err != nil {
			return err
		}
		if !first {
			return nil
		}
	}
	handle()
	return nil
}

// Printer returns the printer for the person behind u, for transports that
// must word something themselves (such as "working on it…").
func (s *Service) Printer(ctx context.Context, u User) *i18n.Printer {
	m, err := s.store.FindMemberByUserID(ctx, u.ID)
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

// printer returns the printer for m's language and zone; nil m gets the
// network defaults.
func (s *Service) printer(m *Member) *i18n.Printer {
	if m == nil {
		return i18n.NewPrinter(s.defaultLang, s.zone)
	}
	lang := m.Lang
	if lang == "" {
		lang = s.defaultLang
	}
	return i18n.NewPrinter(lang, s.location(m.TimeZone))
}

func (s *Service) location(name string) *time.Location {
	if name == "" {
		return s.zone
	}
	if loc, ok := s.zones.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		loc = s.zone
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
	s.logger.ErrorContext(ctx, "internal error", "err_ref", ref, "err", err)
	return &Response{Sections: []Section{Paragraph(Text(p.T("error.internal", ref)))}}
}

func (s *Service) observe(command, outcome string, start time.Time) {
	if s.metrics != nil {
		s.metrics.CommandHandled(command, outcome, s.now().Sub(start))
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
	n, err := s.store.EnqueueMessages(ctx, msgs)
	if err == nil && n > 0 {
		s.wake()
	}
	return err
}

// wake tells the delivery worker that messages are waiting.
func (s *Service) wake() { s.outbox.Wake() }
