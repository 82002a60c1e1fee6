package commands

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"cercle/i18n"
)

// This file reads and writes an expert's weekly availability as people
// write it in French: « mardi 14h-17h, jeudi 9h-12h ».

// maxWindows bounds the windows of one week: three a working day is
// already more than an expert keeps.
const maxWindows = 21

// weekdayWords are the names of the days as typed, folded: French and
// English, in full or abbreviated (« mar », « mar. », "tue").
var weekdayWords = map[string]time.Weekday{
	"lundi": time.Monday, "lun": time.Monday, "monday": time.Monday, "mon": time.Monday,
	"mardi": time.Tuesday, "mar": time.Tuesday, "tuesday": time.Tuesday, "tue": time.Tuesday, "tues": time.Tuesday,
	"mercredi": time.Wednesday, "mer": time.Wednesday, "wednesday": time.Wednesday, "wed": time.Wednesday,
	"jeudi": time.Thursday, "jeu": time.Thursday, "thursday": time.Thursday, "thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday,
	"vendredi": time.Friday, "ven": time.Friday, "friday": time.Friday, "fri": time.Friday,
	"samedi": time.Saturday, "sam": time.Saturday, "saturday": time.Saturday, "sat": time.Saturday,
	"dimanche": time.Sunday, "dim": time.Sunday, "sunday": time.Sunday, "sun": time.Sunday,
}

// fillerWords are read and skipped: « de 14h à 17h », « du lundi au
// mercredi », « mardi et jeudi ».
var fillerWords = map[string]bool{
	"et": true, "and": true, "de": true, "du": true, "le": true, "les": true, "from": true, "on": true,
	"a": true, "au": true, "to": true, "jusqu": true, "until": true,
	"h": true, "heure": true, "heures": true, "hours": true,
}

// timeWords are times of day written as words.
var timeWords = map[string]int{"midi": 12 * 60, "noon": 12 * 60, "minuit": 24 * 60, "midnight": 24 * 60}

// untilWords join the two ends of a range, as a dash does.
var untilWords = map[string]bool{"a": true, "au": true, "to": true, "jusqu": true, "until": true}

// windowToken is a piece of availability text: a word, a time of day
// (minutes after midnight) or a dash.
type windowToken struct {
	kind    byte // 'w' word, 't' time, '-' dash
	text    string
	word    string // folded, for a word
	minutes int    // for a time
}

// ParseWindows reads weekly availability windows such as « mardi
// 14h-17h, jeudi 9h-12h ». A window is one or more days followed by one
// or more ranges of hours, so « mardi et jeudi 9h-12h », « mardi 9h-12h et
// 14h-17h » and « du lundi au vendredi de 8h30 à 10h » all read. Days are
// French or English, in full or abbreviated (« mar », "tue"); hours are
// 14h, 14h30, 14:30 or 14; the ends are joined by a dash (- or –) or
// « à ». Windows come back by day (Monday first) and hour, merged where
// they overlap. An error is an EINVALID Error whose key and arguments
// word the problem for the form.
func ParseWindows(text string) ([]Window, error) {
	tokens, err := windowTokens(text)
	if err != nil {
		return nil, err
	}
	var (
		out     []Window
		days    []time.Weekday // the days the next range is for
		ranged  bool           // days already has a range
		dayText string
	)
	for i := 0; i < len(tokens); i++ {
		t := tokens[i]
		switch {
		case t.kind == 'w':
			d, ok := weekdayWords[t.word]
			if !ok {
				if fillerWords[t.word] {
					continue
				}
				return nil, Errorf(EINVALID, "expert.error.window.word", t.text)
			}
			if ranged {
				days, ranged = nil, false
			}
			to, n := windowDaysEnd(tokens, i)
			days, i, dayText = append(days, windowDays(d, to)...), i+n, t.text
		case t.kind == 't':
			end, n, err := windowRangeEnd(tokens, i)
			if err != nil {
				return nil, err
			}
			if len(days) == 0 {
				return nil, Errorf(EINVALID, "expert.error.window.no_day", t.text+"-"+tokens[i+n].text)
			}
			for _, d := range days {
				out = append(out, Window{Weekday: d, Start: windowMinutes(t.minutes), End: windowMinutes(end)})
			}
			ranged, i = true, i+n
		}
		// A dash left over (« mardi - 14h-17h ») joins nothing: skipped.
	}
	if len(days) > 0 && !ranged {
		return nil, Errorf(EINVALID, "expert.error.window.no_hours", dayText)
	}
	if out = mergeWindows(out); len(out) > maxWindows {
		return nil, Errorf(EINVALID, "expert.error.window.too_many", maxWindows)
	}
	return out, nil
}

