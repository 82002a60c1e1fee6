package commands

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// The model's answer is untrusted: what a member wrote in a channel may
// have steered it, and a link it writes is the way out for what it read
// (a link preview fetches the address, a click sends it). Only the links
// the network owns survive; Slack's <…> syntax never does (the transport
// escapes what remains, so no mention comes alive).

// slackSyntax matches Slack's <…> links and mentions.
var slackSyntax = regexp.MustCompile(`<[^>\n]*>`)

// allowedLink reports whether a link the model wrote may stay: a Slack
// permalink of a message, or an address of the network's own server.
func allowedLink(u string, own ...string) bool {
	lower := strings.ToLower(u)
	if strings.HasPrefix(lower, "https://") && strings.Contains(lower, ".slack.com/archives/") && !strings.ContainsAny(u, "@") {
		host := strings.SplitN(strings.TrimPrefix(lower, "https://"), "/", 2)[0]
		if strings.HasSuffix(host, ".slack.com") {
			return true
		}
	}
	for _, o := range own {
		if o != "" && strings.HasPrefix(lower, strings.ToLower(strings.TrimSuffix(o, "/"))+"/") {
			return true
		}
	}
	return false
}

// cleanAnswer makes the model's text safe to show: valid UTF-8, no
// control characters but line breaks, no Slack syntax, no link but the
// network's own, at most maxAnswer runes.
func cleanAnswer(text string, own ...string) string {
	text = strings.ToValidUTF8(text, "")
	text = strings.Map(func(r rune) rune {
		if r == '\n' || r >= 0x20 && r != 0x7f && (r < 0x202a || r > 0x202e) && (r < 0x2066 || r > 0x2069) {
			return r
		}
		if r == '\t' {
			return ' '
		}
		return -1
	}, text)
	text = slackSyntax.ReplaceAllString(text, "…")
	text = replaceLinks(text, func(u string) bool { return allowedLink(u, own...) })
	if utf8.RuneCountInString(text) > maxAnswer {
		text = string([]rune(text)[:maxAnswer]) + "…"
	}
	return strings.TrimSpace(text)
}

// streamCleaner cleans a streamed answer on its way to the reader: it
// holds back the last, unfinished word (an address or a <…> may span
// deltas) and passes on the rest cleaned, the same way as cleanAnswer.
type streamCleaner struct {
	out     func(string)
	own     []string
	pending strings.Builder
}

func newStreamCleaner(out func(string), own ...string) *streamCleaner {
	return &streamCleaner{out: out, own: own}
}

func (c *streamCleaner) write(delta string) {
	c.pending.WriteString(delta)
	text := c.pending.String()
	cut := strings.LastIndexAny(text, " \n")
	// Positions, not counts: in "> a <!channel|x" the counts balance,
	// yet the < is open, its > still to come.
	if cut < 0 || strings.LastIndex(text[:cut], "<") > strings.LastIndex(text[:cut], ">") {
		return // an unfinished word, or an open <…>: it goes out whole
	}
	ready, rest := text[:cut+1], text[cut+1:]
	c.pending.Reset()
	c.pending.WriteString(rest)
	if s := cleanStreamed(ready, c.own); s != "" {
		c.out(s)
	}
}

// streamedBrackets turns the < and > a cleaned piece still holds into
// look-alikes.
var streamedBrackets = strings.NewReplacer("<", "‹", ">", "›")

// cleanStreamed cleans a piece of a stream, keeping its spacing. Unlike
// the final answer, a piece is sent as is (markdown_text, which the
// transport does not escape), and what the reader's client parses is all
// the pieces together: a < left in one could pair with a > in the next
// into a live <!channel>. So no < or > survives in a piece; the final
// answer, escaped by the transport, replaces the streamed one when they
// differ.
func cleanStreamed(piece string, own []string) string {
	trail := piece[len(strings.TrimRight(piece, " \n")):]
	lead := piece[:len(piece)-len(strings.TrimLeft(piece, " \n"))]
	body := streamedBrackets.Replace(cleanAnswer(piece, own...))
	if body == "" {
		return lead + trail
	}
	return lead + body + trail
}

// flush passes on what is held back, at the end of the answer.
func (c *streamCleaner) flush() {
	if c.pending.Len() == 0 {
		return
	}
	if s := cleanStreamed(c.pending.String(), c.own); s != "" {
		c.out(s)
	}
	c.pending.Reset()
}
