package bot

import (
	"context"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"cercle/commands"
	"cercle/i18n"
)

// The assistant's Slack surfaces share one path: a mention, a DM and a
// message in the assistant panel (a DM thread) that start with a command
// word run the command (Handle, a database turn, as before); anything else
// is a question for the core's Ask, on a model turn (see admission.go).
//
//   - A mention is answered ephemerally in its channel, never streamed:
//     the answer is built from the member's own data (their registrations,
//     their groups), which the channel must not see. Its conversation is
//     the mention's thread (thread_ts, or its own ts).
//   - A DM outside a thread is answered in the DM, not streamed (a stream
//     is a reply in a thread); its conversation is the whole DM.
//   - A DM in a thread, which is how the assistant panel's messages come,
//     gets a status (« réfléchit… ») at once, then the answer in the
//     thread, streamed when the model writes it. Posting in the thread
//     clears the status; when nothing can be posted, it is cleared by
//     hand: Slack blocks the compose box while a status is set.

// chat answers a mention or a DM. It runs on the event's database turn
// and returns what follows, which takes its own turns.
func (b *Bot) chat(ctx context.Context, req *commands.Request, thread commands.ThreadRef, team string) func(ctx context.Context) {
	if b.service.IsCommand(req.Text) {
		return b.chatAnswer(ctx, req)
	}
	q := &question{req: req, thread: thread, team: team, p: b.service.Printer(ctx, req.User)}
	return func(ctx context.Context) { b.ask(ctx, q) }
}

// question is a message for the core's Ask and where its answer goes.
type question struct {
	req    *commands.Request
	thread commands.ThreadRef
	team   string
	p      *i18n.Printer
}

// inAssistantThread reports whether the answer goes in a DM thread, with
// a status while it is written and streamed as it is.
func (q *question) inAssistantThread() bool {
	return q.req.Kind == commands.KindDirectMessage && q.thread.TS != ""
}

// ask runs the core's Ask on a model turn, between a status and the
// answer, each on a Slack turn. Every way out posts in the thread (the
// answer, or a sentence saying none came) or clears the status.
func (b *Bot) ask(ctx context.Context, q *question) {
	channel, user := string(q.thread.Channel), string(q.req.User.ID)
	var st *streamer
	var stream func(string)
	if q.inAssistantThread() {
		b.deliver(ctx, func(ctx context.Context) { b.setStatus(ctx, q, q.p.T("assistant.status")) })
		st = b.newStreamer(ctx, channel, q.thread.TS, user, q.team)
		stream = st.write
	}
	var resp *commands.Response
	err := b.step(ctx, classModel, func(ctx context.Context) { resp = b.service.Ask(ctx, q.req, q.thread, stream) })
	if err != nil || resp == nil {
		// A panic (logged by step) or no model turn in time.
		resp = &commands.Response{Sections: []commands.Section{commands.Paragraph(commands.Text(q.p.T("assistant.error")))}}
	}
	if st != nil {
		st.close()
	}
	var shown bool
	b.deliver(ctx, func(ctx context.Context) { shown = b.answer(ctx, q, st, resp) })
	if !shown && q.inAssistantThread() {
		b.deliver(ctx, func(ctx context.Context) { b.setStatus(ctx, q, "") })
	}
}

// answer shows resp: the end of its stream, or a message in the thread
// (ephemeral in a mention's channel, unless public). It runs with a Slack
// turn and reports whether the answer was shown.
func (b *Bot) answer(ctx context.Context, q *question, st *streamer, resp *commands.Response) bool {
	if st != nil && st.finish(ctx, resp, q.p) {
		return true
	}
	channel := string(q.thread.Channel)
	var err error
	if q.req.Kind == commands.KindMention && !resp.Public {
		_, err = b.api.PostEphemeralContext(ctx, channel, string(q.req.User.ID), msgOptions(resp)...)
	} else {
		opts := msgOptions(resp)
		if q.thread.TS != "" {
			opts = append(opts, slack.MsgOptionTS(q.thread.TS))
		}
		_, _, err = b.api.PostMessageContext(ctx, channel, opts...)
	}
	if err != nil {
		b.logger.Warn("answer not delivered", "slack_user", q.req.User.ID, "err", err)
		return false
	}
	return true
}

// setStatus sets the assistant thread's status; "" clears it. Slack joins
// loading messages with commas, so none may hold one.
func (b *Bot) setStatus(ctx context.Context, q *question, status string) {
	params := slack.AssistantThreadsSetStatusParameters{ChannelID: string(q.thread.Channel), ThreadTS: q.thread.TS, Status: status}
	if status != "" {
		params.LoadingMessages = []string{strings.ReplaceAll(q.p.T("assistant.loading"), ",", " ")}
	}
	if err := b.api.SetAssistantThreadsStatusContext(ctx, params); err != nil {
		b.logger.Warn("assistant status not set", "cleared", status == "", "err", err)
	}
}

// threadStarted stores the thread's context, if Slack sent one, and
// returns the suggested prompts to show, in the member's language. It
// runs on the event's database turn.
func (b *Bot) threadStarted(ctx context.Context, t slackevents.AssistantThread) func(ctx context.Context) {
	if t.UserID == "" || t.ChannelID == "" || t.ThreadTimeStamp == "" {
		return nil
	}
	b.saveThreadContext(ctx, t)
	p := b.service.Printer(ctx, commands.User{ID: commands.UserID(t.UserID)})
	params := slack.AssistantThreadsSetSuggestedPromptsParameters{ChannelID: t.ChannelID, ThreadTS: t.ThreadTimeStamp,
		Title: p.T("assistant.prompts.title")}
	for _, k := range []string{"plenaries", "registrations", "expert", "groups"} {
		params.AddPrompt(p.T("assistant.prompt."+k+".title"), p.T("assistant.prompt."+k+".message"))
	}
	return b.onSlack(func(ctx context.Context) {
		if err := b.api.SetAssistantThreadsSuggestedPromptsContext(ctx, params); err != nil {
			b.logger.Warn("suggested prompts not set", "err", err)
		}
	})
}

// saveThreadContext stores the channel the member was looking at, when
// Slack says (it often does not on thread start, always on a change).
func (b *Bot) saveThreadContext(ctx context.Context, t slackevents.AssistantThread) {
	if t.Context.ChannelID == "" || t.UserID == "" || t.ThreadTimeStamp == "" {
		return
	}
	thread := commands.ThreadRef{Channel: commands.ChannelID(t.ChannelID), TS: t.ThreadTimeStamp}
	if err := b.service.SaveThreadContext(ctx, thread, commands.UserID(t.UserID), commands.ChannelID(t.Context.ChannelID)); err != nil {
		b.logger.Error("assistant thread context not saved", "err", err)
	}
}

// onSlack returns fn to run with a Slack turn.
func (b *Bot) onSlack(fn func(ctx context.Context)) func(ctx context.Context) {
	return func(ctx context.Context) { b.deliver(ctx, fn) }
}
