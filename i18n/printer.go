package i18n

import (
	"fmt"
	"strconv"
	"time"
)

// Printer renders catalog messages, dates and numbers in one language and one
// time zone. Build one per user (from the language and zone the transport
// resolved) and pass it down; it is immutable and safe for concurrent use.
type Printer struct {
	lang Lang
	loc  *time.Location
}

// NewPrinter returns a Printer for lang in loc. A nil loc means Paris, where
// the members are, and an unknown lang goes through ParseLang so a Printer
// never holds a language without a catalog.
func NewPrinter(lang Lang, loc *time.Location) *Printer {
	if loc == nil {
		loc = Paris()
	}
	return &Printer{lang: ParseLang(string(lang)), loc: loc}
}

// Lang returns the printer's language.
func (p *Printer) Lang() Lang { return p.lang }

// Location returns the time zone the printer renders dates in.
func (p *Printer) Location() *time.Location { return p.loc }

// T returns the message for key, formatted with fmt.Sprintf when args are
// given (without args the message is returned verbatim). A key missing from
// the printer's language falls back to French, and a key missing everywhere
// returns the key itself: the bug shows on screen instead of crashing a
// handler or showing an empty message.
func (p *Printer) T(key string, args ...any) string {
	msg, ok := catalogs[p.lang][key]
	if !ok {
		msg, ok = catalogs[French][key]
	}
	if !ok {
		return key
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// Plural returns the message key+".one" or key+".other" chosen by n, formatted
// with n as the first argument followed by args. The rule follows CLDR: in
// French 0 and 1 take the singular ("0 membre"), in English only 1 does.
func (p *Printer) Plural(key string, n int, args ...any) string {
	form := ".other"
	if p.isOne(n) {
		form = ".one"
	}
	return p.T(key+form, append([]any{n}, args...)...)
}

// isOne applies the CLDR cardinal rule for integers, which looks at the
// absolute value, so -1 takes the same form as 1.
func (p *Printer) isOne(n int) bool {
	if n < 0 {
		n = -n
	}
	if p.lang == English {
		return n == 1
	}
	return n == 0 || n == 1
}

// Number writes n with thousands separators. French uses a narrow no-break
// space (U+202F, as CLDR does) so Slack never wraps a number across lines;
// English uses a comma.
func (p *Printer) Number(n int) string {
	sep := "\u202f"
	if p.lang == English {
		sep = ","
	}
	// strconv, not negation, so math.MinInt keeps its digits.
	digits := strconv.Itoa(n)
	sign := ""
	if digits[0] == '-' {
		sign, digits = "-", digits[1:]
	}
	out := []byte(sign)
	for i := 0; i < len(digits); i++ {
		if i > 0 && (len(digits)-i)%3 == 0 {
			out = append(out, sep...)
		}
		out = append(out, digits[i])
	}
	return string(out)
}
