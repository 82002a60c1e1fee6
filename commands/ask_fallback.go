package commands

import (
	"context"
	"strings"

	"cercle/i18n"
)

// This file is the assistant without a model: a plain question is read
// for what it asks (ask_intents.go), then answered by the command that
// shows it, run as a typed command so that permissions are the same, or
// by the card of the event or group it names, whose ordinary button
// only proposes the action. Nothing is ever done from words alone.

// answerWithoutModel answers text from the commands' own words.
func (s *Service) answerWithoutModel(ctx context.Context, m *Member, p *i18n.Printer, text string) (*Response, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return askExamples(p, "ask.fallback.empty"), nil
	}
	q := newQuestion(text)
	switch in := q.intent(); in {
	case intentRegister, intentCancel:
		return s.offerEvent(ctx, m, p, q, in == intentCancel)
	case intentJoin, intentLeave:
		return s.offerGroup(ctx, m, p, q, in == intentLeave)
	case intentExpertRequest:
		return &Response{Sections: []Section{Paragraph(
			Text(p.T("ask.fallback.expert_request")+" "), Code(p.T("ask.fallback.expert.command")), Text(p.T("ask.fallback.end")),
		)}}, nil
	case intentExperts:
		return s.askExperts(ctx, m, p, q)
	case intentProfile:
		return askProfile(m, p), nil
	case intentLanguage:
		return s.runAsTyped(ctx, m, "aide langue"), nil
	case intentDigest:
		return s.runAsTyped(ctx, m, "digest apercu"), nil
	case intentEvents, intentAgenda, intentGroups, intentRequests, intentHelp:
		return s.runAsTyped(ctx, m, string(in)), nil
	}
	return askExamples(p, "ask.fallback.lead"), nil
}

// runAsTyped runs a command as if m had typed it, through Handle: the
// same checks, the same answer.
func (s *Service) runAsTyped(ctx context.Context, m *Member, line string) *Response {
	return s.Handle(ctx, &Request{Kind: KindSlash, Text: line, User: User{ID: m.UserID, Name: m.Name}})
}

// askExampleKeys are the questions shown to someone whose words said
// nothing the assistant knows.
var askExampleKeys = []string{
	"ask.fallback.example.events", "ask.fallback.example.register", "ask.fallback.example.experts",
	"ask.fallback.example.digest", "ask.fallback.example.groups", "ask.fallback.example.requests",
}

// askExamples is a short list of questions to ask, after lead.
func askExamples(p *i18n.Printer, lead string) *Response {
	lines := make([]string, len(askExampleKeys))
	for i, k := range askExampleKeys {
		lines[i] = "• " + p.T(k)
	}
	return &Response{Title: p.T("ask.fallback.title"), Sections: []Section{
		Paragraph(Text(p.T(lead))),
		Paragraph(Text(strings.Join(lines, "\n"))),
		{Note: true, Body: []Span{Text(p.T("ask.fallback.more") + " "), Code(p.T("help.command"))}},
	}}
}

// askExperts shows the directory, filtered by the topic asked about
// when a domain has it, and how to ask one of them for a meeting.
func (s *Service) askExperts(ctx context.Context, m *Member, p *i18n.Printer, q question) (*Response, error) {
	line := "experts"
	experts, err := s.store.ListExperts(ctx)
	if err != nil {
		return nil, err
	}
	for _, w := range q.targetWords() {
		if len(directoryDomains(experts, s.now(), Fold(w))) > 0 {
			line += " " + w
			break
		}
	}
	r := s.runAsTyped(ctx, m, line)
	if !mentionsCode(r, p.T("ask.fallback.expert.command")) {
		r.Sections = append(r.Sections, Section{Note: true, Body: []Span{
			Text(p.T("ask.fallback.experts.more") + " "), Code(p.T("ask.fallback.expert.command")), Text(p.T("ask.fallback.end")),
		}})
	}
	return r, nil
}

// mentionsCode says whether r already shows code, such as a command.
func mentionsCode(r *Response, code string) bool {
	for _, sec := range r.Sections {
		for _, sp := range sec.Body {
			if sp.Kind == SpanCode && strings.HasPrefix(sp.Text, code) {
				return true
			}
		}
	}
	return false
}

// askProfile shows m's company and the button that opens its form: a
// form cannot open from a message, a button can.
func askProfile(m *Member, p *i18n.Printer) *Response {
	if m.Company == nil || m.Company.Name == "" {
		return &Response{Title: p.T("profile.form.title"), Sections: []Section{{
			Body:    []Span{Text(p.T("ask.fallback.profile.empty"))},
			Buttons: []Button{{ActionID: ActionEditProfile, Label: p.T("home.fill_profile"), Style: ButtonPrimary}},
		}}}
	}
	return &Response{Title: p.T("profile.form.title"), Sections: []Section{{
		Pairs:   companyPairs(m.Company, p),
		Buttons: []Button{{ActionID: ActionEditProfile, Label: p.T("home.edit_profile")}},
	}}}
}
