package commands

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"time"

	"cercle/i18n"
)

// Event action and form ids.
const (
	ActionRegister     = "event.register"
	ActionDetails      = "event.details"
	ActionCancel       = "event.cancel"
	ActionAddCalendar  = "event.calendar"
	ActionAcceptOffer  = "offer.accept"
	ActionDeclineOffer = "offer.decline"

	FormEvent    = "event"
	FormRollCall = "rollcall"

	fieldRollCall = "attended"
)

// eventKindName names a kind in the member's language.
func eventKindName(p *i18n.Printer, k EventKind) string { return p.T("event.kind." + string(k)) }

// upcoming lists the published events still to come.
func (s *Service) upcoming(ctx context.Context, c *Call) (*Response, error) {
	evs, err := s.Store.FindEvents(ctx, EventFilter{Statuses: []EventStatus{EventPublished}, EndsAfter: s.Now(), Limit: 20})
	if err != nil {
		return nil, err
	}
	p := c.P
	if len(evs) == 0 {
		return textResponse(p.T("events.none")), nil
	}
	r := &Response{Title: p.T("events.title")}
	for _, ev := range evs {
		r.Sections = append(r.Sections, eventSection(ev, p, true))
	}
	return r, nil
}

// eventSection shows one event with its buttons.
func eventSection(ev *Event, p *i18n.Printer, buttons bool) Section {
	sec := Section{
		Heading: fmt.Sprintf("#%d · %s", ev.ID, ev.Title),
		Body:    []Span{Text(eventKindName(p, ev.Kind) + " · " + p.DateTime(ev.Start))},
		Pairs:   []Pair{{Label: p.T("event.field.place"), Value: ev.Place}, {Label: p.T("event.seats"), Value: seatsText(ev, p)}},
	}
	if buttons {
		id := strconv.FormatInt(ev.ID, 10)
		label := p.T("event.button.register")
		if ev.SeatsLeft() == 0 || ev.Waitlisted > 0 {
			label = p.T("event.button.waitlist")
		}
		sec.Buttons = []Button{
			{ActionID: ActionRegister, Value: id, Label: label, Style: ButtonPrimary},
			{ActionID: ActionDetails, Value: id, Label: p.T("event.button.details")},
			{ActionID: ActionAddCalendar, Value: id, Label: p.T("event.button.calendar")},
		}
	}
	return sec
}

func seatsText(ev *Event, p *i18n.Printer) string {
	if left := ev.SeatsLeft(); left > 0 {
		return p.Plural("event.seats_left", left, ev.Capacity)
	}
	if ev.Waitlisted == 0 {
		return p.T("event.full_no_line")
	}
	return p.Plural("event.full", ev.Waitlisted)
}

// eventID reads the one event number a command takes.
func eventID(c *Call) (int64, error) {
	if len(c.Args) != 1 {
		return 0, Errorf(EINVALID, "event.error.need_id")
	}
	return parseEventID(c.Args[0])
}

// eventArg returns the event whose number the command takes.
func (s *Service) eventArg(ctx context.Context, c *Call) (*Event, error) {
	id, err := eventID(c)
	if err != nil {
		return nil, err
	}
	return s.findEvent(ctx, id)
}

func (s *Service) registerCmd(ctx context.Context, c *Call) (*Response, error) {
	id, err := eventID(c)
	if err != nil {
		return nil, err
	}
	return s.register(ctx, c.Member, c.P, id)
}

func (s *Service) cancelCmd(ctx context.Context, c *Call) (*Response, error) {
	id, err := eventID(c)
	if err != nil {
		return nil, err
	}
	return s.cancel(ctx, c.Member, c.P, id)
}

