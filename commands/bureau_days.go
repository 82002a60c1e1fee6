package commands

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"cercle/i18n"
)

// This file is the hearing days (« séances »): a facilitator creates one
// with its slots, and facilitators and its panel see it, each hearing as
// far as they may see its application.

// Hearing day form and fields.
const (
	FormHearingDay    = "bureau.day"
	fieldDayStart     = "day_start"
	fieldDayPlace     = "day_place"
	fieldDayVideo     = "day_video"
	fieldDayHearings  = "day_hearings"
	fieldDayMinutes   = "day_minutes"
	fieldDayBuffer    = "day_buffer"
	maxDayPlace       = 200
	maxDayHearings    = 12
	maxHearingMinutes = 240
	maxBufferMinutes  = 120
	maxDaysShown      = 20
)

// hearingDayForm asks for the day's start, place or video link, and its
// slots, with the seed's defaults.
func hearingDayForm(p *i18n.Printer) *Form {
	return &Form{ID: FormHearingDay, Title: p.T("bureau.day.form.title"), Submit: p.T("bureau.day.form.submit"), Fields: []Field{
		{ID: fieldDayStart, Label: p.T("bureau.day.field.start"), Hint: p.T("event.field.date.hint"), Kind: FieldDateTime},
		{ID: fieldDayPlace, Label: p.T("bureau.day.field.place"), Hint: p.T("bureau.day.field.place.hint"), Optional: true, MaxLength: maxDayPlace},
		{ID: fieldDayVideo, Label: p.T("bureau.day.field.video"), Placeholder: "https://", Optional: true, MaxLength: maxDayPlace},
		{ID: fieldDayHearings, Label: p.T("bureau.day.field.hearings"), Value: strconv.Itoa(DefaultHearings), Kind: FieldNumber},
		{ID: fieldDayMinutes, Label: p.T("bureau.day.field.minutes"), Value: strconv.Itoa(DefaultHearingMinutes), Kind: FieldNumber},
		{ID: fieldDayBuffer, Label: p.T("bureau.day.field.buffer"), Value: strconv.Itoa(DefaultBufferMinutes), Kind: FieldNumber},
	}}
}

// parseHearingDay validates the day form: a start to come, a place or an
// https link, and slots within bounds.
func parseHearingDay(values map[string]string, now time.Time, p *i18n.Printer) (*HearingDay, FieldErrors) {
	d := &HearingDay{Place: cleanLine(values[fieldDayPlace]), VideoURL: strings.TrimSpace(values[fieldDayVideo])}
	errs := FieldErrors{}
	var ok bool
	if d.StartsAt, ok = parseMoment(values[fieldDayStart], p.Location()); !ok {
		errs[fieldDayStart] = p.T("event.error.date")
	} else if !d.StartsAt.After(now) {
		errs[fieldDayStart] = p.T("event.error.start_past")
	}
	if utf8.RuneCountInString(d.Place) > maxDayPlace {
		errs[fieldDayPlace] = p.T("event.error.too_long", maxDayPlace)
	}
	if d.VideoURL != "" {
		if u, err := url.Parse(d.VideoURL); err != nil || u.Scheme != "https" || u.Host == "" || len(d.VideoURL) > maxDayPlace {
			errs[fieldDayVideo] = p.T("bureau.day.error.video")
		}
	}
	if d.Place == "" && d.VideoURL == "" && errs[fieldDayVideo] == "" {
		errs[fieldDayPlace] = p.T("bureau.day.error.where")
	}
	number := func(field string, lo, hi int, dst *int) {
		n, err := strconv.Atoi(strings.TrimSpace(values[field]))
		if err != nil || n < lo || n > hi {
			errs[field] = p.T("bureau.day.error.number", lo, hi)
			return
		}
		*dst = n
	}
	number(fieldDayHearings, 1, maxDayHearings, &d.Hearings)
	number(fieldDayMinutes, 10, maxHearingMinutes, &d.HearingMinutes)
	number(fieldDayBuffer, 0, maxBufferMinutes, &d.BufferMinutes)
	if len(errs) > 0 {
		return nil, errs
	}
	return d, nil
}

// submitHearingDay creates the day and shows it, with what comes next.
func (s *Service) submitHearingDay(ctx context.Context, m *Member, p *i18n.Printer, sub *Submission) (*Response, error) {
	d, fe := parseHearingDay(sub.Values, s.now(), p)
	if fe != nil {
		return nil, fe
	}
	d.CreatedBy = m.UserID
	if err := s.store.CreateHearingDay(ctx, d); err != nil {
		return nil, err
	}
	r := &Response{Title: p.T("bureau.day.created", d.ID)}
	r.Sections = append(r.Sections, dayHeader(d, p), Paragraph(Text(p.T("bureau.day.created.next")+" "),
		Code(fmt.Sprintf("/cercle bureau seance %d", d.ID))))
	return r, nil
}

