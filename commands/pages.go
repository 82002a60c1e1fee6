package commands

import (
	"strconv"
	"strings"

	"cercle/i18n"
)

// This file pages long lists. Each list says how many items it holds and
// shows one page of them, with Précédent and Suivant buttons whose value
// says where the next page starts; the page a button asks for replaces
// the message that carried it.

// Page sizes, chosen so that the fullest page of each list fits Slack's
// limits whole with the longest titles (150 characters), places (300),
// names and companies (120) the core accepts, escaped: 50 blocks a
// message, 100 on the Home tab, 3,000 characters a section, and about
// 12,000 characters of text a message, which Slack enforces without
// documenting it (msg_blocks_too_long); we keep under 9,000. bot's
// TestLongEventListIsPaged, TestLongAttendeeListIsPaged and
// TestHomeWorstCaseFits render the worst cases.
const (
	// eventsPageSize and draftsPageSize: an event is 3 blocks and at
	// worst about 1,000 characters (title, place, and the title again in
	// a cancel button's confirmation); a facilitator's list holds both,
	// 6 events and 2 drafts: 28 blocks, about 8,200 characters. Drafts
	// are few; the events are what every member pages through.
	eventsPageSize = 6
	draftsPageSize = 2
	// agendaPageSize: a registration is 2 blocks and at worst about 560
	// characters: 12 make 27 blocks, about 7,000 characters.
	agendaPageSize = 12
	// attendeesPageSize counts lines. A line is at most about 290
	// characters before escaping (an 80-character name, a 120-character
	// company, the no-shows, an offer's deadline): 30 lines make about
	// 8,300 characters, which the renderer splits at lines into three or
	// four sections, under 10 blocks.
	attendeesPageSize = 30
	// homeListSize is how many of a list the Home tab shows, with a
	// button that sends the whole list, paged, by message: 4 of the
	// member's events and 4 drafts keep the Home under 9,000 characters
	// and 40 blocks.
	homeListSize = 4
)

// page is one page of a list: items [offset, end()) of total.
type page struct{ offset, size, total int }

// pageAt returns the page of size items that holds offset. An offset
// past the end (the list has shrunk since the button was drawn) gives
// the last page.
func pageAt(offset, size, total int) page {
	if offset >= total {
		offset = total - 1
	}
	offset = max(offset, 0)
	return page{offset: offset - offset%size, size: size, total: total}
}

func (pg page) end() int    { return min(pg.offset+pg.size, pg.total) }
func (pg page) number() int { return pg.offset/pg.size + 1 }
func (pg page) count() int  { return max(1, (pg.total+pg.size-1)/pg.size) }

// countText says how many items the list holds (countKey is a plural
// key) and, when there are several pages, which one this is.
func countText(p *i18n.Printer, pg page, countKey string) string {
	text := p.Plural(countKey, pg.total)
	if pg.count() > 1 {
		text += " · " + p.T("list.page", pg.number(), pg.count())
	}
	return text
}

// pageNav is the pair of buttons of a paged list, labelled prev and next
// (Précédent and Suivant); value gives a button's value from the offset
// of the page it shows. It is empty on a list of one page.
func pageNav(pg page, action string, value func(offset int) string, prev, next string) []Button {
	var out []Button
	if pg.offset > 0 {
		out = append(out, Button{ActionID: action, Value: value(pg.offset - pg.size), Label: prev})
	}
	if pg.end() < pg.total {
		out = append(out, Button{ActionID: action, Value: value(pg.end()), Label: next, Style: ButtonPrimary})
	}
	return out
}

// maxPageValue bounds a page button's value: it is untrusted, like text
// typed by a member.
const maxPageValue = 40

// parsePageValue reads a page button's value: n whole numbers, none
// negative, separated by colons. Anything else is refused like a typo.
func parsePageValue(v string, n int) ([]int, error) {
	parts := strings.Split(strings.TrimSpace(v), ":")
	if len(v) > maxPageValue || len(parts) != n {
		return nil, Errorf(EINVALID, "list.error.page")
	}
	out := make([]int, n)
	for i, s := range parts {
		x, err := strconv.Atoi(s)
		if err != nil || x < 0 {
			return nil, Errorf(EINVALID, "list.error.page")
		}
		out[i] = x
	}
	return out, nil
}

// parseEventPage reads a button value "<event id>:<n>" (an attendee
// list's offset, a roll call's page), checked like typed input.
func parseEventPage(v string) (id int64, n int, err error) {
	pv, err := parsePageValue(v, 2)
	if err != nil {
		return 0, 0, err
	}
	if id, err = parseEventID(strconv.Itoa(pv[0])); err != nil {
		return 0, 0, err
	}
	return id, pv[1], nil
}

// joinInts writes numbers as parsePageValue reads them.
func joinInts(xs ...int64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.FormatInt(x, 10)
	}
	return strings.Join(parts, ":")
}