func windowMinutes(n int) time.Duration { return time.Duration(n) * time.Minute }

// windowDaysEnd reads « -vendredi » or « au vendredi » after the day at
// tokens[i]: the last day, and how many tokens it took (none: the day
// stands alone, and is its own end).
func windowDaysEnd(tokens []windowToken, i int) (time.Weekday, int) {
	d := weekdayWords[tokens[i].word]
	if i+2 >= len(tokens) || tokens[i+2].kind != 'w' {
		return d, 0
	}
	if join := tokens[i+1]; join.kind != '-' && !(join.kind == 'w' && untilWords[join.word]) {
		return d, 0
	}
	to, ok := weekdayWords[tokens[i+2].word]
	if !ok {
		return d, 0
	}
	return to, 2
}

// windowDays lists the days from from to to, through the week's end if
// need be (« vendredi-lundi »).
func windowDays(from, to time.Weekday) []time.Weekday {
	days := []time.Weekday{from}
	for d := from; d != to; {
		d = (d + 1) % 7
		days = append(days, d)
	}
	return days
}

// windowRangeEnd reads the end of the range whose start is tokens[i]: the time
// after a dash or « à » (« jusqu'à »), which must come later in the day.
// It returns the end and how many tokens it took.
func windowRangeEnd(tokens []windowToken, i int) (int, int, error) {
	start, j := tokens[i], i+1
	for j < len(tokens) && (tokens[j].kind == '-' || tokens[j].kind == 'w' && untilWords[tokens[j].word]) {
		j++
	}
	if j == i+1 || j == len(tokens) || tokens[j].kind != 't' {
		return 0, 0, Errorf(EINVALID, "expert.error.window.single", start.text)
	}
	end := tokens[j]
	if end.minutes <= start.minutes {
		return 0, 0, Errorf(EINVALID, "expert.error.window.order", start.text+"-"+end.text)
	}
	return end.minutes, j - i, nil
}

// windowTokens splits availability text into words, times and dashes.
// Commas, semicolons, line breaks and other punctuation separate, and are
// dropped.
func windowTokens(text string) ([]windowToken, error) {
	rs := []rune(strings.ToLower(cleanText(text)))
	var out []windowToken
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsDigit(r):
			t, n, err := readWindowTime(rs[i:])
			if err != nil {
				return nil, err
			}
			out, i = append(out, t), i+n
		case unicode.IsLetter(r):
			j := i
			for j < len(rs) && unicode.IsLetter(rs[j]) {
				j++
			}
			w := string(rs[i:j])
			if m, ok := timeWords[Fold(w)]; ok {
				out, i = append(out, windowToken{kind: 't', text: w, minutes: m}), j
				continue
			}
			out, i = append(out, windowToken{kind: 'w', text: w, word: Fold(w)}), j
		case r == '-' || r == '–' || r == '—' || r == '‑' || r == '−':
			out, i = append(out, windowToken{kind: '-', text: "-"}), i+1
		default:
			i++
		}
	}
	return out, nil
}