// hearingDays is /cercle bureau seances: the days to come (and of the
// last week, whose opinions may still be written); facilitators see them
// all, a peer those whose panel they sit on.
func (s *Service) hearingDays(ctx context.Context, c *Call) (*Response, error) {
	f := HearingDayFilter{From: s.now().Add(-7 * 24 * time.Hour), Limit: maxDaysShown}
	if !c.Member.IsFacilitator() {
		f.Panelist = c.Member.UserID
	}
	days, err := s.store.FindHearingDays(ctx, f)
	if err != nil {
		return nil, err
	}
	r := &Response{Title: c.P.T("bureau.days.title")}
	if len(days) == 0 {
		r.Sections = append(r.Sections, Paragraph(Text(c.P.T("bureau.days.none"))))
	}
	for _, d := range days {
		sec := dayHeader(d, c.P)
		sec.Buttons = []Button{{ActionID: ActionShowHearingDay, Value: strconv.FormatInt(d.ID, 10), Label: c.P.T("bureau.button.day")}}
		r.Sections = append(r.Sections, sec)
	}
	return r, nil
}

// visibleDay loads a hearing day for m: facilitators see every day, a
// panelist theirs; anyone else is told it does not exist.
func (s *Service) visibleDay(ctx context.Context, m *Member, ref string) (*HearingDay, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(ref), "#"), 10, 64)
	if err != nil || id <= 0 {
		return nil, Errorf(EINVALID, "bureau.error.day_ref", ref)
	}
	d, err := s.store.FindHearingDay(ctx, id)
	if err != nil || !(m.IsFacilitator() || d.OnPanel(m.UserID)) {
		return nil, Errorf(ENOTFOUND, "bureau.error.day_not_found", id)
	}
	return d, nil
}

// hearingDayView is one day: its panel, then each slot with what the
// viewer may see of its application, and the buttons of their role.
func (s *Service) hearingDayView(ctx context.Context, m *Member, p *i18n.Printer, d *HearingDay) (*Response, error) {
	apps, err := s.store.FindApplications(ctx, ApplicationFilter{Day: d.ID,
		Statuses: []ApplicationStatus{ApplicationScheduled, ApplicationHeard, ApplicationAdvised}})
	if err != nil {
		return nil, err
	}
	bySlot := map[int]*Application{}
	for _, a := range apps {
		bySlot[a.Slot] = a
	}
	r := &Response{Title: p.T("bureau.day.title", d.ID)}
	head := dayHeader(d, p)
	if d.Cancelled() {
		r.Sections = append(r.Sections, head, Paragraph(Text(p.T("bureau.day.was_cancelled", p.Date(d.CancelledAt)))))
		return r, nil
	}
	if m.IsFacilitator() {
		id := strconv.FormatInt(d.ID, 10)
		head.Buttons = []Button{{ActionID: ActionProposePanel, Value: id, Label: p.T("bureau.button.propose_panel")},
			{ActionID: ActionCancelHearingDay, Value: id, Label: p.T("bureau.button.cancel_day"), Style: ButtonDanger,
				Confirm: &Confirm{Title: p.T("bureau.day.cancel.confirm_title"), Text: p.T("bureau.day.cancel.confirm_text", len(apps)),
					Yes: p.T("bureau.button.cancel_day"), No: p.T("button.back")}}}
	}
	r.Sections = append(r.Sections, head)
	for n := 1; n <= d.Hearings; n++ {
		r.Sections = append(r.Sections, slotSection(d, n, bySlot[n], m, p))
	}
	return r, nil
}

// dayHeader is a day's date, hours, place and panel.
func dayHeader(d *HearingDay, p *i18n.Printer) Section {
	sec := Section{Heading: p.T("bureau.day.heading", d.ID, p.Date(d.StartsAt))}
	sec.Pairs = []Pair{{Label: p.T("bureau.day.hours"), Value: p.T("bureau.day.hours.value", p.Time(d.StartsAt), p.Time(d.EndsAt()),
		p.Plural("bureau.day.hearings", d.Hearings, d.HearingMinutes))}}
	if d.Place != "" {
		sec.Pairs = append(sec.Pairs, Pair{Label: p.T("bureau.day.place"), Value: d.Place})
	}
	if d.VideoURL != "" {
		sec.Pairs = append(sec.Pairs, Pair{Label: p.T("bureau.day.video"), Value: d.VideoURL})
	}
	sec.Body = []Span{Bold(p.T("bureau.day.panel") + " "), Text(p.T("bureau.day.panel.none"))}
	if len(d.Panel) > 0 {
		sec.Body = sec.Body[:1]
		for i, u := range d.Panel {
			if i > 0 {
				sec.Body = append(sec.Body, Text(", "))
			}
			sec.Body = append(sec.Body, Mention(u))
		}
	}
	return sec
}

