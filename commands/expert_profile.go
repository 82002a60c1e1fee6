package commands

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"cercle/i18n"
)

// This file is an expert's profile: its form, and how what was typed in
// it is read and checked.

// FormExpert is the expert profile form; its State is the user id of the
// expert it is for.
const FormExpert = "expert.profile"

// Expert profile field ids, which are also Slack block ids.
const (
	fieldExpertDomains  = "expert_domains"
	fieldExpertBio      = "expert_bio"
	fieldExpertLangs    = "expert_languages"
	fieldExpertFormats  = "expert_formats"
	fieldExpertCapacity = "expert_capacity"
	fieldExpertWindows  = "expert_windows"
	fieldExpertNotice   = "expert_notice"
	fieldExpertBuffer   = "expert_buffer"
)

// Limits and defaults of an expert's profile.
const (
	maxExpertBio          = 600
	maxExpertDomain       = 40
	maxExpertDomains      = 8
	defaultExpertCapacity = 4
	maxExpertCapacity     = 30
	defaultNoticeHours    = 48
	maxNoticeHours        = 30 * 24
	defaultBufferMins     = 15
	maxBufferMins         = 240
	maxExpertWindowText   = 1000
)

// expertLanguages and expertFormats are the choices of the form, in the
// order it shows them.
var (
	expertLanguages = []string{"fr", "en"}
	expertFormats   = []MeetingFormat{FormatVideo, FormatInPerson, FormatPhone}
)

// expertForm is the profile form of target, filled with e (nil: a new
// expert, with the defaults). forSelf words it for the expert.
func expertForm(e *Expert, target *Member, forSelf bool, p *i18n.Printer) *Form {
	if e == nil {
		e = &Expert{Languages: []string{"fr"}, Formats: expertFormats, MonthlyCapacity: defaultExpertCapacity,
			MinNotice: defaultNoticeHours * time.Hour, Buffer: defaultBufferMins * time.Minute}
	}
	domainsHint := p.T("expert.field.domains.hint", maxExpertDomains)
	if !forSelf {
		domainsHint = p.T("expert.field.domains.hint.for", target.Name, maxExpertDomains)
	}
	var langs, formats []Option
	for _, l := range expertLanguages {
		langs = append(langs, Option{Value: l, Label: p.T("expert.lang." + l)})
	}
	for _, f := range expertFormats {
		formats = append(formats, Option{Value: string(f), Label: p.T("expert.format." + string(f))})
	}
	formatValues := make([]string, len(e.Formats))
	for i, f := range e.Formats {
		formatValues[i] = string(f)
	}
	return &Form{ID: FormExpert, Title: p.T("expert.form.title"), Submit: p.T("expert.form.submit"), State: string(target.UserID),
		Fields: []Field{
			{ID: fieldExpertDomains, Label: p.T("expert.field.domains"), Hint: domainsHint, Placeholder: p.T("expert.field.domains.placeholder"),
				Value: strings.Join(e.Domains, ", "), MaxLength: maxExpertDomains * (maxExpertDomain + 2)},
			{ID: fieldExpertBio, Label: p.T("expert.field.bio"), Hint: p.T("expert.field.bio.hint", maxExpertBio), Kind: FieldLongText,
				Value: e.Bio, MaxLength: maxExpertBio},
			{ID: fieldExpertLangs, Label: p.T("expert.field.languages"), Kind: FieldCheckboxes, Options: langs, Value: strings.Join(e.Languages, "\n")},
			{ID: fieldExpertFormats, Label: p.T("expert.field.formats"), Kind: FieldCheckboxes, Options: formats, Value: strings.Join(formatValues, "\n")},
			{ID: fieldExpertCapacity, Label: p.T("expert.field.capacity"), Hint: p.T("expert.field.capacity.hint"), Kind: FieldNumber,
				Value: strconv.Itoa(e.MonthlyCapacity)},
			{ID: fieldExpertWindows, Label: p.T("expert.field.windows"), Hint: p.T("expert.field.windows.hint"), Kind: FieldLongText,
				Placeholder: p.T("expert.field.windows.placeholder"), Value: FormatWindows(e.Availability, p), MaxLength: maxExpertWindowText},
			{ID: fieldExpertNotice, Label: p.T("expert.field.notice"), Hint: p.T("expert.field.notice.hint"), Kind: FieldNumber,
				Value: strconv.Itoa(int(e.MinNotice / time.Hour))},
			{ID: fieldExpertBuffer, Label: p.T("expert.field.buffer"), Hint: p.T("expert.field.buffer.hint"), Kind: FieldNumber,
				Value: strconv.Itoa(int(e.Buffer / time.Minute))},
		}}
}

