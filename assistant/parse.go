package assistant

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"cercle/commands"

	openai "github.com/sashabaranov/go-openai"
)

// ErrBadAnswer reports a model's answer with no usable bullet: no JSON
// object of the shape asked for, no bullets, or only bullets of unknown
// kinds. Retrying the same prompt would most likely get the same answer.
var ErrBadAnswer = errors.New("no usable bullet in the model's answer")

// Limits on what a model's answer may put in a summary.
const (
	maxBullets     = 5
	maxBulletRunes = 400
	maxCites       = 10
	maxCiteRunes   = 64
)

// parseAnswer returns the bullets of a chat completion.
func parseAnswer(resp openai.ChatCompletionResponse) ([]commands.SummaryBullet, error) {
	if len(resp.Choices) == 0 {
		return nil, fmt.Errorf("%w: no choice", ErrBadAnswer)
	}
	return parseBullets(resp.Choices[0].Message.Content)
}

// answer is the JSON object the prompts ask for.
type answer struct {
	Bullets []struct {
		Kind  string `json:"kind"`
		Text  string `json:"text"`
		Cites refs   `json:"cites"`
	} `json:"bullets"`
}

// parseBullets finds the first JSON object with bullets in content, past
// any code fence or sentence a model wraps around it, and keeps its
// bullets of a known kind, cleaned and cut.
func parseBullets(content string) ([]commands.SummaryBullet, error) {
	for rest := content; ; rest = rest[1:] {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			return nil, ErrBadAnswer
		}
		rest = rest[i:]
		var a answer
		// A Decoder reads one value and ignores what follows it.
		if err := json.NewDecoder(strings.NewReader(rest)).Decode(&a); err != nil || len(a.Bullets) == 0 {
			continue
		}
		var out []commands.SummaryBullet
		for _, b := range a.Bullets {
			kind, ok := bulletKind(b.Kind)
			text := cleanText(b.Text, maxBulletRunes)
			if !ok || text == "" {
				continue
			}
			out = append(out, commands.SummaryBullet{Kind: kind, Text: text, Cites: cleanCites(b.Cites)})
			if len(out) == maxBullets {
				break
			}
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("%w: no bullet of a known kind", ErrBadAnswer)
		}
		return out, nil
	}
}

// bulletKind reads a kind, forgiving case and "next-step" for "next_step".
// A model may not write the extractive summary's quotes.
func bulletKind(s string) (commands.BulletKind, bool) {
	k := commands.BulletKind(strings.NewReplacer("-", "_", " ", "_").Replace(strings.ToLower(strings.TrimSpace(s))))
	switch k {
	case commands.BulletDecision, commands.BulletQuestion, commands.BulletNextStep:
		return k, true
	}
	return "", false
}

// refs reads cites: a list of strings, as asked, but also a lone string,
// or numbers (a Slack ts written as 1795421520.000100 keeps its digits).
type refs []string

func (r *refs) UnmarshalJSON(b []byte) error {
	var list []json.RawMessage
	if json.Unmarshal(b, &list) != nil {
		list = []json.RawMessage{b}
	}
	for _, v := range list {
		var s string
		var n json.Number
		switch {
		case json.Unmarshal(v, &s) == nil:
			*r = append(*r, s)
		case json.Unmarshal(v, &n) == nil:
			*r = append(*r, n.String())
		} // anything else cites nothing
	}
	return nil
}

// cleanCites trims the cites, drops empty and repeated ones and keeps at
// most maxCites. Whether they name real messages is the core's check.
func cleanCites(in refs) []string {
	out := make([]string, 0, min(len(in), maxCites))
	for _, c := range in {
		c = cleanText(c, maxCiteRunes)
		if c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
		if len(out) == maxCites {
			break
		}
	}
	return out
}

// cleanText turns line breaks and tabs into single spaces, drops control
// and bidirectional formatting characters (which could reorder what a
// reader sees), trims, and cuts to limit runes at a word when it can.
// Non-breaking spaces, which French typography needs, stay.
func cleanText(s string, limit int) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' || unicode.In(r, unicode.Zl, unicode.Zp):
			space = b.Len() > 0
			continue
		case unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == unicode.ReplacementChar:
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return truncate(b.String(), limit)
}

// truncate cuts s to at most limit runes, ending with "…", at the last
// space of the second half when there is one.
func truncate(s string, limit int) string {
	r := []rune(s)
	if len(r) <= limit {
		return s
	}
	r = r[:limit-1]
	if i := lastSpace(r); i > limit/2 {
		r = r[:i]
	}
	return strings.TrimRight(string(r), " ,;:") + "…"
}

func lastSpace(r []rune) int {
	for i := len(r) - 1; i >= 0; i-- {
		if r[i] == ' ' {
			return i
		}
	}
	return -1
}