// agenda lists the member's registrations to come, or manages their
// calendar feed link.
func (s *Service) agenda(ctx context.Context, c *Call) (*Response, error) {
	switch {
	case len(c.Args) == 1 && (c.Args[0] == "lien" || c.Args[0] == "link"):
		return s.agendaLink(ctx, c, false)
	case len(c.Args) == 1 && (c.Args[0] == "nouveau-lien" || c.Args[0] == "new-link"):
		return s.agendaLink(ctx, c, true)
	case len(c.Args) > 0:
		return nil, Errorf(EINVALID, "agenda.error.usage")
	}
	regs, err := s.Store.FindRegistrations(ctx, RegistrationFilter{UserID: c.Member.UserID})
	if err != nil {
		return nil, err
	}
	p, now := c.P, s.Now()
	r := &Response{Title: p.T("agenda.title")}
	for _, reg := range regs {
		if !reg.Event.End.After(now) || reg.Event.Status == EventDraft {
			continue
		}
		r.Sections = append(r.Sections, agendaSection(reg, p))
	}
	if len(r.Sections) == 0 {
		return textResponse(p.T("agenda.none")), nil
	}
	return r, nil
}

func agendaSection(reg *Registration, p *i18n.Printer) Section {
	ev := reg.Event
	sec := Section{
		Heading: fmt.Sprintf("#%d · %s", ev.ID, ev.Title),
		Body:    []Span{Text(p.DateTime(ev.Start) + " · "), Bold(registrationState(reg, p))},
	}
	id := strconv.FormatInt(ev.ID, 10)
	switch {
	case ev.Status == EventCancelled:
	case reg.Status == RegOffered:
		v := strconv.FormatInt(reg.ID, 10)
		sec.Buttons = []Button{
			{ActionID: ActionAcceptOffer, Value: v, Label: p.T("offer.accept"), Style: ButtonPrimary},
			{ActionID: ActionDeclineOffer, Value: v, Label: p.T("offer.decline")},
		}
	case reg.Status.active():
		sec.Buttons = []Button{
			{ActionID: ActionAddCalendar, Value: id, Label: p.T("event.button.calendar")},
			{ActionID: ActionCancel, Value: id, Label: p.T("event.button.cancel"), Style: ButtonDanger,
				Confirm: &Confirm{Title: p.T("cancel.confirm_title"), Text: p.T("cancel.confirm_text", ev.Title), Yes: p.T("event.button.cancel"), No: p.T("button.back")}},
		}
	}
	return sec
}

// registrationState words where a member stands.
func registrationState(reg *Registration, p *i18n.Printer) string {
	switch {
	case reg.Event.Status == EventCancelled:
		return p.T("state.event_cancelled")
	case reg.Status == RegWaitlisted:
		return p.T("state.waitlisted", reg.Position)
	case reg.Status == RegOffered:
		return p.T("state.offered", p.DateTime(reg.OfferExpiresAt))
	case reg.Status == RegCancelled && reg.Late:
		return p.T("state.cancelled_late")
	}
	return p.T("state." + string(reg.Status))
}

// eventCmd runs the facilitator's event subcommands.
func (s *Service) eventCmd(ctx context.Context, c *Call) (*Response, error) {
	if len(c.Args) == 0 {
		return nil, Errorf(EINVALID, "event.error.usage")
	}
	verb, rest := strings.ToLower(c.Args[0]), c.Args[1:]
	if verb == "nouveau" || verb == "new" || verb == "creer" || verb == "créer" {
		if len(rest) > 0 {
			return nil, Errorf(EINVALID, "event.error.usage")
		}
		return &Response{Form: s.eventForm(nil, c.P)}, nil
	}
	if len(rest) != 1 {
		return nil, Errorf(EINVALID, "event.error.usage")
	}
	id, err := parseEventID(rest[0])
	if err != nil {
		return nil, err
	}
	ev, err := s.findEvent(ctx, id)
	if err != nil {
		return nil, err
	}
	switch verb {
	case "modifier", "edit":
		if ev.Status == EventCancelled {
			return nil, Errorf(ECONFLICT, "event.error.cancelled")
		}
		return &Response{Form: s.eventForm(ev, c.P)}, nil
	case "publier", "publish":
		if ev.Status == EventCancelled {
			return nil, Errorf(ECONFLICT, "event.error.cancelled")
		}
		if ev.Status != EventDraft {
			return nil, Errorf(ECONFLICT, "event.error.not_draft")
		}
		if !ev.Start.After(s.Now()) {
			return nil, Errorf(ECONFLICT, "event.error.started")
		}
		if _, err := s.Store.SetEventStatus(ctx, id, []EventStatus{EventDraft}, EventPublished, nil); err != nil {
			return nil, err
		}
		return textResponse(c.P.T("event.published", ev.Title, id)), nil
	case "annuler", "cancel":
		return s.cancelEvent(ctx, c, ev)
	}
	return nil, Errorf(EINVALID, "event.error.usage")
}

