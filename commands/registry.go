package commands

import (
	"context"
	"sort"
	"strings"

	"cercle/i18n"
)

// Command is one /cercle subcommand. Its catalog keys feed both /cercle
// aide and the usage shown when the command is typed wrong, so help can
// never drift from what the command accepts.
type Command struct {
	Name    string   // the French word members type, listed by /cercle aide
	Aliases []string // the English word and other spellings
	Usage   string   // catalog key: the syntax, such as "/cercle role @membre …"
	Summary string   // catalog key: one line for the command list
	Detail  string   // catalog key: the longer text of /cercle aide <name>
	// Allowed says who may run it; nil means every member.
	Allowed func(*Member) bool
	// Refusal is the catalog key of the answer to someone not allowed;
	// empty means the admins-only sentence.
	Refusal string
	Run     func(ctx context.Context, c *Call) (*Response, error)
}

// Call is a parsed request handed to a command: the member behind it, the
// arguments and the printer in their language.
type Call struct {
	*Request
	Member *Member
	Args   []string
	P      *i18n.Printer
}

// actionFunc handles a button press; formFunc handles a form submission.
type (
	actionFunc func(ctx context.Context, m *Member, p *i18n.Printer, a *Action) (*Response, error)
	formFunc   func(ctx context.Context, m *Member, p *i18n.Printer, sub *Submission) (*Response, error)
)

// ActionHandler is a button the core puts on messages, with who may press
// it. The check runs before Run for every press, so a forged or forwarded
// button is refused in one place.
type ActionHandler struct {
	ID      string
	Allowed func(*Member) bool // nil: every member
	Refusal string             // catalog key; empty: the admins-only sentence
	Run     actionFunc

	metricName string
}

// FormHandler is a form the core opens, with who may submit it.
type FormHandler struct {
	ID      string
	Allowed func(*Member) bool // nil: every member
	Refusal string
	Run     formFunc

	metricName string
}

// feature is one feature's entry points, listed next to its code: its
// commands, buttons and forms, each with who may use it.
type feature struct {
	commands []*Command
	actions  []*ActionHandler
	forms    []*FormHandler
}

// features lists every feature, in the order /cercle aide shows their
// commands.
func (s *Service) features() []feature {
	return []feature{
		s.accountFeature(),
		s.eventsFeature(),
		s.agendaFeature(),
		s.eventAdminFeature(),
		s.announceFeature(),
		s.attendeesFeature(),
		s.groupsFeature(),
		s.expertsFeature(),
		s.digestFeature(),
		s.expertRequestsFeature(),
		s.bureauFeature(),
		s.poolingFeature(),
		s.askFeature(),
		s.rolesFeature(),
	}
}

// install registers a feature's entry points; a name used twice is a
// programming error, caught at start.
func (s *Service) install(f feature) {
	if s.byName == nil {
		s.byName = map[string]*Command{}
		s.actions = map[string]*ActionHandler{}
		s.forms = map[string]*FormHandler{}
	}
	for _, c := range f.commands {
		for _, n := range append([]string{c.Name}, c.Aliases...) {
			if _, dup := s.byName[n]; dup {
				panic("commands: duplicate command name " + n)
			}
			s.byName[n] = c
		}
		s.commands = append(s.commands, c)
	}
	for _, a := range f.actions {
		if _, dup := s.actions[a.ID]; dup {
			panic("commands: duplicate action " + a.ID)
		}
		a.metricName = "action:" + a.ID
		s.actions[a.ID] = a
	}
	for _, fh := range f.forms {
		if _, dup := s.forms[fh.ID]; dup {
			panic("commands: duplicate form " + fh.ID)
		}
		fh.metricName = "form:" + fh.ID
		s.forms[fh.ID] = fh
	}
}

// Commands returns the registered commands in the order help lists them.
func (s *Service) Commands() []*Command { return s.commands }

func usageSection(p *i18n.Printer, c *Command) Section {
	return Section{Body: []Span{Text(p.T("help.usage") + " "), Code(p.T(c.Usage))}, Note: true}
}

// help lists the commands m may run, or details one of them.
func (s *Service) help(_ context.Context, c *Call) (*Response, error) {
	if len(c.Args) > 0 {
		name := strings.ToLower(strings.TrimPrefix(c.Args[0], "/cercle"))
		cmd := s.byName[name]
		if cmd == nil {
			return s.unknownCommand(c.Member, c.P, name), nil
		}
		sec := []Section{
			{Heading: c.P.T(cmd.Summary), Body: []Span{Text(c.P.T(cmd.Detail))}},
			usageSection(c.P, cmd),
		}
		if len(cmd.Aliases) > 0 {
			sec = append(sec, Section{Body: []Span{Text(c.P.T("help.aliases", strings.Join(cmd.Aliases, ", ")))}, Note: true})
		}
		return &Response{Title: "/cercle " + cmd.Name, Sections: sec}, nil
	}
	return s.commandList(c.Member, c.P), nil
}

func (s *Service) commandList(m *Member, p *i18n.Printer) *Response {
	return s.listCommands(m, p, func(cmd *Command) string { return p.T(cmd.Usage) })
}

// commandNames is the list as the Home tab shows it: each command by its
// name, its syntax left to /cercle aide, so the tab stays within Slack's
// size as commands come.
func (s *Service) commandNames(m *Member, p *i18n.Printer) *Response {
	return s.listCommands(m, p, func(cmd *Command) string { return "/cercle " + cmd.Name })
}

func (s *Service) listCommands(m *Member, p *i18n.Printer, label func(*Command) string) *Response {
	r := &Response{Title: p.T("help.title")}
	var pairs []Pair
	for _, cmd := range s.commands {
		if cmd.Allowed != nil && !cmd.Allowed(m) {
			continue
		}
		pairs = append(pairs, Pair{Label: label(cmd), Value: p.T(cmd.Summary)})
	}
	r.Sections = append(r.Sections,
		Section{Pairs: pairs},
		Section{Body: []Span{Text(p.T("help.more") + " "), Code(p.T("help.more.command"))}, Note: true},
	)
	return r
}

// unknownCommand answers a word that is no command: the closest command
// it could be, then the list.
func (s *Service) unknownCommand(m *Member, p *i18n.Printer, name string) *Response {
	r := s.commandList(m, p)
	r.Sections[0].Heading, r.Title = r.Title, ""
	lead := []Span{Text(p.T("help.unknown", truncate(name, 40)))}
	if guess := s.closest(m, name); guess != "" {
		lead = append(lead, Text(" "+p.T("help.did_you_mean")+" "), Code("/cercle "+guess), Text(p.T("help.did_you_mean.end")))
	}
	r.Sections = append([]Section{Paragraph(lead...)}, r.Sections...)
	return r
}

// closest returns the command name (or alias) nearest to name by edit
// distance, if it is near enough to be a typo.
func (s *Service) closest(m *Member, name string) string {
	best, bestDist := "", 3
	names := make([]string, 0, len(s.byName))
	for n := range s.byName {
		names = append(names, n)
	}
	sort.Strings(names) // ties resolve the same way every time
	for _, n := range names {
		if cmd := s.byName[n]; cmd.Allowed != nil && !cmd.Allowed(m) {
			continue
		}
		d := editDistance(name, n)
		if strings.HasPrefix(n, name) && len(name) >= 3 {
			d = min(d, 1)
		}
		if d < bestDist {
			best, bestDist = n, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// truncate shortens s to n runes for echoing untrusted input back.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
