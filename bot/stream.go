package bot

import (
	"context"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"cercle/commands"
	"cercle/i18n"
)

// Streaming an answer as the model writes it (chat.startStream,
// .appendStream, .stopStream). The model's words arrive on the model's
// turn; they are only buffered there, and a goroutine of the streamer's
// own sends them, each call with a Slack turn, so a slow Slack never holds
// a model turn and a turn is never taken inside another.
const (
	// streamChunk is how many characters are buffered before an append:
	// Slack's SDKs buffer 512, fewer calls than words, still live.
	streamChunk = 400
	// maxStreamText is Slack's limit on markdown_text, and what one
	// streamed message holds here: beyond it the answer goes on in a
	// follow-up message.
	maxStreamText = 12_000
	// feedbackActionID is the action of the feedback buttons under a
	// streamed answer: clicks are logged, the core is not asked.
	feedbackActionID = "assistant.feedback"
)

// streamer streams one answer into a thread. write may be called from the
// model's goroutine; close, then finish, end it.
type streamer struct {
	b                           *Bot
	channel, thread, user, team string

	mu      sync.Mutex
	pending string // received, not yet sent

	// Touched by run's goroutine, then by finish once run has returned.
	ts     string          // the streamed message, once started
	sent   int             // characters in it
	shown  strings.Builder // everything streamed, all messages
	broken bool            // Slack refused a call: the rest goes by chat.update

	wake chan struct{}
	quit chan struct{}
	done chan struct{}
}

