package bot

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackutilsx"

	"cercle/commands"
)

// Block Kit limits (Slack's block reference): going over them makes Slack
// reject the whole message. The core pages its lists to fit them; the
// renderer splits a long text at its lines, and cuts only as a last
// resort, at a space, marking the cut.
const (
	maxMessageBlocks = 50
	maxViewBlocks    = 100
	maxSectionText   = 3000
	maxFieldText     = 2000
	maxFieldsPerBox  = 10
	maxHeaderText    = 150
	maxModalTitle    = 24
	maxButtonText    = 75
	maxFallbackText  = 3000
)

// valueActionID is the action id of every form input: the block id (the
// field id) already says which field it is.
const valueActionID = "value"

// escape makes untrusted text literal in mrkdwn: Slack reads <…> as
// mentions and links, so a company named "<!channel>" would ping everyone.
func escape(s string) string { return slackutilsx.EscapeMessage(s) }

// mrkdwn renders spans as Slack mrkdwn, escaping every piece of text.
func mrkdwn(spans []commands.Span) string {
	var b strings.Builder
	for _, s := range spans {
		switch s.Kind {
		case commands.SpanBold:
			if t := strings.TrimSpace(s.Text); t != "" {
				b.WriteString("*" + escape(t) + "*")
			}
		case commands.SpanCode:
			b.WriteString("`" + escape(strings.ReplaceAll(s.Text, "`", "'")) + "`")
		case commands.SpanMention:
			if id, ok := commands.ParseMention(s.Target); ok {
				b.WriteString("<@" + string(id) + ">")
			}
		case commands.SpanChannel:
			if channelID(s.Target) {
				b.WriteString("<#" + s.Target + ">")
			} else {
				b.WriteString(escape("#" + s.Text))
			}
		case commands.SpanLink:
			if safeURL(s.Target) {
				b.WriteString("<" + s.Target + "|" + escape(strings.ReplaceAll(s.Text, "|", "/")) + ">")
			} else {
				b.WriteString(escape(s.Text))
			}
		default:
			b.WriteString(escape(s.Text))
		}
	}
	return b.String()
}

