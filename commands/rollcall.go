package commands

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"cercle/i18n"
)

// This file is the roll call: a facilitator ticks who came, page by page,
// once the event has started.

// Roll call ids.
const (
	FormRollCall  = "rollcall"
	fieldRollCall = "attended"
	// ActionRollCallPage opens a page of a roll call; its value is
	// "<event number>:<page>".
	ActionRollCallPage = "rollcall.page"
)

// A roll call is cut into pages of rollCallPageSize registrants, in line
// order, each page a form of one checkbox group per rollCallGroup. Slack
// takes at most 10 options in a group and 100 blocks in a modal, and says
// nothing of how many bytes a modal may weigh (views well under 100
// blocks are reported refused with no reason given). A page of 100 names
// is 10 blocks and, with the longest names, about 35 kB; it fits one
// screenful of scrolling, and several facilitators can share the pages
// at the door. Fixed-size pages keep a person on the same page while
// latecomers join the end of the line. The catalog's rollcall.cmd.detail
// names this size.
const (
	rollCallGroup      = 10
	rollCallPageGroups = 10
	rollCallPageSize   = rollCallGroup * rollCallPageGroups
)

// rollCallPage is one page of a roll call: its number (from 1), how many
// pages the roll call has, and the page's registrants in line order.
type rollCallPage struct {
	number, pages int
	regs          []*Registration
}

// rollCallPageOf cuts registrants into pages and returns the one numbered
// page, checked like anything typed: not a page of this roll call is an
// error naming the range.
func rollCallPageOf(regs []*Registration, page string) (rollCallPage, error) {
	pages := max(1, (len(regs)+rollCallPageSize-1)/rollCallPageSize)
	n, err := strconv.Atoi(strings.TrimSpace(page))
	if err != nil || n < 1 || n > pages {
		return rollCallPage{}, Errorf(EINVALID, "rollcall.error.page", truncate(page, 20), pages)
	}
	from := (n - 1) * rollCallPageSize
	return rollCallPage{number: n, pages: pages, regs: regs[from:min(from+rollCallPageSize, len(regs))]}, nil
}

// rollCallState is what a roll call form carries: the event, the page,
// and the first and last registrants it shows with how many, so that its
// submission records the people shown and no one else, even if the line
// moved meanwhile.
type rollCallState struct {
	event       int64
	page, count int
	first, last UserID
}

func (st rollCallState) String() string {
	return url.Values{"event": {strconv.FormatInt(st.event, 10)}, "page": {strconv.Itoa(st.page)},
		"count": {strconv.Itoa(st.count)}, "first": {string(st.first)}, "last": {string(st.last)}}.Encode()
}

// parseRollCallState reads a form's state. A bare event number is the
// state of a form opened before roll calls had pages: page 1.
func parseRollCallState(s string) (rollCallState, error) {
	if !strings.Contains(s, "=") {
		id, err := parseEventID(s)
		return rollCallState{event: id, page: 1}, err
	}
	q, err := url.ParseQuery(s)
	if err != nil {
		return rollCallState{}, Errorf(EINVALID, "list.error.page")
	}
	id, err := parseEventID(q.Get("event"))
	if err != nil {
		return rollCallState{}, err
	}
	page, err1 := strconv.Atoi(q.Get("page"))
	count, err2 := strconv.Atoi(q.Get("count"))
	if err1 != nil || err2 != nil || count < 1 || q.Get("first") == "" || q.Get("last") == "" {
		return rollCallState{}, Errorf(EINVALID, "list.error.page")
	}
	return rollCallState{event: id, page: page, count: count, first: UserID(q.Get("first")), last: UserID(q.Get("last"))}, nil
}

// pageOf finds the state's page among the current registrants: the page
// number must still be one of the roll call's, and the people are those
// from first to last as shown. A line that lost either end, or gained
// someone between them, or ends that no longer meet the page's place in
// the line (a page number forged), is a conflict: nothing is recorded.
func (st rollCallState) pageOf(regs []*Registration) (rollCallPage, error) {
	pg, err := rollCallPageOf(regs, strconv.Itoa(st.page))
	if err != nil || st.first == "" {
		return pg, err
	}
	from, to := -1, -1
	for i, r := range regs {
		if r.UserID == st.first {
			from = i
		}
		if r.UserID == st.last {
			to = i
		}
	}
	start := (pg.number - 1) * rollCallPageSize
	if from < 0 || to < from || to-from+1 > st.count || from >= start+rollCallPageSize || to < start {
		return rollCallPage{}, Errorf(ECONFLICT, "rollcall.error.changed", st.event, st.page)
	}
	pg.regs = regs[from : to+1]
	return pg, nil
}

// rollCall opens a page of the attendance form of an event that has
// started: "appel 12" for the first, "appel 12 3" for the third.
func (s *Service) rollCall(ctx context.Context, c *Call) (*Response, error) {
	switch {
	case len(c.Args) == 0:
		return nil, Errorf(EINVALID, "event.error.need_id")
	case len(c.Args) > 2:
		return nil, Errorf(EINVALID, "rollcall.error.usage")
	}
	id, err := parseEventID(c.Args[0])
	if err != nil {
		return nil, err
	}
	page := "1"
	if len(c.Args) == 2 {
		page = c.Args[1]
	}
	return s.rollCallForm(ctx, c.P, id, page)
}

