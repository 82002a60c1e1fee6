package assistant

import (
	"bytes"
	"embed"
	"encoding/json"
	"slices"
	"strings"
	"text/template"
	"unicode/utf8"

	"cercle/commands"
	"cercle/i18n"
)

// minDataTokens is the least room a call leaves for data, however small
// the budget: a part must hold at least a message.
const minDataTokens = 200

//go:embed prompts/*.txt
var promptFiles embed.FS

// prompts is one language's wording: the system prompts, which never
// change (so servers that cache prompt prefixes can reuse them), and the
// templates of the user message that frames the data.
type prompts struct {
	summary, merge         string
	answer, answerFinal    string // the Answerer's system prompt, and its last call's nudge
	summaryData, mergeData *template.Template
	printer                *i18n.Printer // writes the messages' times
}

// promptSets is loaded at init: a missing or broken embedded prompt is a
// programmer error that every test run catches.
var promptSets = map[i18n.Lang]*prompts{
	i18n.French:  mustPrompts(i18n.French),
	i18n.English: mustPrompts(i18n.English),
}

func mustPrompts(lang i18n.Lang) *prompts {
	read := func(name string) string {
		b, err := promptFiles.ReadFile("prompts/" + name + "." + string(lang) + ".txt")
		if err != nil {
			panic("assistant: " + err.Error())
		}
		return strings.TrimSpace(string(b))
	}
	parse := func(name string) *template.Template {
		return template.Must(template.New(name).Option("missingkey=error").Parse(read(name)))
	}
	return &prompts{
		summary:     read("summary"),
		merge:       read("merge"),
		answer:      read("answer"),
		answerFinal: read("answer-final"),
		summaryData: parse("summary-data"),
		mergeData:   parse("merge-data"),
		printer:     i18n.NewPrinter(lang, i18n.Paris()),
	}
}

// promptsFor returns the wording for lang; anything but English is French.
func promptsFor(lang i18n.Lang) *prompts { return promptSets[i18n.ParseLang(string(lang))] }

// frame is what a data template fills in.
type frame struct {
	Group       string // the group's name, as a JSON string
	Part, Parts int    // which part of the week, when it is cut in parts
	Data        string // a JSON array
}

func render(t *template.Template, f frame) string {
	var b bytes.Buffer
	if err := t.Execute(&b, f); err != nil {
		panic("assistant: prompt " + t.Name() + ": " + err.Error()) // the templates are embedded and tested
	}
	return strings.TrimSpace(b.String())
}

// dataBudget returns the tokens a call may spend on data once its system
// prompt and the data's frame are counted.
func (s *Summarizer) dataBudget(system string, t *template.Template, group string) int {
	overhead := tokens(system) + tokens(render(t, frame{Group: group, Part: 99, Parts: 99}))
	return max(s.budget-overhead, minDataTokens)
}

// tokens estimates the tokens of s at four characters a token.
func tokens(s string) int { return (utf8.RuneCountInString(s) + 3) / 4 }

// jsonString quotes s as JSON. encoding/json writes <, > and & as \u003c,
// \u003e and \u0026, so no text a member wrote can spell a closing tag
// such as </messages> and step out of the data.
func jsonString(s string) string {
	b, _ := json.Marshal(s) // a string always encodes
	return string(b)
}

// item is one piece of data (a message, or a part's bullets), encoded as
// a JSON value once, with its estimated cost.
type item struct {
	json   string
	tokens int
}

// jsonArray writes the items at idx as a JSON array, one per line.
func jsonArray(items []item, idx []int) string {
	lines := make([]string, len(idx))
	for i, j := range idx {
		lines[i] = items[j].json
	}
	return "[\n" + strings.Join(lines, ",\n") + "\n]"
}

// dataMessage is a message as the model reads it.
type dataMessage struct {
	Ref    string `json:"ref"`
	Thread string `json:"thread,omitempty"`
	Author string `json:"author"`
	Time   string `json:"time,omitempty"`
	Text   string `json:"text"`
}

// encodeMessages encodes every message, cutting any that alone would
// exceed budget.
func encodeMessages(msgs []commands.SummaryInput, p *i18n.Printer, budget int) []item {
	items := make([]item, len(msgs))
	for i, m := range msgs {
		dm := dataMessage{Ref: m.Ref, Author: m.Author, Text: m.Text}
		if m.Thread != m.Ref { // Slack gives a thread's parent its own ts as thread_ts
			dm.Thread = m.Thread
		}
		if !m.At.IsZero() {
			dm.Time = p.ShortDate(m.At) + " " + p.Time(m.At)
		}
		it := encode(dm)
		if over := it.tokens - budget; over > 0 {
			dm.Text = cut(dm.Text, utf8.RuneCountInString(dm.Text)-4*over-32)
			it = encode(dm)
		}
		items[i] = it
	}
	return items
}

// encode encodes a value made of strings, ints and bullets, which always
// encode; its cost counts the separator that follows it in an array.
func encode(v any) item {
	b, _ := json.Marshal(v)
	return item{json: string(b), tokens: tokens(string(b)) + 1}
}

// cut shortens text to about n runes (never below 200), keeping its start
// and its end, where a message usually says what it is about and what it
// asks.
func cut(text string, n int) string {
	r := []rune(text)
	n = max(n, 200)
	if len(r) <= n {
		return text
	}
	head := n * 2 / 3
	return string(r[:head]) + " […] " + string(r[len(r)-(n-head):])
}

// threads groups the messages by thread, in the order each thread (or
// lone message) first appears; a reply whose parent is outside the period
// starts a group of its own.
func threads(msgs []commands.SummaryInput) [][]int {
	var groups [][]int
	byRoot := map[string]int{}
	for i, m := range msgs {
		root := m.Thread
		if root == "" {
			root = m.Ref
		}
		if g, ok := byRoot[root]; ok {
			groups[g] = append(groups[g], i)
			continue
		}
		byRoot[root] = len(groups)
		groups = append(groups, []int{i})
	}
	return groups
}

// pack cuts the messages into consecutive parts of at most budget tokens,
// keeping each thread in one part when it fits in one. Within a part,
// messages keep their time order.
func pack(groups [][]int, items []item, budget int) [][]int {
	var parts [][]int
	var cur []int
	used := 0
	flush := func() {
		if len(cur) > 0 {
			slices.Sort(cur)
			parts = append(parts, cur)
			cur, used = nil, 0
		}
	}
	for _, g := range groups {
		cost := 0
		for _, i := range g {
			cost += items[i].tokens
		}
		if used+cost > budget {
			flush()
		}
		if cost <= budget {
			cur, used = append(cur, g...), used+cost
			continue
		}
		for _, i := range g { // a thread too long for one part spans several
			if used+items[i].tokens > budget {
				flush()
			}
			cur, used = append(cur, i), used+items[i].tokens
		}
	}
	flush()
	return parts
}
