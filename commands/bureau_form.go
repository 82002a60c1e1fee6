package commands

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"cercle/i18n"
)

// This file is the application form of the Bureau des pairs: opened
// prefilled from the company profile, checked field by field, then
// judged against the network's criteria at once.

// Application form and fields.
const (
	FormBureauApplication = "bureau.apply"
	fieldBureauCompany    = "bureau_company"
	fieldBureauSector     = "bureau_sector"
	fieldBureauCity       = "bureau_city"
	fieldBureauFounded    = "bureau_founded"
	fieldBureauRevenue    = "bureau_revenue"
	fieldBureauHeadcount  = "bureau_headcount"
	fieldBureauKind       = "bureau_kind"
	fieldBureauProject    = "bureau_project"
	fieldBureauExpects    = "bureau_expectations"
	minProject            = 100
	maxProject            = 3000
	maxExpectations       = 1000
)

// applyCmd is /cercle bureau candidater: the form for the member's own
// company, or, from a facilitator naming a guest, for the guest's.
func (s *Service) applyCmd(ctx context.Context, c *Call, args []string) (*Response, error) {
	applicant, state := c.Member, ""
	switch {
	case len(args) > 1:
		return nil, Errorf(EINVALID, "bureau.error.usage")
	case len(args) == 1:
		if !c.Member.IsFacilitator() {
			return nil, Errorf(EFORBIDDEN, "bureau.error.guest_facilitator")
		}
		guest, err := s.resolveMember(ctx, args[0])
		if err != nil {
			return nil, err
		}
		if guest.UserID != c.Member.UserID {
			applicant, state = guest, string(guest.UserID)
		}
	}
	return &Response{Form: applicationForm(c.P, applicant, state, s.now().In(s.zone).Year())}, nil
}