// findEvent returns an event, wording "not found" with its number.
func (s *Service) findEvent(ctx context.Context, id int64) (*Event, error) {
	ev, err := s.Store.FindEventByID(ctx, id)
	if ErrorCode(err) == ENOTFOUND {
		return nil, Errorf(ENOTFOUND, "event.error.not_found", id)
	}
	return ev, err
}

// cancelEvent cancels an event and tells everyone registered, with a
// calendar cancellation, in the same transaction.
func (s *Service) cancelEvent(ctx context.Context, c *Call, ev *Event) (*Response, error) {
	if ev.Status == EventCancelled {
		return nil, Errorf(ECONFLICT, "event.error.cancelled")
	}
	told := 0
	notify := func(cancelled *Event, regs []*Registration) []*OutboxMessage {
		var msgs []*OutboxMessage
		for _, reg := range regs {
			p := s.Printer(ctx, User{ID: reg.UserID})
			msg := Response{Title: p.T("event.cancelled.title"), Sections: []Section{Paragraph(Text(p.T("event.cancelled.text", ev.Title, p.DateTime(ev.Start))))}}
			if reg.Status == RegRegistered {
				if f := s.invitation(cancelled, true); f != nil {
					msg.Files = []File{*f}
				}
			}
			msgs = append(msgs, &OutboxMessage{DedupeKey: fmt.Sprintf("event-cancelled:%d:%s", ev.ID, reg.UserID), To: Recipient{User: reg.UserID}, Message: msg})
		}
		told = len(msgs)
		return msgs
	}
	if _, err := s.Store.SetEventStatus(ctx, ev.ID, []EventStatus{EventDraft, EventPublished}, EventCancelled, notify); err != nil {
		return nil, err
	}
	if told > 0 {
		s.wake()
	}
	return textResponse(c.P.Plural("event.cancelled.done", told, ev.Title)), nil
}

// eventForm is the form to create (ev nil) or edit an event.
func (s *Service) eventForm(ev *Event, p *i18n.Printer) *Form {
	f := &Form{ID: FormEvent, Title: p.T("event.form.new"), Submit: p.T("event.form.submit")}
	unix := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return strconv.FormatInt(t.Unix(), 10)
	}
	v := &Event{Kind: KindPlenary}
	cutoff := strconv.Itoa(int(defaultCutoff.Hours()))
	if ev != nil {
		f.Title, f.State, v = p.T("event.form.edit"), strconv.FormatInt(ev.ID, 10), ev
		cutoff = strconv.Itoa(ev.cutoffHours())
	}
	capacity := ""
	if v.Capacity > 0 {
		capacity = strconv.Itoa(v.Capacity)
	}
	kinds := []Option{}
	for _, k := range []EventKind{KindPlenary, KindTraining, KindVisit} {
		kinds = append(kinds, Option{Value: string(k), Label: eventKindName(p, k)})
	}
	f.Fields = []Field{
		{ID: fieldEventTitle, Label: p.T("event.field.title"), Value: v.Title, MaxLength: maxEventTitle},
		{ID: fieldEventKind, Label: p.T("event.field.kind"), Value: string(v.Kind), Kind: FieldSelect, Options: kinds},
		{ID: fieldEventDescription, Label: p.T("event.field.description"), Value: v.Description, Kind: FieldLongText, Optional: true, MaxLength: maxEventDescription},
		{ID: fieldEventPlace, Label: p.T("event.field.place"), Hint: p.T("event.field.place.hint"), Value: v.Place, MaxLength: maxEventPlace},
		{ID: fieldEventStart, Label: p.T("event.field.start"), Hint: p.T("event.field.date.hint"), Value: unix(v.Start), Kind: FieldDateTime},
		{ID: fieldEventEnd, Label: p.T("event.field.end"), Hint: p.T("event.field.date.hint"), Value: unix(v.End), Kind: FieldDateTime},
		{ID: fieldEventCapacity, Label: p.T("event.field.capacity"), Value: capacity, Kind: FieldNumber},
		{ID: fieldEventDeadline, Label: p.T("event.field.deadline"), Hint: p.T("event.field.deadline.hint"), Value: unix(v.Deadline), Kind: FieldDateTime, Optional: true},
		{ID: fieldEventCutoff, Label: p.T("event.field.cutoff"), Hint: p.T("event.field.cutoff.hint"), Value: cutoff, Kind: FieldNumber, Optional: true},
	}
	return f
}

