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

// This file is the panel's opinion: written by one panelist, amended by
// others, sealed by a facilitator, and only then sent to the applicant,
// as a message and a Markdown file they can share themselves.

// Opinion steps; each value (and the form's state) is the application id.
const (
	ActionWriteOpinion    = "bureau.opinion.write"
	ActionSealOpinion     = "bureau.opinion.seal"
	ActionOpinionToExpert = "bureau.opinion.expert"
	FormBureauOpinion     = "bureau.opinion"
	fieldOpinionStrengths = "opinion_strengths"
	fieldOpinionRisks     = "opinion_risks"
	fieldOpinionAdvice    = "opinion_recommendations"
	fieldOpinionContacts  = "opinion_contacts"
	fieldOpinionExperts   = "opinion_experts"
	fieldOpinionVerdict   = "opinion_verdict"
	expertsOffered        = 8
)

// opinionCmd is /cercle bureau avis <n°>: the opinion form, as the
// button opens it.
func (s *Service) opinionCmd(ctx context.Context, c *Call, args []string) (*Response, error) {
	if len(args) != 1 {
		return nil, Errorf(EINVALID, "bureau.error.opinion_usage")
	}
	ref := strings.TrimPrefix(strings.TrimPrefix(args[0], "#"), "n°")
	if _, err := applicationID(ref); err != nil {
		return nil, Errorf(EINVALID, "bureau.error.opinion_usage")
	}
	return s.writeOpinionAction(ctx, c.Member, c.P, &Action{ID: ActionWriteOpinion, Value: ref})
}

// writeOpinionAction opens the opinion form, filled with the draft so
// far, and offers the network's experts closest to the project.
func (s *Service) writeOpinionAction(ctx context.Context, m *Member, p *i18n.Printer, act *Action) (*Response, error) {
	a, err := s.visibleApplication(ctx, m, act.Value, mayWriteOpinion)
	if err != nil {
		return nil, err
	}
	if a.Status != ApplicationHeard {
		return nil, errApplicationState(a)
	}
	matches, err := s.store.SearchExperts(ctx, a.Project+" "+a.Expectations, expertsOffered)
	if err != nil {
		return nil, err
	}
	var experts []Option
	for _, e := range matches {
		if e.Expert.Active {
			experts = append(experts, Option{Value: string(e.Expert.User), Label: truncate(e.Expert.Name+" · "+strings.Join(e.Expert.Domains, ", "), 75)})
		}
	}
	o := a.Opinion
	verdicts := make([]Option, len(Verdicts))
	for i, v := range Verdicts {
		verdicts[i] = Option{Value: string(v), Label: p.T("bureau.verdict." + string(v))}
	}
	long := func(id, label, value string, optional bool) Field {
		return Field{ID: id, Label: p.T(label), Value: value, Kind: FieldLongText, Optional: optional, MaxLength: maxOpinionField}
	}
	fields := []Field{
		long(fieldOpinionStrengths, "bureau.opinion.strengths", o.Strengths, false),
		long(fieldOpinionRisks, "bureau.opinion.risks", o.Risks, false),
		long(fieldOpinionAdvice, "bureau.opinion.recommendations", o.Recommendations, false),
		long(fieldOpinionContacts, "bureau.opinion.contacts", o.Contacts, true),
	}
	if len(experts) > 0 {
		chosen := make([]string, len(o.Experts))
		for i, u := range o.Experts {
			chosen[i] = string(u)
		}
		fields = append(fields, Field{ID: fieldOpinionExperts, Label: p.T("bureau.opinion.experts"), Hint: p.T("bureau.opinion.experts.hint"),
			Kind: FieldCheckboxes, Optional: true, Options: experts, Value: strings.Join(chosen, "\n")})
	}
	fields = append(fields, Field{ID: fieldOpinionVerdict, Label: p.T("bureau.opinion.verdict"), Kind: FieldSelect,
		Value: string(o.Verdict), Options: verdicts})
	return &Response{Form: &Form{ID: FormBureauOpinion, Title: p.T("bureau.opinion.form.title", a.ID), Submit: p.T("bureau.opinion.form.submit"),
		State: versionedID(a), Fields: fields}}, nil
}