// slotSection is one slot of a day: free, or its application as far as
// m may see it, with the opinion's state and m's buttons.
func slotSection(d *HearingDay, n int, a *Application, m *Member, p *i18n.Printer) Section {
	when := p.T("bureau.slot.when", n, p.Time(d.SlotStart(n)), p.Time(d.SlotEnd(n)))
	switch {
	case a == nil:
		return Paragraph(Bold(when), Text(" · "+p.T("bureau.slot.free")))
	case !CanSeeApplication(m, a):
		return Paragraph(Bold(when), Text(" · "+p.T("bureau.slot.not_yours")))
	}
	sec := Paragraph(Bold(when), Text(" · "+p.T("bureau.slot.app", a.ID, a.Company, a.Sector, p.T("bureau.kind."+string(a.Kind)))))
	if mayWriteOpinion(m, a) || maySeal(m, a) { // never the applicant's own draft
		sec.Pairs = []Pair{{Label: p.T("bureau.opinion"), Value: opinionState(a, p)}}
	}
	sec.Buttons = applicationButtons(a, m, p)
	return sec
}

// opinionState says where the opinion stands.
func opinionState(a *Application, p *i18n.Printer) string {
	switch {
	case a.Opinion.Sealed():
		return p.T("bureau.opinion.sealed", p.T("bureau.verdict."+string(a.Opinion.Verdict)), p.Date(a.Opinion.SealedAt))
	case a.Opinion.Written():
		return p.T("bureau.opinion.draft", p.T("bureau.verdict."+string(a.Opinion.Verdict)), len(a.Opinion.AmendedBy)+1)
	case a.Status == ApplicationHeard:
		return p.T("bureau.opinion.to_write")
	}
	return p.T("bureau.opinion.after")
}

// opinionButtons are the opinion steps m may take on a now.
func opinionButtons(a *Application, m *Member, p *i18n.Printer) []Button {
	id := strconv.FormatInt(a.ID, 10)
	var out []Button
	if a.Status == ApplicationHeard && mayWriteOpinion(m, a) {
		label := p.T("bureau.button.write_opinion")
		if a.Opinion.Written() {
			label = p.T("bureau.button.amend_opinion")
		}
		out = append(out, Button{ActionID: ActionWriteOpinion, Value: id, Label: label, Style: ButtonPrimary})
	}
	if a.Status == ApplicationHeard && a.Opinion.Written() && maySeal(m, a) {
		out = append(out, Button{ActionID: ActionSealOpinion, Value: versionedID(a), Label: p.T("bureau.button.seal"),
			Confirm: &Confirm{Title: p.T("bureau.seal.confirm_title"), Text: p.T("bureau.seal.confirm_text", a.ID, a.Company),
				Yes: p.T("bureau.button.seal"), No: p.T("button.back")}})
	}
	return out
}

// homeBureau is the « Bureau des pairs » section of the Home tab, shown
// only to whom it concerns: an applicant's applications under way (with
// the hearing's date once given) and a peer's next hearing day.
func (s *Service) homeBureau(ctx context.Context, m *Member, p *i18n.Printer) ([]Section, error) {
	apps, err := s.store.FindApplications(ctx, ApplicationFilter{Applicant: m.UserID, Limit: 3, Statuses: []ApplicationStatus{
		ApplicationSubmitted, ApplicationEligible, ApplicationToDecide, ApplicationAccepted, ApplicationScheduled, ApplicationHeard}})
	if err != nil {
		return nil, err
	}
	days, err := s.store.FindHearingDays(ctx, HearingDayFilter{From: s.now(), Panelist: m.UserID, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(apps)+len(days) == 0 {
		return nil, nil
	}
	out := []Section{{Heading: p.T("home.bureau")}}
	for _, a := range apps {
		line := p.T("bureau.heading", a.ID, a.Company, p.T("bureau.status."+string(a.Status)))
		if a.Status == ApplicationScheduled {
			if d, err := s.store.FindHearingDay(ctx, a.Day); err == nil {
				line += " · " + p.T("home.bureau.hearing", p.DateTime(d.SlotStart(a.Slot)))
			}
		}
		out = append(out, Paragraph(Text(line)))
	}
	for _, d := range days {
		out = append(out, Section{Body: []Span{Text(p.T("home.bureau.sitting", p.Date(d.StartsAt), d.ID))},
			Buttons: []Button{{ActionID: ActionShowHearingDay, Value: strconv.FormatInt(d.ID, 10), Label: p.T("bureau.button.day")}}})
	}
	return out, nil
}
