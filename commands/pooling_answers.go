package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"cercle/i18n"
)

// This file is a company's side of a campaign: its answers, page by
// page, what the matrix suggests for each function, its own matrix as a
// picture, and its agreement to share its answers with the group.

// The questionnaire: one form per page of functions; its state is
// "<campaign>:<page>", its fields per function "eff_<key>", "imp_<key>",
// "int_<key>" and "com_<key>".
const (
	FormPoolingAnswers = "pooling.answers"
	poolingPageSize    = 6
	maxPoolComment     = 300
	intentAuto         = "auto"
)

// companyView is a campaign as one of its companies sees it: its
// progress, each function answered with the intention, and the buttons
// to answer, see its matrix and share.
func (s *Service) companyView(ctx context.Context, m *Member, p *i18n.Printer, c *Campaign) (*Response, error) {
	mine, err := s.companyAnswers(ctx, c, m.CompanyID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	r := &Response{Title: p.T("pooling.title")}
	head := campaignHeader(c, now, p)
	head.Pairs = append(head.Pairs, Pair{Label: p.T("pooling.progress"), Value: p.T("pooling.progress.value", placed(c, mine), len(c.Functions))})
	id := strconv.FormatInt(c.ID, 10)
	if c.openAt(now) {
		next := firstPageToAnswer(c, mine)
		head.Buttons = append(head.Buttons, Button{ActionID: ActionPoolingAnswer, Value: fmt.Sprintf("%s:%d", id, next),
			Label: p.T("pooling.button.answer", next+1, pageCount(c)), Style: ButtonPrimary})
	}
	if len(mine.Answers) > 0 {
		head.Buttons = append(head.Buttons, Button{ActionID: ActionPoolingMatrix, Value: id, Label: p.T("pooling.button.matrix")})
	}
	share, label := "on", "pooling.button.share"
	if mine.Shared {
		share, label = "off", "pooling.button.unshare"
	}
	head.Buttons = append(head.Buttons, Button{ActionID: ActionPoolingShare, Value: id + ":" + share, Label: p.T(label)})
	r.Sections = append(r.Sections, head)
	// One line a function, in one section the renderer splits at
	// Slack's 3,000 characters: 40 functions stay within a message.
	var lines []string
	for _, f := range c.Functions {
		if a, ok := mine.Answers[f.Key]; ok {
			lines = append(lines, truncate(functionLabel(c, f), 80)+" · "+answerLine(a, p))
		}
	}
	if len(lines) > 0 {
		r.Sections = append(r.Sections, Paragraph(Text(strings.Join(lines, "\n"))))
	}
	note := "pooling.private"
	if mine.Shared {
		note = "pooling.shared"
	}
	r.Sections = append(r.Sections, Section{Note: true, Body: []Span{Text(p.T(note))}})
	return r, nil
}

// answerLine is one answer: the two scores and the intention, marked
// when it is the matrix's suggestion. Its comment stays in the form and
// the export: 40 lines with comments would not fit a message.
func answerLine(a PoolAnswer, p *i18n.Printer) string {
	line := p.T("pooling.answer.line", p.T("pooling.level.eff."+string(a.Efficiency)), p.T("pooling.level.imp."+string(a.Importance)),
		p.T("pooling.intent."+string(a.Intention)))
	if !a.Chosen {
		line += " " + p.T("pooling.answer.suggested")
	}
	return line
}

// companyAnswers returns a company's answers to c; none is an empty set.
func (s *Service) companyAnswers(ctx context.Context, c *Campaign, company int64) (*CompanyAnswers, error) {
	list, err := s.store.FindAnswers(ctx, c.ID, company)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return &CompanyAnswers{Campaign: c.ID, Company: company, Answers: map[string]PoolAnswer{}}, nil
	}
	if list[0].Answers == nil {
		list[0].Answers = map[string]PoolAnswer{}
	}
	return list[0], nil
}

func pageCount(c *Campaign) int { return max(1, (len(c.Functions)+poolingPageSize-1)/poolingPageSize) }

// pageFunctions returns the functions of page n (from 0).
func pageFunctions(c *Campaign, n int) []PoolFunction {
	from := n * poolingPageSize
	return c.Functions[from:min(from+poolingPageSize, len(c.Functions))]
}