// parseOpinion reads the opinion form. Experts must be the network's: a
// forged value is dropped by the caller.
func parseOpinion(values map[string]string, p *i18n.Printer) (Opinion, FieldErrors) {
	o := Opinion{Strengths: cleanText(values[fieldOpinionStrengths]), Risks: cleanText(values[fieldOpinionRisks]),
		Recommendations: cleanText(values[fieldOpinionAdvice]), Contacts: cleanText(values[fieldOpinionContacts]),
		Verdict: Verdict(strings.TrimSpace(values[fieldOpinionVerdict]))}
	errs := FieldErrors{}
	for field, text := range map[string]string{fieldOpinionStrengths: o.Strengths, fieldOpinionRisks: o.Risks, fieldOpinionAdvice: o.Recommendations} {
		if text == "" {
			errs[field] = p.T("bureau.error.opinion_required")
		}
	}
	for field, text := range map[string]string{fieldOpinionStrengths: o.Strengths, fieldOpinionRisks: o.Risks,
		fieldOpinionAdvice: o.Recommendations, fieldOpinionContacts: o.Contacts} {
		if utf8.RuneCountInString(text) > maxOpinionField {
			errs[field] = p.T("event.error.too_long", maxOpinionField)
		}
	}
	if !slices.Contains(Verdicts, o.Verdict) {
		errs[fieldOpinionVerdict] = p.T("request.error.choice")
	}
	for _, line := range strings.Split(values[fieldOpinionExperts], "\n") {
		if u, ok := ParseMention(strings.TrimSpace(line)); ok && !slices.Contains(o.Experts, u) && len(o.Experts) < maxOpinionExp {
			o.Experts = append(o.Experts, u)
		}
	}
	if len(errs) > 0 {
		return o, errs
	}
	return o, nil
}

// submitOpinion writes or amends the opinion, and tells the facilitators
// it waits for their seal.
func (s *Service) submitOpinion(ctx context.Context, m *Member, p *i18n.Printer, sub *Submission) (*Response, error) {
	id, seen, err := parseVersionedID(sub.State)
	if err != nil {
		return nil, err
	}
	o, fe := parseOpinion(sub.Values, p)
	if fe != nil {
		return nil, fe
	}
	if o.Experts, err = s.activeExperts(ctx, o.Experts); err != nil {
		return nil, err
	}
	now := s.now()
	a, err := s.changeApplication(ctx, m, id, mayWriteOpinion, func(_ ApplicationTx, a *Application) error {
		if seen != 0 && a.Version != seen {
			return Errorf(ECONFLICT, "bureau.error.opinion_changed", a.ID)
		}
		return decideOpinion(a, o, m.UserID, now)
	})
	if ErrorCode(err) == ECONFLICT && seen != 0 {
		// Amended by another panelist meanwhile: nothing is overwritten,
		// and what this one wrote is given back to merge.
		return &Response{Sections: []Section{Paragraph(Text(p.T("bureau.error.opinion_changed", id))),
			{Heading: p.T("bureau.opinion.yours"), Body: []Span{Text(o.Strengths + "\n\n" + o.Risks + "\n\n" + o.Recommendations + "\n\n" + o.Contacts)}}}}, nil
	}
	if err != nil {
		return nil, err
	}
	return textResponse(p.T("bureau.opinion.saved", a.ID, a.Company)), nil
}

// activeExperts keeps, of users, the network's active experts.
func (s *Service) activeExperts(ctx context.Context, users []UserID) ([]UserID, error) {
	var out []UserID
	for _, u := range users {
		e, err := s.store.FindExpert(ctx, u)
		if ErrorCode(err) == ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		if e.Active {
			out = append(out, u)
		}
	}
	return out, nil
}

// sealOpinionAction seals the opinion and sends it to the applicant, in
// the same transaction: nobody else receives it.
func (s *Service) sealOpinionAction(ctx context.Context, m *Member, p *i18n.Printer, act *Action) (*Response, error) {
	id, seen, err := parseVersionedID(act.Value)
	if err != nil {
		return nil, err
	}
	now := s.now()
	a, err := s.changeApplication(ctx, m, id, maySeal, func(tx ApplicationTx, a *Application) error {
		if seen != 0 && a.Version != seen {
			return Errorf(ECONFLICT, "bureau.error.seal_changed", a.ID)
		}
		if err := decideSeal(a, m.UserID, now); err != nil {
			return err
		}
		return tx.Enqueue(s.opinionMessage(ctx, a))
	})
	if err != nil {
		return nil, err
	}
	return textResponse(p.T("bureau.sealed", a.ID, a.Company)), nil
}

