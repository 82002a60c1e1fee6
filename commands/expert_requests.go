package commands

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"cercle/i18n"
)

// This file is the member's side of expert requests: the form, its
// checks, and /cercle demandes for each person who may see a request.

// Request form and fields.
const (
	FormExpertRequest  = "expert.request"
	fieldProblem       = "request_problem"
	fieldDomain        = "request_domain"
	fieldUrgency       = "request_urgency"
	fieldFormat        = "request_format"
	fieldPeriods       = "request_periods"
	minProblem         = 20
	maxProblem         = 2000
	maxPeriods         = 300
	unknownDomain      = "?"
	defaultOpenAllowed = 3
)

// expertRequestCmd is /cercle expert: the request form, unless the
// member already has as many open requests as allowed.
func (s *Service) expertRequestCmd(ctx context.Context, c *Call) (*Response, error) {
	if len(c.Args) > 0 {
		return nil, Errorf(EINVALID, "expert.error.usage")
	}
	if err := s.checkOpenRequests(ctx, c.Member); err != nil {
		return nil, err
	}
	form, err := s.requestForm(ctx, c.P)
	if err != nil {
		return nil, err
	}
	return &Response{Form: form}, nil
}

// checkOpenRequests refuses a member who has as many open requests as
// the network allows.
func (s *Service) checkOpenRequests(ctx context.Context, m *Member) error {
	open, err := s.store.FindRequests(ctx, RequestFilter{Requester: m.UserID,
		Statuses: []RequestStatus{RequestNew, RequestProposed, RequestAccepted, RequestScheduled}})
	if err != nil {
		return err
	}
	if len(open) >= s.maxOpenRequests {
		return Errorf(ECONFLICT, "request.error.too_many", s.maxOpenRequests)
	}
	return nil
}

// requestForm asks, in this order: the problem in the member's words,
// the domain (or « je ne sais pas »), urgency, format, preferred periods.
// Its hint says who reads the request.
func (s *Service) requestForm(ctx context.Context, p *i18n.Printer) (*Form, error) {
	domains, err := s.knownDomains(ctx)
	if err != nil {
		return nil, err
	}
	domainOptions := []Option{{Value: unknownDomain, Label: p.T("request.domain.unknown")}}
	for _, d := range domains[:min(len(domains), 99)] { // Slack: 100 options
		domainOptions = append(domainOptions, Option{Value: d, Label: d})
	}
	return &Form{ID: FormExpertRequest, Title: p.T("request.form.title"), Submit: p.T("request.form.submit"), Fields: []Field{
		{ID: fieldProblem, Label: p.T("request.field.problem"), Hint: p.T("request.field.problem.hint"), Kind: FieldLongText, MaxLength: maxProblem},
		{ID: fieldDomain, Label: p.T("request.field.domain"), Kind: FieldSelect, Value: unknownDomain, Options: domainOptions},
		{ID: fieldUrgency, Label: p.T("request.field.urgency"), Kind: FieldSelect, Value: string(UrgencyNormal), Options: []Option{
			{Value: string(UrgencyLow), Label: p.T("request.urgency.faible")}, {Value: string(UrgencyNormal), Label: p.T("request.urgency.normale")},
			{Value: string(UrgencyHigh), Label: p.T("request.urgency.haute")}}},
		{ID: fieldFormat, Label: p.T("request.field.format"), Kind: FieldSelect, Value: "any", Options: formatOptions(p, true)},
		{ID: fieldPeriods, Label: p.T("request.field.periods"), Placeholder: p.T("request.field.periods.placeholder"), Optional: true, MaxLength: maxPeriods},
	}}, nil
}

func formatOptions(p *i18n.Printer, withAny bool) []Option {
	var out []Option
	if withAny {
		out = append(out, Option{Value: "any", Label: p.T("request.format.any")})
	}
	for _, f := range []MeetingFormat{FormatVideo, FormatInPerson, FormatPhone} {
		out = append(out, Option{Value: string(f), Label: p.T("request.format." + string(f))})
	}
	return out
}