// submitEvent creates or updates an event from its form.
func (s *Service) submitEvent(ctx context.Context, m *Member, p *i18n.Printer, sub *Submission) (*Response, error) {
	if !m.IsFacilitator() {
		return nil, Errorf(EFORBIDDEN, "error.forbidden.facilitator")
	}
	ev, fe := ParseEvent(sub.Values, s.Now(), p.Location(), p)
	if fe != nil {
		return nil, fe
	}
	if sub.State == "" {
		ev.CreatedBy = m.UserID
		if err := s.Store.CreateEvent(ctx, ev); err != nil {
			return nil, err
		}
		return &Response{Title: p.T("event.created.title"), Sections: []Section{
			eventSection(ev, p, false),
			Paragraph(Text(p.T("event.created.next")+" "), Code(fmt.Sprintf("/cercle evenement publier %d", ev.ID))),
		}}, nil
	}
	id, err := parseEventID(sub.State)
	if err != nil {
		return nil, err
	}
	old, err := s.findEvent(ctx, id)
	if err != nil {
		return nil, err
	}
	if old.Status == EventCancelled {
		return nil, Errorf(ECONFLICT, "event.error.cancelled")
	}
	taken := old.Registered + old.Offered
	if ev.Capacity < taken {
		return nil, FieldErrors{fieldEventCapacity: p.T("event.error.capacity_below", taken)}
	}
	updated, offers, err := s.Store.UpdateEvent(ctx, id, ev, s.Now(), s.offerPolicy(), s.changeNotice(ctx))
	if err != nil {
		return nil, err
	}
	if err := s.afterChange(ctx, offers); err != nil {
		return nil, err
	}
	return &Response{Title: p.T("event.updated.title"), Sections: []Section{eventSection(updated, p, false)}}, nil
}

// changeNotice tells confirmed registrants what changed, with an updated
// .ics (its SEQUENCE raised).
func (s *Service) changeNotice(ctx context.Context) EventNotice {
	return func(ev *Event, regs []*Registration) []*OutboxMessage {
		var msgs []*OutboxMessage
		for _, reg := range regs {
			p := s.Printer(ctx, User{ID: reg.UserID})
			msg := Response{Title: p.T("event.changed.title"), Sections: []Section{
				Paragraph(Text(p.T("event.changed.text", ev.Title))), eventSection(ev, p, false), calendarLinks(ev, p)}}
			if f := s.invitation(ev, false); f != nil {
				msg.Files = []File{*f}
			}
			msgs = append(msgs, &OutboxMessage{DedupeKey: fmt.Sprintf("event-changed:%d:%d:%s", ev.ID, ev.Sequence, reg.UserID),
				To: Recipient{User: reg.UserID}, Message: msg})
		}
		return msgs
	}
}

