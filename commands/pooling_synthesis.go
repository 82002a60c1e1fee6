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

// This file is the group's side of a campaign: the synthesis (counts and
// spreads, never one company's answers unless it agreed to share), the
// pictures, and the decision for each function, which creates a working
// group for the companies committed to pooling it.

// The decision form; its state is "<campaign>:<function>".
const (
	FormPoolingDecision  = "pooling.decision"
	fieldDecisionWay     = "decision_way"
	fieldDecisionComps   = "decision_companies"
	fieldDecisionNote    = "decision_note"
	maxDecisionNote      = 1000
	maxPoolingGroupSlug  = 40
	poolingGroupPrefixFr = "mutualisation-"
	// synthesisPageSize functions a page: at worst 4 blocks and about
	// 900 characters each (a 120-character label, the counts, five
	// names of 40 characters).
	synthesisPageSize = 8
	maxNamesShown     = 5
	// ActionPoolingSynthesisPage is Précédent / Suivant on the synthesis.
	ActionPoolingSynthesisPage = "pooling.synthesis.page"
)

// synthesisCmd is /cercle mutualisation synthese [n°].
func (s *Service) synthesisCmd(ctx context.Context, c *Call, ref string) (*Response, error) {
	camp, err := s.campaignRef(ctx, c.Member, ref)
	if err != nil {
		return nil, err
	}
	return s.synthesisView(ctx, c.Member, c.P, camp)
}

// synthesisView shows the first page of the synthesis.
func (s *Service) synthesisView(ctx context.Context, m *Member, p *i18n.Printer, c *Campaign) (*Response, error) {
	return s.synthesisPage(ctx, m, p, c, 0)
}

// synthesisPageAction is Précédent / Suivant on the synthesis: its value
// is "<campaign>:<offset>".
func (s *Service) synthesisPageAction(ctx context.Context, m *Member, p *i18n.Printer, act *Action) (*Response, error) {
	pv, err := parsePageValue(act.Value, 2)
	if err != nil {
		return nil, err
	}
	c, err := s.campaignRef(ctx, m, strconv.Itoa(pv[0]))
	if err != nil {
		return nil, err
	}
	r, err := s.synthesisPage(ctx, m, p, c, pv[1])
	if r != nil {
		r.Replace = true
	}
	return r, err
}