// readWindowTime reads a time of day at the start of rs: 9, 9h, 9 h, 14h30,
// 14:30, 14.30, with "am" or "pm" for English readers. It returns the
// token and how many runes it took.
func readWindowTime(rs []rune) (windowToken, int, error) {
	i := 0
	for i < len(rs) && unicode.IsDigit(rs[i]) {
		i++
	}
	hour, _ := strconv.Atoi(string(rs[:i]))
	minute, digitsOK := 0, i <= 2
	sep := func(at int) bool { return at < len(rs) && (rs[at] == 'h' || rs[at] == ':' || rs[at] == '.') }
	if i+1 < len(rs) && rs[i] == ' ' && rs[i+1] == 'h' && (i+2 == len(rs) || !unicode.IsLetter(rs[i+2])) {
		i++ // « 14 h »
	}
	if sep(i) && (rs[i] == 'h' || i+1 < len(rs) && unicode.IsDigit(rs[i+1])) {
		i++
		j := i
		for j < len(rs) && unicode.IsDigit(rs[j]) {
			j++
		}
		if j > i {
			minute, _ = strconv.Atoi(string(rs[i:j]))
			digitsOK = digitsOK && j-i == 2
		}
		i = j
	}
	if k, pm, ok := windowMeridiem(rs, i); ok {
		if hour == 0 || hour > 12 {
			digitsOK = false
		}
		hour, i = hour%12, k
		if pm {
			hour += 12
		}
	}
	text := strings.TrimSpace(string(rs[:i]))
	if !digitsOK || hour > 24 || minute > 59 || hour == 24 && minute > 0 || i < len(rs) && unicode.IsLetter(rs[i]) {
		j := i
		for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j])) {
			j++
		}
		return windowToken{}, 0, Errorf(EINVALID, "expert.error.window.time", string(rs[:j]))
	}
	return windowToken{kind: 't', text: text, minutes: hour*60 + minute}, i, nil
}

// windowMeridiem reads " am" or "pm" at rs[i:], and where it ends.
func windowMeridiem(rs []rune, i int) (end int, pm, ok bool) {
	if i < len(rs) && rs[i] == ' ' {
		i++
	}
	if i+1 >= len(rs) || rs[i+1] != 'm' || rs[i] != 'a' && rs[i] != 'p' {
		return 0, false, false
	}
	if i+2 < len(rs) && unicode.IsLetter(rs[i+2]) {
		return 0, false, false
	}
	return i + 2, rs[i] == 'p', true
}

// mergeWindows sorts windows by day, Monday first, then by hour, and
// joins those of a day that overlap or touch.
func mergeWindows(ws []Window) []Window {
	order := func(d time.Weekday) int { return (int(d) + 6) % 7 }
	slices.SortFunc(ws, func(a, b Window) int {
		if a.Weekday != b.Weekday {
			return order(a.Weekday) - order(b.Weekday)
		}
		return int(a.Start - b.Start)
	})
	var out []Window
	for _, w := range ws {
		if n := len(out); n > 0 && out[n-1].Weekday == w.Weekday && w.Start <= out[n-1].End {
			out[n-1].End = max(out[n-1].End, w.End)
			continue
		}
		out = append(out, w)
	}
	return out
}

// FormatWindows writes windows as ParseWindows reads them, in p's
// language: « mardi 14h-17h, jeudi 9h-12h », one day's ranges together
// (« mardi 9h-12h et 14h-17h »).
func FormatWindows(ws []Window, p *i18n.Printer) string {
	var (
		parts []string
		last  = time.Weekday(-1)
	)
	for _, w := range mergeWindows(slices.Clone(ws)) {
		r := windowClock(w.Start, p) + "-" + windowClock(w.End, p)
		if w.Weekday == last {
			parts[len(parts)-1] += " " + p.T("expert.window.and") + " " + r
			continue
		}
		parts, last = append(parts, p.T("expert.weekday."+strconv.Itoa(int(w.Weekday)))+" "+r), w.Weekday
	}
	return strings.Join(parts, ", ")
}

// windowClock writes a time of day as p writes hours: 14h, 9h30 or 2:30 pm.
func windowClock(d time.Duration, p *i18n.Printer) string {
	if d >= 24*time.Hour {
		if p.Lang() == i18n.English {
			return "24:00"
		}
		return "24h"
	}
	return p.Time(time.Date(2000, 1, 1, 0, 0, 0, 0, p.Location()).Add(d))
}
