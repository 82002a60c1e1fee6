package commands

import (
	"context"
	"strconv"
	"strings"

	"cercle/i18n"
)

// Profile form field ids, which are also Slack block ids.
const (
	fieldCompanyName      = "company_name"
	fieldCompanySector    = "company_sector"
	fieldCompanyHeadcount = "company_headcount"
	fieldCompanyCity      = "company_city"
	fieldCompanyFounded   = "company_founded"
)

// Action and form ids of a member's own account.
const (
	ActionEditProfile = "profile.edit"
	ActionShowHelp    = "help.show"
	FormProfile       = "profile"
)

// accountFeature is what every member does with their own account: help,
// company profile and language.
func (s *Service) accountFeature() feature {
	return feature{
		commands: []*Command{
			{
				Name: "aide", Aliases: []string{"help", "?"},
				Usage: "help.cmd.usage", Summary: "help.cmd.summary", Detail: "help.cmd.detail",
				Run: s.help,
			},
			{
				Name: "profil", Aliases: []string{"profile"},
				Usage: "profile.cmd.usage", Summary: "profile.cmd.summary", Detail: "profile.cmd.detail",
				Run: s.profile,
			},
			{
				Name: "langue", Aliases: []string{"language", "lang"},
				Usage: "lang.cmd.usage", Summary: "lang.cmd.summary", Detail: "lang.cmd.detail",
				Run: s.language,
			},
		},
		actions: []*ActionHandler{
			{ID: ActionEditProfile, Run: s.editProfileAction},
			{ID: ActionShowHelp, Run: s.showHelpAction},
		},
		forms: []*FormHandler{{ID: FormProfile, Run: s.submitProfile}},
	}
}

// profile opens the form for the member's company.
func (s *Service) profile(_ context.Context, c *Call) (*Response, error) {
	if len(c.Args) > 0 {
		return nil, Errorf(EINVALID, "profile.error.no_args")
	}
	return &Response{Form: profileForm(c.Member, c.P)}, nil
}

func (s *Service) editProfileAction(_ context.Context, m *Member, p *i18n.Printer, _ *Action) (*Response, error) {
	return &Response{Form: profileForm(m, p)}, nil
}

func (s *Service) showHelpAction(_ context.Context, m *Member, p *i18n.Printer, _ *Action) (*Response, error) {
	return s.commandList(m, p), nil
}

func profileForm(m *Member, p *i18n.Printer) *Form {
	c := m.Company
	if c == nil {
		c = &Company{}
	}
	itoa := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	return &Form{
		ID:     FormProfile,
		Title:  p.T("profile.form.title"),
		Submit: p.T("profile.form.submit"),
		Fields: []Field{
			{ID: fieldCompanyName, Label: p.T("profile.field.name"), Value: c.Name, MaxLength: maxCompanyName},
			{ID: fieldCompanySector, Label: p.T("profile.field.sector"), Placeholder: p.T("profile.field.sector.placeholder"), Value: c.Sector, Optional: true, MaxLength: maxCompanyField},
			{ID: fieldCompanyHeadcount, Label: p.T("profile.field.headcount"), Value: itoa(c.Headcount), Kind: FieldNumber, Optional: true},
			{ID: fieldCompanyCity, Label: p.T("profile.field.city"), Value: c.City, Optional: true, MaxLength: maxCompanyField},
			{ID: fieldCompanyFounded, Label: p.T("profile.field.founded"), Value: itoa(c.FoundedYear), Kind: FieldNumber, Optional: true},
		},
	}
}

func (s *Service) submitProfile(ctx context.Context, m *Member, p *i18n.Printer, sub *Submission) (*Response, error) {
	c, fe := ParseCompany(sub.Values, s.now().In(s.zone), p)
	if fe != nil {
		return nil, fe
	}
	if m.Company != nil {
		c.Revenue = m.Company.Revenue // given to the Bureau des pairs; the profile form does not ask it
	}
	saved, err := s.store.SaveCompany(ctx, m.UserID, c)
	if err != nil {
		return nil, err
	}
	return &Response{
		Title:    p.T("profile.saved.title"),
		Sections: []Section{{Pairs: companyPairs(saved, p)}},
	}, nil
}

// companyPairs describes a company for the profile and the Home tab.
func companyPairs(c *Company, p *i18n.Printer) []Pair {
	pairs := []Pair{{Label: p.T("profile.field.name"), Value: c.Name}}
	add := func(label, value string) {
		if value != "" {
			pairs = append(pairs, Pair{Label: label, Value: value})
		}
	}
	add(p.T("profile.field.sector"), c.Sector)
	if c.Headcount > 0 {
		add(p.T("profile.field.headcount"), p.Plural("profile.headcount", c.Headcount))
	}
	add(p.T("profile.field.city"), c.City)
	if c.FoundedYear > 0 {
		add(p.T("profile.field.founded"), strconv.Itoa(c.FoundedYear))
	}
	return pairs
}

// language sets the language the member reads Cercle in.
func (s *Service) language(ctx context.Context, c *Call) (*Response, error) {
	if len(c.Args) != 1 {
		return nil, Errorf(EINVALID, "lang.error.usage")
	}
	var lang i18n.Lang
	switch strings.ToLower(c.Args[0]) {
	case "fr", "français", "francais", "french":
		lang = i18n.French
	case "en", "anglais", "english":
		lang = i18n.English
	default:
		return nil, Errorf(EINVALID, "lang.error.unknown", truncate(c.Args[0], 20))
	}
	if _, err := s.store.UpdateMember(ctx, c.Member.UserID, MemberUpdate{Lang: &lang, LangChosen: true}); err != nil {
		return nil, err
	}
	p := i18n.NewPrinter(lang, c.P.Location())
	return &Response{Sections: []Section{Paragraph(Text(p.T("lang.done")))}}, nil
}
