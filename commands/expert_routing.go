package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"cercle/i18n"
)

// This file routes requests to experts: the facilitators' queue with the
// candidates and their reasons, the route button, automatic routing, and
// a request passed on when its expert declines or lets it lapse.

// ActionRouteRequest routes a request to an expert: value "request:user".
const ActionRouteRequest = "request.route"

// maxQueueShown bounds the queue one answer shows, inside Slack's blocks.
const maxQueueShown = 8

// handOn passes a request waiting to be routed on: to its best candidate
// when routing is automatic (the next best, if that one cannot take it),
// else to the facilitators, who are told.
func (s *Service) handOn(ctx context.Context, id int64) error {
	r, err := s.store.FindRequest(ctx, id)
	if err != nil || r.Status != RequestNew {
		return err
	}
	cands, err := s.candidates(ctx, r, candidatesShown)
	if err != nil {
		return err
	}
	if s.autoRoute {
		for _, c := range cands {
			if _, err := s.route(ctx, id, c.Expert); err == nil {
				return nil
			}
		}
	}
	return s.alertStaff(ctx, r, len(cands))
}

// route gives request id to expert e, who gets the brief; the member is
// told. Everything is queued in the request's transaction.
func (s *Service) route(ctx context.Context, id int64, e *Expert) (*ExpertRequest, error) {
	before, err := s.store.FindRequest(ctx, id)
	if err != nil {
		return nil, err
	}
	requester, err := s.store.FindMemberByUserID(ctx, before.Requester)
	if err != nil {
		return nil, err
	}
	expertPrinter := s.Printer(ctx, User{ID: e.User})
	now := s.now()
	var out *ExpertRequest
	err = s.store.ChangeRequest(ctx, id, func(tx RequestTx) error {
		r := *tx.Request()
		if err := decideRoute(&r, e, now); err != nil {
			return err
		}
		if err := tx.Save(&r); err != nil {
			return err
		}
		out = &r
		return tx.Enqueue(briefMessage(&r, requester.Company, expertPrinter),
			memberMessage(&r, "routed", s.printer(requester), Text(s.printer(requester).T("request.update.routed", r.ID))))
	})
	if err == nil {
		s.wake()
		s.logger.InfoContext(ctx, "expert request routed", "request", id, "slack_user", e.User)
	}
	return out, err
}

// routeAction is a facilitator's « Confier à … » button.
func (s *Service) routeAction(ctx context.Context, _ *Member, p *i18n.Printer, a *Action) (*Response, error) {
	idText, user, ok := strings.Cut(a.Value, ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil || id <= 0 {
		return nil, Errorf(EINVALID, "error.action.unknown")
	}
	e, err := s.store.FindExpert(ctx, UserID(user))
	if ErrorCode(err) == ENOTFOUND {
		return nil, Errorf(ENOTFOUND, "request.error.expert_unknown")
	}
	if err != nil {
		return nil, err
	}
	load, err := s.store.ExpertLoad(ctx, monthStart(s.now(), s.zone))
	if err != nil {
		return nil, err
	}
	if r, err := s.store.FindRequest(ctx, id); err == nil && !canTake(e, r, s.now(), load[e.User]) && r.Status == RequestNew {
		return nil, Errorf(ECONFLICT, "request.error.expert_unavailable", e.Name)
	}
	r, err := s.route(ctx, id, e)
	if err != nil {
		return nil, err
	}
	return textResponse(p.T("request.routed", r.ID, e.Name)), nil
}

// alertStaff tells every facilitator a request waits to be routed, with
// how many candidates were found.
func (s *Service) alertStaff(ctx context.Context, r *ExpertRequest, candidates int) error {
	members, err := s.store.ListMembers(ctx)
	if err != nil {
		return err
	}
	var msgs []*OutboxMessage
	for _, m := range members {
		if !m.IsFacilitator() {
			continue
		}
		p := s.printer(m)
		msgs = append(msgs, &OutboxMessage{
			DedupeKey: fmt.Sprintf("xreq:%d:staff:%d", r.ID, r.Version), // one per facilitator: keys are per recipient
			To:        Recipient{User: m.UserID},
			Message: Response{Sections: []Section{Paragraph(
				Text(p.T("request.staff.waiting", r.ID, p.T("request.urgency."+string(r.Urgency)))+" "+p.Plural("request.staff.candidates", candidates)+" "),
				Code("/cercle demandes"))}},
		})
	}
	if len(msgs) == 0 {
		return nil
	}
	return s.enqueue(ctx, msgs...)
}

// queueSections is the facilitators' part of /cercle demandes: each
// request waiting to be routed, with its top candidates, why each fits,
// and a button to route it to them.
func (s *Service) queueSections(ctx context.Context, p *i18n.Printer) ([]Section, error) {
	waiting, err := s.store.FindRequests(ctx, RequestFilter{Statuses: []RequestStatus{RequestNew}})
	if err != nil {
		return nil, err
	}
	out := []Section{{Heading: p.Plural("requests.queue", len(waiting))}}
	for _, r := range waiting[:min(len(waiting), maxQueueShown)] {
		sec := Section{Heading: p.T("request.heading", r.ID, p.T("request.urgency."+string(r.Urgency))), Body: []Span{Text(truncate(r.Problem, 400))}}
		if r.DeclineReason != "" {
			sec.Pairs = append(sec.Pairs, Pair{Label: p.T("request.decline_reason"), Value: r.DeclineReason})
		}
		cands, err := s.candidates(ctx, r, candidatesShown)
		if err != nil {
			return nil, err
		}
		out = append(out, sec)
		if len(cands) == 0 {
			out = append(out, Section{Note: true, Body: []Span{Text(p.T("request.no_candidate"))}})
		}
		for _, c := range cands {
			out = append(out, Section{Body: append([]Span{Bold(c.Expert.Name), Text(" — ")}, matchReasons(c)...),
				Buttons: []Button{{ActionID: ActionRouteRequest, Value: fmt.Sprintf("%d:%s", r.ID, c.Expert.User), Label: p.T("request.button.route", c.Expert.Name)}}})
		}
	}
	return out, nil
}
