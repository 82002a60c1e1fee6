package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"cercle/i18n"
)

// This file is /cercle mutualisation: a company's campaigns and its
// answers, and the entry points of the pooling feature.

// Pooling action ids. The value of each is "<campaign>" or
// "<campaign>:<page>" or "<campaign>:<function>", as each says.
const (
	ActionPoolingAnswer   = "pooling.answer"   // <campaign>:<page>
	ActionPoolingMatrix   = "pooling.matrix"   // <campaign>: my matrix as a picture, by DM
	ActionPoolingShare    = "pooling.share"    // <campaign>:on|off
	ActionPoolingHeatMap  = "pooling.heatmap"  // <campaign>: the heat map, by DM
	ActionPoolingDecide   = "pooling.decide"   // <campaign>:<function>
	ActionPoolingRemind   = "pooling.remind"   // <campaign>
	ActionPoolingEditForm = "pooling.campaign" // <campaign>: the campaign's form
)

// poolingFeature is the pooling campaigns.
func (s *Service) poolingFeature() feature {
	staff := func(id string, run func(context.Context, *Member, *i18n.Printer, *Action) (*Response, error)) *ActionHandler {
		return &ActionHandler{ID: id, Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator", Run: run}
	}
	return feature{
		commands: []*Command{{Name: "mutualisation", Aliases: []string{"pooling", "mutualiser"}, Usage: "pooling.cmd.usage",
			Summary: "pooling.cmd.summary", Detail: "pooling.cmd.detail", Run: s.poolingCmd}},
		actions: []*ActionHandler{
			{ID: ActionPoolingAnswer, Run: s.answerPageAction},
			{ID: ActionPoolingMatrix, Run: s.matrixAction},
			{ID: ActionPoolingShare, Run: s.shareAction},
			{ID: ActionPoolingHeatMap, Run: s.heatMapAction},
			{ID: ActionPoolingSynthesisPage, Run: s.synthesisPageAction},
			staff(ActionPoolingDecide, s.decideAction),
			staff(ActionPoolingRemind, s.remindAction),
			staff(ActionPoolingEditForm, s.campaignFormAction),
		},
		forms: []*FormHandler{
			{ID: FormPoolingAnswers, Run: s.submitAnswers},
			{ID: FormCampaign, Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator", Run: s.submitCampaign},
			{ID: FormPoolingDecision, Allowed: (*Member).IsFacilitator, Refusal: "error.forbidden.facilitator", Run: s.submitPoolDecision},
		},
	}
}

// poolingCmd dispatches /cercle mutualisation [synthese | suivi | export
// | campagne nouvelle | campagne <n°>] [n°].
func (s *Service) poolingCmd(ctx context.Context, c *Call) (*Response, error) {
	verb, args := "", c.Args
	if len(args) > 0 {
		verb, args = Fold(args[0]), args[1:]
	}
	if verb == "campagne" || verb == "campaign" {
		if !c.Member.IsFacilitator() {
			return nil, Errorf(EFORBIDDEN, "error.forbidden.facilitator")
		}
		if len(args) == 1 && (Fold(args[0]) == "nouvelle" || Fold(args[0]) == "new") {
			return &Response{Form: s.campaignForm(c.P, nil)}, nil
		}
		if len(args) != 1 {
			return nil, Errorf(EINVALID, "pooling.error.usage")
		}
		return s.campaignFormAction(ctx, c.Member, c.P, &Action{Value: args[0]})
	}
	if len(args) > 1 {
		return nil, Errorf(EINVALID, "pooling.error.usage")
	}
	ref := ""
	if len(args) == 1 {
		ref = args[0]
	}
	switch verb {
	case "", "mes-reponses":
		return s.myCampaigns(ctx, c)
	case "synthese", "synthesis":
		return s.synthesisCmd(ctx, c, ref)
	case "suivi", "progress", "export":
		if !c.Member.IsFacilitator() {
			return nil, Errorf(EFORBIDDEN, "error.forbidden.facilitator")
		}
		camp, err := s.campaignRef(ctx, c.Member, ref)
		if err != nil {
			return nil, err
		}
		if verb == "export" {
			return s.exportCampaign(ctx, c.Member, c.P, camp)
		}
		return s.progressView(ctx, c.P, camp)
	}
	if _, err := campaignID(verb); err == nil && len(args) == 0 {
		return s.myCampaign(ctx, c, verb)
	}
	return nil, Errorf(EINVALID, "pooling.error.usage")
}

// campaignID reads a campaign number, typed or from a button.
func campaignID(s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(s), "#"), "n°"), 10, 64)
	if err != nil || id <= 0 {
		return 0, Errorf(EINVALID, "pooling.error.ref", s)
	}
	return id, nil
}