// announce sends a published event to every member by DM, with its buttons.
func (s *Service) announce(ctx context.Context, c *Call) (*Response, error) {
	ev, err := s.eventArg(ctx, c)
	if err != nil {
		return nil, err
	}
	if ev.Status != EventPublished {
		return nil, Errorf(ECONFLICT, "announce.error.not_published")
	}
	if !ev.Start.After(s.Now()) {
		return nil, Errorf(ECONFLICT, "event.error.started")
	}
	if s.AnnounceChannel != "" {
		p := s.printer(nil)
		err := s.enqueue(ctx, &OutboxMessage{
			DedupeKey: fmt.Sprintf("announce-channel:%d:%s", ev.ID, s.AnnounceChannel),
			To:        Recipient{Channel: s.AnnounceChannel},
			Track:     fmt.Sprintf("announce:%d", ev.ID),
			Message:   s.announcement(ev, p),
		})
		if err != nil {
			return nil, err
		}
		return textResponse(c.P.T("announce.channel", ev.Title)), nil
	}
	members, err := s.Store.ListMembers(ctx)
	if err != nil {
		return nil, err
	}
	// First the facilitator's progress DM, which the due scan keeps
	// current until the broadcast is done; then one DM per member.
	msgs := make([]*OutboxMessage, 0, len(members)+1)
	msgs = append(msgs, &OutboxMessage{
		DedupeKey: fmt.Sprintf("progress:%d:%s", ev.ID, c.Member.UserID),
		To:        Recipient{User: c.Member.UserID},
		Track:     fmt.Sprintf("progress:%d:%s", ev.ID, c.Member.UserID),
		Message:   *textResponse(c.P.T("announce.progress", ev.Title, 0, len(members))),
	})
	for _, m := range members {
		p := s.printer(m)
		msgs = append(msgs, &OutboxMessage{
			DedupeKey: fmt.Sprintf("announce:%d:%s", ev.ID, m.UserID),
			To:        Recipient{User: m.UserID},
			Message:   s.announcement(ev, p),
		})
	}
	if err := s.enqueue(ctx, msgs...); err != nil {
		return nil, err
	}
	return s.announceProgress(ctx, c.P, ev)
}

// announcement is the message announcing ev, with its current seats.
func (s *Service) announcement(ev *Event, p *i18n.Printer) Response {
	return Response{Title: p.T("announce.title", eventKindName(p, ev.Kind)), Sections: withDescription(ev, eventSection(ev, p, true))}
}

// announceProgress says how far the broadcast of ev has gone.
func (s *Service) announceProgress(ctx context.Context, p *i18n.Printer, ev *Event) (*Response, error) {
	sent, total, err := s.Store.CountMessages(ctx, fmt.Sprintf("announce:%d:", ev.ID))
	if err != nil {
		return nil, err
	}
	return textResponse(p.T("announce.progress", ev.Title, sent, total)), nil
}