// firstPageToAnswer is the first page with a function not answered, or
// the first page when all are.
func firstPageToAnswer(c *Campaign, mine *CompanyAnswers) int {
	for i, f := range c.Functions {
		if _, ok := mine.Answers[f.Key]; !ok {
			return i / poolingPageSize
		}
	}
	return 0
}

// answeringCampaign loads the campaign a company member answers, from a
// button's or form's untrusted value "<campaign>:<page>".
func (s *Service) answeringCampaign(ctx context.Context, m *Member, value string) (*Campaign, int, error) {
	rawID, rawPage, _ := strings.Cut(value, ":")
	id, err := campaignID(rawID)
	if err != nil {
		return nil, 0, err
	}
	c, err := s.store.FindCampaign(ctx, id)
	if err != nil || !c.Participates(m.CompanyID) {
		return nil, 0, Errorf(ENOTFOUND, "pooling.error.not_found", id)
	}
	page, err := strconv.Atoi(rawPage)
	if err != nil || page < 0 || page >= pageCount(c) {
		page = 0
	}
	if !c.openAt(s.now()) {
		return nil, 0, Errorf(ECONFLICT, "pooling.error.closed", c.Name)
	}
	return c, page, nil
}

// answerPageAction opens a page of the questionnaire, filled with what
// the company answered before.
func (s *Service) answerPageAction(ctx context.Context, m *Member, p *i18n.Printer, act *Action) (*Response, error) {
	c, page, err := s.answeringCampaign(ctx, m, act.Value)
	if err != nil {
		return nil, err
	}
	mine, err := s.companyAnswers(ctx, c, m.CompanyID)
	if err != nil {
		return nil, err
	}
	levels := func(axis string) []Option {
		out := make([]Option, len(Levels))
		for i, l := range Levels {
			out[len(Levels)-1-i] = Option{Value: string(l), Label: p.T("pooling.level." + axis + "." + string(l))}
		}
		return out
	}
	intents := []Option{{Value: intentAuto, Label: p.T("pooling.intent.auto")}}
	for _, in := range Intentions {
		intents = append(intents, Option{Value: string(in), Label: p.T("pooling.intent." + string(in))})
	}
	form := &Form{ID: FormPoolingAnswers, Title: p.T("pooling.form.title", page+1, pageCount(c)), Submit: p.T("pooling.form.submit"),
		State: fmt.Sprintf("%d:%d", c.ID, page)}
	for _, f := range pageFunctions(c, page) {
		a := mine.Answers[f.Key]
		intent := intentAuto
		if a.Chosen {
			intent = string(a.Intention)
		}
		name := functionLabel(c, f)
		form.Fields = append(form.Fields,
			Field{ID: "eff_" + f.Key, Label: p.T("pooling.field.efficiency", name), Kind: FieldSelect, Options: levels("eff"), Value: string(a.Efficiency)},
			Field{ID: "imp_" + f.Key, Label: p.T("pooling.field.importance", name), Kind: FieldSelect, Options: levels("imp"), Value: string(a.Importance)},
			Field{ID: "int_" + f.Key, Label: p.T("pooling.field.intention", name), Kind: FieldSelect, Options: intents, Value: intent, Optional: true},
			Field{ID: "com_" + f.Key, Label: p.T("pooling.field.comment", name), Value: a.Comment, Optional: true, MaxLength: maxPoolComment})
	}
	return &Response{Form: form}, nil
}