// campaignRef returns the campaign named by ref, or, with no ref, the
// newest one m takes part in (any, for a facilitator). Someone who may
// see neither its answers nor its synthesis is told it does not exist.
func (s *Service) campaignRef(ctx context.Context, m *Member, ref string) (*Campaign, error) {
	if ref == "" {
		f := CampaignFilter{Company: m.CompanyID, Limit: 1}
		if m.IsFacilitator() {
			f.Company = 0
		} else if m.CompanyID == 0 {
			return nil, Errorf(ENOTFOUND, "pooling.error.no_company")
		}
		list, err := s.store.FindCampaigns(ctx, f)
		if err != nil {
			return nil, err
		}
		if len(list) == 0 {
			return nil, Errorf(ENOTFOUND, "pooling.error.none")
		}
		return list[0], nil
	}
	id, err := campaignID(ref)
	if err != nil {
		return nil, err
	}
	c, err := s.store.FindCampaign(ctx, id)
	if err != nil || !canSeeSynthesis(m, c) {
		return nil, Errorf(ENOTFOUND, "pooling.error.not_found", id)
	}
	return c, nil
}

// myCampaigns is /cercle mutualisation: the campaigns the member's
// company takes part in, newest first, each with its progress.
func (s *Service) myCampaigns(ctx context.Context, c *Call) (*Response, error) {
	if c.Member.CompanyID == 0 {
		return nil, Errorf(ENOTFOUND, "pooling.error.no_company")
	}
	list, err := s.store.FindCampaigns(ctx, CampaignFilter{Company: c.Member.CompanyID, Limit: 5})
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return textResponse(c.P.T("pooling.none_for_you")), nil
	}
	return s.companyView(ctx, c.Member, c.P, list[0])
}

// myCampaign is /cercle mutualisation <n°>.
func (s *Service) myCampaign(ctx context.Context, c *Call, ref string) (*Response, error) {
	camp, err := s.campaignRef(ctx, c.Member, ref)
	if err != nil {
		return nil, err
	}
	if !camp.Participates(c.Member.CompanyID) {
		return s.synthesisView(ctx, c.Member, c.P, camp)
	}
	return s.companyView(ctx, c.Member, c.P, camp)
}

// campaignHeader is a campaign's name, mode, deadline and size, and
// whether it is closed at now.
func campaignHeader(c *Campaign, now time.Time, p *i18n.Printer) Section {
	sec := Section{Heading: p.T("pooling.heading", c.ID, c.Name)}
	sec.Pairs = []Pair{
		{Label: p.T("pooling.mode"), Value: p.T("pooling.mode." + string(c.Mode))},
		{Label: p.T("pooling.deadline"), Value: p.DateTime(c.Deadline)},
		{Label: p.T("pooling.size"), Value: p.T("pooling.size.value", len(c.Functions), len(c.Companies))},
	}
	if !c.openAt(now) {
		sec.Pairs = append(sec.Pairs, Pair{Label: p.T("pooling.status"), Value: p.T("pooling.status.closed")})
	}
	return sec
}

// openAt reports whether companies may still answer at now: the
// campaign is open and its deadline to come.
func (c *Campaign) openAt(now time.Time) bool {
	return c.Status == CampaignOpen && (c.Deadline.IsZero() || now.Before(c.Deadline))
}

// campaignKey names a message about a campaign in the outbox.
func campaignKey(c *Campaign, what string) string { return fmt.Sprintf("pooling:%d:%s", c.ID, what) }
