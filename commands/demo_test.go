package commands_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"cercle/commands"
	"cercle/i18n"
)

// frenchPublicHolidays of the years the programme below reaches, from the
// official calendar (Easter: 28 March 2027, 16 April 2028), with the
// Friday after Ascension that companies give off.
var frenchPublicHolidays = map[string]bool{
	"2027-01-01": true, "2027-03-29": true, "2027-05-01": true, "2027-05-06": true, "2027-05-07": true,
	"2027-05-08": true, "2027-05-17": true, "2027-07-14": true, "2027-08-15": true, "2027-11-01": true,
	"2027-11-11": true, "2027-12-25": true,
	"2028-01-01": true, "2028-04-17": true, "2028-05-01": true, "2028-05-08": true, "2028-05-25": true,
	"2028-05-26": true, "2028-06-05": true,
}

// seasonOf is the season a French network names a plenary by.
func seasonOf(t time.Time) string {
	md := int(t.Month())*100 + t.Day()
	switch {
	case md >= 320 && md < 621:
		return "printemps"
	case md >= 621 && md < 922:
		return "été"
	case md >= 922 && md < 1221:
		return "automne"
	}
	return "hiver"
}

// TestDemoProgrammeIsPlausible seeds the demo on days across a year and
// checks what a member of a real network would: events on working days,
// outside the Christmas and summer holidays, in the coming months; a
// plenary named for the season it falls in; a training day for 20 to 30
// people; and nobody booked on the visit of their own company.
func TestDemoProgrammeIsPlausible(t *testing.T) {
	for _, day := range []string{
		"2027-01-04", "2027-02-15", "2027-03-01", "2027-04-15", "2027-05-20", "2027-06-10", "2027-06-25",
		"2027-07-20", "2027-08-10", "2027-09-01", "2027-09-20", "2027-10-15", "2027-11-25", "2027-12-01",
		"2027-12-10", "2027-12-24",
	} {
		t.Run(day, func(t *testing.T) {
			today := paris(day + " 10:00")
			s, db := newService(t, nil, func(c *commands.Config) { c.Now = func() time.Time { return today } })
			ctx := context.Background()
			if err := s.SeedDemo(ctx); err != nil {
				t.Fatal(err)
			}
			evs, err := db.FindEvents(ctx, commands.EventFilter{})
			if err != nil || len(evs) != 4 { // the programme and a group's meeting
				t.Fatalf("events = %d, %v", len(evs), err)
			}
			for _, ev := range evs {
				checkDemoEvent(t, db, today, ev)
			}
		})
	}
}

func checkDemoEvent(t *testing.T, db interface {
	FindRegistrations(context.Context, commands.RegistrationFilter) ([]*commands.Registration, error)
}, today time.Time, ev *commands.Event) {
	t.Helper()
	start := ev.Start.In(i18n.Paris())
	when := fmt.Sprintf("%q on %s", ev.Title, start.Format("Mon 2006-01-02 15:04"))
	md := int(start.Month())*100 + start.Day()
	switch {
	case start.Weekday() == time.Saturday || start.Weekday() == time.Sunday:
		t.Errorf("%s: a weekend", when)
	case frenchPublicHolidays[start.Format("2006-01-02")]:
		t.Errorf("%s: a public holiday", when)
	case md >= 1220 || md <= 104:
		t.Errorf("%s: the Christmas holidays", when)
	case md >= 714 && md <= 831:
		t.Errorf("%s: the summer holidays", when)
	case !start.After(today) || start.Sub(today) > 120*24*time.Hour:
		t.Errorf("%s: not in the coming months", when)
	}
	switch ev.Kind {
	case commands.KindPlenary:
		if want := seasonOf(start); !strings.Contains(ev.Title, want) {
			t.Errorf("%s: a plenary of %s", when, want)
		}
	case commands.KindTraining:
		if ev.Capacity < 20 || ev.Capacity > 30 {
			t.Errorf("%s: a training day for %d people", when, ev.Capacity)
		}
	case commands.KindVisit:
		regs, err := db.FindRegistrations(context.Background(), commands.RegistrationFilter{EventID: ev.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range regs {
			if r.Company != "" && strings.Contains(ev.Title, r.Company) {
				t.Errorf("%s: %s booked on the visit of their own company", when, r.MemberName)
			}
		}
	}
	if ev.Registered > ev.Capacity || ev.Waitlisted > 0 {
		t.Errorf("%s: %d registered and %d waiting for %d seats", when, ev.Registered, ev.Waitlisted, ev.Capacity)
	}
}