// attendees lists an event's registrations for facilitators, or sends
// them as a CSV file.
func (s *Service) attendees(ctx context.Context, c *Call) (*Response, error) {
	if len(c.Args) == 0 || len(c.Args) > 2 || len(c.Args) == 2 && strings.ToLower(c.Args[1]) != "csv" {
		return nil, Errorf(EINVALID, "attendees.error.usage")
	}
	id, err := parseEventID(c.Args[0])
	if err != nil {
		return nil, err
	}
	ev, err := s.findEvent(ctx, id)
	if err != nil {
		return nil, err
	}
	regs, err := s.Store.FindRegistrations(ctx, RegistrationFilter{EventID: id})
	if err != nil {
		return nil, err
	}
	p := c.P
	if len(c.Args) == 2 {
		file, err := attendeesCSV(ev, regs, p)
		if err != nil {
			return nil, err
		}
		err = s.enqueue(ctx, &OutboxMessage{
			DedupeKey: fmt.Sprintf("export:%d:%s:%d", id, c.Member.UserID, s.Now().UnixNano()),
			To:        Recipient{User: c.Member.UserID},
			Message:   Response{Sections: []Section{Paragraph(Text(p.T("attendees.csv.text", ev.Title)))}, Files: []File{*file}},
		})
		if err != nil {
			return nil, err
		}
		return textResponse(p.T("attendees.csv.sent")), nil
	}
	groups := map[string][]string{}
	order := []string{"registered", "offered", "waitlisted", "late", "attended", "no_show"}
	for _, r := range regs {
		name := r.MemberName
		if r.Company != "" {
			name += " (" + r.Company + ")"
		}
		if r.NoShows > 0 {
			name += " · " + p.Plural("attendees.no_shows", r.NoShows)
		}
		switch {
		case r.Status == RegWaitlisted:
			groups["waitlisted"] = append(groups["waitlisted"], fmt.Sprintf("%d. %s", r.Position, name))
		case r.Status == RegOffered:
			groups["offered"] = append(groups["offered"], name+" · "+p.T("state.offered", p.DateTime(r.OfferExpiresAt)))
		case r.Status == RegCancelled && r.Late:
			groups["late"] = append(groups["late"], name)
		case r.Status == RegRegistered || r.Status == RegAttended || r.Status == RegNoShow:
			groups[string(r.Status)] = append(groups[string(r.Status)], name)
		}
	}
	out := &Response{Title: fmt.Sprintf("#%d · %s", ev.ID, ev.Title), Sections: []Section{{
		Body: []Span{Text(p.DateTime(ev.Start) + " · " + seatsText(ev, p))},
	}}}
	for _, g := range order {
		if len(groups[g]) == 0 {
			continue
		}
		out.Sections = append(out.Sections, Section{
			Heading: p.T("attendees.group."+g, len(groups[g])),
			Body:    []Span{Text(strings.Join(groups[g], "\n"))},
		})
	}
	if sent, total, err := s.Store.CountMessages(ctx, fmt.Sprintf("announce:%d:", id)); err == nil && total > 0 {
		out.Sections = append(out.Sections, Section{Note: true, Body: []Span{Text(p.T("announce.progress", ev.Title, sent, total))}})
	}
	out.Sections = append(out.Sections, Section{Note: true, Body: []Span{Text(p.T("attendees.csv.hint") + " "), Code(fmt.Sprintf("/cercle inscrits %d csv", id))}})
	return out, nil
}

