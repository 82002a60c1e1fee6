package i18n

import (
	"strconv"
	"sync"
	"time"

	// Embedded zone data lets a scratch container, which has no
	// /usr/share/zoneinfo, still find Europe/Paris.
	_ "time/tzdata"
)

// Paris returns the Europe/Paris location, where Cercle's members live and
// events take place. The zone data is embedded, so loading cannot fail in
// practice; if it ever does, the binary is broken and Paris panics.
func Paris() *time.Location { return paris() }

// paris loads the zone once: LoadLocation parses the zone data on every call.
var paris = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic("i18n: load Europe/Paris: " + err.Error())
	}
	return loc
})

// French names come from tables rather than time.Format, which only knows
// English. Abbreviations follow CLDR, the forms French readers expect.
var (
	frWeekdays      = [7]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
	frShortWeekdays = [7]string{"dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."}
	frMonths        = [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
	frShortMonths   = [12]string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."}
)

// Date writes the day of t in the printer's zone: "lundi 1er mars 2027" or
// "Monday 1 March 2027".
func (p *Printer) Date(t time.Time) string {
	t = t.In(p.loc)
	if p.lang == English {
		return t.Format("Monday 2 January 2006")
	}
	return frWeekdays[t.Weekday()] + " " + frDay(t.Day()) + " " + frMonths[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// DateTime writes the day and hour of t in the printer's zone:
// "lundi 1er mars 2027 à 18h30" or "Monday 1 March 2027 at 6:30 pm".
func (p *Printer) DateTime(t time.Time) string {
	at := " à "
	if p.lang == English {
		at = " at "
	}
	return p.Date(t) + at + p.Time(t)
}

// Time writes the hour of t in the printer's zone: "18h30" and "9h" in French,
// "6:30 pm" and "9 am" in English. Zero minutes are dropped, as people write
// them in invitations.
func (p *Printer) Time(t time.Time) string {
	t = t.In(p.loc)
	h, m := t.Hour(), t.Minute()
	if p.lang == English {
		suffix := " am"
		if h >= 12 {
			suffix = " pm"
		}
		h12 := h % 12
		if h12 == 0 {
			h12 = 12
		}
		if m == 0 {
			return strconv.Itoa(h12) + suffix
		}
		return strconv.Itoa(h12) + ":" + twoDigits(m) + suffix
	}
	if m == 0 {
		return strconv.Itoa(h) + "h"
	}
	return strconv.Itoa(h) + "h" + twoDigits(m)
}

// ShortDate writes the day of t without the year, for compact lists:
// "lun. 1er mars" or "Mon 1 Mar".
func (p *Printer) ShortDate(t time.Time) string {
	t = t.In(p.loc)
	if p.lang == English {
		return t.Format("Mon 2 Jan")
	}
	return frShortWeekdays[t.Weekday()] + " " + frDay(t.Day()) + " " + frShortMonths[t.Month()-1]
}

// frDay writes the day of the month; French writes the first as the ordinal
// "1er" and every other day as a plain number.
func frDay(d int) string {
	if d == 1 {
		return "1er"
	}
	return strconv.Itoa(d)
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
