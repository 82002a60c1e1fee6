package commands

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"cercle/i18n"
)

// This file is the peers (members with the role « pair ») and the panels
// they sit on: facilitators name peers, peers declare their conflicts,
// and a day's panel is proposed, explained, and set.

// Panel action ids; the value of ActionProposePanel is the day id, that
// of ActionSetPanel "<day>:<user>,<user>…".
const (
	ActionProposePanel   = "bureau.panel.propose"
	ActionSetPanel       = "bureau.panel.set"
	ActionShowHearingDay = "bureau.day.show"
)

// loadWindow is how far back a peer's sittings count for the load.
const loadWindow = 365 * 24 * time.Hour

// peersList is /cercle bureau pairs: the peers, each with their company,
// sector, sittings over the last year and declared conflicts.
func (s *Service) peersList(ctx context.Context, c *Call) (*Response, error) {
	peers, err := s.store.FindPeers(ctx, s.now().Add(-loadWindow))
	if err != nil {
		return nil, err
	}
	r := &Response{Title: c.P.T("bureau.peers.title", len(peers))}
	if len(peers) == 0 {
		r.Sections = append(r.Sections, Paragraph(Text(c.P.T("bureau.peers.none")+" "), Code("/cercle bureau pair @membre")))
	}
	for _, p := range peers {
		sec := Paragraph(Mention(p.Member.UserID), Text(" · "+peerLine(p, c.P)))
		if len(p.Conflicts) > 0 {
			sec.Pairs = []Pair{{Label: c.P.T("bureau.peers.conflicts"), Value: strings.Join(p.Conflicts, ", ")}}
		}
		r.Sections = append(r.Sections, sec)
	}
	return r, nil
}

// peerLine is a peer's company, sector and load.
func peerLine(p *Peer, pr *i18n.Printer) string {
	company, sector := pr.T("bureau.peers.no_company"), pr.T("bureau.peers.no_sector")
	if c := p.Member.Company; c != nil {
		company = c.Name
		if c.Sector != "" {
			sector = c.Sector
		}
	}
	return pr.T("bureau.peers.line", company, sector, pr.Plural("bureau.peers.sittings", p.Sittings))
}

// setPeersCmd is /cercle bureau pair [retirer] @membre…: facilitators
// name peers, or take them off; one taken off loses at once the
// applications of the panels they sat on.
func (s *Service) setPeersCmd(ctx context.Context, c *Call, args []string) (*Response, error) {
	active := true
	if len(args) > 0 && slices.Contains([]string{"retirer", "remove"}, Fold(args[0])) {
		active, args = false, args[1:]
	}
	if len(args) == 0 {
		return nil, Errorf(EINVALID, "bureau.error.peer_usage")
	}
	var names []string
	for _, ref := range args {
		target, err := s.resolveMember(ctx, ref)
		if err != nil {
			return nil, err
		}
		if err := s.store.SetPeer(ctx, target.UserID, active, c.Member.UserID); err != nil {
			return nil, err
		}
		names = append(names, target.Name)
	}
	key := "bureau.peer.added"
	if !active {
		key = "bureau.peer.removed"
	}
	return textResponse(c.P.Plural(key, len(names), strings.Join(names, ", "))), nil
}

// conflictCmd is /cercle bureau conflit <entreprise>: a peer declares a
// conflict with a company, and never sits on its hearing.
func (s *Service) conflictCmd(ctx context.Context, c *Call, args []string) (*Response, error) {
	company := cleanLine(strings.Join(args, " "))
	if company == "" || len([]rune(company)) > maxCompanyName {
		return nil, Errorf(EINVALID, "bureau.error.conflict_usage")
	}
	if err := s.store.DeclareConflict(ctx, c.Member.UserID, company); err != nil {
		return nil, err
	}
	return textResponse(c.P.T("bureau.conflict.declared", company)), nil
}

// proposePanelAction shows the panel proposed for a day, explained, with
// a button to set it.
func (s *Service) proposePanelAction(ctx context.Context, m *Member, p *i18n.Printer, act *Action) (*Response, error) {
	d, err := s.visibleDay(ctx, m, act.Value)
	if err != nil {
		return nil, err
	}
	apps, err := s.store.FindApplications(ctx, ApplicationFilter{Day: d.ID, Statuses: []ApplicationStatus{ApplicationScheduled}})
	if err != nil {
		return nil, err
	}
	peers, err := s.store.FindPeers(ctx, s.now().Add(-loadWindow))
	if err != nil {
		return nil, err
	}
	prop := ProposePanel(peers, apps, DefaultPanelSize)
	r := &Response{Title: p.T("bureau.proposal.title", d.ID, p.Date(d.StartsAt))}
	r.Sections = append(r.Sections, Section{Note: true, Body: []Span{Text(p.T("bureau.proposal.rules", MinHearingPanel))}})
	if len(prop.Seats) == 0 {
		r.Sections = append(r.Sections, Paragraph(Text(p.T("bureau.proposal.none"))))
		return r, nil
	}
	byID := map[int64]*Application{}
	for _, a := range apps {
		byID[a.ID] = a
	}
	users := make([]string, len(prop.Seats))
	for i, seat := range prop.Seats {
		users[i] = string(seat.Peer.Member.UserID)
		r.Sections = append(r.Sections, seatSection(seat, len(apps), byID, p))
	}
	for _, id := range prop.Short {
		r.Sections = append(r.Sections, Paragraph(Text("⚠️ "+p.T("bureau.proposal.short", byID[id].Company, MinHearingPanel))))
	}
	r.Sections = append(r.Sections, Section{Buttons: []Button{{ActionID: ActionSetPanel, Style: ButtonPrimary,
		Value: fmt.Sprintf("%d:%s", d.ID, strings.Join(users, ",")), Label: p.T("bureau.button.set_panel")}}})
	return r, nil
}

