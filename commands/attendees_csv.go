package commands

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"time"

	"cercle/i18n"
)

// attendeesCSV writes the list as French Excel opens it: UTF-8 with a byte
// order mark, semicolons, and dates in the member's zone. A row's seat is
// dated when it was obtained (registering, or accepting a freed seat),
// and its place in line when it was taken; the e-mail is empty when the
// workspace does not share it.
func attendeesCSV(ev *Event, regs []*Registration, p *i18n.Printer) (*File, error) {
	var b bytes.Buffer
	b.WriteString("\uFEFF")
	w := csv.NewWriter(&b)
	w.Comma = ';'
	w.UseCRLF = true
	_ = w.Write([]string{p.T("csv.member"), p.T("csv.company"), p.T("csv.email"), p.T("csv.role"), p.T("csv.status"),
		p.T("csv.position"), p.T("csv.seat_at"), p.T("csv.waitlisted_at"), p.T("csv.no_shows")})
	at := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(p.Location()).Format("02/01/2006 15:04")
	}
	for _, r := range regs {
		pos := ""
		if r.Position > 0 {
			pos = strconv.Itoa(r.Position)
		}
		_ = w.Write([]string{csvSafe(r.MemberName), csvSafe(r.Company), csvSafe(r.MemberEmail), p.T("role.name." + string(r.MemberRole)),
			registrationState(r, p), pos, at(r.SeatAt), at(r.WaitlistedAt), strconv.Itoa(r.NoShows)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, err
	}
	return &File{Name: p.T("csv.filename", ev.ID), Title: ev.Title, Content: b.Bytes()}, nil
}

// csvSafe defuses a cell a spreadsheet would run as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