// applicationForm asks for the company (what its profile holds is filled
// in, the rest is left to complete), the kind of turn, the project and
// what the applicant expects. State names a guest filed for, or is empty.
func applicationForm(p *i18n.Printer, m *Member, state string, year int) *Form {
	c := m.Company
	if c == nil {
		c = &Company{}
	}
	num := func(n int) string {
		if n <= 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	bands := make([]Option, len(RevenueBands))
	for i, b := range RevenueBands {
		bands[i] = Option{Value: string(b), Label: p.T("bureau.revenue." + string(b))}
	}
	kinds := make([]Option, len(TurnKinds))
	for i, k := range TurnKinds {
		kinds[i] = Option{Value: string(k), Label: p.T("bureau.kind." + string(k))}
	}
	return &Form{ID: FormBureauApplication, Title: p.T("bureau.form.title"), Submit: p.T("bureau.form.submit"), State: state, Fields: []Field{
		{ID: fieldBureauCompany, Label: p.T("bureau.field.company"), Hint: p.T("bureau.field.company.hint"), Value: c.Name, MaxLength: maxCompanyName},
		{ID: fieldBureauSector, Label: p.T("bureau.field.sector"), Value: c.Sector, MaxLength: maxCompanyField},
		{ID: fieldBureauCity, Label: p.T("bureau.field.city"), Value: c.City, MaxLength: maxCompanyField},
		{ID: fieldBureauFounded, Label: p.T("bureau.field.founded"), Kind: FieldNumber, Value: num(c.FoundedYear), Placeholder: strconv.Itoa(year - 5)},
		{ID: fieldBureauRevenue, Label: p.T("bureau.field.revenue"), Kind: FieldSelect, Options: bands, Value: string(c.Revenue)},
		{ID: fieldBureauHeadcount, Label: p.T("bureau.field.headcount"), Kind: FieldNumber, Value: num(c.Headcount)},
		{ID: fieldBureauKind, Label: p.T("bureau.field.kind"), Kind: FieldSelect, Options: kinds},
		{ID: fieldBureauProject, Label: p.T("bureau.field.project"), Hint: p.T("bureau.field.project.hint", minProject, maxProject), Kind: FieldLongText, MaxLength: maxProject},
		{ID: fieldBureauExpects, Label: p.T("bureau.field.expectations"), Kind: FieldLongText, MaxLength: maxExpectations},
	}}
}

// parseApplication validates the form; every field is required.
func parseApplication(values map[string]string, year int, p *i18n.Printer) (*Application, error) {
	a := &Application{Company: cleanLine(values[fieldBureauCompany]), Sector: cleanLine(values[fieldBureauSector]),
		City: cleanLine(values[fieldBureauCity]), Revenue: RevenueBand(values[fieldBureauRevenue]), Kind: TurnKind(values[fieldBureauKind]),
		Project: cleanText(values[fieldBureauProject]), Expectations: cleanText(values[fieldBureauExpects])}
	errs := FieldErrors{}
	for _, f := range []struct {
		id, v string
		max   int
	}{{fieldBureauCompany, a.Company, maxCompanyName}, {fieldBureauSector, a.Sector, maxCompanyField}, {fieldBureauCity, a.City, maxCompanyField}} {
		if f.v == "" || utf8.RuneCountInString(f.v) > f.max {
			errs[f.id] = p.T("bureau.error.required", f.max)
		}
	}
	var err error
	if a.FoundedYear, err = strconv.Atoi(strings.TrimSpace(values[fieldBureauFounded])); err != nil || a.FoundedYear < firstFounding || a.FoundedYear > year {
		errs[fieldBureauFounded] = p.T("bureau.error.founded", firstFounding, year)
	}
	if a.Headcount, err = strconv.Atoi(strings.TrimSpace(values[fieldBureauHeadcount])); err != nil || a.Headcount < 0 || a.Headcount > maxHeadcount {
		errs[fieldBureauHeadcount] = p.T("bureau.error.headcount")
	}
	if _, ok := a.Revenue.Floor(); !ok {
		errs[fieldBureauRevenue] = p.T("request.error.choice")
	}
	if !slices.Contains(TurnKinds, a.Kind) {
		errs[fieldBureauKind] = p.T("request.error.choice")
	}
	if n := utf8.RuneCountInString(a.Project); n < minProject || n > maxProject {
		errs[fieldBureauProject] = p.T("bureau.error.project_length", minProject, maxProject, n)
	}
	if a.Expectations == "" || utf8.RuneCountInString(a.Expectations) > maxExpectations {
		errs[fieldBureauExpects] = p.T("bureau.error.required", maxExpectations)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return a, nil
}

// submitApplication stores an application judged against the criteria:
// eligible, or to_decide with the criteria it misses, told in a sentence
// each. A state naming someone else is a facilitator filing for a guest.
func (s *Service) submitApplication(ctx context.Context, m *Member, p *i18n.Printer, sub *Submission) (*Response, error) {
	now := s.now().In(s.zone)
	a, err := parseApplication(sub.Values, now.Year(), p)
	if err != nil {
		return nil, err
	}
	a.Applicant = m.UserID
	if guest := UserID(strings.TrimSpace(sub.State)); guest != "" && guest != m.UserID {
		if !m.IsFacilitator() {
			return nil, Errorf(EFORBIDDEN, "bureau.error.guest_facilitator")
		}
		a.Applicant, a.FiledBy = guest, m.UserID
	}
	decideSubmit(a, CheckEligibility(s.bureau, a, now))
	if err := s.store.CreateApplication(ctx, a); err != nil {
		return nil, err
	}
	s.logger.InfoContext(ctx, "bureau application created", "application", a.ID, "status", string(a.Status))
	// The form was the profile, completed: the profile keeps what was
	// given, the revenue band included, for the next form.
	if _, err := s.store.SaveCompany(ctx, a.Applicant, &Company{Name: a.Company, Sector: a.Sector, City: a.City,
		FoundedYear: a.FoundedYear, Headcount: a.Headcount, Revenue: a.Revenue}); err != nil {
		s.logger.WarnContext(ctx, "company profile not updated from the application", "application", a.ID, "err", err)
	}
	if len(a.Misses) == 0 {
		return textResponse(p.T("bureau.created.eligible", a.ID)), nil
	}
	return &Response{Sections: []Section{
		Paragraph(Text(p.T("bureau.created.to_decide", a.ID))),
		Paragraph(Text(missSentences(p, a))),
	}}, nil
}

// missSentences says, one French (or English) sentence each, which
// criteria a misses.
func missSentences(p *i18n.Printer, a *Application) string {
	var out []string
	for _, miss := range a.Misses {
		switch {
		case miss.Criterion == CriterionAge && miss.Got >= 0:
			out = append(out, p.T("bureau.miss.age", a.FoundedYear, miss.Want))
		case miss.Criterion == CriterionRevenue && miss.Got >= 0:
			out = append(out, p.T("bureau.miss.revenue", p.T("bureau.revenue."+string(a.Revenue)), p.Number(int(miss.Want))))
		case miss.Criterion == CriterionHeadcount:
			out = append(out, p.Plural("bureau.miss.headcount", a.Headcount, miss.Want))
		default:
			out = append(out, p.T("bureau.miss."+string(miss.Criterion)+".unknown"))
		}
	}
	return strings.Join(out, " ")
}
