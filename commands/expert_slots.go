package commands

import (
	"slices"
	"time"
)

// busySpan is a time the expert is taken: a meeting or an event.
type busySpan struct{ From, To time.Time }

// slotFree reports whether an hour-long meeting at t suits the expert:
// inside one of their weekly windows (in zone), after their notice, within
// the horizon, and apart from every busy span by their buffer.
func slotFree(e *Expert, t, now time.Time, zone *time.Location, busy []busySpan) bool {
	end := t.Add(meetingLength)
	if t.Before(now.Add(e.MinNotice)) || t.After(now.Add(slotHorizon)) {
		return false
	}
	local := t.In(zone)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, zone)
	inWindow := slices.ContainsFunc(e.Availability, func(w Window) bool {
		return w.Weekday == local.Weekday() && !t.Before(midnight.Add(w.Start)) && !end.After(midnight.Add(w.End))
	})
	if !inWindow {
		return false
	}
	for _, b := range busy {
		if t.Before(b.To.Add(e.Buffer)) && b.From.Before(end.Add(e.Buffer)) {
			return false
		}
	}
	return true
}

// freeSlots returns up to n free slots on the slotStep grid, soonest
// first, at most two a day so an expert's choice spreads over days.
func freeSlots(e *Expert, now time.Time, zone *time.Location, busy []busySpan, n int) []time.Time {
	var out []time.Time
	perDay := map[string]int{}
	start := now.Add(e.MinNotice).Truncate(slotStep).Add(slotStep)
	for t := start; len(out) < n && !t.After(now.Add(slotHorizon)); t = t.Add(slotStep) {
		day := t.In(zone).Format("2006-01-02")
		if perDay[day] == 2 || !slotFree(e, t, now, zone, busy) {
			continue
		}
		perDay[day]++
		out = append(out, t)
		t = t.Add(meetingLength - slotStep) // the next one starts after this one
	}
	return out
}
