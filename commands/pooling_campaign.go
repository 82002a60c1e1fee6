package commands

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"cercle/i18n"
)

// This file is the facilitators' side of a campaign: open or edit it,
// follow who answered, remind the others, export the answers; and the
// pictures, sent by DM because a slash command's answer carries no file.

// The campaign form; its state is the campaign id when editing.
const (
	FormCampaign          = "pooling.campaign"
	fieldCampaignName     = "campaign_name"
	fieldCampaignMode     = "campaign_mode"
	fieldCampaignFuncs    = "campaign_functions"
	fieldCampaignComps    = "campaign_companies"
	fieldCampaignDeadline = "campaign_deadline"
	maxCampaignName       = 100
	maxCampaignText       = 3000 // Slack's limit on a text input
	// maxProgressNames companies a list of the follow-up names, each cut
	// to 40 characters: the export has them all.
	maxProgressNames = 20
)

// campaignForm asks for a campaign: name, mode, functions (the default
// list to start), companies (none listed: every company of the network)
// and deadline.
func (s *Service) campaignForm(p *i18n.Printer, c *Campaign) *Form {
	f := &Form{ID: FormCampaign, Title: p.T("pooling.campaign.form.title"), Submit: p.T("pooling.campaign.form.submit")}
	name, mode, funcs, deadline := "", string(ModeAllies), DefaultFunctions, ""
	if c != nil {
		f.State, name, mode, funcs = strconv.FormatInt(c.ID, 10), c.Name, string(c.Mode), FunctionsText(c.Functions)
		deadline = strconv.FormatInt(c.Deadline.Unix(), 10)
	}
	f.Fields = []Field{
		{ID: fieldCampaignName, Label: p.T("pooling.campaign.field.name"), Value: name, MaxLength: maxCampaignName},
		{ID: fieldCampaignMode, Label: p.T("pooling.campaign.field.mode"), Kind: FieldSelect, Value: mode, Options: []Option{
			{Value: string(ModeAllies), Label: p.T("pooling.mode.allies")}, {Value: string(ModeCluster), Label: p.T("pooling.mode.cluster")}}},
		{ID: fieldCampaignFuncs, Label: p.T("pooling.campaign.field.functions"), Hint: p.T("pooling.campaign.field.functions.hint"),
			Kind: FieldLongText, Value: funcs, MaxLength: maxCampaignText},
		{ID: fieldCampaignComps, Label: p.T("pooling.campaign.field.companies"), Hint: p.T("pooling.campaign.field.companies.hint"),
			Kind: FieldLongText, Optional: true, MaxLength: maxCampaignText},
		{ID: fieldCampaignDeadline, Label: p.T("pooling.campaign.field.deadline"), Hint: p.T("event.field.date.hint"), Kind: FieldDateTime, Value: deadline},
	}
	return f
}

// campaignFormAction opens a campaign's form to edit it.
func (s *Service) campaignFormAction(ctx context.Context, m *Member, p *i18n.Printer, act *Action) (*Response, error) {
	c, err := s.campaignRef(ctx, m, act.Value)
	if err != nil {
		return nil, err
	}
	f := s.campaignForm(p, c)
	companies, err := s.store.ListCompanies(ctx)
	if err != nil {
		return nil, err
	}
	var names []string
	seen := map[string]bool{}
	for _, co := range companies {
		if c.Participates(co.ID) && !seen[Fold(co.Name)] {
			seen[Fold(co.Name)] = true
			names = append(names, co.Name)
		}
	}
	// Empty keeps the companies as they are: a large network's list does
	// not fit a text field, and is then not written out.
	f.Fields[3].Hint = p.T("pooling.campaign.field.companies.edit_hint", len(c.Companies))
	if list := strings.Join(names, "\n"); utf8.RuneCountInString(list) <= maxCampaignText {
		f.Fields[3].Value = list
	}
	return &Response{Form: f}, nil
}