// newStreamer starts a streamer for a reply in thread (channel, thread)
// to user of team; ctx bounds its calls.
func (b *Bot) newStreamer(ctx context.Context, channel, thread, user, team string) *streamer {
	s := &streamer{b: b, channel: channel, thread: thread, user: user, team: team,
		wake: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	go s.run(ctx)
	return s
}

// write buffers a delta and wakes the sender once a chunk is ready. It
// never waits on Slack.
func (s *streamer) write(delta string) {
	s.mu.Lock()
	s.pending += delta
	ready := utf8.RuneCountInString(s.pending) >= streamChunk
	s.mu.Unlock()
	if ready {
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}

func (s *streamer) run(ctx context.Context) {
	defer close(s.done)
	for {
		select {
		case <-s.wake:
			if text := s.take(streamChunk); text != "" {
				_ = s.b.step(ctx, classSlack, func(ctx context.Context) { s.send(ctx, text) })
			}
		case <-s.quit:
			return
		}
	}
}

// close stops the sender and waits for it; call it before finish, and
// without holding a turn (the sender may be waiting for a Slack turn).
func (s *streamer) close() {
	close(s.quit)
	<-s.done
}

// take returns what is buffered when it is at least min characters, and
// empties the buffer.
func (s *streamer) take(min int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.broken || utf8.RuneCountInString(s.pending) < min {
		return ""
	}
	text := s.pending
	s.pending = ""
	return text
}

// started reports whether a streamed message exists. Call after close.
func (s *streamer) started() bool { return s.ts != "" }

// send streams text, starting the message, or a follow-up one when the
// current one is full. It runs with a Slack turn.
func (s *streamer) send(ctx context.Context, text string) {
	for text != "" && !s.broken {
		room := maxStreamText - s.sent
		if s.ts != "" && room <= 0 {
			// Full: end this message, go on in a new one.
			if _, _, err := s.b.api.StopStreamContext(ctx, s.channel, s.ts); err != nil {
				s.fail("chat.stopStream", err)
				return
			}
			s.ts, s.sent, room = "", 0, maxStreamText
		}
		piece := text
		if utf8.RuneCountInString(piece) > room {
			piece = string([]rune(piece)[:room])
		}
		text = text[len(piece):]
		var err error
		if s.ts == "" {
			// No link previews, as for every post (msgOptions): the model's
			// words are untrusted, and a preview fetches the address.
			_, s.ts, err = s.b.api.StartStreamContext(ctx, s.channel, slack.MsgOptionTS(s.thread),
				slack.MsgOptionRecipientUserID(s.user), slack.MsgOptionRecipientTeamID(s.team), slack.MsgOptionMarkdownText(piece),
				slack.MsgOptionDisableLinkUnfurl(), slack.MsgOptionDisableMediaUnfurl())
		} else {
			_, _, err = s.b.api.AppendStreamContext(ctx, s.channel, s.ts, slack.MsgOptionMarkdownText(piece))
		}
		if err != nil {
			s.fail("chat.appendStream", err)
			return
		}
		s.sent += utf8.RuneCountInString(piece)
		s.shown.WriteString(piece)
	}
}

func (s *streamer) fail(method string, err error) {
	s.mu.Lock()
	s.broken = true
	s.mu.Unlock()
	s.b.logger.Warn("streamed answer cut short", "method", method, "err", err)
}

// finish ends the stream with the final response, under its text the
// response's buttons and notes and the feedback buttons. When the stream
// broke (message_not_in_streaming_state after Slack's few minutes, or any
// other error), or what was streamed is not what the core answered in the
// end, the streamed message is replaced with the response (chat.update).
// It runs with a Slack turn, after close; it reports false when the
// answer is not shown, for the caller to post it.
func (s *streamer) finish(ctx context.Context, resp *commands.Response, p *i18n.Printer) bool {
	if rest := s.take(0); rest != "" {
		s.send(ctx, rest)
	}
	if !s.started() {
		return false
	}
	same := sameWords(s.shown.String(), plainParagraphs(resp))
	if !s.broken {
		extra := append(blocks(&commands.Response{Sections: extraSections(resp)}, maxMessageBlocks-1), feedbackBlock(p))
		if !same {
			extra = nil
		}
		_, _, err := s.b.api.StopStreamContext(ctx, s.channel, s.ts, slack.MsgOptionBlocks(extra...))
		if err == nil && same {
			return true
		}
		if err != nil {
			s.b.logger.Warn("streamed answer not stopped", "err", err)
		}
	}
	_, _, _, err := s.b.api.UpdateMessageContext(ctx, s.channel, s.ts, msgOptions(resp)...)
	if err != nil {
		s.b.logger.Warn("streamed answer not replaced", "err", err)
		return false
	}
	return true
}

// plainParagraphs is the text of the response's plain paragraphs: what a
// model's answer streamed.
func plainParagraphs(r *commands.Response) string {
	var parts []string
	for _, sec := range r.Sections {
		if isPlainParagraph(sec) {
			for _, sp := range sec.Body {
				parts = append(parts, sp.Text)
			}
		}
	}
	return strings.Join(parts, " ")
}

// extraSections are the response's sections that are not plain text:
// buttons (confirm a proposed action), notes (the generated-answer label).
func extraSections(r *commands.Response) []commands.Section {
	var out []commands.Section
	for _, sec := range r.Sections {
		if !isPlainParagraph(sec) {
			out = append(out, sec)
		}
	}
	return out
}

func isPlainParagraph(sec commands.Section) bool {
	if sec.Note || sec.Heading != "" || len(sec.Buttons) > 0 || len(sec.Pairs) > 0 {
		return false
	}
	for _, sp := range sec.Body {
		if sp.Kind != commands.SpanText {
			return false
		}
	}
	return true
}

// sameWords compares two texts word by word, whatever their spacing.
func sameWords(a, b string) bool {
	return strings.Join(strings.Fields(a), " ") == strings.Join(strings.Fields(b), " ")
}

// feedbackBlock is the thumbs up and down under a streamed answer.
func feedbackBlock(p *i18n.Printer) slack.Block {
	return slack.NewContextActionsBlock("", slack.NewFeedbackButtonsBlockElement(feedbackActionID,
		slack.NewFeedbackButton(plainText(p.T("assistant.feedback.good")), "good"),
		slack.NewFeedbackButton(plainText(p.T("assistant.feedback.bad")), "bad")))
}