// synthesisPage shows, for a page of functions, how many companies
// answered and want to pool each, the spread of the scores, the
// companies that agreed to be named, and the group's decision;
// facilitators get Décider. A page holds synthesisPageSize functions, so
// a campaign of 40 stays within Slack's 50 blocks a message.
func (s *Service) synthesisPage(ctx context.Context, m *Member, p *i18n.Printer, c *Campaign, offset int) (*Response, error) {
	if !canSeeSynthesis(m, c) {
		return nil, Errorf(ENOTFOUND, "pooling.error.not_found", c.ID)
	}
	answers, err := s.store.FindAnswers(ctx, c.ID, 0)
	if err != nil {
		return nil, err
	}
	decisions, err := s.store.FindDecisions(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	byFunction := map[string]*PoolDecision{}
	for _, d := range decisions {
		byFunction[d.Function] = d
	}
	id := strconv.FormatInt(c.ID, 10)
	all := Synthesize(c, answers)
	own := viewerAnswers(m, answers)
	pg := pageAt(offset, synthesisPageSize, len(all))
	head := campaignHeader(c, s.now(), p)
	head.Pairs = append(head.Pairs, Pair{Label: p.T("pooling.synthesis.answered"), Value: p.T("pooling.synthesis.answered.value", answeredCount(c, answers), len(c.Companies))})
	head.Buttons = []Button{{ActionID: ActionPoolingHeatMap, Value: id, Label: p.T("pooling.button.heatmap")}}
	r := &Response{Title: p.T("pooling.synthesis.title"), Sections: []Section{head}}
	if pg.count() > 1 {
		r.Title += " · " + p.T("list.page", pg.number(), pg.count())
	}
	for _, fs := range all[pg.offset:pg.end()] {
		r.Sections = append(r.Sections, s.functionSection(m, p, c, fs, own, byFunction[fs.Function.Key]))
	}
	nav := pageNav(pg, ActionPoolingSynthesisPage, func(o int) string { return joinInts(c.ID, int64(o)) }, p.T("list.previous"), p.T("list.next"))
	r.Sections = append(r.Sections, Section{Note: true, Body: []Span{Text(p.T("pooling.synthesis.privacy"))}, Buttons: nav})
	return r, nil
}

// functionSection is one function of the synthesis.
func (s *Service) functionSection(m *Member, p *i18n.Printer, c *Campaign, fs FunctionSynthesis, own *CompanyAnswers, d *PoolDecision) Section {
	sec := Section{Heading: functionLabel(c, fs.Function)}
	sec.Body = []Span{Text(synthesisLine(fs, p))}
	if open := c.openAt(s.now()); !m.IsFacilitator() && fs.hiddenFrom(own, open) {
		key := "pooling.synthesis.masked"
		if open {
			key = "pooling.synthesis.until_close"
		}
		sec.Body = []Span{Text(p.T(key, fs.Answered))}
	}
	if len(fs.Poolers) > 0 {
		sec.Pairs = append(sec.Pairs, Pair{Label: p.T("pooling.synthesis.poolers"), Value: someNames(fs.Poolers, p)})
	}
	if d != nil {
		sec.Pairs = append(sec.Pairs, Pair{Label: p.T("pooling.decision"), Value: p.T("pooling.way."+string(d.Way)) + decisionCount(d, p)})
	}
	if m.IsFacilitator() {
		sec.Buttons = []Button{{ActionID: ActionPoolingDecide, Value: fmt.Sprintf("%d:%s", c.ID, fs.Function.Key), Label: p.T("pooling.button.decide")}}
	}
	return sec
}

// someNames lists up to maxNamesShown names, each cut short, and says
// how many more: a network of 300 companies stays within a message.
func someNames(names []string, p *i18n.Printer) string {
	shown := make([]string, 0, maxNamesShown)
	for _, n := range names[:min(len(names), maxNamesShown)] {
		shown = append(shown, truncate(n, 40))
	}
	text := strings.Join(shown, ", ")
	if more := len(names) - len(shown); more > 0 {
		text += " " + p.Plural("pooling.names.more", more)
	}
	return text
}

// viewerAnswers returns the answers of m's company among answers, for a
// member; nil for a facilitator, who sees everything, or a company that
// gave none.
func viewerAnswers(m *Member, answers []*CompanyAnswers) *CompanyAnswers {
	if m.IsFacilitator() {
		return nil
	}
	for _, ca := range answers {
		if ca.Company == m.CompanyID {
			return ca
		}
	}
	return nil
}

// answeredCount counts the participating companies that placed at least
// one function: agreeing to share is no answer.
func answeredCount(c *Campaign, answers []*CompanyAnswers) int {
	n := 0
	for _, ca := range answers {
		if placed(c, ca) > 0 && c.Participates(ca.Company) {
			n++
		}
	}
	return n
}

func decisionCount(d *PoolDecision, p *i18n.Printer) string {
	if !d.Way.Pools() {
		return ""
	}
	return " · " + p.Plural("pooling.decision.companies", len(d.Companies))
}

// synthesisLine is a function's counts: answers, intentions, and the
// spread of each score from low to high.
func synthesisLine(fs FunctionSynthesis, p *i18n.Printer) string {
	if fs.Answered == 0 {
		return p.T("pooling.synthesis.no_answer")
	}
	intents := make([]string, 0, len(Intentions))
	for _, in := range Intentions {
		if n := fs.Intentions[in]; n > 0 {
			intents = append(intents, p.T("pooling.synthesis.intent", p.T("pooling.intent."+string(in)), n))
		}
	}
	return p.T("pooling.synthesis.line", fs.Answered, strings.Join(intents, ", "),
		fs.Efficiency[0], fs.Efficiency[1], fs.Efficiency[2], fs.Importance[0], fs.Importance[1], fs.Importance[2])
}

// matrixAction sends the company's matrix as a picture, by DM.
func (s *Service) matrixAction(ctx context.Context, m *Member, p *i18n.Printer, act *Action) (*Response, error) {
	id, err := campaignID(act.Value)
	if err != nil {
		return nil, err
	}
	c, err := s.store.FindCampaign(ctx, id)
	if err != nil || !c.Participates(m.CompanyID) || !canSeeAnswers(m, m.CompanyID) {
		return nil, Errorf(ENOTFOUND, "pooling.error.not_found", id)
	}
	mine, err := s.companyAnswers(ctx, c, m.CompanyID)
	if err != nil {
		return nil, err
	}
	if s.charts == nil || len(mine.Answers) == 0 {
		return nil, Errorf(ECONFLICT, "pooling.error.no_picture")
	}
	chart := MatrixChart{Title: p.T("pooling.chart.matrix.title", c.Name), XLabel: p.T("pooling.chart.efficiency"), YLabel: p.T("pooling.chart.importance"),
		Ticks: [3]string{p.T("pooling.chart.low"), p.T("pooling.chart.medium"), p.T("pooling.chart.high")}}
	for _, in := range Intentions {
		chart.Series = append(chart.Series, p.T("pooling.intent."+string(in)))
	}
	for _, f := range c.Functions {
		if a, ok := mine.Answers[f.Key]; ok {
			chart.Points = append(chart.Points, MatrixPoint{Label: f.Name, X: a.Efficiency.Index(), Y: a.Importance.Index(),
				Series: slices.Index(Intentions, a.Intention)})
		}
	}
	png, err := s.charts.Matrix(chart)
	if err != nil {
		return nil, err
	}
	return s.sendPicture(ctx, m, p, campaignKey(c, "matrix"), p.T("pooling.matrix.text", c.Name),
		File{Name: fmt.Sprintf("matrice-%d.png", c.ID), Title: chart.Title, Content: png})
}

// heatMapAction sends the network's heat map, by DM, to whoever may see
// the synthesis.
func (s *Service) heatMapAction(ctx context.Context, m *Member, p *i18n.Printer, act *Action) (*Response, error) {
	c, err := s.campaignRef(ctx, m, act.Value)
	if err != nil {
		return nil, err
	}
	answers, err := s.store.FindAnswers(ctx, c.ID, 0)
	if err != nil {
		return nil, err
	}
	png, err := s.heatMapPNG(c, answers, p, m)
	if err != nil {
		return nil, err
	}
	if png == nil {
		return nil, Errorf(ECONFLICT, "pooling.error.no_picture")
	}
	return s.sendPicture(ctx, m, p, campaignKey(c, "heatmap"), p.T("pooling.heatmap.text", c.Name), *png)
}

// heatMapPNG draws, for each function, how many companies hold each
// intention: counts only, and, for a member, none for a function whose
// counts would tell them another company's answer (hiddenFrom).
func (s *Service) heatMapPNG(c *Campaign, answers []*CompanyAnswers, p *i18n.Printer, m *Member) (*File, error) {
	if s.charts == nil {
		return nil, nil
	}
	full, own, open := m.IsFacilitator(), viewerAnswers(m, answers), c.openAt(s.now())
	h := HeatMapChart{Title: p.T("pooling.chart.heatmap.title", c.Name), Note: p.T("pooling.chart.heatmap.note", answeredCount(c, answers), len(c.Companies))}
	if !full {
		h.Note += " " + p.T("pooling.chart.heatmap.masked")
	}
	for _, in := range Intentions {
		h.Columns = append(h.Columns, p.T("pooling.intent."+string(in)))
	}
	for _, fs := range Synthesize(c, answers) {
		h.Rows = append(h.Rows, functionLabel(c, fs.Function))
		row := make([]int, len(Intentions))
		for i, in := range Intentions {
			if full || !fs.hiddenFrom(own, open) {
				row[i] = fs.Intentions[in]
			}
		}
		h.Cells = append(h.Cells, row)
	}
	png, err := s.charts.HeatMap(h)
	if err != nil {
		return nil, err
	}
	return &File{Name: fmt.Sprintf("mutualisation-%d-carte.png", c.ID), Title: h.Title, Content: png}, nil
}

// sendPicture sends a file to m by DM and says so.
func (s *Service) sendPicture(ctx context.Context, m *Member, p *i18n.Printer, key, text string, f File) (*Response, error) {
	err := s.enqueue(ctx, &OutboxMessage{DedupeKey: fmt.Sprintf("%s:%d", key, s.now().UnixNano()), To: Recipient{User: m.UserID},
		Message: Response{Sections: []Section{Paragraph(Text(text))}, Files: []File{f}}})
	if err != nil {
		return nil, err
	}
	return textResponse(p.T("pooling.picture.sent")), nil
}

// decidingFunction reads "<campaign>:<function>" for a facilitator.
func (s *Service) decidingFunction(ctx context.Context, m *Member, value string) (*Campaign, PoolFunction, error) {
	rawID, key, _ := strings.Cut(value, ":")
	c, err := s.campaignRef(ctx, m, rawID)
	if err != nil {
		return nil, PoolFunction{}, err
	}
	f, ok := c.Function(key)
	if !ok {
		return nil, PoolFunction{}, Errorf(EINVALID, "error.action.unknown")
	}
	return c, f, nil
}

// decideAction opens the decision form for a function: the way, the
// companies committed (those who said they want to pool it, to start),
// a note.
func (s *Service) decideAction(ctx context.Context, m *Member, p *i18n.Printer, act *Action) (*Response, error) {
	c, f, err := s.decidingFunction(ctx, m, act.Value)
	if err != nil {
		return nil, err
	}
	answers, err := s.store.FindAnswers(ctx, c.ID, 0)
	if err != nil {
		return nil, err
	}
	// Prefilled with the companies that want to pool it and agreed to be
	// named: committing one that did not would show its answer to the
	// group. The others are counted in the hint, to ask first.
	var poolers []string
	unnamed := 0
	for _, ca := range answers {
		if a, ok := ca.Answers[f.Key]; ok && a.Intention == IntentPool && c.Participates(ca.Company) {
			if ca.Shared {
				poolers = append(poolers, ca.CompanyName)
			} else {
				unnamed++
			}
		}
	}
	ways := make([]Option, len(Ways))
	for i, w := range Ways {
		ways[i] = Option{Value: string(w), Label: p.T("pooling.way." + string(w))}
	}
	return &Response{Form: &Form{ID: FormPoolingDecision, Title: p.T("pooling.decision.form.title"), Submit: p.T("pooling.decision.form.submit"),
		State: fmt.Sprintf("%d:%s", c.ID, f.Key), Fields: []Field{
			{ID: fieldDecisionWay, Label: p.T("pooling.decision.field.way", functionLabel(c, f)), Kind: FieldSelect, Options: ways},
			{ID: fieldDecisionComps, Label: p.T("pooling.decision.field.companies"), Hint: p.T("pooling.decision.field.companies.hint", unnamed),
				Kind: FieldLongText, Optional: true, Value: strings.Join(poolers, "\n"), MaxLength: maxCampaignText},
			{ID: fieldDecisionNote, Label: p.T("pooling.decision.field.note"), Kind: FieldLongText, Optional: true, MaxLength: maxDecisionNote},
		}}}, nil
}

// submitPoolDecision records the decision; one that pools the function
// gets a working group, with the committed companies' members invited.
func (s *Service) submitPoolDecision(ctx context.Context, m *Member, p *i18n.Printer, sub *Submission) (*Response, error) {
	c, f, err := s.decidingFunction(ctx, m, sub.State)
	if err != nil {
		return nil, err
	}
	d := &PoolDecision{Campaign: c.ID, Function: f.Key, Way: Way(sub.Values[fieldDecisionWay]), Note: cleanText(sub.Values[fieldDecisionNote]), DecidedBy: m.UserID}
	if !slices.Contains(Ways, d.Way) {
		return nil, FieldErrors{fieldDecisionWay: p.T("request.error.choice")}
	}
	if utf8.RuneCountInString(d.Note) > maxDecisionNote {
		return nil, FieldErrors{fieldDecisionNote: p.T("event.error.too_long", maxDecisionNote)}
	}
	companies, err := s.store.ListCompanies(ctx)
	if err != nil {
		return nil, err
	}
	var unknown []string
	if strings.TrimSpace(sub.Values[fieldDecisionComps]) != "" {
		d.Companies, unknown = matchCompanies(companies, sub.Values[fieldDecisionComps])
	}
	d.Companies = slices.DeleteFunc(d.Companies, func(id int64) bool { return !c.Participates(id) })
	switch {
	case len(unknown) > 0:
		return nil, FieldErrors{fieldDecisionComps: p.T("pooling.error.companies", strings.Join(unknown, ", "))}
	case d.Way.Pools() && len(d.Companies) == 0:
		return nil, FieldErrors{fieldDecisionComps: p.T("pooling.error.no_committed")}
	}
	if previous, err := s.store.FindDecisions(ctx, c.ID); err == nil {
		for _, old := range previous {
			if old.Function == f.Key {
				d.Group = old.Group // a group once made stays the function's
			}
		}
	}
	var g *Group
	if d.Way.Pools() {
		if g, err = s.poolingGroup(ctx, m, p, c, f, d); err != nil {
			return nil, err
		}
		d.Group = g.ID
	}
	if err := s.store.SaveDecision(ctx, d); err != nil {
		return nil, err
	}
	text := p.T("pooling.decided", functionLabel(c, f), p.T("pooling.way."+string(d.Way)))
	body := []Span{Text(text)}
	if g != nil {
		invited, err := s.invitePoolers(ctx, g, d, c, f)
		if err != nil {
			return nil, err
		}
		body = append(body, Text(" "+p.T("pooling.decided.group", g.Name, invited)+" "))
		if g.Channel != "" {
			body = append(body, ChannelLink(g.Channel, g.Slug))
		}
	}
	return &Response{Sections: []Section{Paragraph(body...)}}, nil
}
