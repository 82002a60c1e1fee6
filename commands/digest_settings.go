package commands

import (
	"context"
	"strings"

	"cercle/i18n"
)

// Digest action ids.
const (
	// ActionDigestFrequency sets how often the digest comes; its value is
	// a DigestFrequency. It is on every digest: one tap, no confirmation.
	ActionDigestFrequency = "digest.frequency"
	// ActionSummaries keeps the member's messages out of (value "out") or
	// in ("in") group summaries.
	ActionSummaries = "digest.summaries"
)

// digestFeature is the digest's command and its one-tap settings. Each
// member changes only their own settings, so everyone may press them.
func (s *Service) digestFeature() feature {
	return feature{
		commands: []*Command{{
			Name: "digest", Aliases: []string{"resume", "résumé"},
			Usage: "digest.cmd.usage", Summary: "digest.cmd.summary", Detail: "digest.cmd.detail",
			Run: s.digestCmd,
		}},
		actions: []*ActionHandler{
			{ID: ActionDigestFrequency, Run: s.digestFrequencyAction},
			{ID: ActionSummaries, Run: s.summariesAction},
		},
	}
}

// digestCmd is /cercle digest [apercu | hebdo | mensuel | off | resumes oui|non].
func (s *Service) digestCmd(ctx context.Context, c *Call) (*Response, error) {
	if len(c.Args) == 0 {
		return &Response{Title: c.P.T("digest.settings.title"), Sections: digestSettingsSections(c.Member, c.P)}, nil
	}
	word := strings.ToLower(c.Args[0])
	switch {
	case len(c.Args) == 1 && (word == "apercu" || word == "aperçu" || word == "preview"):
		return s.digestPreview(ctx, c)
	case len(c.Args) == 2 && (word == "resumes" || word == "résumés" || word == "summaries"):
		switch strings.ToLower(c.Args[1]) {
		case "oui", "yes":
			return s.setSummariesOptOut(ctx, c.Member, c.P, false)
		case "non", "no":
			return s.setSummariesOptOut(ctx, c.Member, c.P, true)
		}
	case len(c.Args) == 1:
		if f, ok := parseFrequency(word); ok {
			return s.setDigestFrequency(ctx, c.Member, c.P, f)
		}
	}
	return nil, Errorf(EINVALID, "digest.error.usage")
}

func parseFrequency(word string) (DigestFrequency, bool) {
	switch word {
	case "hebdo", "hebdomadaire", "semaine", "weekly":
		return DigestWeekly, true
	case "mensuel", "mois", "monthly":
		return DigestMonthly, true
	case "off", "non", "stop", "aucun", "jamais", "never":
		return DigestOff, true
	}
	return "", false
}

func (s *Service) digestFrequencyAction(ctx context.Context, m *Member, p *i18n.Printer, a *Action) (*Response, error) {
	f, ok := parseFrequency(a.Value)
	if !ok {
		return nil, Errorf(EINVALID, "error.action.unknown")
	}
	return s.setDigestFrequency(ctx, m, p, f)
}

func (s *Service) summariesAction(ctx context.Context, m *Member, p *i18n.Printer, a *Action) (*Response, error) {
	switch a.Value {
	case "out":
		return s.setSummariesOptOut(ctx, m, p, true)
	case "in":
		return s.setSummariesOptOut(ctx, m, p, false)
	}
	return nil, Errorf(EINVALID, "error.action.unknown")
}

// setDigestFrequency records the member's choice and says it, with the
// buttons to change it again.
func (s *Service) setDigestFrequency(ctx context.Context, m *Member, p *i18n.Printer, f DigestFrequency) (*Response, error) {
	updated, err := s.store.UpdateMember(ctx, m.UserID, MemberUpdate{Digest: &f})
	if err != nil {
		return nil, err
	}
	return &Response{Sections: append([]Section{Paragraph(Text(p.T("digest.set." + string(f))))}, digestSettings(updated, p))}, nil
}

// setSummariesOptOut keeps the member's messages out of summaries (and
// forgets those kept so far), or lets them in again.
func (s *Service) setSummariesOptOut(ctx context.Context, m *Member, p *i18n.Printer, out bool) (*Response, error) {
	if _, err := s.store.UpdateMember(ctx, m.UserID, MemberUpdate{SummariesOptOut: &out}); err != nil {
		return nil, err
	}
	if out {
		if err := s.store.DeleteMessagesBy(ctx, m.UserID); err != nil {
			return nil, err
		}
		return textResponse(p.T("digest.summaries.out")), nil
	}
	return textResponse(p.T("digest.summaries.in")), nil
}

// digestSettingsSections shows both settings with their buttons: for
// /cercle digest and the App Home tab.
func digestSettingsSections(m *Member, p *i18n.Printer) []Section {
	freq := digestSettings(m, p)
	freq.Note = false
	sum := Section{Body: []Span{Text(p.T("digest.summaries.state.in"))},
		Buttons: []Button{{ActionID: ActionSummaries, Value: "out", Label: p.T("digest.summaries.button.out")}}}
	if m.SummariesOptOut {
		sum = Section{Body: []Span{Text(p.T("digest.summaries.state.out"))},
			Buttons: []Button{{ActionID: ActionSummaries, Value: "in", Label: p.T("digest.summaries.button.in")}}}
	}
	return []Section{freq, sum, {Note: true, Body: []Span{Text(p.T("digest.preview.hint") + " "), Code(p.T("digest.preview.command"))}}}
}