// attendeesCSV writes the list as French Excel opens it: UTF-8 with a byte
// order mark, semicolons, and dates in the member's zone.
func attendeesCSV(ev *Event, regs []*Registration, p *i18n.Printer) (*File, error) {
	var b bytes.Buffer
	b.WriteString("\uFEFF")
	w := csv.NewWriter(&b)
	w.Comma = ';'
	w.UseCRLF = true
	_ = w.Write([]string{p.T("csv.member"), p.T("csv.company"), p.T("csv.role"), p.T("csv.status"), p.T("csv.position"), p.T("csv.registered_at"), p.T("csv.no_shows")})
	for _, r := range regs {
		pos := ""
		if r.Position > 0 {
			pos = strconv.Itoa(r.Position)
		}
		_ = w.Write([]string{csvSafe(r.MemberName), csvSafe(r.Company), p.T("role.name." + string(r.MemberRole)), registrationState(r, p), pos,
			r.CreatedAt.In(p.Location()).Format("02/01/2006 15:04"), strconv.Itoa(r.NoShows)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, err
	}
	return &File{Name: fmt.Sprintf("inscrits-%d.csv", ev.ID), Title: ev.Title, Content: b.Bytes()}, nil
}

// csvSafe defuses a cell a spreadsheet would run as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// rollCall opens the attendance form of an event that has started.
func (s *Service) rollCall(ctx context.Context, c *Call) (*Response, error) {
	ev, err := s.eventArg(ctx, c)
	if err != nil {
		return nil, err
	}
	id := ev.ID
	if ev.Start.After(s.Now()) {
		return nil, Errorf(ECONFLICT, "rollcall.error.not_started")
	}
	regs, err := s.Store.FindRegistrations(ctx, RegistrationFilter{EventID: id,
		Statuses: []RegistrationStatus{RegRegistered, RegAttended, RegNoShow}})
	if err != nil {
		return nil, err
	}
	if len(regs) == 0 {
		return textResponse(c.P.T("rollcall.empty")), nil
	}
	// Slack shows at most 10 checkboxes in one group: one field per ten.
	var fields []Field
	for i := 0; i < len(regs); i += rollCallGroup {
		group := regs[i:min(i+rollCallGroup, len(regs))]
		field := Field{ID: fmt.Sprintf("%s_%d", fieldRollCall, i/rollCallGroup+1), Kind: FieldCheckboxes, Optional: true,
			Label: c.P.T("rollcall.field", i+1, i+len(group))}
		var checked []string
		for _, r := range group {
			label := r.MemberName
			if r.Company != "" {
				label += " (" + r.Company + ")"
			}
			field.Options = append(field.Options, Option{Value: string(r.UserID), Label: label})
			if r.Status != RegNoShow {
				checked = append(checked, string(r.UserID))
			}
		}
		field.Value = strings.Join(checked, "\n")
		fields = append(fields, field)
	}
	return &Response{Form: &Form{ID: FormRollCall, Title: c.P.T("rollcall.title"), Submit: c.P.T("rollcall.submit"),
		State: strconv.FormatInt(id, 10), Fields: fields}}, nil
}

// rollCallGroup is the most checkboxes Slack takes in one group.
const rollCallGroup = 10

func (s *Service) submitRollCall(ctx context.Context, m *Member, p *i18n.Printer, sub *Submission) (*Response, error) {
	if !m.IsFacilitator() {
		return nil, Errorf(EFORBIDDEN, "error.forbidden.facilitator")
	}
	id, err := parseEventID(sub.State)
	if err != nil {
		return nil, err
	}
	attended := map[UserID]bool{}
	for id, value := range sub.Values {
		if !strings.HasPrefix(id, fieldRollCall+"_") {
			continue
		}
		for _, v := range strings.Split(value, "\n") {
			if v = strings.TrimSpace(v); v != "" {
				attended[UserID(v)] = true
			}
		}
	}
	if err := s.Store.RecordAttendance(ctx, id, attended); err != nil {
		return nil, err
	}
	return textResponse(p.Plural("rollcall.done", len(attended))), nil
}

// Button handlers: the value is an event number typed by nobody, but it
// is checked like one.

func (s *Service) registerAction(ctx context.Context, m *Member, p *i18n.Printer, a *Action) (*Response, error) {
	id, err := parseEventID(a.Value)
	if err != nil {
		return nil, err
	}
	return s.register(ctx, m, p, id)
}

func (s *Service) cancelAction(ctx context.Context, m *Member, p *i18n.Printer, a *Action) (*Response, error) {
	id, err := parseEventID(a.Value)
	if err != nil {
		return nil, err
	}
	return s.cancel(ctx, m, p, id)
}

func (s *Service) detailsAction(ctx context.Context, m *Member, p *i18n.Printer, a *Action) (*Response, error) {
	id, err := parseEventID(a.Value)
	if err != nil {
		return nil, err
	}
	ev, err := s.findEvent(ctx, id)
	if err != nil {
		return nil, err
	}
	if ev.Status == EventDraft && !m.IsFacilitator() {
		return nil, Errorf(ENOTFOUND, "event.error.not_found", id)
	}
	sec := eventSection(ev, p, ev.Status == EventPublished)
	return &Response{Title: ev.Title, Sections: append(withDescription(ev, sec), calendarLinks(ev, p))}, nil
}

// calendarAction sends the event's .ics file by DM.
func (s *Service) calendarAction(ctx context.Context, m *Member, p *i18n.Printer, a *Action) (*Response, error) {
	id, err := parseEventID(a.Value)
	if err != nil {
		return nil, err
	}
	ev, err := s.findEvent(ctx, id)
	if err != nil || ev.Status == EventDraft {
		return nil, Errorf(ENOTFOUND, "event.error.not_found", id)
	}
	msg := Response{Sections: []Section{Paragraph(Text(p.T("calendar.file", ev.Title))), calendarLinks(ev, p)}}
	if f := s.invitation(ev, false); f != nil {
		msg.Files = []File{*f}
	}
	if err := s.enqueue(ctx, &OutboxMessage{DedupeKey: fmt.Sprintf("ics:%d:%s:%d", id, m.UserID, ev.Sequence),
		To: Recipient{User: m.UserID}, Message: msg}); err != nil {
		return nil, err
	}
	return textResponse(p.T("calendar.sent")), nil
}

func (s *Service) acceptOfferAction(ctx context.Context, m *Member, p *i18n.Printer, a *Action) (*Response, error) {
	return s.answerOffer(ctx, m, p, a, true)
}

func (s *Service) declineOfferAction(ctx context.Context, m *Member, p *i18n.Printer, a *Action) (*Response, error) {
	return s.answerOffer(ctx, m, p, a, false)
}

// homeEvents is the App Home section "Mes prochains événements".
func (s *Service) homeEvents(ctx context.Context, m *Member, p *i18n.Printer) ([]Section, error) {
	regs, err := s.Store.FindRegistrations(ctx, RegistrationFilter{UserID: m.UserID,
		Statuses: []RegistrationStatus{RegRegistered, RegWaitlisted, RegOffered}})
	if err != nil {
		return nil, err
	}
	out := []Section{{Heading: p.T("home.events")}}
	now := s.Now()
	for _, r := range regs {
		if r.Event.End.After(now) && r.Event.Status == EventPublished && len(out) < 11 {
			out = append(out, agendaSection(r, p))
		}
	}
	if len(out) == 1 {
		out = append(out, Section{Body: []Span{Text(p.T("home.no_events") + " "), Code("/cercle evenements")}})
	}
	return out, nil
}

// withDescription follows an event's section with its description, if any.
func withDescription(ev *Event, sec Section) []Section {
	if ev.Description == "" {
		return []Section{sec}
	}
	return []Section{sec, Paragraph(Text(ev.Description))}
}

// RefreshPostedMessages keeps posted messages current: a channel
// announcement's seat count and a broadcast's progress. It runs from the
// due scan, so updates are debounced to one a minute per message, and a
// message is updated only when what it shows has changed.
func (s *Service) RefreshPostedMessages(ctx context.Context) error {
	if s.Notifier == nil {
		return nil
	}
	tracked, err := s.Store.FindTrackedMessages(ctx, "")
	if err != nil {
		return err
	}
	for _, t := range tracked {
		msg, shown, err := s.trackedContent(ctx, t.Key)
		if err != nil {
			return err
		}
		if msg == nil || shown == t.Shown {
			continue
		}
		if err := s.Notifier.Update(ctx, t.Ref, msg); err != nil {
			s.Logger.Warn("posted message not updated", "track", t.Key, "err", err)
			continue
		}
		if err := s.Store.SetTrackedShown(ctx, t.Key, shown); err != nil {
			return err
		}
	}
	return nil
}

// trackedContent is what a tracked message should show now, with a
// fingerprint of it; nil when it is to be left alone.
func (s *Service) trackedContent(ctx context.Context, key string) (*Response, string, error) {
	kind, rest, _ := strings.Cut(key, ":")
	idText, user, _ := strings.Cut(rest, ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return nil, "", nil
	}
	ev, err := s.Store.FindEventByID(ctx, id)
	if err != nil {
		return nil, "", err
	}
	switch kind {
	case "announce":
		if !ev.End.After(s.Now()) {
			return nil, "", nil // over: the last count stays
		}
		p := s.printer(nil)
		msg := s.announcement(ev, p)
		if ev.Status == EventCancelled {
			msg = *textResponse(p.T("event.cancelled.text", ev.Title, p.DateTime(ev.Start)))
		}
		return &msg, fmt.Sprintf("%s/%d/%d/%d/%d", ev.Status, ev.Sequence, ev.Registered, ev.Offered, ev.Waitlisted), nil
	case "progress":
		sent, total, err := s.Store.CountMessages(ctx, fmt.Sprintf("announce:%d:", id))
		if err != nil {
			return nil, "", err
		}
		m, err := s.Store.FindMemberByUserID(ctx, UserID(user))
		if err != nil {
			return nil, "", err
		}
		return textResponse(s.printer(m).T("announce.progress", ev.Title, sent, total)), fmt.Sprintf("%d/%d", sent, total), nil
	}
	return nil, "", nil
}
