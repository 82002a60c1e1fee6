package commands

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"time"

	"cercle/i18n"
)

// This file is /cercle bureau bilan: the evaluation the seed plans
// before extending the experiment. Applications, eligibility, hearings
// held, opinions by verdict and kind, and the applicants' satisfaction,
// with a CSV of one row per application. The CSV holds no project text
// nor opinion: what the evaluation counts, not what was confided.

// BureauReport is the evaluation's figures.
type BureauReport struct {
	Applications int
	ByStatus     map[ApplicationStatus]int
	ByKind       map[TurnKind]int
	// Eligible met every criterion when submitted; Misses counts, per
	// criterion, the applications that missed it.
	Eligible int
	Misses   map[Criterion]int
	// Heard counts the hearings held; Days the hearing days over.
	Heard, Days int
	// Verdicts counts the sealed opinions by verdict, VerdictsByKind by
	// kind of turn then verdict.
	Verdicts       map[Verdict]int
	VerdictsByKind map[TurnKind]map[Verdict]int
	// Answers counts the follow-ups answered, ScoreSum their scores.
	Answers, ScoreSum int
}

// buildReport counts apps, and the days that ended before now.
func buildReport(apps []*Application, days []*HearingDay, now time.Time) BureauReport {
	r := BureauReport{Applications: len(apps), ByStatus: map[ApplicationStatus]int{}, ByKind: map[TurnKind]int{},
		Misses: map[Criterion]int{}, Verdicts: map[Verdict]int{}, VerdictsByKind: map[TurnKind]map[Verdict]int{}}
	for _, a := range apps {
		r.ByStatus[a.Status]++
		r.ByKind[a.Kind]++
		if len(a.Misses) == 0 {
			r.Eligible++
		}
		for _, m := range a.Misses {
			r.Misses[m.Criterion]++
		}
		if a.Status == ApplicationHeard || a.Status == ApplicationAdvised {
			r.Heard++
		}
		if a.Opinion.Sealed() {
			r.Verdicts[a.Opinion.Verdict]++
			if r.VerdictsByKind[a.Kind] == nil {
				r.VerdictsByKind[a.Kind] = map[Verdict]int{}
			}
			r.VerdictsByKind[a.Kind][a.Opinion.Verdict]++
		}
		if !a.FollowUp.AnsweredAt.IsZero() {
			r.Answers++
			r.ScoreSum += a.FollowUp.Score
		}
	}
	for _, d := range days {
		if d.EndsAt().Before(now) {
			r.Days++
		}
	}
	return r
}

// reportCmd is /cercle bureau bilan.
func (s *Service) reportCmd(ctx context.Context, c *Call, args []string) (*Response, error) {
	if len(args) > 0 {
		return nil, Errorf(EINVALID, "bureau.error.usage")
	}
	apps, err := s.store.FindApplications(ctx, ApplicationFilter{Limit: allRows})
	if err != nil {
		return nil, err
	}
	days, err := s.store.FindHearingDays(ctx, HearingDayFilter{Limit: allRows})
	if err != nil {
		return nil, err
	}
	dates := map[int64]time.Time{}
	for _, d := range days {
		dates[d.ID] = d.StartsAt
	}
	rep, p := buildReport(apps, days, s.now()), c.P
	resp := &Response{Title: p.T("bureau.report.title")}
	resp.Sections = append(resp.Sections, Section{Pairs: []Pair{
		{Label: p.T("bureau.report.applications"), Value: p.T("bureau.report.applications.value", rep.Applications,
			rep.ByStatus[ApplicationAccepted]+rep.ByStatus[ApplicationScheduled]+rep.Heard, rep.ByStatus[ApplicationRefused], rep.ByStatus[ApplicationWithdrawn])},
		{Label: p.T("bureau.report.eligibility"), Value: p.T("bureau.report.eligibility.value", rep.Eligible,
			rep.Misses[CriterionAge], rep.Misses[CriterionRevenue], rep.Misses[CriterionHeadcount])},
		{Label: p.T("bureau.report.hearings"), Value: p.T("bureau.report.hearings.value", rep.Heard, rep.Days)},
		{Label: p.T("bureau.report.verdicts"), Value: verdictCounts(rep.Verdicts, p)},
		{Label: p.T("bureau.report.satisfaction"), Value: satisfaction(rep, p)},
	}})
	var kinds []Pair
	for _, k := range TurnKinds {
		if rep.ByKind[k] > 0 {
			kinds = append(kinds, Pair{Label: p.T("bureau.kind." + string(k)),
				Value: p.Plural("bureau.report.kind.value", rep.ByKind[k], verdictCounts(rep.VerdictsByKind[k], p))})
		}
	}
	if len(kinds) > 0 {
		resp.Sections = append(resp.Sections, Section{Heading: p.T("bureau.report.by_kind"), Pairs: kinds})
	}
	// A slash command's answer carries no file in Slack: the CSV comes by
	// DM, as the attendees' list does.
	err = s.enqueue(ctx, &OutboxMessage{DedupeKey: fmt.Sprintf("bureau:report:%d", s.now().UnixNano()), To: Recipient{User: c.Member.UserID},
		Message: Response{Sections: []Section{Paragraph(Text(p.T("bureau.report.csv.text")))}, Files: []File{reportCSV(apps, dates, s.now(), p)}}})
	if err != nil {
		return nil, err
	}
	resp.Sections = append(resp.Sections, Section{Note: true, Body: []Span{Text(p.T("bureau.report.csv.sent"))}})
	return resp, nil
}