// parseAnswers reads a page: both scores for each function, the
// intention chosen or the matrix's, a short comment.
func parseAnswers(c *Campaign, page int, values map[string]string, p *i18n.Printer) (map[string]PoolAnswer, FieldErrors) {
	out := map[string]PoolAnswer{}
	errs := FieldErrors{}
	for _, f := range pageFunctions(c, page) {
		a := PoolAnswer{Function: f.Key, Efficiency: Level(values["eff_"+f.Key]), Importance: Level(values["imp_"+f.Key]),
			Comment: cleanLine(values["com_"+f.Key])}
		if a.Efficiency.Index() < 0 {
			errs["eff_"+f.Key] = p.T("request.error.choice")
		}
		if a.Importance.Index() < 0 {
			errs["imp_"+f.Key] = p.T("request.error.choice")
		}
		if utf8.RuneCountInString(a.Comment) > maxPoolComment {
			errs["com_"+f.Key] = p.T("event.error.too_long", maxPoolComment)
		}
		switch in := Intention(strings.TrimSpace(values["int_"+f.Key])); {
		case in == "" || in == intentAuto:
			a.Intention, _ = SuggestIntention(a.Efficiency, a.Importance)
		case in.valid():
			a.Intention, a.Chosen = in, true
		default:
			errs["int_"+f.Key] = p.T("request.error.choice")
		}
		out[f.Key] = a
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

func (in Intention) valid() bool {
	for _, x := range Intentions {
		if x == in {
			return true
		}
	}
	return false
}

// submitAnswers saves a page and offers the next, or the matrix once
// every function is placed.
func (s *Service) submitAnswers(ctx context.Context, m *Member, p *i18n.Printer, sub *Submission) (*Response, error) {
	c, page, err := s.answeringCampaign(ctx, m, sub.State)
	if err != nil {
		return nil, err
	}
	answers, fe := parseAnswers(c, page, sub.Values, p)
	if fe != nil {
		return nil, fe
	}
	mine, err := s.companyAnswers(ctx, c, m.CompanyID)
	if err != nil {
		return nil, err
	}
	if err := s.store.SaveAnswers(ctx, &CompanyAnswers{Campaign: c.ID, Company: m.CompanyID, Answers: answers,
		Shared: mine.Shared, AnsweredBy: m.UserID}); err != nil {
		return nil, err
	}
	for k, a := range answers {
		mine.Answers[k] = a
	}
	r := &Response{Sections: []Section{}}
	var suggested []string
	for _, f := range pageFunctions(c, page) {
		a := answers[f.Key]
		if _, hint := SuggestIntention(a.Efficiency, a.Importance); !a.Chosen {
			suggested = append(suggested, functionLabel(c, f)+" : "+p.T("pooling.intent."+string(a.Intention))+" ("+p.T(hint)+")")
		}
	}
	text := p.T("pooling.saved", page+1, pageCount(c), placed(c, mine), len(c.Functions))
	r.Sections = append(r.Sections, Paragraph(Text(text)))
	if len(suggested) > 0 {
		r.Sections = append(r.Sections, Section{Heading: p.T("pooling.suggested"), Body: []Span{Text(strings.Join(suggested, "\n"))}})
	}
	id := strconv.FormatInt(c.ID, 10)
	next := Section{}
	if page+1 < pageCount(c) {
		next.Buttons = append(next.Buttons, Button{ActionID: ActionPoolingAnswer, Value: fmt.Sprintf("%s:%d", id, page+1),
			Label: p.T("pooling.button.answer", page+2, pageCount(c)), Style: ButtonPrimary})
	}
	next.Buttons = append(next.Buttons, Button{ActionID: ActionPoolingMatrix, Value: id, Label: p.T("pooling.button.matrix")})
	r.Sections = append(r.Sections, next)
	return r, nil
}

// shareAction records the company's agreement to show its answers, with
// its name, in the group's synthesis, or takes it back.
func (s *Service) shareAction(ctx context.Context, m *Member, p *i18n.Printer, act *Action) (*Response, error) {
	rawID, how, _ := strings.Cut(act.Value, ":")
	id, err := campaignID(rawID)
	if err != nil {
		return nil, err
	}
	c, err := s.store.FindCampaign(ctx, id)
	if err != nil || !c.Participates(m.CompanyID) {
		return nil, Errorf(ENOTFOUND, "pooling.error.not_found", id)
	}
	mine, err := s.companyAnswers(ctx, c, m.CompanyID)
	if err != nil {
		return nil, err
	}
	mine.Shared, mine.AnsweredBy = how == "on", m.UserID
	mine.Answers = nil // nothing to rewrite
	if err := s.store.SaveAnswers(ctx, mine); err != nil {
		return nil, err
	}
	if mine.Shared {
		return textResponse(p.T("pooling.shared.done")), nil
	}
	return textResponse(p.T("pooling.unshared.done")), nil
}