// rollCallPageAction opens the page a « Page suivante » button names.
func (s *Service) rollCallPageAction(ctx context.Context, _ *Member, p *i18n.Printer, a *Action) (*Response, error) {
	id, page, err := parseEventPage(a.Value)
	if err != nil {
		return nil, err
	}
	return s.rollCallForm(ctx, p, id, strconv.Itoa(page))
}

// rollCallForm is one page of the roll call as a form: a checkbox group
// per ten registrants, those not already marked absent ticked.
func (s *Service) rollCallForm(ctx context.Context, p *i18n.Printer, id int64, page string) (*Response, error) {
	ev, err := s.findEvent(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := decideRollCall(s.now(), ev); err != nil {
		return nil, err
	}
	regs, err := s.store.FindRegistrations(ctx, RegistrationFilter{EventID: id,
		Statuses: []RegistrationStatus{RegRegistered, RegAttended, RegNoShow}})
	if err != nil {
		return nil, err
	}
	if len(regs) == 0 {
		return textResponse(p.T("rollcall.empty")), nil
	}
	pg, err := rollCallPageOf(regs, page)
	if err != nil {
		return nil, err
	}
	offset := (pg.number - 1) * rollCallPageSize
	var fields []Field
	for i := 0; i < len(pg.regs); i += rollCallGroup {
		group := pg.regs[i:min(i+rollCallGroup, len(pg.regs))]
		fields = append(fields, rollCallField((offset+i)/rollCallGroup+1, offset+i+1, group, p))
	}
	title := p.T("rollcall.title")
	if pg.pages > 1 {
		title = p.T("rollcall.title_page", pg.number, pg.pages)
	}
	st := rollCallState{event: id, page: pg.number, count: len(pg.regs), first: pg.regs[0].UserID, last: pg.regs[len(pg.regs)-1].UserID}
	return &Response{Form: &Form{ID: FormRollCall, Title: title, Submit: p.T("rollcall.submit"),
		State: st.String(), Fields: fields}}, nil
}

// rollCallField is the checkbox group numbered n, whose first registrant
// is the from-th of the line.
func rollCallField(n, from int, group []*Registration, p *i18n.Printer) Field {
	field := Field{ID: fmt.Sprintf("%s_%d", fieldRollCall, n), Kind: FieldCheckboxes, Optional: true,
		Label: p.T("rollcall.field", from, from+len(group)-1)}
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
	return field
}

// submitRollCall records one page: its people ticked are present, the
// others absent; the registrants of other pages are left as they are.
// The rule is checked again at submission, and the page like typed input.
func (s *Service) submitRollCall(ctx context.Context, _ *Member, p *i18n.Printer, sub *Submission) (*Response, error) {
	st, err := parseRollCallState(sub.State)
	if err != nil {
		return nil, err
	}
	checked := checkedValues(sub.Values)
	attended := 0
	var pg rollCallPage
	now := s.now()
	err = s.store.ChangeEvent(ctx, st.event, func(tx EventTx) error {
		if err := decideRollCall(now, tx.Event()); err != nil {
			return err
		}
		regs, err := tx.Registrations(RegRegistered, RegAttended, RegNoShow)
		if err != nil {
			return err
		}
		if pg, err = st.pageOf(regs); err != nil {
			return err
		}
		for _, r := range pg.regs {
			to := attendance(checked[r.UserID])
			if to == RegAttended {
				attended++
			}
			if err := tx.Move(r, to, false, time.Time{}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rollCallDone(p, st.event, pg, attended), nil
}

// checkedValues gathers the registrants ticked in a roll call's groups.
func checkedValues(values map[string]string) map[UserID]bool {
	checked := map[UserID]bool{}
	for id, value := range values {
		if !strings.HasPrefix(id, fieldRollCall+"_") {
			continue
		}
		for _, v := range strings.Split(value, "\n") {
			if v = strings.TrimSpace(v); v != "" {
				checked[UserID(v)] = true
			}
		}
	}
	return checked
}

// rollCallDone answers a recorded page: how many came and, when a page
// follows, the command and the button that open it.
func rollCallDone(p *i18n.Printer, id int64, pg rollCallPage, attended int) *Response {
	r := textResponse(p.Plural("rollcall.done", attended))
	if pg.pages <= 1 {
		return r
	}
	r.Sections = append(r.Sections, Paragraph(Text(p.T("rollcall.page_done", pg.number, pg.pages))))
	if pg.number < pg.pages {
		next := Section{Body: []Span{Text(p.T("rollcall.next", id, pg.number+1))}}
		next.Buttons = []Button{{ActionID: ActionRollCallPage, Value: joinInts(id, int64(pg.number+1)),
			Label: p.T("rollcall.next_button"), Style: ButtonPrimary}}
		r.Sections = append(r.Sections, next)
	}
	return r
}
