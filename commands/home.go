package commands

import "context"

// Home returns the content of the member's App Home tab: who they are,
// their company and what they can do. Later features add their sections.
func (s *Service) Home(ctx context.Context, u User) *Response {
	m, err := s.member(ctx, u)
	if err != nil {
		return s.errorResponse(ctx, s.printer(nil), err, nil)
	}
	p := s.printer(m)
	r := &Response{Title: p.T("home.title", m.Name)}
	r.Sections = append(r.Sections, Section{
		Body: []Span{Text(p.T("home.role") + " "), Bold(p.T("role.name." + string(m.Role)))},
	})
	if m.Company != nil {
		r.Sections = append(r.Sections, Section{
			Heading: p.T("home.company"),
			Pairs:   companyPairs(m.Company, p),
			Buttons: []Button{{ActionID: ActionEditProfile, Label: p.T("home.edit_profile")}},
		})
	} else {
		r.Sections = append(r.Sections, Section{
			Heading: p.T("home.company"),
			Body:    []Span{Text(p.T("home.no_company"))},
			Buttons: []Button{{ActionID: ActionEditProfile, Label: p.T("home.fill_profile"), Style: ButtonPrimary}},
		})
	}
	events, err := s.homeEvents(ctx, m, p)
	if err != nil {
		return s.errorResponse(ctx, p, err, nil)
	}
	r.Sections = append(r.Sections, events...)
	help := s.commandList(m, p)
	r.Sections = append(r.Sections, Section{Heading: p.T("home.commands")})
	r.Sections = append(r.Sections, help.Sections...)
	return r
}
