package commands

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxCommandLength is the longest command text accepted. Slack caps a
// message near 40,000 characters; no Cercle command needs more than a few
// hundred, so anything longer is refused before it is parsed.
const MaxCommandLength = 4000

// ParseCommandLine splits what a person typed after /cercle into the
// subcommand name (lower-cased) and its arguments. Arguments are separated
// by spaces; "double quotes" and « guillemets » group words. A leading
// "/cercle" is dropped, so the console and a DM accept the same text as the
// slash command.
func ParseCommandLine(text string) (name string, args []string, err error) {
	if len(text) > MaxCommandLength {
		return "", nil, Errorf(EINVALID, "parse.too_long", MaxCommandLength)
	}
	if !utf8.ValidString(text) {
		return "", nil, Errorf(EINVALID, "parse.invalid_text")
	}
	words, err := splitWords(text)
	if err != nil {
		return "", nil, err
	}
	if len(words) > 0 && strings.EqualFold(words[0], "/cercle") {
		words = words[1:]
	}
	if len(words) == 0 {
		return "", nil, nil
	}
	return strings.ToLower(words[0]), words[1:], nil
}

func splitWords(text string) ([]string, error) {
	var (
		words []string
		word  strings.Builder
		in    bool // inside a word
		close rune
	)
	flush := func() {
		if in {
			words = append(words, word.String())
			word.Reset()
			in = false
		}
	}
	for _, r := range text {
		switch {
		case close != 0 && r == close:
			close = 0
		case close != 0:
			word.WriteRune(r)
		case r == '"' || r == '“':
			close, in = '"', true
			if r == '“' {
				close = '”'
			}
		case r == '«':
			close, in = '»', true
		case unicode.IsSpace(r):
			flush()
		case unicode.IsControl(r):
			// Dropped: a control character is never part of a command.
		default:
			word.WriteRune(r)
			in = true
		}
	}
	if close != 0 {
		return nil, Errorf(EINVALID, "parse.unclosed_quote")
	}
	flush()
	// A quoted part may hold only spaces ("" or « »): it names nothing.
	kept := words[:0]
	for _, w := range words {
		if w = strings.TrimSpace(w); w != "" {
			kept = append(kept, w)
		}
	}
	return kept, nil
}

// ParseMention reads a member reference as Slack sends it in a command
// with escaping on (<@U123> or <@U123|name>). It also accepts a bare user
// id or "@id", which the console uses.
func ParseMention(s string) (UserID, bool) {
	if strings.HasPrefix(s, "<@") && strings.HasSuffix(s, ">") {
		s = s[2 : len(s)-1]
		if i := strings.IndexByte(s, '|'); i >= 0 {
			s = s[:i]
		}
	} else {
		s = strings.TrimPrefix(s, "@")
	}
	if s == "" || len(s) > 64 {
		return "", false
	}
	for _, r := range s {
		if !(r == '.' || r == '_' || r == '-' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return "", false
		}
	}
	return UserID(s), true
}