// verdictCounts writes « 2 validés, 1 à retravailler, 0 déconseillé ».
func verdictCounts(counts map[Verdict]int, p *i18n.Printer) string {
	parts := make([]string, len(Verdicts))
	for i, v := range Verdicts {
		parts[i] = p.Plural("bureau.report.verdict."+string(v), counts[v])
	}
	return strings.Join(parts, ", ")
}

// satisfaction is the follow-ups' mean score, or that none answered.
func satisfaction(r BureauReport, p *i18n.Printer) string {
	if r.Answers == 0 {
		return p.T("bureau.report.satisfaction.none")
	}
	mean := float64(r.ScoreSum) / float64(r.Answers)
	text := strconv.FormatFloat(mean, 'f', 1, 64)
	if p.Lang() != i18n.English {
		text = strings.Replace(text, ".", ",", 1)
	}
	return p.Plural("bureau.report.satisfaction.value", r.Answers, text)
}

// reportCSV is one row per application, as French Excel opens it (like
// the attendees' CSV).
func reportCSV(apps []*Application, dayStarts map[int64]time.Time, now time.Time, p *i18n.Printer) File {
	var b bytes.Buffer
	b.WriteString("\uFEFF")
	w := csv.NewWriter(&b)
	w.Comma, w.UseCRLF = ';', true
	header := []string{"id", "submitted", "company", "sector", "city", "founded", "revenue", "headcount", "kind", "status",
		"misses", "decision_reason", "hearing", "verdict", "sealed", "followup_score", "followup_comment"}
	for i, h := range header {
		header[i] = p.T("bureau.csv." + h)
	}
	_ = w.Write(header)
	date := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(p.Location()).Format("02/01/2006")
	}
	for _, a := range apps {
		misses := make([]string, len(a.Misses))
		for i, m := range a.Misses {
			misses[i] = p.T("bureau.csv.miss." + string(m.Criterion))
		}
		verdict, score := "", ""
		if a.Opinion.Sealed() {
			verdict = p.T("bureau.verdict." + string(a.Opinion.Verdict))
		}
		if a.FollowUp.Score > 0 {
			score = strconv.Itoa(a.FollowUp.Score)
		}
		_ = w.Write([]string{strconv.FormatInt(a.ID, 10), date(a.CreatedAt), csvSafe(a.Company), csvSafe(a.Sector), csvSafe(a.City),
			strconv.Itoa(a.FoundedYear), p.T("bureau.revenue." + string(a.Revenue)), strconv.Itoa(a.Headcount),
			p.T("bureau.kind." + string(a.Kind)), p.T("bureau.status." + string(a.Status)), strings.Join(misses, ", "),
			csvSafe(a.DecisionReason), date(dayStarts[a.Day]), verdict, date(a.Opinion.SealedAt), score, csvSafe(a.FollowUp.Comment)})
	}
	w.Flush()
	return File{Name: fmt.Sprintf("bureau-des-pairs-bilan-%s.csv", now.In(p.Location()).Format("2006-01-02")), Title: p.T("bureau.report.title"), Content: b.Bytes()}
}