// opinionMessage is the sealed opinion as the applicant receives it: the
// opinion in the message, the same as a Markdown file, and a button to
// ask the network's experts the panel suggested for a meeting.
func (s *Service) opinionMessage(ctx context.Context, a *Application) *OutboxMessage {
	p := s.Printer(ctx, User{ID: a.Applicant})
	msg := &OutboxMessage{DedupeKey: fmt.Sprintf("bureau:%d:opinion", a.ID), To: Recipient{User: a.Applicant}}
	o := a.Opinion
	// Each part is a section of its own: up to 3,000 characters, more
	// than a label/value pair holds in Slack.
	msg.Message.Title = p.T("bureau.opinion.sent.heading", a.Company)
	msg.Message.Sections = []Section{Paragraph(Text(p.T("bureau.opinion.sent.intro"))),
		{Pairs: []Pair{{Label: p.T("bureau.opinion.verdict"), Value: p.T("bureau.verdict." + string(o.Verdict))}}}}
	for _, part := range []struct{ label, text string }{{"bureau.opinion.strengths", o.Strengths}, {"bureau.opinion.risks", o.Risks},
		{"bureau.opinion.recommendations", o.Recommendations}, {"bureau.opinion.contacts", o.Contacts}} {
		if part.text != "" {
			msg.Message.Sections = append(msg.Message.Sections, Section{Heading: p.T(part.label), Body: []Span{Text(part.text)}})
		}
	}
	if len(o.Experts) > 0 {
		experts := Section{Body: []Span{Bold(p.T("bureau.opinion.experts") + " ")}}
		for i, u := range o.Experts {
			if i > 0 {
				experts.Body = append(experts.Body, Text(", "))
			}
			experts.Body = append(experts.Body, Mention(u))
		}
		experts.Buttons = []Button{{ActionID: ActionOpinionToExpert, Value: strconv.FormatInt(a.ID, 10), Label: p.T("bureau.button.ask_expert")}}
		msg.Message.Sections = append(msg.Message.Sections, experts)
	}
	msg.Message.Sections = append(msg.Message.Sections, Section{Note: true, Body: []Span{Text(p.T("bureau.opinion.sent.confidential"))}})
	msg.Message.Files = []File{{Name: fmt.Sprintf("avis-bureau-des-pairs-%d.md", a.ID), Title: p.T("bureau.opinion.file.title", a.Company),
		Content: []byte(opinionMarkdown(a, p))}}
	return msg
}

// opinionMarkdown is the opinion as a Markdown file. What people wrote
// is quoted as text: Markdown's own marks in it are escaped.
func opinionMarkdown(a *Application, p *i18n.Printer) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", markdownEscape(p.T("bureau.opinion.file.title", a.Company)))
	fmt.Fprintf(&b, "_%s_\n\n", markdownEscape(p.T("bureau.opinion.file.meta", p.Date(a.Opinion.SealedAt), p.T("bureau.kind."+string(a.Kind)))))
	fmt.Fprintf(&b, "**%s** %s\n\n", markdownEscape(p.T("bureau.opinion.verdict")+" :"), markdownEscape(p.T("bureau.verdict."+string(a.Opinion.Verdict))))
	part := func(label, text string) {
		if text != "" {
			fmt.Fprintf(&b, "## %s\n\n%s\n\n", markdownEscape(p.T(label)), markdownEscape(text))
		}
	}
	part("bureau.opinion.strengths", a.Opinion.Strengths)
	part("bureau.opinion.risks", a.Opinion.Risks)
	part("bureau.opinion.recommendations", a.Opinion.Recommendations)
	part("bureau.opinion.contacts", a.Opinion.Contacts)
	fmt.Fprintf(&b, "---\n\n%s\n", markdownEscape(p.T("bureau.opinion.sent.confidential")))
	return b.String()
}

// markdownEscape backslashes the characters Markdown gives a meaning, so
// a panelist's text cannot become a link or a heading.
func markdownEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>#|~", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// opinionToExpertAction opens the expert request form from a sealed
// opinion, its problem drawn from the panel's recommendations.
func (s *Service) opinionToExpertAction(ctx context.Context, m *Member, p *i18n.Printer, act *Action) (*Response, error) {
	a, err := s.visibleApplication(ctx, m, act.Value, mayFollowUp)
	if err != nil {
		return nil, err
	}
	if a.Status != ApplicationAdvised {
		return nil, errApplicationState(a)
	}
	if err := s.checkOpenRequests(ctx, m); err != nil {
		return nil, err
	}
	form, err := s.requestForm(ctx, p)
	if err != nil {
		return nil, err
	}
	problem := p.T("bureau.opinion.request", a.Opinion.Recommendations)
	form.Fields[0].Value = string([]rune(problem)[:min(utf8.RuneCountInString(problem), maxProblem)])
	return &Response{Form: form}, nil
}

// versionedID is "<id>:<version>": a form or button that acts on the
// opinion as its holder saw it.
func versionedID(a *Application) string { return fmt.Sprintf("%d:%d", a.ID, a.Version) }

// parseVersionedID reads "<id>" or "<id>:<version>"; version 0 means
// none was given (a typed command).
func parseVersionedID(v string) (int64, int, error) {
	rawID, rawVersion, found := strings.Cut(v, ":")
	id, err := applicationID(rawID)
	if err != nil || !found {
		return id, 0, err
	}
	version, err := strconv.Atoi(rawVersion)
	if err != nil || version <= 0 {
		return 0, 0, Errorf(EINVALID, "error.action.unknown")
	}
	return id, version, nil
}