// knownDomains returns the domains of active experts, by name, once each.
func (s *Service) knownDomains(ctx context.Context) ([]string, error) {
	experts, err := s.store.ListExperts(ctx)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for _, e := range experts {
		for _, d := range e.Domains {
			if e.Active && !seen[fold(d)] {
				seen[fold(d)] = true
				out = append(out, d)
			}
		}
	}
	slices.SortFunc(out, func(a, b string) int { return strings.Compare(fold(a), fold(b)) })
	return out, nil
}

// parseRequest validates the request form.
func (s *Service) parseRequest(ctx context.Context, values map[string]string, p *i18n.Printer) (*ExpertRequest, error) {
	r := &ExpertRequest{Problem: cleanText(values[fieldProblem]), Periods: cleanLine(values[fieldPeriods]),
		Urgency: Urgency(values[fieldUrgency]), Format: MeetingFormat(values[fieldFormat]), Domain: values[fieldDomain]}
	errs := FieldErrors{}
	if n := utf8.RuneCountInString(r.Problem); n < minProblem || n > maxProblem {
		errs[fieldProblem] = p.T("request.error.problem_length", minProblem, maxProblem, n)
	}
	switch r.Urgency {
	case UrgencyLow, UrgencyNormal, UrgencyHigh:
	case "":
		r.Urgency = UrgencyNormal
	default:
		errs[fieldUrgency] = p.T("request.error.choice")
	}
	switch r.Format {
	case FormatVideo, FormatInPerson, FormatPhone:
	case "any", "":
		r.Format = FormatAnyFormat
	default:
		errs[fieldFormat] = p.T("request.error.choice")
	}
	if utf8.RuneCountInString(r.Periods) > maxPeriods {
		errs[fieldPeriods] = p.T("event.error.too_long", maxPeriods)
	}
	if r.Domain == unknownDomain || r.Domain == "" {
		r.Domain = ""
	} else if domains, err := s.knownDomains(ctx); err != nil {
		return nil, err
	} else if !slices.Contains(domains, r.Domain) {
		errs[fieldDomain] = p.T("request.error.domain_unknown")
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return r, nil
}

// submitRequest stores a member's request and hands it on: to the best
// expert when routing is automatic, else to the facilitators.
func (s *Service) submitRequest(ctx context.Context, m *Member, p *i18n.Printer, sub *Submission) (*Response, error) {
	r, err := s.parseRequest(ctx, sub.Values, p)
	if err != nil {
		return nil, err
	}
	if err := s.checkOpenRequests(ctx, m); err != nil {
		return nil, FieldErrors{fieldProblem: p.T("request.error.too_many", s.maxOpenRequests)}
	}
	r.Requester, r.CompanyID, r.Status = m.UserID, m.CompanyID, RequestNew
	if err := s.store.CreateRequest(ctx, r); err != nil {
		return nil, err
	}
	s.logger.InfoContext(ctx, "expert request created", "request", r.ID)
	if err := s.handOn(ctx, r.ID); err != nil {
		s.logger.ErrorContext(ctx, "expert request not handed on", "request", r.ID, "err", err)
	}
	return textResponse(p.T("request.created", r.ID)), nil
}

// requestsCmd is /cercle demandes: a member's own requests, those routed
// to an expert, and for facilitators the queue with its candidates.
func (s *Service) requestsCmd(ctx context.Context, c *Call) (*Response, error) {
	if len(c.Args) > 0 {
		return nil, Errorf(EINVALID, "requests.error.usage")
	}
	r := &Response{Title: c.P.T("requests.title")}
	mine, err := s.store.FindRequests(ctx, RequestFilter{Requester: c.Member.UserID, Limit: 20})
	if err != nil {
		return nil, err
	}
	r.Sections = append(r.Sections, Section{Heading: c.P.T("requests.mine")})
	if len(mine) == 0 {
		r.Sections[0].Body = []Span{Text(c.P.T("requests.mine.none") + " "), Code("/cercle expert")}
	}
	for _, req := range mine {
		r.Sections = append(r.Sections, s.requestCard(req, c.Member, c.P))
	}
	routed, err := s.store.FindRequests(ctx, RequestFilter{Expert: c.Member.UserID, Limit: 20,
		Statuses: []RequestStatus{RequestProposed, RequestAccepted, RequestScheduled, RequestDone}})
	if err != nil {
		return nil, err
	}
	if len(routed) > 0 {
		r.Sections = append(r.Sections, Section{Heading: c.P.T("requests.routed")})
		for _, req := range routed {
			r.Sections = append(r.Sections, s.requestCard(req, c.Member, c.P))
		}
	}
	if c.Member.IsFacilitator() {
		queue, err := s.queueSections(ctx, c.P)
		if err != nil {
			return nil, err
		}
		r.Sections = append(r.Sections, queue...)
		going, err := s.store.FindRequests(ctx, RequestFilter{Limit: maxQueueShown,
			Statuses: []RequestStatus{RequestProposed, RequestAccepted, RequestScheduled}})
		if err != nil {
			return nil, err
		}
		if len(going) > 0 {
			r.Sections = append(r.Sections, Section{Heading: c.P.T("requests.going")})
			for _, req := range going {
				r.Sections = append(r.Sections, s.requestCard(req, c.Member, c.P))
			}
		}
	}
	return r, nil
}

// requestCard shows a request to someone who may see it, with the buttons
// their role allows at its step.
func (s *Service) requestCard(r *ExpertRequest, m *Member, p *i18n.Printer) Section {
	sec := Section{Heading: p.T("request.heading", r.ID, p.T("request.status."+string(r.Status)))}
	sec.Body = []Span{Text(truncate(r.Problem, 280))}
	if r.Domain != "" {
		sec.Pairs = append(sec.Pairs, Pair{Label: p.T("request.field.domain"), Value: r.Domain})
	}
	if r.Status == RequestScheduled {
		sec.Pairs = append(sec.Pairs, Pair{Label: p.T("request.slot"), Value: p.DateTime(r.Slot)})
	}
	sec.Buttons = requestButtons(r, m, p)
	return sec
}

// requestButtons are the steps m may take on r now.
func requestButtons(r *ExpertRequest, m *Member, p *i18n.Printer) []Button {
	id := strconv.FormatInt(r.ID, 10)
	var out []Button
	author, routed := mayAct(m, r, RoleAuthor), mayAct(m, r, RoleRouted)
	switch r.Status {
	case RequestProposed:
		if routed {
			out = append(out, Button{ActionID: ActionAcceptRequest, Value: id, Label: p.T("request.button.accept"), Style: ButtonPrimary},
				Button{ActionID: ActionDeclineRequest, Value: id, Label: p.T("request.button.decline")})
		}
	case RequestAccepted:
		if author {
			for _, t := range r.Slots {
				out = append(out, Button{ActionID: ActionPickSlot, Value: fmt.Sprintf("%d:%d", r.ID, t.Unix()), Label: p.ShortDate(t) + " " + p.Time(t)})
			}
		}
		if routed && len(r.Slots) == 0 {
			out = append(out, Button{ActionID: ActionAcceptRequest, Value: id, Label: p.T("request.button.slots"), Style: ButtonPrimary})
		}
	case RequestScheduled:
		if author || routed {
			out = append(out, Button{ActionID: ActionRescheduleRequest, Value: id, Label: p.T("request.button.reschedule")})
		}
	case RequestDone:
		if author && r.Rating == 0 {
			out = append(out, Button{ActionID: ActionFeedbackRequest, Value: id, Label: p.T("request.button.feedback"), Style: ButtonPrimary})
		}
	}
	if r.open() && (author || routed && r.Status != RequestProposed) {
		out = append(out, Button{ActionID: ActionCancelRequest, Value: id, Label: p.T("request.button.cancel"), Style: ButtonDanger,
			Confirm: &Confirm{Title: p.T("request.cancel.confirm_title"), Text: p.T("request.cancel.confirm_text", r.ID), Yes: p.T("request.button.cancel"), No: p.T("button.back")}})
	}
	return out
}