// seatSection explains why a peer was chosen, and which hearings they sit
// out and why.
func seatSection(seat PanelSeat, total int, apps map[int64]*Application, p *i18n.Printer) Section {
	why := peerLine(seat.Peer, p) + " · " + p.T("bureau.proposal.hears", seat.Hears, total)
	if seat.NewSector {
		why += " · " + p.T("bureau.proposal.new_sector")
	}
	sec := Paragraph(Mention(seat.Peer.Member.UserID), Text(" · "+why))
	ids := make([]int64, 0, len(seat.Recused))
	for id := range seat.Recused {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		sec.Pairs = append(sec.Pairs, Pair{Label: p.T("bureau.proposal.sits_out", apps[id].Company),
			Value: p.T("bureau.recusal." + string(seat.Recused[id]))})
	}
	return sec
}

// setPanelAction sets the panel a proposal gave. Its value is untrusted:
// the store refuses anyone who is not a peer.
func (s *Service) setPanelAction(ctx context.Context, m *Member, p *i18n.Printer, act *Action) (*Response, error) {
	rawDay, rawUsers, _ := strings.Cut(act.Value, ":")
	var panel []UserID
	for _, u := range strings.Split(rawUsers, ",") {
		if id, ok := ParseMention(u); ok {
			panel = append(panel, id)
		}
	}
	return s.setPanel(ctx, m, p, rawDay, panel)
}

// panelCmd is /cercle bureau panel <séance> @pair…: the panel set by
// hand.
func (s *Service) panelCmd(ctx context.Context, c *Call, args []string) (*Response, error) {
	if len(args) < 2 {
		return nil, Errorf(EINVALID, "bureau.error.panel_usage")
	}
	var panel []UserID
	for _, ref := range args[1:] {
		target, err := s.resolveMember(ctx, ref)
		if err != nil {
			return nil, err
		}
		panel = append(panel, target.UserID)
	}
	return s.setPanel(ctx, c.Member, c.P, args[0], panel)
}

// setPanel replaces a day's panel and invites its new panelists, with the
// day in their calendar; the briefs follow the day before.
func (s *Service) setPanel(ctx context.Context, m *Member, p *i18n.Printer, dayRef string, panel []UserID) (*Response, error) {
	d, err := s.visibleDay(ctx, m, dayRef)
	if err != nil {
		return nil, err
	}
	if len(panel) == 0 {
		return nil, Errorf(EINVALID, "bureau.error.panel_usage")
	}
	if d.Cancelled() {
		return nil, Errorf(ECONFLICT, "bureau.error.day_cancelled", d.ID)
	}
	if err := s.store.SetPanel(ctx, d.ID, panel, m.UserID); err != nil {
		return nil, err
	}
	var newcomers []UserID
	for _, u := range panel {
		if !d.OnPanel(u) {
			newcomers = append(newcomers, u)
		}
	}
	if d, err = s.store.FindHearingDay(ctx, d.ID); err != nil {
		return nil, err
	}
	var msgs []*OutboxMessage
	for _, u := range newcomers {
		msgs = append(msgs, s.panelInvitation(ctx, d, u)) // naming the panel as it now is
	}
	if _, err := s.store.EnqueueMessages(ctx, msgs); err != nil {
		return nil, err
	}
	s.wake()
	return s.hearingDayView(ctx, m, p, d)
}

// panelInvitation tells a new panelist they sit on a day, with its .ics.
func (s *Service) panelInvitation(ctx context.Context, d *HearingDay, to UserID) *OutboxMessage {
	p := s.Printer(ctx, User{ID: to})
	msg := &OutboxMessage{DedupeKey: fmt.Sprintf("bureau:day:%d:panel", d.ID), To: Recipient{User: to}}
	msg.Message.Sections = []Section{Paragraph(Text(p.T("bureau.panel.invited", p.DateTime(d.StartsAt)))), dayHeader(d, p)}
	if f := s.dayInvitation(d, p); f != nil {
		msg.Message.Files = []File{*f}
	}
	return msg
}

// dayInvitation is a panelist's .ics for the whole day, or its
// cancellation.
func (s *Service) dayInvitation(d *HearingDay, p *i18n.Printer) *File {
	if s.calendar == nil {
		return nil
	}
	where := d.Place
	if where == "" {
		where = d.VideoURL
	}
	entry := CalendarEntry{UID: fmt.Sprintf("bureau-day-%d@cercle", d.ID), Title: p.T("bureau.calendar.day"),
		Location: where, URL: d.VideoURL, Start: d.StartsAt, End: d.EndsAt(), Description: p.T("bureau.calendar.day.description"),
		Cancelled: d.Cancelled()}
	b, err := s.calendar.Invitation(entry)
	if err != nil {
		return nil
	}
	return &File{Name: "bureau-des-pairs-" + strconv.FormatInt(d.ID, 10) + ".ics", Title: entry.Title, Content: b}
}