// channelID reports whether s looks like a Slack channel id (C…, G…),
// the only thing put inside a <#…> channel link.
func channelID(s string) bool {
	if len(s) < 2 || len(s) > 32 || (s[0] != 'C' && s[0] != 'G') {
		return false
	}
	for _, r := range s {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

func safeURL(u string) bool {
	return (strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://")) &&
		!strings.ContainsAny(u, "|<> \n")
}

// cut shortens s to n runes, marking the cut.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// cutWords shortens s to n runes at a space, if there is one in its
// second half, marking the cut: a word is never shown in part.
func cutWords(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	for i := len(r) - 1; i > n/2; i-- {
		if r[i] == ' ' {
			r = r[:i]
			break
		}
	}
	return string(r) + "…"
}

// wrapAtSpaces splits a line longer than n runes at spaces into lines of
// at most n; a word longer than n is cut (cutWords).
func wrapAtSpaces(line string, n int) []string {
	var out []string
	for utf8.RuneCountInString(line) > n {
		r := []rune(line)
		i := n
		for i > n/2 && r[i] != ' ' {
			i--
		}
		if r[i] != ' ' {
			return append(out, cutWords(line, n))
		}
		out, line = append(out, string(r[:i])), string(r[i+1:])
	}
	return append(out, line)
}

// splitLines splits text into pieces of at most n runes, each ending at
// a line break; a single line longer than n is split at spaces, so a
// 3,000-character project that escaping lengthens loses no word.
func splitLines(text string, n int) []string {
	if utf8.RuneCountInString(text) <= n {
		return []string{text}
	}
	var lines []string
	for _, line := range strings.Split(text, "\n") {
		lines = append(lines, wrapAtSpaces(line, n)...)
	}
	var (
		out  []string
		cur  strings.Builder
		size int
	)
	for _, line := range lines {
		l := utf8.RuneCountInString(line)
		if size > 0 && size+1+l > n {
			out = append(out, cur.String())
			cur.Reset()
			size = 0
		}
		if size > 0 {
			cur.WriteString("\n")
			size++
		}
		cur.WriteString(line)
		size += l
	}
	if size > 0 {
		out = append(out, cur.String())
	}
	return out
}

// cutAtLine shortens text to n runes at its last whole line, marking the
// cut.
func cutAtLine(text string, n int) string {
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	return splitLines(text, n-2)[0] + "\n…"
}

func mrkdwnText(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func plainText(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

// blocks renders a response as Block Kit blocks, at most limit of them.
func blocks(r *commands.Response, limit int) []slack.Block {
	var out []slack.Block
	if r.Title != "" {
		out = append(out, slack.NewHeaderBlock(plainText(cutWords(r.Title, maxHeaderText))))
	}
	for _, s := range r.Sections {
		out = append(out, sectionBlocks(s)...)
	}
	if len(out) > limit {
		out = append(out[:limit-1], slack.NewContextBlock("", mrkdwnText("…")))
	}
	return out
}

func sectionBlocks(s commands.Section) []slack.Block {
	var out []slack.Block
	text := ""
	if s.Heading != "" {
		text = "*" + escape(s.Heading) + "*"
	}
	if body := mrkdwn(s.Body); body != "" {
		if text != "" {
			text += "\n"
		}
		text += body
	}
	for _, piece := range splitLines(text, maxSectionText) {
		if piece == "" {
			continue
		}
		if s.Note {
			out = append(out, slack.NewContextBlock("", mrkdwnText(piece)))
		} else {
			out = append(out, slack.NewSectionBlock(mrkdwnText(piece), nil, nil))
		}
	}
	for i := 0; i < len(s.Pairs); i += maxFieldsPerBox {
		var fields []*slack.TextBlockObject
		for _, p := range s.Pairs[i:min(i+maxFieldsPerBox, len(s.Pairs))] {
			fields = append(fields, mrkdwnText(cut("*"+escape(p.Label)+"*\n"+escape(p.Value), maxFieldText)))
		}
		out = append(out, slack.NewSectionBlock(nil, fields, nil))
	}
	if len(s.Buttons) > 0 {
		var elems []slack.BlockElement
		for _, b := range s.Buttons {
			elems = append(elems, button(b))
		}
		out = append(out, slack.NewActionBlock("", elems...))
	}
	return out
}

func button(b commands.Button) *slack.ButtonBlockElement {
	e := slack.NewButtonBlockElement(b.ActionID, b.Value, plainText(cut(b.Label, maxButtonText)))
	switch b.Style {
	case commands.ButtonPrimary:
		e.Style = slack.StylePrimary
	case commands.ButtonDanger:
		e.Style = slack.StyleDanger
	}
	if c := b.Confirm; c != nil {
		e.Confirm = slack.NewConfirmationBlockObject(plainText(cut(c.Title, 100)), plainText(cut(c.Text, 300)),
			plainText(cut(c.Yes, 30)), plainText(cut(c.No, 30)))
	}
	return e
}

// fallbackText is the plain text Slack shows in notifications and to
// screen readers; it is escaped like the blocks.
func fallbackText(r *commands.Response) string {
	var parts []string
	if r.Title != "" {
		parts = append(parts, escape(r.Title))
	}
	for _, s := range r.Sections {
		if s.Heading != "" {
			parts = append(parts, escape(s.Heading))
		}
		if len(s.Body) > 0 {
			parts = append(parts, mrkdwn(s.Body))
		}
		for _, p := range s.Pairs {
			// The renderer knows no language: a dash reads right in both,
			// where a colon takes a space before it in French only.
			parts = append(parts, escape(p.Label+" — "+p.Value))
		}
	}
	return cutAtLine(strings.Join(parts, "\n"), maxFallbackText)
}

// message renders a response as a slash-command reply or response_url
// payload.
func message(r *commands.Response) *slack.Msg {
	m := &slack.Msg{
		ResponseType: slack.ResponseTypeEphemeral,
		Text:         fallbackText(r),
		Blocks:       slack.Blocks{BlockSet: blocks(r, maxMessageBlocks)},
	}
	if r.Public {
		m.ResponseType = slack.ResponseTypeInChannel
	}
	if r.Replace {
		m.ReplaceOriginal = true
	}
	return m
}

// msgOptions renders a response for chat.postMessage and friends. Links
// never unfurl: a preview fetches the address, so a link a member or a
// model wrote would leak what it carries without anyone clicking.
func msgOptions(r *commands.Response) []slack.MsgOption {
	return []slack.MsgOption{
		slack.MsgOptionText(fallbackText(r), false),
		slack.MsgOptionBlocks(blocks(r, maxMessageBlocks)...),
		slack.MsgOptionDisableLinkUnfurl(),
		slack.MsgOptionDisableMediaUnfurl(),
	}
}

// modal renders a form as a Slack modal. Field ids become block ids, so
// the core's FieldErrors map straight onto Slack's error response.
func modal(f *commands.Form, closeLabel string) slack.ModalViewRequest {
	var bs []slack.Block
	for _, fl := range f.Fields {
		bs = append(bs, inputBlock(fl))
	}
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		Title:           plainText(cut(f.Title, maxModalTitle)),
		Submit:          plainText(cut(f.Submit, maxModalTitle)),
		Close:           plainText(cut(closeLabel, maxModalTitle)),
		CallbackID:      f.ID,
		PrivateMetadata: f.State,
		Blocks:          slack.Blocks{BlockSet: bs},
	}
}

func inputBlock(f commands.Field) *slack.InputBlock {
	var elem slack.BlockElement
	switch f.Kind {
	case commands.FieldDateTime:
		dt := slack.NewDateTimePickerBlockElement(valueActionID)
		if n, err := strconv.ParseInt(f.Value, 10, 64); err == nil {
			dt.InitialDateTime = n
		}
		elem = dt
	case commands.FieldCheckboxes:
		chosen := map[string]bool{}
		for _, v := range strings.Split(f.Value, "\n") {
			chosen[v] = true
		}
		cb := slack.NewCheckboxGroupsBlockElement(valueActionID)
		for _, o := range f.Options {
			ob := slack.NewOptionBlockObject(o.Value, plainText(cut(o.Label, 75)), nil)
			cb.Options = append(cb.Options, ob)
			if chosen[o.Value] {
				cb.InitialOptions = append(cb.InitialOptions, ob)
			}
		}
		elem = cb
	case commands.FieldChannel:
		sel := slack.NewOptionsSelectBlockElement(slack.OptTypeConversations, nil, valueActionID)
		sel.Filter = &slack.SelectBlockElementFilter{Include: []string{"public", "private"}, ExcludeBotUsers: true, ExcludeExternalSharedChannels: true}
		sel.InitialConversation = f.Value
		elem = sel
	case commands.FieldSelect:
		var opts []*slack.OptionBlockObject
		var initial *slack.OptionBlockObject
		for _, o := range f.Options {
			ob := slack.NewOptionBlockObject(o.Value, plainText(cut(o.Label, 75)), nil)
			opts = append(opts, ob)
			if o.Value == f.Value {
				initial = ob
			}
		}
		sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, valueActionID, opts...)
		sel.InitialOption = initial
		elem = sel
	default:
		in := slack.NewPlainTextInputBlockElement(nil, valueActionID)
		in.InitialValue = f.Value
		in.Multiline = f.Kind == commands.FieldLongText
		if f.MaxLength > 0 {
			in.MaxLength = f.MaxLength
		}
		if f.Placeholder != "" {
			in.Placeholder = plainText(cut(f.Placeholder, 150))
		}
		elem = in
	}
	var hint *slack.TextBlockObject
	if f.Hint != "" {
		hint = plainText(cut(f.Hint, 2000))
	}
	b := slack.NewInputBlock(f.ID, plainText(cut(f.Label, 2000)), hint, elem)
	b.Optional = f.Optional
	return b
}

// resultView replaces a submitted modal with the response to it.
func resultView(r *commands.Response, closeLabel string) *slack.ModalViewRequest {
	title := r.Title
	if title == "" {
		title = "Cercle"
	}
	body := *r
	body.Title = ""
	return &slack.ModalViewRequest{
		Type:   slack.VTModal,
		Title:  plainText(cut(title, maxModalTitle)),
		Close:  plainText(cut(closeLabel, maxModalTitle)),
		Blocks: slack.Blocks{BlockSet: blocks(&body, maxViewBlocks)},
	}
}

// homeView renders the App Home tab.
func homeView(r *commands.Response) slack.HomeTabViewRequest {
	return slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks(r, maxViewBlocks)}}
}

// formValues flattens a submitted view's state (block id → action id →
// value) into field id → value.
func formValues(state *slack.ViewState) map[string]string {
	out := map[string]string{}
	if state == nil {
		return out
	}
	for blockID, actions := range state.Values {
		a, ok := actions[valueActionID]
		if !ok {
			continue
		}
		v := a.Value
		switch {
		case a.SelectedOption.Value != "":
			v = a.SelectedOption.Value
		case a.SelectedDateTime != 0:
			v = strconv.FormatInt(a.SelectedDateTime, 10)
		case a.SelectedConversation != "":
			v = a.SelectedConversation
		case a.Type == slack.ActionType(slack.METCheckboxGroups):
			var chosen []string
			for _, o := range a.SelectedOptions {
				chosen = append(chosen, o.Value)
			}
			v = strings.Join(chosen, "\n")
		}
		out[blockID] = v
	}
	return out
}