// ParseExpert validates the profile form's values and returns the
// profile they describe (without its user, name or state), or the
// message for each field in error.
func ParseExpert(values map[string]string, p *i18n.Printer) (*Expert, FieldErrors) {
	e := &Expert{Bio: cleanText(values[fieldExpertBio])}
	errs := FieldErrors{}
	var err error
	if e.Domains, err = ParseDomains(values[fieldExpertDomains]); err != nil {
		errs[fieldExpertDomains] = fieldErrorText(err, p)
	}
	switch n := utf8.RuneCountInString(e.Bio); {
	case n == 0:
		errs[fieldExpertBio] = p.T("expert.error.bio_required")
	case n > maxExpertBio:
		errs[fieldExpertBio] = p.T("expert.error.bio_too_long", maxExpertBio, n)
	}
	e.Languages = checkedOptions(values[fieldExpertLangs], expertLanguages)
	if len(e.Languages) == 0 {
		errs[fieldExpertLangs] = p.T("expert.error.languages")
	}
	for _, f := range checkedOptions(values[fieldExpertFormats], formatValues()) {
		e.Formats = append(e.Formats, MeetingFormat(f))
	}
	if len(e.Formats) == 0 {
		errs[fieldExpertFormats] = p.T("expert.error.formats")
	}
	number := func(id string, def, lo, hi int, key string) int {
		n, ok := expertNumber(values[id], def)
		if !ok || n < lo || n > hi {
			errs[id] = p.T(key, lo, hi)
		}
		return n
	}
	e.MonthlyCapacity = number(fieldExpertCapacity, defaultExpertCapacity, 1, maxExpertCapacity, "expert.error.capacity")
	e.MinNotice = time.Duration(number(fieldExpertNotice, defaultNoticeHours, 0, maxNoticeHours, "expert.error.notice")) * time.Hour
	e.Buffer = time.Duration(number(fieldExpertBuffer, defaultBufferMins, 0, maxBufferMins, "expert.error.buffer")) * time.Minute
	if n := utf8.RuneCountInString(values[fieldExpertWindows]); n > maxExpertWindowText {
		errs[fieldExpertWindows] = p.T("event.error.too_long", maxExpertWindowText)
	} else if e.Availability, err = ParseWindows(values[fieldExpertWindows]); err != nil {
		errs[fieldExpertWindows] = fieldErrorText(err, p)
	} else if len(e.Availability) == 0 {
		errs[fieldExpertWindows] = p.T("expert.error.window.empty")
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return e, nil
}

// fieldErrorText words an application error for a form's field.
func fieldErrorText(err error, p *i18n.Printer) string {
	var e *Error
	if errors.As(err, &e) {
		return p.T(e.Key, e.Args...)
	}
	return p.T("error.internal", "-")
}

func formatValues() []string {
	out := make([]string, len(expertFormats))
	for i, f := range expertFormats {
		out[i] = string(f)
	}
	return out
}

// checkedOptions keeps the checked values (one a line) that are known options,
// in the options' order: a forged value is dropped.
func checkedOptions(value string, options []string) []string {
	checked := map[string]bool{}
	for _, v := range strings.Split(value, "\n") {
		checked[strings.TrimSpace(v)] = true
	}
	var out []string
	for _, o := range options {
		if checked[o] {
			out = append(out, o)
		}
	}
	return out
}

// expertNumber reads a whole number typed in a form (« 1 200 » too); an
// empty field takes def.
func expertNumber(s string, def int) (int, bool) {
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	if s == "" {
		return def, true
	}
	if !digits(s) || len(s) > 6 {
		return def, false
	}
	n, _ := strconv.Atoi(s)
	return n, true
}

// ParseDomains reads an expert's domains, typed as tags separated by
// commas (or semicolons, or line breaks). Each is cleaned to one line, its
// first letter lower-cased unless the word is an acronym (« RSE » stays),
// the rest kept as typed; a tag typed twice, with other capitals or
// accents, is kept once. At least one and at most maxExpertDomains, each
// at most maxExpertDomain characters.
func ParseDomains(text string) ([]string, error) {
	var (
		out  []string
		seen = map[string]bool{}
	)
	for _, part := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		tag := strings.Trim(cleanLine(part), " .#·-")
		if tag == "" {
			continue
		}
		if n := utf8.RuneCountInString(tag); n > maxExpertDomain {
			return nil, Errorf(EINVALID, "expert.error.domain_too_long", truncate(tag, maxExpertDomain), maxExpertDomain)
		}
		tag = lowerFirst(tag)
		if key := Fold(tag); !seen[key] {
			seen[key] = true
			out = append(out, tag)
		}
	}
	switch {
	case len(out) == 0:
		return nil, Errorf(EINVALID, "expert.error.domains_required")
	case len(out) > maxExpertDomains:
		return nil, Errorf(EINVALID, "expert.error.too_many_domains", maxExpertDomains, len(out))
	}
	return out, nil
}

// lowerFirst lower-cases the first letter of tag, unless its second is a
// capital too: « Recrutement » becomes « recrutement », « RSE » stays.
func lowerFirst(tag string) string {
	rs := []rune(tag)
	if len(rs) > 1 && unicode.IsUpper(rs[1]) {
		return tag
	}
	rs[0] = unicode.ToLower(rs[0])
	return string(rs)
}

// expertPairs describes a profile for its expert and the facilitators:
// everything, capacity and availability included. The directory shows
// less (experts.go).
func expertPairs(e *Expert, p *i18n.Printer) []Pair {
	return []Pair{
		{Label: p.T("expert.field.domains"), Value: strings.Join(e.Domains, ", ")},
		{Label: p.T("expert.field.languages"), Value: languageList(e.Languages, p)},
		{Label: p.T("expert.field.formats"), Value: formatList(e.Formats, p)},
		{Label: p.T("expert.field.capacity"), Value: p.Plural("expert.capacity", e.MonthlyCapacity)},
		{Label: p.T("expert.field.windows"), Value: FormatWindows(e.Availability, p)},
		{Label: p.T("expert.field.notice"), Value: p.Plural("expert.notice", int(e.MinNotice/time.Hour))},
		{Label: p.T("expert.field.buffer"), Value: p.Plural("expert.buffer", int(e.Buffer/time.Minute))},
	}
}

func languageList(langs []string, p *i18n.Printer) string {
	names := make([]string, len(langs))
	for i, l := range langs {
		names[i] = p.T("expert.lang." + l)
	}
	return strings.Join(names, ", ")
}

func formatList(formats []MeetingFormat, p *i18n.Printer) string {
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = p.T("expert.format." + string(f))
	}
	return strings.Join(names, ", ")
}