// parseCampaign validates the campaign form against the network's
// companies.
func (s *Service) parseCampaign(ctx context.Context, values map[string]string, p *i18n.Printer) (*Campaign, error) {
	c := &Campaign{Name: cleanLine(values[fieldCampaignName]), Mode: PoolingMode(values[fieldCampaignMode]), Status: CampaignOpen}
	errs := FieldErrors{}
	if n := utf8.RuneCountInString(c.Name); n == 0 || n > maxCampaignName {
		errs[fieldCampaignName] = p.T("bureau.error.required", maxCampaignName)
	}
	if c.Mode != ModeAllies && c.Mode != ModeCluster {
		errs[fieldCampaignMode] = p.T("request.error.choice")
	}
	var key string
	var arg any
	if c.Functions, key, arg = ParseFunctions(values[fieldCampaignFuncs]); key != "" {
		errs[fieldCampaignFuncs] = p.T(key, arg)
	}
	var ok bool
	if c.Deadline, ok = parseMoment(values[fieldCampaignDeadline], p.Location()); !ok {
		errs[fieldCampaignDeadline] = p.T("event.error.date")
	} else if !c.Deadline.After(s.now()) {
		errs[fieldCampaignDeadline] = p.T("pooling.error.deadline_past")
	}
	companies, err := s.store.ListCompanies(ctx)
	if err != nil {
		return nil, err
	}
	var unknown []string
	c.Companies, unknown = matchCompanies(companies, values[fieldCampaignComps])
	switch {
	case len(unknown) > 0:
		errs[fieldCampaignComps] = p.T("pooling.error.companies", strings.Join(unknown, ", "))
	case len(c.Companies) == 0:
		errs[fieldCampaignComps] = p.T("pooling.error.no_company_in_network")
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

// matchCompanies finds the companies named one per line (or separated
// by ";"), ignoring case and accents; no name at all means every
// company. It returns their ids
// and the names that match none.
func matchCompanies(companies []*Company, text string) ([]int64, []string) {
	// Two colleagues' profiles may name one company: the name takes both,
	// so a list written back from the campaign reads the same.
	byName := map[string][]int64{}
	for _, co := range companies {
		byName[Fold(co.Name)] = append(byName[Fold(co.Name)], co.ID)
	}
	var ids []int64
	var unknown []string
	seen := map[int64]bool{}
	for _, line := range splitList(text) {
		name := cleanLine(line)
		if name == "" {
			continue
		}
		found, ok := byName[Fold(name)]
		if !ok {
			unknown = append(unknown, name)
		}
		for _, id := range found {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	if len(ids)+len(unknown) == 0 {
		for _, co := range companies {
			ids = append(ids, co.ID)
		}
	}
	return ids, unknown
}

// submitCampaign opens a campaign, or changes one, and tells the members
// of its companies it is open for them.
func (s *Service) submitCampaign(ctx context.Context, m *Member, p *i18n.Printer, sub *Submission) (*Response, error) {
	c, err := s.parseCampaign(ctx, sub.Values, p)
	if err != nil {
		return nil, err
	}
	if sub.State != "" {
		old, err := s.campaignRef(ctx, m, sub.State)
		if err != nil {
			return nil, err
		}
		c.ID, c.CreatedBy, c.CreatedAt = old.ID, old.CreatedBy, old.CreatedAt
		if strings.TrimSpace(sub.Values[fieldCampaignComps]) == "" {
			c.Companies = old.Companies
		}
		if err := s.store.UpdateCampaign(ctx, c); err != nil {
			return nil, err
		}
	} else {
		c.CreatedBy = m.UserID
		if err := s.store.CreateCampaign(ctx, c); err != nil {
			return nil, err
		}
	}
	if err := s.announceCampaign(ctx, c, "open"); err != nil {
		return nil, err
	}
	return &Response{Sections: []Section{campaignHeader(c, s.now(), p),
		Paragraph(Text(p.T("pooling.campaign.saved")+" "), Code(fmt.Sprintf("/cercle mutualisation suivi %d", c.ID)))}}, nil
}

// announceCampaign tells the members of the campaign's companies whose
// company has not answered every function, once per what: "open" when
// it opens (or is changed), "remind-<date>" when a facilitator reminds.
func (s *Service) announceCampaign(ctx context.Context, c *Campaign, what string) error {
	members, err := s.store.ListMembers(ctx)
	if err != nil {
		return err
	}
	answers, err := s.store.FindAnswers(ctx, c.ID, 0)
	if err != nil {
		return err
	}
	done := map[int64]bool{}
	for _, a := range answers {
		done[a.Company] = placed(c, a) >= len(c.Functions)
	}
	var msgs []*OutboxMessage
	for _, mem := range members {
		if !c.Participates(mem.CompanyID) || done[mem.CompanyID] {
			continue
		}
		p := s.Printer(ctx, User{ID: mem.UserID})
		msgs = append(msgs, &OutboxMessage{DedupeKey: campaignKey(c, what), To: Recipient{User: mem.UserID}, Message: Response{Sections: []Section{{
			Body:    []Span{Text(p.T("pooling.announce."+strings.SplitN(what, "-", 2)[0], c.Name, p.DateTime(c.Deadline)))},
			Buttons: []Button{{ActionID: ActionPoolingAnswer, Value: fmt.Sprintf("%d:0", c.ID), Label: p.T("pooling.button.start"), Style: ButtonPrimary}},
		}}}})
	}
	return s.enqueue(ctx, msgs...)
}

// progressView is /cercle mutualisation suivi: who answered, how far,
// and who has not, with a button to remind them.
func (s *Service) progressView(ctx context.Context, p *i18n.Printer, c *Campaign) (*Response, error) {
	companies, err := s.store.ListCompanies(ctx)
	if err != nil {
		return nil, err
	}
	answers, err := s.store.FindAnswers(ctx, c.ID, 0)
	if err != nil {
		return nil, err
	}
	count := map[int64]int{}
	for _, a := range answers {
		count[a.Company] = placed(c, a)
	}
	var done, partial, none []string
	for _, co := range companies {
		switch n := count[co.ID]; {
		case !c.Participates(co.ID):
		case n >= len(c.Functions):
			done = append(done, truncate(co.Name, 40))
		case n > 0:
			partial = append(partial, p.T("pooling.progress.partial", truncate(co.Name, 40), n, len(c.Functions)))
		default:
			none = append(none, truncate(co.Name, 40))
		}
	}
	r := &Response{Title: p.T("pooling.progress.title"), Sections: []Section{campaignHeader(c, s.now(), p)}}
	for _, part := range []struct {
		key   string
		names []string
	}{{"pooling.progress.done", done}, {"pooling.progress.partial_title", partial}, {"pooling.progress.none", none}} {
		if len(part.names) > 0 {
			shown := part.names[:min(len(part.names), maxProgressNames)]
			text := strings.Join(shown, ", ")
			if more := len(part.names) - len(shown); more > 0 {
				text += " " + p.Plural("pooling.names.more", more)
			}
			r.Sections = append(r.Sections, Section{Heading: p.T(part.key, len(part.names)), Body: []Span{Text(text)}})
		}
	}
	if len(partial)+len(none) > 0 && c.openAt(s.now()) {
		r.Sections = append(r.Sections, Section{Buttons: []Button{{ActionID: ActionPoolingRemind, Value: strconv.FormatInt(c.ID, 10),
			Label: p.T("pooling.button.remind", len(partial)+len(none))}}})
	}
	return r, nil
}

// remindAction reminds the members of the companies that have not
// answered every function, at most once a day.
func (s *Service) remindAction(ctx context.Context, m *Member, p *i18n.Printer, act *Action) (*Response, error) {
	c, err := s.campaignRef(ctx, m, act.Value)
	if err != nil {
		return nil, err
	}
	if !c.openAt(s.now()) {
		return nil, Errorf(ECONFLICT, "pooling.error.closed", c.Name)
	}
	if err := s.announceCampaign(ctx, c, "remind-"+s.now().In(s.zone).Format("2006-01-02")); err != nil {
		return nil, err
	}
	return textResponse(p.T("pooling.reminded")), nil
}

// exportCampaign sends the facilitator, by DM, the CSV of every answer
// and the heat map.
func (s *Service) exportCampaign(ctx context.Context, m *Member, p *i18n.Printer, c *Campaign) (*Response, error) {
	answers, err := s.store.FindAnswers(ctx, c.ID, 0)
	if err != nil {
		return nil, err
	}
	files := []File{answersCSV(c, answers, p)}
	if png, err := s.heatMapPNG(c, answers, p, m); err != nil {
		return nil, err
	} else if png != nil {
		files = append(files, *png)
	}
	err = s.enqueue(ctx, &OutboxMessage{DedupeKey: campaignKey(c, fmt.Sprintf("export:%d", s.now().UnixNano())), To: Recipient{User: m.UserID},
		Message: Response{Sections: []Section{Paragraph(Text(p.T("pooling.export.text", c.Name)))}, Files: files}})
	if err != nil {
		return nil, err
	}
	return textResponse(p.T("pooling.export.sent")), nil
}

// answersCSV is one row per company and function, as French Excel opens
// it.
func answersCSV(c *Campaign, answers []*CompanyAnswers, p *i18n.Printer) File {
	var b bytes.Buffer
	b.WriteString("\uFEFF")
	w := csv.NewWriter(&b)
	w.Comma, w.UseCRLF = ';', true
	_ = w.Write([]string{p.T("pooling.csv.company"), p.T("pooling.csv.function"), p.T("pooling.csv.efficiency"), p.T("pooling.csv.importance"),
		p.T("pooling.csv.intention"), p.T("pooling.csv.chosen"), p.T("pooling.csv.comment"), p.T("pooling.csv.shared"), p.T("pooling.csv.updated")})
	yes := func(b bool) string {
		if b {
			return p.T("csv.yes")
		}
		return p.T("csv.no")
	}
	for _, ca := range answers {
		for _, f := range c.Functions {
			a, ok := ca.Answers[f.Key]
			if !ok {
				continue
			}
			_ = w.Write([]string{csvSafe(ca.CompanyName), csvSafe(functionLabel(c, f)), p.T("pooling.level.eff." + string(a.Efficiency)),
				p.T("pooling.level.imp." + string(a.Importance)), p.T("pooling.intent." + string(a.Intention)), yes(a.Chosen),
				csvSafe(a.Comment), yes(ca.Shared), ca.UpdatedAt.In(p.Location()).Format("02/01/2006 15:04")})
		}
	}
	w.Flush()
	return File{Name: fmt.Sprintf("mutualisation-%d-reponses.csv", c.ID), Title: c.Name, Content: b.Bytes()}
}
